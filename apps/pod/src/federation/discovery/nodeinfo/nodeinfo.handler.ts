import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { LocalAccounts } from '../../../users/local-accounts.js';
import { SWARMTUBE_VERSION } from '../../../version.js';
import { podUrls } from '../actor-document.js';
import { GetNodeInfoLinksQuery, GetNodeInfoQuery, NODEINFO_21 } from './nodeinfo.query.js';

@QueryHandler(GetNodeInfoLinksQuery)
export class GetNodeInfoLinksHandler implements IQueryHandler<GetNodeInfoLinksQuery, Record<string, unknown>> {
  constructor(@Inject(POD_CONFIG) private readonly config: PodConfig) {}

  async execute(): Promise<Record<string, unknown>> {
    const urls = podUrls(this.config.publicUrl);
    return {
      links: [
        { rel: NODEINFO_21, href: urls.nodeinfo },
        { rel: 'https://www.w3.org/ns/activitystreams#Application', href: urls.actor },
      ],
    };
  }
}

@QueryHandler(GetNodeInfoQuery)
export class GetNodeInfoHandler implements IQueryHandler<GetNodeInfoQuery, Record<string, unknown>> {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    @Inject(POD_ACTOR) private readonly me: string,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly accounts: LocalAccounts,
  ) {}

  async execute(): Promise<Record<string, unknown>> {
    const [[videos], users] = await Promise.all([
      this.store.readModels.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM rm_videos WHERE origin = $1', [this.me]),
      this.accounts.count(),
    ]);
    return {
      version: '2.1',
      software: { name: 'swarmtube', version: SWARMTUBE_VERSION, homepage: podUrls(this.config.publicUrl).home },
      protocols: ['activitypub'],
      services: { inbound: [], outbound: [] },
      openRegistrations: this.config.signup,
      usage: { users: { total: users }, localPosts: Number(videos?.n ?? 0) },
      metadata: { nodeName: this.config.name },
    };
  }
}
