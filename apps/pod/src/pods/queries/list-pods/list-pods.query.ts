import { Query } from '@nestjs/cqrs';
import type { PodView } from '@swarmtube/contracts';

/** The other pods of the network, as this pod sees them. */
export class ListPodsQuery extends Query<PodView[]> {}
