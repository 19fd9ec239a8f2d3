import { Command } from '@nestjs/cqrs';

export interface PodIdentity {
  actor: string;
  host: string;
  name: string;
  ed25519Multibase: string;
  rsaPublicKeyPem: string;
}

/** At start: the pod's log begins with its PodJoined (keys declared), and later starts check the keys on disk are those. */
export class AnnouncePodCommand extends Command<void> {
  constructor(
    readonly identity: PodIdentity,
    readonly keysDir: string,
  ) {
    super();
  }
}
