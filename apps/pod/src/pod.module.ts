import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventsHttpController } from './audit/queries/events.http.controller.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { MetricsHttpController } from './metrics/metrics.http.controller.js';
import { POD_RUNTIME } from './pod-runtime.token.js';
import type { PodRuntime } from './pod-runtime.js';
import { ConfigHttpController } from './pods/queries/config.http.controller.js';

@Module({})
export class PodModule {
  static forRuntime(runtime: PodRuntime): DynamicModule {
    return {
      module: PodModule,
      controllers: [ConfigHttpController, EventsHttpController, MetricsHttpController],
      providers: [
        { provide: POD_RUNTIME, useValue: runtime },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
