import { Query } from '@nestjs/cqrs';
import type { PodConfigDto } from '@swarmtube/contracts';

/** This pod's public configuration: host, name, version, whether it takes sign-ups. */
export class GetPodConfigQuery extends Query<PodConfigDto> {}
