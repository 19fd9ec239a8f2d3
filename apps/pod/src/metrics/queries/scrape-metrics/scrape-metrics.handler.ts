import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PodMetrics } from '../../pod-metrics.js';
import { ScrapeMetricsQuery } from './scrape-metrics.query.js';

@QueryHandler(ScrapeMetricsQuery)
export class ScrapeMetricsHandler implements IQueryHandler<ScrapeMetricsQuery, { contentType: string; body: string }> {
  constructor(private readonly metrics: PodMetrics) {}

  execute(): Promise<{ contentType: string; body: string }> {
    return this.metrics.render();
  }
}
