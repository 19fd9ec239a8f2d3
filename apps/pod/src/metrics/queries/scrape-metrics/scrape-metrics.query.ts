import { Query } from '@nestjs/cqrs';

/** The pod's metrics in the Prometheus text exposition format. */
export class ScrapeMetricsQuery extends Query<{ contentType: string; body: string }> {}
