import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';

@Controller('metrics')
export class MetricsHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.runtime.metrics.render();
    response.type(contentType).send(body);
  }
}
