import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ProblemError } from './http/problem.js';
import { PodModule } from './pod.module.js';
import type { PodRuntime } from './pod-runtime.js';
import { findRepositoryRoot } from './repository-root.js';
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
  });
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  await app.init();
  // After the routes, so that API paths win; before the 404 handler, which is Nest's.
  mountWebSite(app.getHttpAdapter().getInstance(), join(findRepositoryRoot(), 'dist', 'web'));
  app.getHttpAdapter().getInstance().use((req: { method: string; path: string }, _res: unknown, next: (e?: unknown) => void) =>
    next(new ProblemError('not-found', `no route for ${req.method} ${req.path}`)),
  );
  await app.listen(runtime.config.port, runtime.config.listen);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    runtime,
    app,
    port,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
