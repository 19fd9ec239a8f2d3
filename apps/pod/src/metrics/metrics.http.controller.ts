import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'The Prometheus text exposition format.', content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } })
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.runtime.metrics.render();
    response.type(contentType).send(body);
  }
}
