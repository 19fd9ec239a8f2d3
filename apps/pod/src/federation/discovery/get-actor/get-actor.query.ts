import { Query } from '@nestjs/cqrs';

/** The pod's ActivityPub actor document (actor-document.ts). */
export class GetActorQuery extends Query<Record<string, unknown>> {}
