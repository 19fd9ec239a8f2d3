import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { integerParam } from '../../http/query-params.js';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import { SWARMTUBE_CONTEXT } from '../activities.js';
import { ACTIVITY_JSON, podUrls } from '../discovery/actor-document.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { OUTBOX_SCHEMA } from '../federation.openapi.js';
import { OriginVideoObjects } from '../videos/origin-video-objects.js';

const PAGE_SIZE = 20;

/**
 * `GET /federation/outbox`: the pod's own activities, newest first, as an OrderedCollection
 * with pages. Any ActivityPub reader may read it, so its video activities carry complete Video
 * objects (origin-video-objects.ts), where a delivery to a pod carries what each event says.
 */
@ApiTags('federation')
@Controller('federation/outbox')
export class OutboxHttpController {
  private readonly videoObjects: OriginVideoObjects;

  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {
    this.videoObjects = new OriginVideoObjects(runtime.store, runtime.actor, runtime.videos.media);
  }

  @Get()
  @ApiOperation({ summary: 'The pod\'s outbox', description: 'Its own activities, newest first, 20 a page.' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 }, description: 'A page, from 1 to the `last` of the collection; absent: the collection.' })
  @ApiOkResponse({ description: 'The OrderedCollection, or one of its pages.', content: { 'application/activity+json': { schema: OUTBOX_SCHEMA } } })
  @ApiProblems('invalid-query')
  async outbox(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const { outbox } = podUrls(this.runtime.config.publicUrl);
    const total = (await this.runtime.store.originHead(this.runtime.actor))?.seq ?? 0;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (query.page === undefined) {
      response.type(ACTIVITY_JSON).send(
        JSON.stringify({ '@context': SWARMTUBE_CONTEXT, id: outbox, type: 'OrderedCollection', totalItems: total, first: `${outbox}?page=1`, last: `${outbox}?page=${pages}` }),
      );
      return;
    }
    const page = integerParam(query.page, 'page', { min: 1, max: pages });
    const newest = total - (page - 1) * PAGE_SIZE;
    const events = await this.runtime.store.readOrigin(this.runtime.actor, { after: Math.max(0, newest - PAGE_SIZE), limit: Math.min(PAGE_SIZE, newest) });
    const orderedItems = await Promise.all(events.reverse().map((s) => this.videoObjects.outboxActivity(s.event)));
    response.type(ACTIVITY_JSON).send(
      JSON.stringify({
        '@context': SWARMTUBE_CONTEXT,
        id: `${outbox}?page=${page}`,
        type: 'OrderedCollectionPage',
        partOf: outbox,
        totalItems: total,
        ...(page > 1 ? { prev: `${outbox}?page=${page - 1}` } : {}),
        ...(page < pages ? { next: `${outbox}?page=${page + 1}` } : {}),
        orderedItems,
      }),
    );
  }
}
