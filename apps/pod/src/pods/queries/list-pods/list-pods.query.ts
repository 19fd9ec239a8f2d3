import { Query } from '@nestjs/cqrs';
import type { PodView } from '../../../../../../libs/contracts/src/api/rest-types.js';

/** The other pods of the network, as this pod sees them. */
export class ListPodsQuery extends Query<PodView[]> {}
