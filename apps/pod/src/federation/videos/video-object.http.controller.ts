import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { preferredRepresentation } from '../../http/activity-negotiation.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ProblemError } from '../../http/problem.js';
import { QueryBus } from '@nestjs/cqrs';
import { parseVideoUuid } from '../../videos/queries/video-uuid.js';
import { SWARMTUBE_CONTEXT } from '../activities.js';
import { ACTIVITY_JSON } from '../discovery/actor-document.js';
import { TOMBSTONE_SCHEMA, VIDEO_OBJECT_SCHEMA } from '../federation.openapi.js';
import { GetVideoObjectQuery } from './get-video-object/get-video-object.query.js';

/**
 * `GET /videos/watch/{uuid}` for ActivityPub readers: a video's page is its ActivityPub id, and
 * PeerTube (like any reader) fetches an id to check what an activity claims. Browsers never get
 * here: the site answers them first (web/web-site.ts) by the same Accept header.
 */
@ApiTags('federation')
@Controller('videos/watch')
export class VideoObjectHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':uuid')
  @ApiOperation({
    summary: 'A video\'s ActivityPub object, at its id',
    description:
      'With `Accept: application/activity+json` (or `application/ld+json`, with or without the ActivityStreams profile) preferred to HTML: the Video object of a video this pod published, complete and current. A browser gets the site at the same URL. Only the origin answers for a video; another pod\'s is a 404 naming its id.',
  })
  @ApiParam({ name: 'uuid', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ description: 'The Video object.', content: { 'application/activity+json': { schema: VIDEO_OBJECT_SCHEMA } } })
  @ApiResponse({ status: 410, description: 'Gone: this pod deleted the video. Its Tombstone, as Mastodon answers.', content: { 'application/activity+json': { schema: TOMBSTONE_SCHEMA } } })
  @ApiProblems('not-found', 'not-acceptable')
  async video(@Param('uuid') raw: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    response.vary('Accept');
    if (preferredRepresentation(request) !== 'activity-json') {
      throw new ProblemError('not-acceptable', 'a video\'s page is the site (text/html) or its ActivityPub object (application/activity+json)');
    }
    const found = await this.queries.execute(new GetVideoObjectQuery(parseVideoUuid(raw)));
    switch (found.kind) {
      case 'video':
        response.type(ACTIVITY_JSON).send(JSON.stringify({ '@context': SWARMTUBE_CONTEXT, ...found.object }));
        return;
      case 'gone':
        response.status(410).type(ACTIVITY_JSON).send(JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', ...found.object }));
        return;
      case 'elsewhere':
        // Readers fetch an id from the pod it names; a 404 here names the origin rather than redirecting.
        throw new ProblemError('not-found', `this pod is not the video's origin: its id is ${found.id}`);
      default:
        throw new ProblemError('not-found', 'no video of this pod has this id');
    }
  }
}
