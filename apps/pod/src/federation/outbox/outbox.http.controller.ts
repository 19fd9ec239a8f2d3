import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ACTIVITY_JSON } from '../discovery/actor-document.js';
import { OUTBOX_SCHEMA } from '../federation.openapi.js';
import { GetOutboxQuery } from './get-outbox/get-outbox.query.js';

/**
 * `GET /federation/outbox`: the pod's own activities, newest first, as an OrderedCollection
 * with pages. Any ActivityPub reader may read it, so its video activities carry complete Video
 * objects (origin-video-objects.ts), where a delivery to a pod carries what each event says.
 */
@ApiTags('federation')
@Controller('federation/outbox')
export class OutboxHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'The pod\'s outbox', description: 'Its own activities, newest first, 20 a page.' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 }, description: 'A page, from 1 to the `last` of the collection; absent: the collection.' })
  @ApiOkResponse({ description: 'The OrderedCollection, or one of its pages.', content: { 'application/activity+json': { schema: OUTBOX_SCHEMA } } })
  @ApiProblems('invalid-query')
  async outbox(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    response.type(ACTIVITY_JSON).send(JSON.stringify(await this.queries.execute(new GetOutboxQuery(query.page))));
  }
}
