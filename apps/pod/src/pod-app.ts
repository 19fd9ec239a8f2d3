import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MAX_INBOX_BODY_BYTES } from '@swarmtube/contracts';
import type { OpenedEventStore } from '@swarmtube/event-store';
import type { PodConfig } from './config/pod-config.js';
import { EVENT_STORE } from './event-log/event-log.tokens.js';
import { accessLog } from './http/access-log.js';
import { ClientAddresses } from './http/client-address.js';
import { API_DOCS_PATH, mountApiDocs } from './http/openapi.js';
import { KnownPodOrigins, securityHeaders } from './http/security-headers.js';
import { NestPodLogger } from './logger/nest-logger.js';
import { PodLog } from './logger/pod-log.js';
import { PodLifecycle } from './pod-lifecycle.js';
import { PodModule } from './pod.module.js';
import { PodQuiescence } from './pod-quiescence.js';
import { PodMetrics } from './metrics/pod-metrics.js';
import { requestMetrics } from './metrics/request-metrics.js';
import { findRepositoryRoot } from './repository-root.js';
import { PodTracker } from './tracker/pod-tracker.js';
import { TrackerRegistry } from './tracker/tracker-registry.js';
import { mountStaticFiles } from './videos/static-files.js';
import { VideoStorage } from './videos/video-storage.js';
import { mountWebSite } from './web/web-site.js';

export interface OpenPodOptions {
  /** Serve HTTP on config.port (the API, the site, the tracker, the seeder); without it, the pod runs without a server (tests, tools). */
  http?: boolean;
  /**
   * The pod's one logger (its services', Nest's, the access log); by default opened from
   * `config.log` on stdout. Tests pass one on a sink they read, or PodLog.silent().
   */
  logger?: PodLog;
  env?: NodeJS.ProcessEnv;
}

/** A pod running in this process: its Nest application (context), and how to start federation and stop. */
export interface OpenedPod {
  /** Every provider of every context: `app.get(EventLog)`, `app.get(EVENT_STORE)`… */
  app: INestApplicationContext;
  /** The HTTP port actually bound (useful with port 0 in tests); null without http. */
  port: number | null;
  /** The pod's logger (main.ts writes its start and stop lines there). */
  logger: PodLog;
  /** Push, pull and health probes: once the pod is reachable. */
  startFederation(): Promise<void>;
  /** Nothing being delivered, pulled or projected right now (PodQuiescence). */
  idle(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens a pod: Nest builds every context's providers (keys, store, tables), PodLifecycle
 * announces it and catches its read models up; with `http`, it then listens, and the tracker
 * and the seeder start. Federation starts apart (startFederation), as main.ts does.
 */
export async function openPod(config: PodConfig, options: OpenPodOptions = {}): Promise<OpenedPod> {
  const logger = options.logger ?? PodLog.open(config.log, { pod: config.host });
  const module = PodModule.forRoot({ config, logger, env: options.env ?? process.env });
  const nestLogger = new NestPodLogger(logger);
  if (!options.http) {
    const app = await NestFactory.createApplicationContext(module, { logger: nestLogger, abortOnError: false, bufferLogs: true, autoFlushLogs: false });
    app.flushLogs();
    try {
      await app.get(PodLifecycle).catchUp();
    } catch (error) {
      await app.close().catch(() => {});
      throw error;
    }
    return opened(app, null, logger, async () => {
      await app.get(PodLifecycle).close();
      await app.close();
    });
  }
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: nestLogger,
    // A pod that cannot open (corrupt store, keys that are not the announced ones) fails with
    // its own message (main.ts): Nest's logs are held until the application exists, so its
    // ExceptionHandler does not print the same error again as a stack trace.
    abortOnError: false,
    bufferLogs: true,
    autoFlushLogs: false,
    bodyParser: false,
    // The inbox checks the Digest header against the exact bytes received.
    rawBody: true,
  });
  app.flushLogs();
  app.disable('x-powered-by');
  // req.ip and req.protocol from X-Forwarded-For/-Proto, from the trusted proxies only (the
  // login and sign-up limits key on req.ip); the tracker uses the same rule (pod-tracker.ts).
  const addresses = new ClientAddresses(config.trustedProxies);
  app.set('trust proxy', addresses.trust);
  // First of all: every request is logged with its id, the static files and the tracker's too.
  app.use(accessLog(logger, addresses));
  app.useBodyParser('json', { limit: MAX_INBOX_BODY_BYTES, type: ['application/json', 'application/activity+json', 'application/ld+json', 'application/*+json'] });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  // Before init: Nest registers its 404 handler at init, and the site's history-mode
  // fallback must come first (it never answers API paths).
  const express = app.getHttpAdapter().getInstance();
  // The pods this one knows are read once the read models exist (after init), then kept fresh.
  const origins = new KnownPodOrigins(app.get<OpenedEventStore>(EVENT_STORE).readModels, config.publicUrl);
  express.use(requestMetrics(app.get(PodMetrics)));
  express.use(securityHeaders({ publicUrl: config.publicUrl, origins, apiDocsPath: API_DOCS_PATH }));
  app.get(PodTracker).mountHttp(express);
  mountStaticFiles(express, app.get(VideoStorage), app.get(TrackerRegistry).served);
  mountWebSite(express, join(findRepositoryRoot(), 'dist', 'web'));
  // The Swagger UI and the OpenAPI document (the site leaves /api to others).
  mountApiDocs(app);
  const lifecycle = app.get(PodLifecycle);
  let port: number;
  try {
    await app.init();
    await origins.refresh();
    await app.listen(config.port, config.listen);
    port = (app.getHttpServer().address() as AddressInfo).port;
    await lifecycle.startServing(app.getHttpServer(), port);
  } catch (error) {
    // A port taken, a tracker that cannot bind: close what was opened, or its handles (the
    // store's subscriptions, the database pool) keep the process alive.
    await lifecycle.close().catch(() => {});
    await app.close().catch(() => {});
    throw error;
  }
  return opened(app, port, logger, async () => {
    await lifecycle.stopServing();
    await app.close();
    await lifecycle.close();
  });
}

function opened(app: INestApplicationContext, port: number | null, logger: PodLog, close: () => Promise<void>): OpenedPod {
  let closing: Promise<void> | undefined;
  return {
    app,
    port,
    logger,
    startFederation: () => app.get(PodLifecycle).startFederation(),
    idle: () => app.get(PodQuiescence).idle(),
    close: () => (closing ??= close()),
  };
}
