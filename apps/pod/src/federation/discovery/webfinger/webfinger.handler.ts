import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { ProblemError } from '../../../http/problem.js';
import { ACTIVITY_JSON, ACTOR_USERNAME, podUrls } from '../actor-document.js';
import { WebFingerQuery } from './webfinger.query.js';

@QueryHandler(WebFingerQuery)
export class WebFingerHandler implements IQueryHandler<WebFingerQuery, Record<string, unknown>> {
  constructor(@Inject(POD_CONFIG) private readonly config: PodConfig) {}

  async execute({ resource }: WebFingerQuery): Promise<Record<string, unknown>> {
    const urls = podUrls(this.config.publicUrl);
    const acct = `acct:${ACTOR_USERNAME}@${this.config.host}`;
    if (typeof resource !== 'string' || resource.length === 0 || resource.length > 500) {
      throw new ProblemError('invalid-query', 'query parameter "resource" is required (acct:pod@host or the actor URL)');
    }
    if (resource.toLowerCase() !== acct.toLowerCase() && resource !== urls.actor) {
      throw new ProblemError('not-found', `no such resource here: ${resource.slice(0, 200)}`);
    }
    return {
      subject: acct,
      aliases: [urls.actor],
      links: [
        { rel: 'self', type: ACTIVITY_JSON, href: urls.actor },
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: urls.home },
      ],
    };
  }
}
