import { Query } from '@nestjs/cqrs';

export const NODEINFO_21 = 'http://nodeinfo.diaspora.software/ns/schema/2.1';

/** `/.well-known/nodeinfo`: where NodeInfo 2.1 and the actor are. */
export class GetNodeInfoLinksQuery extends Query<Record<string, unknown>> {}

/** NodeInfo 2.1: software, protocols, sign-ups, usage. */
export class GetNodeInfoQuery extends Query<Record<string, unknown>> {}
