import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MAX_INBOX_BODY_BYTES } from '../../../libs/contracts/src/federation/federation-limits.js';
import { ClientAddresses } from './http/client-address.js';
import { API_DOCS_PATH, mountApiDocs } from './http/openapi.js';
import { KnownPodOrigins, securityHeaders } from './http/security-headers.js';
import { PodModule } from './pod.module.js';
import type { PodRuntime } from './pod-runtime.js';
import { findRepositoryRoot } from './repository-root.js';
import { mountStaticFiles } from './videos/static-files.js';
import { mountWebSite } from './web/web-site.js';

export interface RunningPod {
  runtime: PodRuntime;
  app: NestExpressApplication;
  /** The port actually bound (useful with port 0 in tests). */
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP side of a pod on an opened runtime. */
export async function startPodApp(runtime: PodRuntime, options: { logger?: false | ('log' | 'warn' | 'error')[] } = {}): Promise<RunningPod> {
  const app = await NestFactory.create<NestExpressApplication>(PodModule.forRuntime(runtime), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    bodyParser: false,
    // The inbox checks the Digest header against the exact bytes received.
    rawBody: true,
  });
  app.disable('x-powered-by');
  // req.ip and req.protocol from X-Forwarded-For/-Proto, from the trusted proxies only (the
  // login and sign-up limits key on req.ip); the tracker uses the same rule (pod-tracker.ts).
  app.set('trust proxy', new ClientAddresses(runtime.config.trustedProxies).trust);
  app.useBodyParser('json', { limit: MAX_INBOX_BODY_BYTES, type: ['application/json', 'application/activity+json', 'application/ld+json', 'application/*+json'] });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  // Before init: Nest registers its 404 handler at init, and the site's history-mode
  // fallback must come first (it never answers API paths).
  const express = app.getHttpAdapter().getInstance();
  const origins = new KnownPodOrigins(runtime.store.readModels, runtime.config.publicUrl);
  await origins.refresh();
  express.use(securityHeaders({ publicUrl: runtime.config.publicUrl, origins, apiDocsPath: API_DOCS_PATH }));
  runtime.videos.tracker.mountHttp(express);
  mountStaticFiles(express, runtime.videos.storage);
  mountWebSite(express, join(findRepositoryRoot(), 'dist', 'web'));
  // The Swagger UI and the OpenAPI document (the site leaves /api to others).
  mountApiDocs(app);
  await app.init();
  await app.listen(runtime.config.port, runtime.config.listen);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  await runtime.startServing(app.getHttpServer(), port);
  return {
    runtime,
    app,
    port,
    async close() {
      await runtime.stopServing();
      await app.close();
      await runtime.close();
    },
  };
}
