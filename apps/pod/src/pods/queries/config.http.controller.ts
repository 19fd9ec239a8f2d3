import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PodConfigDto } from '../../../../../libs/contracts/src/api/rest-types.js';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import { SWARMTUBE_VERSION } from '../../version.js';
import { PodConfigOpenApi } from './config.openapi.js';

@ApiTags('config')
@Controller('api/v1/config')
export class ConfigHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  @ApiOperation({ summary: 'This pod: host, name, version, whether it takes sign-ups' })
  @ApiOkResponse({ description: 'The pod\'s public configuration.', type: PodConfigOpenApi })
  get(): PodConfigDto {
    const { host, publicUrl, name, signup } = this.runtime.config;
    return { host, publicUrl, name, version: SWARMTUBE_VERSION, signup };
  }
}
