import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ProblemError } from '../../http/problem.js';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import { SWARMTUBE_VERSION } from '../../version.js';
import { ACTIVITY_JSON, ACTOR_USERNAME, actorDocument, podUrls } from './actor-document.js';

const NODEINFO_21 = 'http://nodeinfo.diaspora.software/ns/schema/2.1';

/** Discovery as Mastodon and PeerTube do it: the actor, WebFinger, NodeInfo 2.1. */
@Controller()
export class DiscoveryHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get('federation/actor')
  actor(@Res() response: Response): void {
    response.type(ACTIVITY_JSON).send(JSON.stringify(actorDocument(this.runtime)));
  }

  @Get('.well-known/webfinger')
  webfinger(@Query('resource') resource: unknown, @Res() response: Response): void {
    const urls = podUrls(this.runtime.config.host);
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
          { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: urls.base },
        ],
      }),
    );
  }

  @Get('.well-known/nodeinfo')
  @Header('Content-Type', 'application/json')
  nodeinfoLinks(): unknown {
    const urls = podUrls(this.runtime.config.host);
    return {
      links: [
        { rel: NODEINFO_21, href: `${urls.base}/nodeinfo/2.1` },
        { rel: 'https://www.w3.org/ns/activitystreams#Application', href: urls.actor },
      ],
    };
  }

  @Get('nodeinfo/2.1')
  async nodeinfo(@Res() response: Response): Promise<void> {
    const [videos] = await this.runtime.store.readModels.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM rm_videos WHERE origin = $1', [this.runtime.actor]);
    response.type(`application/json; profile="${NODEINFO_21}#"`).send(
      JSON.stringify({
        version: '2.1',
        software: { name: 'swarmtube', version: SWARMTUBE_VERSION, homepage: `http://${this.runtime.config.host}/` },
        protocols: ['activitypub'],
        services: { inbound: [], outbound: [] },
        openRegistrations: this.runtime.config.signup,
        usage: { users: { total: 1 }, localPosts: Number(videos?.n ?? 0) },
        metadata: { nodeName: this.runtime.config.name },
      }),
    );
  }
}
