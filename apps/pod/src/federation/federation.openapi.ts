import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { EventEnvelopeOpenApi } from '../audit/queries/list-events/list-events.openapi.js';
import type { InboxResult } from './inbox/receive-activities.js';

/** Brief OpenAPI shapes of the pod-to-pod routes (docs/protocol.md has the whole story). */

@ApiSchema({ name: 'InboxRejection' })
export class InboxRejectionOpenApi {
  @ApiPropertyOptional({ description: 'The event\'s id, when it had one.' })
  id?: string;

  @ApiProperty({ description: 'A problem code (schema-invalid, envelope-invalid, …).', example: 'schema-invalid' })
  code!: string;

  @ApiProperty()
  detail!: string;
}

@ApiSchema({ name: 'InboxResult', description: 'Each event is taken or refused on its own: one bad event never drops the good ones of the same request.' })
export class InboxResultOpenApi implements InboxResult {
  @ApiProperty({ type: 'integer', minimum: 0 })
  accepted!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events this pod already held.' })
  duplicates!: number;

  @ApiProperty({ type: () => [InboxRejectionOpenApi] })
  rejected!: InboxRejectionOpenApi[];
}

@ApiSchema({ name: 'OriginHead' })
export class OriginHeadOpenApi {
  @ApiProperty({ format: 'uri', description: 'An origin\'s actor URL.' })
  origin!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The last originSeq this pod holds of it.' })
  lastSeq!: number;
}

@ApiSchema({ name: 'FederationOrigins', description: 'What a peer compares with its own to know what to pull.' })
export class FederationOriginsOpenApi {
  @ApiProperty({ type: () => [OriginHeadOpenApi] })
  origins!: OriginHeadOpenApi[];
}

@ApiSchema({ name: 'FederationEventsPage', description: 'An origin\'s events in originSeq order, as their exact signed bytes.' })
export class FederationEventsPageOpenApi {
  @ApiProperty({ format: 'uri' })
  origin!: string;

  @ApiProperty({ type: () => [EventEnvelopeOpenApi] })
  events!: EventEnvelopeOpenApi[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The originSeq to pass back as `after`.' })
  next!: number;
}

const URI: SchemaObject = { type: 'string', format: 'uri' };

/** discovery.http.controller.ts, actor-document.ts. */
export const ACTOR_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'An ActivityPub Application with the RSA key for HTTP Signatures (`publicKey`, `#main-key`) and the Ed25519 key that signs events (`assertionMethod`, a Multikey, `#ed25519-key`).',
  required: ['id', 'type', 'inbox', 'outbox', 'publicKey', 'assertionMethod'],
  properties: {
    '@context': { type: 'array', items: { type: 'string' } },
    id: URI,
    type: { type: 'string', enum: ['Application'] },
    preferredUsername: { type: 'string', enum: ['pod'] },
    name: { type: 'string' },
    summary: { type: 'string' },
    url: URI,
    inbox: URI,
    outbox: URI,
    endpoints: { type: 'object', properties: { sharedInbox: URI } },
    publicKey: { type: 'object', properties: { id: URI, owner: URI, publicKeyPem: { type: 'string' } } },
    assertionMethod: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};

export const JRD_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['subject', 'links'],
  properties: {
    subject: { type: 'string', example: 'acct:pod@pod1.example:9001' },
    aliases: { type: 'array', items: URI },
    links: { type: 'array', items: { type: 'object', properties: { rel: { type: 'string' }, type: { type: 'string' }, href: URI } } },
  },
};

export const NODEINFO_LINKS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { links: { type: 'array', items: { type: 'object', properties: { rel: { type: 'string' }, href: URI } } } },
};

export const NODEINFO_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'NodeInfo 2.1 (http://nodeinfo.diaspora.software/ns/schema/2.1); software `swarmtube`.',
  properties: {
    version: { type: 'string', enum: ['2.1'] },
    software: { type: 'object', properties: { name: { type: 'string', enum: ['swarmtube'] }, version: { type: 'string' }, homepage: URI } },
    protocols: { type: 'array', items: { type: 'string', enum: ['activitypub'] } },
    services: { type: 'object', additionalProperties: true },
    openRegistrations: { type: 'boolean' },
    usage: { type: 'object', additionalProperties: true },
    metadata: { type: 'object', additionalProperties: true },
  },
};

export const OUTBOX_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Without `page`, the OrderedCollection (totalItems, first, last); with it, an OrderedCollectionPage of activities (newest first), each carrying its signed events in `events`.',
  required: ['id', 'type', 'totalItems'],
  properties: {
    '@context': {},
    id: URI,
    type: { type: 'string', enum: ['OrderedCollection', 'OrderedCollectionPage'] },
    totalItems: { type: 'integer', minimum: 0 },
    first: URI,
    last: URI,
    partOf: URI,
    prev: URI,
    next: URI,
    orderedItems: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};

/** The inbox's body: an activity, or a Collection of them, each with its signed events. */
export const ACTIVITY_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'An activity (Create, Update, Delete, Follow, Accept, Undo, Flag, Block) or a Collection of activities; each activity carries its signed events in `events` (docs/protocol.md).',
  required: ['type'],
  properties: {
    type: { type: 'string' },
    actor: URI,
    items: { type: 'array', items: { type: 'object', additionalProperties: true } },
    events: { type: 'array', items: { $ref: getSchemaPath(EventEnvelopeOpenApi) } },
  },
  additionalProperties: true,
};

/** videos/video-object.http.controller.ts, video-object.ts (docs/protocol.md, "The Video object"). */
export const VIDEO_OBJECT_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'A PeerTube-shaped Video object: name, duration, content, the page, web seed, torrent and magnet links in `url` (with the resolution where the origin knows it), the thumbnail in `icon`.',
  required: ['@context', 'type', 'id', 'uuid', 'name', 'duration', 'published', 'updated', 'attributedTo', 'url', 'icon', 'tag', 'to'],
  properties: {
    '@context': {},
    type: { type: 'string', enum: ['Video'] },
    id: URI,
    uuid: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    duration: { type: 'string', pattern: '^PT\\d+S$' },
    content: { type: 'string' },
    mediaType: { type: 'string', enum: ['text/markdown'] },
    published: { type: 'string', format: 'date-time' },
    updated: { type: 'string', format: 'date-time' },
    attributedTo: { type: 'array', items: { type: 'object', additionalProperties: true } },
    url: { type: 'array', items: { type: 'object', additionalProperties: true } },
    icon: { type: 'array', items: { type: 'object', additionalProperties: true } },
    tag: { type: 'array', items: { type: 'object', additionalProperties: true } },
    to: { type: 'array', items: URI },
  },
  additionalProperties: true,
};

export const TOMBSTONE_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'What is left of a video its origin deleted.',
  required: ['type', 'id', 'formerType', 'deleted'],
  properties: {
    '@context': {},
    type: { type: 'string', enum: ['Tombstone'] },
    id: URI,
    formerType: { type: 'string', enum: ['Video'] },
    deleted: { type: 'string', format: 'date-time' },
  },
};
