import { openSqliteEventStore } from '@swarmtube/event-store';
import { createTestSealer } from '@swarmtube/testing';

/**
 * Appends forever with `concurrency` concurrent appenders and prints each id once its
 * append resolved, i.e. once the store said it is durable. The parent kill -9s us and
 * checks that every printed id survived. stdout to a pipe is synchronous on Linux, so a
 * printed line is out of the process before the next append starts.
 *   node dist/bench/lib/durability-child.js <sqlite file> <concurrency>
 */
const [path, concurrencyArg] = process.argv.slice(2);
const store = await openSqliteEventStore({ path, sealer: createTestSealer('http://localhost:9001/federation/actor'), synchronous: 'FULL' });
const concurrency = Number(concurrencyArg ?? 50);

async function appender(k: number): Promise<never> {
  for (let i = 0; ; i++) {
    const result = await store.append(`durability:${k}`, [{ type: 'TestHappened', schemaVersion: 1, data: { k, i } }], { expectedVersion: 'any' });
    process.stdout.write(`${result.events[0].event.id}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: concurrency }, (_, k) => appender(k)));
