import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { once } from 'node:events';
import type { StoredEvent } from '@swarmtube/event-store';
import { wireForm } from '../../wire-form.js';
import { integerParam } from '../../../http/query-params.js';
import { ListEventsQuery } from './list-events.query.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { EventsPageOpenApi } from './list-events.openapi.js';

const MAX_JSON_PAGE = 1000;
const NDJSON_PAGE = 1000;
const MAX_POSITION = Number.MAX_SAFE_INTEGER;


/**
 * The log for auditors: `GET /api/v1/events?after=N&limit=M`, as one JSON page
 * `{events, next}` or, with `Accept: application/x-ndjson`, one event per line (every event
 * after N when no limit is given). Pass `next` back as `after` to continue.
 */
@ApiTags('events')
@Controller('api/v1/events')
export class ListEventsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'The log, for auditors', description: 'Every event this pod holds, of every origin, in log order, as the exact bytes that were signed. One JSON page `{events, next}`, or with `Accept: application/x-ndjson` one event per line (every event after `after` when no limit is given). Pass `next` back as `after` to continue. `npm run audit` checks a log.' })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0, default: 0 }, description: 'Log position to start after.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_JSON_PAGE, default: 100 }, description: `Page size (JSON: 1 to ${MAX_JSON_PAGE}, default 100; NDJSON: any, default all).` })
  @ApiExtraModels(EventsPageOpenApi)
  @ApiOkResponse({
    description: 'A page of events.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(EventsPageOpenApi) } },
      'application/x-ndjson': { schema: { type: 'string', description: 'One EventEnvelope per line, as its exact signed bytes.' } },
    },
  })
  @ApiProblems('invalid-query')
  async list(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const after = integerParam(query.after, 'after', { min: 0, max: MAX_POSITION, default: 0 });
    const ndjson = /application\/x-ndjson/i.test(accept ?? '');
    if (!ndjson) {
      const limit = integerParam(query.limit, 'limit', { min: 1, max: MAX_JSON_PAGE, default: 100 });
      const page = await this.queries.execute(new ListEventsQuery(after, limit));
      const next = page.length > 0 ? page[page.length - 1].position : after;
      response.type('application/json').send(`{"events":[${page.map(wireForm).join(',')}],"next":${next}}`);
      return;
    }
    const limit = integerParam(query.limit, 'limit', { min: 1, max: MAX_POSITION, default: MAX_POSITION });
    response.status(200).type('application/x-ndjson');
    let position = after;
    let remaining = limit;
    let closed = false;
    response.on('close', () => (closed = true));
    while (remaining > 0 && !closed) {
      const page = await this.queries.execute(new ListEventsQuery(position, Math.min(NDJSON_PAGE, remaining)));
      if (page.length === 0) break;
      const chunk = page.map((e: StoredEvent) => wireForm(e) + '\n').join('');
      position = page[page.length - 1].position;
      remaining -= page.length;
      if (!response.write(chunk) && !closed) await once(response, 'drain');
    }
    response.end();
  }
}
