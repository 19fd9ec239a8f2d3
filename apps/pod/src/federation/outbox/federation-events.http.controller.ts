import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { integerParam } from '../../http/query-params.js';
import { ProblemError } from '../../http/problem.js';
import { ListOriginsQuery, ReadOriginEventsQuery } from './read-origin-events/read-origin-events.query.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { FederationEventsPageOpenApi, FederationOriginsOpenApi } from '../federation.openapi.js';
import { MAX_EVENT_BYTES, MAX_PULL_ANSWER_BYTES } from '@swarmtube/contracts';

const MAX_PAGE = 500;

/**
 * `GET /federation/events?origin=ACTOR&after=N&limit=M&maxBytes=B`: the signed events of any
 * origin this pod holds, in originSeq order, as their exact bytes, at most M of them and at most
 * B bytes in all (at least one event, which always fits: federation-limits.ts); without
 * `origin`, the origins it holds and the last originSeq of each (what a peer compares with its
 * own to know what to pull).
 */
@ApiTags('federation')
@Controller('federation/events')
export class FederationEventsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Signed events of any origin, for peers to pull', description: 'With `origin`, its events after `after` in originSeq order, as their exact bytes; without, the origins this pod holds and the last originSeq of each.' })
  @ApiQuery({ name: 'origin', required: false, schema: { type: 'string', format: 'uri', maxLength: 500 }, description: 'An origin\'s actor URL.' })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0, default: 0 }, description: 'With origin: the originSeq to start after.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 }, description: 'With origin: page size, in events.' })
  @ApiQuery({ name: 'maxBytes', required: false, schema: { type: 'integer', minimum: MAX_EVENT_BYTES, maximum: MAX_PULL_ANSWER_BYTES, default: MAX_PULL_ANSWER_BYTES }, description: 'With origin: the most the answer may weigh (bytes); the page is cut before, but holds at least one event.' })
  @ApiExtraModels(FederationEventsPageOpenApi, FederationOriginsOpenApi)
  @ApiOkResponse({ description: 'An origin\'s page of events, or the list of origins.', schema: { oneOf: [{ $ref: getSchemaPath(FederationEventsPageOpenApi) }, { $ref: getSchemaPath(FederationOriginsOpenApi) }] } })
  @ApiProblems('invalid-query')
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    if (query.origin === undefined) {
      const origins = await this.queries.execute(new ListOriginsQuery());
      response.type('application/json').send(JSON.stringify({ origins }));
      return;
    }
    if (typeof query.origin !== 'string' || query.origin.length > 500) throw new ProblemError('invalid-query', 'origin must be one actor URL');
    const after = integerParam(query.after, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 });
    const limit = integerParam(query.limit, 'limit', { min: 1, max: MAX_PAGE, default: 100 });
    const maxBytes = integerParam(query.maxBytes, 'maxBytes', { min: MAX_EVENT_BYTES, max: MAX_PULL_ANSWER_BYTES, default: MAX_PULL_ANSWER_BYTES });
    response.type('application/json').send(await this.queries.execute(new ReadOriginEventsQuery(query.origin, after, limit, maxBytes)));
  }
}
