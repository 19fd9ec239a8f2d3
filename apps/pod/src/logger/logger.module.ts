import { Global, Module, type DynamicModule } from '@nestjs/common';
import { POD_LOGGER, type PodLogger } from './pod-logger.js';

/** The pod's logger, for every context (global: each service takes it by constructor). */
@Global()
@Module({})
export class LoggerModule {
  static forRoot(logger: PodLogger): DynamicModule {
    return { module: LoggerModule, providers: [{ provide: POD_LOGGER, useValue: logger }], exports: [POD_LOGGER] };
  }
}
