import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { PodKeys } from '@swarmtube/event-envelope';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { POD_KEYS } from '../../../event-log/event-log.tokens.js';
import { actorDocument } from '../actor-document.js';
import { GetActorQuery } from './get-actor.query.js';

@QueryHandler(GetActorQuery)
export class GetActorHandler implements IQueryHandler<GetActorQuery, Record<string, unknown>> {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    @Inject(POD_KEYS) private readonly keys: PodKeys,
  ) {}

  async execute(): Promise<Record<string, unknown>> {
    return actorDocument(this.config, this.keys);
  }
}
