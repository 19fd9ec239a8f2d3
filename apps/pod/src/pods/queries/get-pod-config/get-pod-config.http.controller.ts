import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PodConfigDto } from '@swarmtube/contracts';
import { GetPodConfigQuery } from './get-pod-config.query.js';
import { PodConfigOpenApi } from './get-pod-config.openapi.js';

@ApiTags('config')
@Controller('api/v1/config')
export class ConfigHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'This pod: host, name, version, whether it takes sign-ups' })
  @ApiOkResponse({ description: 'The pod\'s public configuration.', type: PodConfigOpenApi })
  get(): Promise<PodConfigDto> {
    return this.queries.execute(new GetPodConfigQuery());
  }
}
