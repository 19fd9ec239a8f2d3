import { Global, Module, type DynamicModule } from '@nestjs/common';
import { POD_ACTOR, POD_CONFIG, POD_ENV } from './config.tokens.js';
import { actorUrl, type PodConfig } from './pod-config.js';

/** The pod's configuration and what derives from it alone (its actor URL), for every context. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: PodConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: POD_CONFIG, useValue: config },
        { provide: POD_ACTOR, useValue: actorUrl(config) },
        { provide: POD_ENV, useValue: env },
      ],
      exports: [POD_CONFIG, POD_ACTOR, POD_ENV],
    };
  }
}
