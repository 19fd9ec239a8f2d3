import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { PodConfigDto } from '@swarmtube/contracts';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { SWARMTUBE_VERSION } from '../../../version.js';
import { GetPodConfigQuery } from './get-pod-config.query.js';

@QueryHandler(GetPodConfigQuery)
export class GetPodConfigHandler implements IQueryHandler<GetPodConfigQuery, PodConfigDto> {
  constructor(@Inject(POD_CONFIG) private readonly config: PodConfig) {}

  async execute(): Promise<PodConfigDto> {
    // Read per request: the signup switch is the config's, and tests flip it on a running pod.
    const { host, publicUrl, name, signup } = this.config;
    return { host, publicUrl, name, version: SWARMTUBE_VERSION, signup };
  }
}
