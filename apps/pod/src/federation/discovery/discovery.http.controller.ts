import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ACTOR_SCHEMA, JRD_SCHEMA, NODEINFO_LINKS_SCHEMA, NODEINFO_SCHEMA } from '../federation.openapi.js';
import { ACTIVITY_JSON } from './actor-document.js';
import { GetActorQuery } from './get-actor/get-actor.query.js';
import { GetNodeInfoLinksQuery, GetNodeInfoQuery, NODEINFO_21 } from './nodeinfo/nodeinfo.query.js';
import { WebFingerQuery } from './webfinger/webfinger.query.js';

/** Discovery as Mastodon and PeerTube do it: the actor, WebFinger, NodeInfo 2.1. */
@ApiTags('federation')
@Controller()
export class DiscoveryHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('federation/actor')
  @ApiOperation({ summary: 'The pod\'s ActivityPub actor' })
  @ApiOkResponse({ description: 'An Application with the pod\'s two public keys.', content: { 'application/activity+json': { schema: ACTOR_SCHEMA } } })
  async actor(@Res() response: Response): Promise<void> {
    response.type(ACTIVITY_JSON).send(JSON.stringify(await this.queries.execute(new GetActorQuery())));
  }

  @Get('.well-known/webfinger')
  @ApiOperation({ summary: 'WebFinger' })
  @ApiQuery({ name: 'resource', required: true, schema: { type: 'string', maxLength: 500 }, description: '`acct:pod@<host>` or the actor URL.' })
  @ApiOkResponse({ description: 'A JRD with a `self` link to the actor.', content: { 'application/jrd+json': { schema: JRD_SCHEMA } } })
  @ApiProblems('invalid-query', 'not-found')
  async webfinger(@Query('resource') resource: unknown, @Res() response: Response): Promise<void> {
    // RFC 7033 section 5: any origin may read it, refusals included (set before they are thrown).
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.type('application/jrd+json').send(JSON.stringify(await this.queries.execute(new WebFingerQuery(resource))));
  }

  @Get('.well-known/nodeinfo')
  @ApiOperation({ summary: 'NodeInfo discovery' })
  @ApiOkResponse({ description: 'Links to NodeInfo 2.1 and to the actor.', content: { 'application/json': { schema: NODEINFO_LINKS_SCHEMA } } })
  @Header('Content-Type', 'application/json')
  nodeinfoLinks(): Promise<unknown> {
    return this.queries.execute(new GetNodeInfoLinksQuery());
  }

  @Get('nodeinfo/2.1')
  @ApiOperation({ summary: 'NodeInfo 2.1' })
  @ApiOkResponse({ description: 'NodeInfo 2.1, with the profile of its schema in the content type.', content: { 'application/json': { schema: NODEINFO_SCHEMA } } })
  async nodeinfo(@Res() response: Response): Promise<void> {
    response.type(`application/json; profile="${NODEINFO_21}#"`).send(JSON.stringify(await this.queries.execute(new GetNodeInfoQuery())));
  }
}
