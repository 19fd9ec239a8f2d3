import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module.js';
import { ConfigModule } from './config/config.module.js';
import type { PodConfig } from './config/pod-config.js';
import { EventLogModule } from './event-log/event-log.module.js';
import { FederationModule } from './federation/federation.module.js';
import { HealthModule } from './health/health.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { LoggerModule } from './logger/logger.module.js';
import type { PodLogger } from './logger/pod-logger.js';
import { MirrorsModule } from './mirrors/mirrors.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { P2pModule } from './p2p/p2p.module.js';
import { PodLifecycle } from './pod-lifecycle.js';
import { PodQuiescence } from './pod-quiescence.js';
import { PodsModule } from './pods/pods.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { UsersModule } from './users/users.module.js';
import { VideosModule } from './videos/videos.module.js';

export interface PodModuleOptions {
  config: PodConfig;
  /** Where the pod's services write (console in production). */
  logger: PodLogger;
  /** The environment (the admin password may come from it). */
  env: NodeJS.ProcessEnv;
}

/**
 * The pod: one module per context, each with its controllers, command and query handlers and
 * services; PodLifecycle starts and stops them in order. See docs/architecture.md.
 */
@Module({})
export class PodModule {
  static forRoot(options: PodModuleOptions): DynamicModule {
    return {
      module: PodModule,
      imports: [
        CqrsModule.forRoot(),
        ConfigModule.forRoot(options.config, options.env),
        LoggerModule.forRoot(options.logger),
        EventLogModule,
        ProjectionsModule,
        UsersModule,
        VideosModule,
        MirrorsModule,
        FederationModule,
        PodsModule,
        AuditModule,
        MetricsModule,
        HealthModule,
        P2pModule,
      ],
      providers: [PodLifecycle, PodQuiescence, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
