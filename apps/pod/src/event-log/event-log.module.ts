import { mkdirSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { createEnvelopeSealer } from '@swarmtube/event-envelope';
import { loadOrCreatePodKeys, type PodKeys } from '@swarmtube/event-envelope';
import { openEventStore } from '@swarmtube/event-store';
import type { EventStore } from '@swarmtube/event-store';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { acquireDataLock, type DataLock } from '../migrations/data-lock.js';
import { migrate } from '../migrations/migrate.js';
import { DATA_LOCK, EVENT_STORE, POD_KEYS } from './event-log.tokens.js';
import { EventLog } from './event-log.js';

/**
 * The log: the pod's keys, the event store they seal with (SQLite or PostgreSQL, with its
 * read-model database) and EventLog, the write side every use case appends through.
 */
@Module({
  providers: [
    {
      provide: POD_KEYS,
      inject: [POD_CONFIG],
      useFactory: async (config: PodConfig): Promise<PodKeys> => {
        mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
        return loadOrCreatePodKeys(config.dataDir);
      },
    },
    {
      // Before anything writes: a second pod, or an admin command, on the same data is refused.
      provide: DATA_LOCK,
      inject: [POD_CONFIG],
      useFactory: (config: PodConfig): Promise<DataLock> => {
        mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
        return acquireDataLock({ database: config.database, dataDir: config.dataDir, schema: config.databaseSchema, holder: 'pod' });
      },
    },
    {
      provide: EVENT_STORE,
      inject: [POD_CONFIG, POD_ACTOR, POD_KEYS, DATA_LOCK],
      useFactory: async (config: PodConfig, actor: string, keys: PodKeys, lock: DataLock): Promise<OpenedEventStore> => {
        let store: OpenedEventStore | undefined;
        try {
          store = await openEventStore({
            database: config.database,
            dataDir: config.dataDir,
            schema: config.databaseSchema,
            poolSize: config.databasePoolSize,
            sealer: createEnvelopeSealer({ origin: actor, privateKey: keys.ed25519.privateKey }),
          });
          // The local-state tables (accounts, jobs, cursors, health) at this code's version.
          await migrate(store.readModels);
          return store;
        } catch (error) {
          await store?.close().catch(() => {});
          await lock.release();
          throw error;
        }
      },
    },
    {
      provide: EventLog,
      inject: [EVENT_STORE, POD_ACTOR, EventBus],
      useFactory: (store: EventStore, actor: string, events: EventBus) => new EventLog(store, actor, events),
    },
  ],
  exports: [POD_KEYS, EVENT_STORE, DATA_LOCK, EventLog],
})
export class EventLogModule {}
