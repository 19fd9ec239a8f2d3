import { Controller, Get, Inject } from '@nestjs/common';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import { SWARMTUBE_VERSION } from '../../version.js';

@Controller('api/v1/config')
export class ConfigHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  get(): { host: string; name: string; version: string; signup: boolean } {
    const { host, name, signup } = this.runtime.config;
    return { host, name, version: SWARMTUBE_VERSION, signup };
  }
}
