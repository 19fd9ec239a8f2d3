import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@swarmtube/event-store';
import { EVENT_STORE } from './event-log/event-log.tokens.js';
import { DeliveryService } from './federation/delivery/delivery-service.js';
import { PullService } from './federation/pull/pull-service.js';
import { PodVotes } from './pods/commands/vote/pod-votes.js';
import { Membership } from './pods/membership.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { VideoProcessing } from './videos/processing/video-processing.js';

/** Whether the pod is doing anything on its own right now: for tests that wait for quiescence. */
@Injectable()
export class PodQuiescence {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
    private readonly processing: VideoProcessing,
    private readonly membership: Membership,
    private readonly votes: PodVotes,
    private readonly delivery: DeliveryService,
    private readonly pulls: PullService,
  ) {}

  /** Nothing being delivered, pulled, voted, answered or projected right now. */
  async idle(): Promise<boolean> {
    const head = await this.store.headPosition();
    return (
      !this.processing.busy &&
      !this.membership.busy &&
      !this.votes.busy &&
      !(await this.delivery.busy()) &&
      !this.pulls.busy &&
      this.projections.status().every((s) => s.checkpoint >= head)
    );
  }
}
