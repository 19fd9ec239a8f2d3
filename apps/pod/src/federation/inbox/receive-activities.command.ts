import { Command } from '@nestjs/cqrs';
import type { InboxRequest, InboxResult } from './receive-activities.js';

/** Signed activities from another pod, as received: check the signature, take their events. */
export class ReceiveActivitiesCommand extends Command<InboxResult> {
  constructor(readonly request: InboxRequest) {
    super();
  }
}
