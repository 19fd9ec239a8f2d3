import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { PodView } from '@swarmtube/contracts';
import { Membership } from '../../membership.js';
import { ListPodsQuery } from './list-pods.query.js';

@QueryHandler(ListPodsQuery)
export class ListPodsHandler implements IQueryHandler<ListPodsQuery, PodView[]> {
  constructor(private readonly membership: Membership) {}

  execute(): Promise<PodView[]> {
    return this.membership.listPods();
  }
}
