import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import bs58 from 'bs58';
import { verifyProof } from '@swarmtube/event-envelope';
import { readEventSchemaFiles } from './event-schema-files.js';
import { hostOfActor, streamFor } from './event-streams.js';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import {
  CATALOG_VERSIONS,
  EVENT_TYPES,
  FRIENDSHIP_END_REASONS_V1,
  isCatalogEvent,
  type CatalogEvent,
  type EventType,
  type FriendshipAcceptedDataV1,
  type FriendshipEndedDataV1,
  type FriendshipRequestedDataV1,
  type PodJoinedDataV1,
  type PodKeysV1,
  type VideoAccountV1,
  type VideoDeletedDataV1,
  type VideoMirroredDataV1,
  type VideoUnmirroredDataV1,
  VIDEO_UNMIRROR_REASONS_V1,
  type VideoPublishedDataV1,
  type VideoUpdatedDataV1,
  type VoteCastDataV1,
  type VoteOutcomeDataV1,
  type VoteWithdrawnDataV1,
} from './event-types.js';
import { validateEnvelope, validateEventData } from './event-validator.js';
import { readGoldenExamples } from './golden-examples.js';

const files = readEventSchemaFiles();
const examples = readGoldenExamples();

/** The examples are signed with keys derived from public seeds, so anyone can re-check or re-sign them. */
function exampleKey(host: string): KeyObject {
  const seed = createHash('sha256').update(`swarmtube golden example ${host}`).digest();
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

describe('golden examples', () => {
  it('exist for every type and version of the catalogue, and only for those', () => {
    const schemas = files.events.map((e) => `${e.type}/v${e.version}`);
    assert.deepEqual(examples.map((e) => `${e.type}/v${e.version}`), schemas);
    assert.deepEqual([...new Set(files.events.map((e) => e.type))].sort(), [...EVENT_TYPES].sort());
  });

  for (const { type, version, envelope } of examples) {
    describe(`${type} v${version}`, () => {
      it('is a valid envelope of its own type and version', () => {
        assert.equal(envelope.type, type);
        assert.equal(envelope.schemaVersion, version);
        assert.deepEqual(validateEnvelope(envelope), { ok: true });
        assert.deepEqual(validateEventData(type, version, envelope.data), { ok: true });
      });

      it('lies in the stream derived from its data', () => {
        const stream = streamFor({ type, schemaVersion: version, data: envelope.data, origin: envelope.origin as string });
        assert.equal(stream, envelope.stream);
      });

      it('carries a proof that verifies with its origin key', () => {
        const host = hostOfActor(envelope.origin as string);
        assert.ok(host);
        assert.deepEqual(verifyProof(envelope, createPublicKey(exampleKey(host))), { verified: true });
      });

      it('survives a JSON round trip unchanged', () => {
        assert.deepEqual(JSON.parse(JSON.stringify(envelope)), envelope);
      });
    });
  }

  it('PodJoined publishes the key that signs its origin log', () => {
    const joined = examples.find((e) => e.type === 'PodJoined')!.envelope;
    const data = joined.data as PodJoinedDataV1;
    const raw = Buffer.from(createPublicKey(exampleKey(data.host)).export({ format: 'jwk' }).x as string, 'base64url');
    assert.equal(data.keys.ed25519Multibase, 'z' + bs58.encode(Buffer.concat([Buffer.from([0xed, 0x01]), raw])));
  });
});

// ---- The hand-written TypeScript types against the schemas -----------------------------------

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Kind<V> = V extends string ? 'string' : V extends number ? 'number' : V extends readonly unknown[] ? 'array' : 'object';
type Kinds<T> = { [K in keyof T]-?: Kind<Exclude<T[K], undefined>> };

interface Contract {
  kinds: Record<string, string>;
  required: readonly string[];
  nested?: Record<string, Contract>;
}

/**
 * The compiler checks that `kinds` names every field of T with its kind and that `required`
 * lists exactly T's required fields; the test then checks the schema says the same.
 */
function contractOf<T>() {
  return <const R extends readonly RequiredKeys<T>[]>(
    kinds: Kinds<T>,
    required: R & (Equals<R[number], RequiredKeys<T>> extends true ? unknown : 'required keys differ from the type'),
    nested?: Record<string, Contract>,
  ): Contract => ({ kinds: kinds as Record<string, string>, required: required as readonly string[], nested });
}

const castContract = contractOf<VoteCastDataV1>()({ target: 'string', reason: 'string' }, ['target', 'reason']);
const withdrawnContract = contractOf<VoteWithdrawnDataV1>()({ target: 'string' }, ['target']);
const outcomeContract = contractOf<VoteOutcomeDataV1>()({ target: 'string', votes: 'array' }, ['target', 'votes']);

const CONTRACTS: Record<EventType, Contract> = {
  PodJoined: contractOf<PodJoinedDataV1>()(
    { host: 'string', actor: 'string', name: 'string', keys: 'object' },
    ['host', 'actor', 'name', 'keys'],
    { keys: contractOf<PodKeysV1>()({ ed25519Multibase: 'string', rsaPublicKeyPem: 'string' }, ['ed25519Multibase', 'rsaPublicKeyPem']) },
  ),
  FriendshipRequested: contractOf<FriendshipRequestedDataV1>()({ requester: 'string', target: 'string' }, ['requester', 'target']),
  FriendshipAccepted: contractOf<FriendshipAcceptedDataV1>()({ requester: 'string', accepter: 'string' }, ['requester', 'accepter']),
  FriendshipEnded: contractOf<FriendshipEndedDataV1>()({ peer: 'string', reason: 'string' }, ['peer', 'reason']),
  VideoPublished: contractOf<VideoPublishedDataV1>()(
    {
      uuid: 'string', name: 'string', description: 'string', tags: 'array', duration: 'number', size: 'number',
      mimeType: 'string', infoHash: 'string', magnetUri: 'string', torrentUrl: 'string', webSeedUrls: 'array',
      thumbnailUrl: 'string', publishedAt: 'string', account: 'object',
    },
    ['uuid', 'name', 'description', 'tags', 'duration', 'size', 'mimeType', 'infoHash', 'magnetUri', 'torrentUrl',
      'webSeedUrls', 'thumbnailUrl', 'publishedAt', 'account'],
    { account: contractOf<VideoAccountV1>()({ username: 'string', displayName: 'string' }, ['username']) },
  ),
  VideoUpdated: contractOf<VideoUpdatedDataV1>()({ uuid: 'string', name: 'string', description: 'string', tags: 'array' }, ['uuid']),
  VideoDeleted: contractOf<VideoDeletedDataV1>()({ uuid: 'string' }, ['uuid']),
  VideoMirrored: contractOf<VideoMirroredDataV1>()(
    { uuid: 'string', videoOrigin: 'string', infoHash: 'string', torrentUrl: 'string', trackers: 'array', webSeedUrls: 'array' },
    ['uuid', 'videoOrigin', 'infoHash', 'torrentUrl', 'trackers', 'webSeedUrls'],
  ),
  VideoUnmirrored: contractOf<VideoUnmirroredDataV1>()({ uuid: 'string', reason: 'string' }, ['uuid', 'reason']),
  ExpulsionVoteCast: castContract,
  ExpulsionVoteWithdrawn: withdrawnContract,
  PodExpelled: outcomeContract,
  ReadmissionVoteCast: castContract,
  ReadmissionVoteWithdrawn: withdrawnContract,
  PodReadmitted: outcomeContract,
};

type Schema = Record<string, unknown>;

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = /common\.schema\.json#\/\$defs\/(\w+)$/.exec(ref)?.[1];
  assert.ok(name, `unexpected $ref ${ref}`);
  return { ...(files.common.$defs as Record<string, Schema>)[name], ...schema, $ref: undefined };
}

function kindOf(schema: Schema): string {
  const resolved = resolve(schema);
  if (resolved.type === 'integer') return 'number';
  if (typeof resolved.type === 'string') return resolved.type;
  if (Array.isArray(resolved.enum) && resolved.enum.every((v) => typeof v === 'string')) return 'string';
  return 'unknown';
}

function assertMatches(schema: Schema, contract: Contract, where: string): void {
  const properties = schema.properties as Record<string, Schema>;
  assert.equal(schema.additionalProperties, false, `${where}: additionalProperties`);
  assert.deepEqual(Object.keys(properties).sort(), Object.keys(contract.kinds).sort(), `${where}: fields`);
  assert.deepEqual([...(schema.required as string[])].sort(), [...contract.required].sort(), `${where}: required`);
  for (const [name, kind] of Object.entries(contract.kinds)) {
    assert.equal(kindOf(properties[name]!), kind, `${where}.${name}: kind`);
    if (kind === 'object') {
      const nested = contract.nested?.[name];
      assert.ok(nested, `${where}.${name}: no nested contract`);
      assertMatches(resolve(properties[name]!), nested, `${where}.${name}`);
    }
  }
}

describe('TypeScript event types', () => {
  for (const { type, version, schema } of files.events) {
    it(`${type} v${version} has the fields, kinds and required fields of its schema`, () => {
      assert.equal(version, 1, 'a v2 needs its own contract here');
      assertMatches(schema, CONTRACTS[type as EventType], type);
    });
  }

  it('every type has the versions of its schema files, as a value too (CATALOG_VERSIONS)', () => {
    const fromFiles: Record<string, number[]> = {};
    for (const { type, version } of files.events) (fromFiles[type] ??= []).push(version);
    for (const versions of Object.values(fromFiles)) versions.sort((a, b) => a - b);
    assert.deepEqual(CATALOG_VERSIONS, fromFiles);
  });

  it('narrows every golden example to its type, and no event of an unknown type or version', () => {
    for (const { type, envelope } of examples) {
      const event = envelope as unknown as EventEnvelope;
      assert.ok(isCatalogEvent(event), type);
      // The switch is exhaustive: a type without its case would not compile (never).
      assert.equal(dataKeys(event).length > 0, true);
    }
    const joined = examples.find((e) => e.type === 'PodJoined')!.envelope as unknown as EventEnvelope;
    assert.equal(isCatalogEvent({ ...joined, type: 'PodRenamed' }), false);
    assert.equal(isCatalogEvent({ ...joined, schemaVersion: 2 }), false);
    assert.equal(isCatalogEvent({ ...joined, type: 'toString' }), false, 'not a key of the prototype either');
  });

  it('VideoUnmirrored v1 reasons are the schema enum', () => {
    const reason = (files.events.find((e) => e.type === 'VideoUnmirrored')!.schema.properties as Record<string, Schema>).reason!;
    assert.deepEqual(reason.enum, [...VIDEO_UNMIRROR_REASONS_V1]);
  });

  it('FriendshipEnded v1 reasons are the schema enum', () => {
    const reason = (files.events.find((e) => e.type === 'FriendshipEnded')!.schema.properties as Record<string, Schema>).reason!;
    assert.deepEqual(reason.enum, [...FRIENDSHIP_END_REASONS_V1]);
  });
});

/** A field of each type's data, read through the narrowed type: the compiler checks every case. */
function dataKeys(event: CatalogEvent): string[] {
  switch (event.type) {
    case 'PodJoined':
      return [event.data.host, event.data.keys.ed25519Multibase];
    case 'FriendshipRequested':
      return [event.data.requester, event.data.target];
    case 'FriendshipAccepted':
      return [event.data.requester, event.data.accepter];
    case 'FriendshipEnded':
      return [event.data.peer, event.data.reason];
    case 'VideoPublished':
      return [event.data.uuid, event.data.account.username];
    case 'VideoUpdated':
    case 'VideoDeleted':
      return [event.data.uuid];
    case 'VideoMirrored':
      return [event.data.uuid, event.data.videoOrigin];
    case 'VideoUnmirrored':
      return [event.data.uuid, event.data.reason];
    case 'ExpulsionVoteCast':
    case 'ReadmissionVoteCast':
      return [event.data.target];
    case 'ExpulsionVoteWithdrawn':
    case 'ReadmissionVoteWithdrawn':
      return [event.data.target];
    case 'PodExpelled':
    case 'PodReadmitted':
      return [event.data.target, ...event.data.votes];
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`no case for ${JSON.stringify(event)}`);
}
