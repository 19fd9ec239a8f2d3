import { Command } from '@nestjs/cqrs';
import type { PodIdentity } from './announce-pod.handler.js';

/** At start: the pod's log begins with its PodJoined (keys declared), and later starts check the keys on disk are those. */
export class AnnouncePodCommand extends Command<void> {
  constructor(
    readonly identity: PodIdentity,
    readonly keysDir: string,
  ) {
    super();
  }
}
