import { Controller, Get, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetReadinessQuery } from './get-readiness.query.js';

const CHECKS = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
    additionalProperties: true,
  },
};
const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: { status: { type: 'string', enum: ['ok', 'error'] }, info: CHECKS, error: CHECKS, details: CHECKS },
};

/** `GET /readyz`: 200 when the pod can serve, 503 naming what is not ready (for load balancers and orchestrators). */
@ApiTags('health')
@Controller('readyz')
export class ReadinessHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Readiness: store reachable, read models caught up, tracker and seeder up' })
  @ApiOkResponse({ description: 'Ready: every check up (the @nestjs/terminus shape)', schema: READINESS_SCHEMA })
  // Not a problem+json: load balancers and monitoring read this shape (terminus's) on both answers.
  @ApiServiceUnavailableResponse({ description: 'Not ready: `status` is `error` and `error` names each check that is down, with a message', schema: READINESS_SCHEMA })
  async ready(@Res() response: Response): Promise<void> {
    const readiness = await this.queries.execute(new GetReadinessQuery());
    response.status(readiness.status === 'ok' ? 200 : 503).set('cache-control', 'no-store').json(readiness);
  }
}
