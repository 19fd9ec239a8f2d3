import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ScrapeMetricsQuery } from './scrape-metrics.query.js';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'The Prometheus text exposition format.', content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } })
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.queries.execute(new ScrapeMetricsQuery());
    response.type(contentType).send(body);
  }
}
