import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProblemError } from '../../http/problem.js';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import { SWARMTUBE_VERSION } from '../../version.js';
import { ACTIVITY_JSON, ACTOR_USERNAME, actorDocument, podUrls } from './actor-document.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ACTOR_SCHEMA, JRD_SCHEMA, NODEINFO_LINKS_SCHEMA, NODEINFO_SCHEMA } from '../federation.openapi.js';

const NODEINFO_21 = 'http://nodeinfo.diaspora.software/ns/schema/2.1';

/** Discovery as Mastodon and PeerTube do it: the actor, WebFinger, NodeInfo 2.1. */
@ApiTags('federation')
@Controller()
export class DiscoveryHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get('federation/actor')
  @ApiOperation({ summary: 'The pod\'s ActivityPub actor' })
  @ApiOkResponse({ description: 'An Application with the pod\'s two public keys.', content: { 'application/activity+json': { schema: ACTOR_SCHEMA } } })
  actor(@Res() response: Response): void {
    response.type(ACTIVITY_JSON).send(JSON.stringify(actorDocument(this.runtime)));
  }

  @Get('.well-known/webfinger')
  @ApiOperation({ summary: 'WebFinger' })
  @ApiQuery({ name: 'resource', required: true, schema: { type: 'string', maxLength: 500 }, description: '`acct:pod@<host>` or the actor URL.' })
  @ApiOkResponse({ description: 'A JRD with a `self` link to the actor.', content: { 'application/jrd+json': { schema: JRD_SCHEMA } } })
  @ApiProblems('invalid-query', 'not-found')
  webfinger(@Query('resource') resource: unknown, @Res() response: Response): void {
    // RFC 7033 section 5: any origin may read it, refusals included (set before they are thrown).
    response.setHeader('Access-Control-Allow-Origin', '*');
    const urls = podUrls(this.runtime.config.publicUrl);
    const acct = `acct:${ACTOR_USERNAME}@${this.runtime.config.host}`;
    if (typeof resource !== 'string' || resource.length === 0 || resource.length > 500) {
      throw new ProblemError('invalid-query', 'query parameter "resource" is required (acct:pod@host or the actor URL)');
    }
    if (resource.toLowerCase() !== acct.toLowerCase() && resource !== urls.actor) {
      throw new ProblemError('not-found', `no such resource here: ${resource.slice(0, 200)}`);
    }
    response.type('application/jrd+json').send(
      JSON.stringify({
        subject: acct,
        aliases: [urls.actor],
        links: [
          { rel: 'self', type: ACTIVITY_JSON, href: urls.actor },
          { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: urls.home },
        ],
      }),
    );
  }

  @Get('.well-known/nodeinfo')
  @ApiOperation({ summary: 'NodeInfo discovery' })
  @ApiOkResponse({ description: 'Links to NodeInfo 2.1 and to the actor.', content: { 'application/json': { schema: NODEINFO_LINKS_SCHEMA } } })
  @Header('Content-Type', 'application/json')
  nodeinfoLinks(): unknown {
    const urls = podUrls(this.runtime.config.publicUrl);
    return {
      links: [
        { rel: NODEINFO_21, href: urls.nodeinfo },
        { rel: 'https://www.w3.org/ns/activitystreams#Application', href: urls.actor },
      ],
    };
  }

  @Get('nodeinfo/2.1')
  @ApiOperation({ summary: 'NodeInfo 2.1' })
  @ApiOkResponse({ description: 'NodeInfo 2.1, with the profile of its schema in the content type.', content: { 'application/json': { schema: NODEINFO_SCHEMA } } })
  async nodeinfo(@Res() response: Response): Promise<void> {
    const [[videos], users] = await Promise.all([
      this.runtime.store.readModels.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM rm_videos WHERE origin = $1', [this.runtime.actor]),
      this.runtime.accounts.count(),
    ]);
    response.type(`application/json; profile="${NODEINFO_21}#"`).send(
      JSON.stringify({
        version: '2.1',
        software: { name: 'swarmtube', version: SWARMTUBE_VERSION, homepage: podUrls(this.runtime.config.publicUrl).home },
        protocols: ['activitypub'],
        services: { inbound: [], outbound: [] },
        openRegistrations: this.runtime.config.signup,
        usage: { users: { total: users }, localPosts: Number(videos?.n ?? 0) },
        metadata: { nodeName: this.runtime.config.name },
      }),
    );
  }
}
