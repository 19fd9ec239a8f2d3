import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import bs58 from 'bs58';
import { readEventSchemaFiles } from './event-schema-files.js';
import { friendshipStream } from './event-streams.js';
import { createEventCatalog, validateEnvelope, validateEventData, type Validation, type ValidationCode } from './event-validator.js';
import { readGoldenExample, readGoldenExamples } from './golden-examples.js';

type Json = Record<string, any>;

const example = (type: string): Json => readGoldenExample(type) as Json;
const dataOf = (type: string): Json => example(type).data as Json;
const schemaOf = (type: string): Json => readEventSchemaFiles().events.find((e) => e.type === type)!.schema;

function rejects(result: Validation, code: ValidationCode, field?: string | RegExp): void {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return;
  assert.equal(result.code, code, result.message);
  assert.ok(result.message.length > 0 && result.message.length <= 300, result.message);
  if (typeof field === 'string') assert.ok(result.message.startsWith(field), `"${result.message}" should name ${field}`);
  else if (field) assert.match(result.message, field);
}

function envelopeWith(type: string, change: (e: Json) => void): Json {
  const envelope = example(type);
  change(envelope);
  return envelope;
}

describe('validateEnvelope: every type refuses hostile variants of its golden example', () => {
  for (const { type } of readGoldenExamples()) {
    const schema = schemaOf(type);
    const required = schema.required as string[];
    const firstString = Object.keys(dataOf(type)).find((k) => typeof dataOf(type)[k] === 'string')!;

    describe(type, () => {
      it('refuses each missing required field', () => {
        for (const name of required) {
          rejects(validateEnvelope(envelopeWith(type, (e) => delete e.data[name])), 'schema-invalid', `data.${name}: missing`);
        }
      });

      it('refuses a field of the wrong type', () => {
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.data[firstString] = 42))), 'schema-invalid', `data.${firstString}`);
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.data[firstString] = null))), 'schema-invalid', `data.${firstString}`);
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.data[firstString] = [e.data[firstString]]))), 'schema-invalid');
      });

      it('refuses an extra property', () => {
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.data.extra = true))), 'schema-invalid', 'data: unexpected property "extra"');
      });

      it('refuses JSON-LD smuggling in the data, the envelope and the proof', () => {
        for (const key of ['@graph', '@reverse', '@included', '@context', '@id', '@type']) {
          rejects(validateEnvelope(envelopeWith(type, (e) => (e.data[key] = [{ '@id': 'x' }]))), 'schema-invalid', `data: unexpected property "${key}"`);
          rejects(validateEnvelope(envelopeWith(type, (e) => (e[key] = [{ '@id': 'x' }]))), 'envelope-invalid', '(root): unexpected');
          rejects(validateEnvelope(envelopeWith(type, (e) => (e.proof[key] = [{ '@id': 'x' }]))), 'envelope-invalid', 'proof: unexpected');
        }
      });

      it('refuses an over-long string', () => {
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.data[firstString] = 'a'.repeat(200_000)))), 'schema-invalid', `data.${firstString}`);
      });

      it('refuses data that is not an object', () => {
        for (const data of [null, [], 'x', 1, true]) {
          rejects(validateEnvelope(envelopeWith(type, (e) => (e.data = data))), 'envelope-invalid', 'data: must be object');
        }
      });

      it('refuses an unknown version', () => {
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.schemaVersion = 99))), 'unknown-event-type', /has no version 99/);
      });

      it('refuses a stream that is not the one its data belongs to', () => {
        rejects(validateEnvelope(envelopeWith(type, (e) => (e.stream = 'video:00000000-0000-4000-8000-000000000000'))), 'envelope-invalid', 'stream: must be');
      });
    });
  }
});

describe('validateEnvelope: the envelope', () => {
  it('chains: prevHash is null exactly when originSeq is 1', () => {
    rejects(validateEnvelope(envelopeWith('VideoDeleted', (e) => (e.prevHash = null))), 'envelope-invalid', 'prevHash: must be null exactly when originSeq is 1');
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => (e.prevHash = 'ab'.repeat(32)))), 'envelope-invalid', 'prevHash');
    rejects(validateEnvelope(envelopeWith('VideoDeleted', (e) => (e.prevHash = 'AB'.repeat(32)))), 'envelope-invalid', 'prevHash');
    rejects(validateEnvelope(envelopeWith('VideoDeleted', (e) => (e.prevHash = 'ab'.repeat(31)))), 'envelope-invalid', 'prevHash');
    rejects(validateEnvelope(envelopeWith('VideoDeleted', (e) => delete e.prevHash)), 'envelope-invalid', 'prevHash: missing');
  });

  it('keeps PodJoined as the genesis event, and only it', () => {
    rejects(validateEnvelope(envelopeWith('VideoDeleted', (e) => {
      e.originSeq = 1;
      e.prevHash = null;
    })), 'envelope-invalid', 'type: originSeq 1 must be PodJoined');
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => {
      e.originSeq = 7;
      e.prevHash = 'ab'.repeat(32);
    })), 'envelope-invalid', 'originSeq: PodJoined is the genesis event');
  });

  it('refuses malformed ids, origins, sequence numbers, streams and dates', () => {
    const cases: [string, (e: Json) => void][] = [
      ['id', (e) => (e.id = 'urn:uuid:0b7e2c2a-1f3e-4d6a-9b2c-7a1e5f3d9c10')], // UUIDv4
      ['id', (e) => (e.id = e.id.toUpperCase())],
      ['id', (e) => (e.id = e.id.slice(9))],
      ['type', (e) => (e.type = 'videoDeleted')],
      ['type', (e) => (e.type = 'X'.repeat(65))],
      ['schemaVersion', (e) => (e.schemaVersion = 0)],
      ['schemaVersion', (e) => (e.schemaVersion = 1.5)],
      ['schemaVersion', (e) => (e.schemaVersion = '1')],
      ['origin', (e) => (e.origin = 'http://localhost:9001/actor')],
      ['origin', (e) => (e.origin = 'ftp://localhost:9001/federation/actor')],
      ['origin', (e) => (e.origin = 'http://LOCALHOST:9001/federation/actor')],
      ['origin', (e) => (e.origin = 'http://localhost:99999/federation/actor')],
      ['origin', (e) => (e.origin = 'http://user@localhost:9001/federation/actor')],
      ['origin', (e) => (e.origin = 'http://localhost:9001/federation/actor/../actor')],
      ['originSeq', (e) => (e.originSeq = 0)],
      ['originSeq', (e) => (e.originSeq = -1)],
      ['originSeq', (e) => (e.originSeq = 2 ** 53)],
      ['originSeq', (e) => (e.originSeq = Number.NaN)],
      ['originSeq', (e) => (e.originSeq = Infinity)],
      ['originSeq', (e) => (e.originSeq = 44n)],
      ['stream', (e) => (e.stream = 'video')],
      ['stream', (e) => (e.stream = 'Video:x')],
      ['stream', (e) => (e.stream = 'video:a b')],
      ['occurredAt', (e) => (e.occurredAt = '2026-11-30 07:45:00Z')],
      ['occurredAt', (e) => (e.occurredAt = '2026-11-30T07:45:00')],
      ['occurredAt', (e) => (e.occurredAt = '2026-02-30T07:45:00Z')],
      ['occurredAt', (e) => (e.occurredAt = 1764489900000)],
      ['proof', (e) => (e.proof = null)],
      ['proof', (e) => delete e.proof],
      ['proof.type', (e) => (e.proof.type = 'Ed25519Signature2020')],
      ['proof.cryptosuite', (e) => (e.proof.cryptosuite = 'eddsa-rdfc-2022')],
      ['proof.proofPurpose', (e) => (e.proof.proofPurpose = 'authentication')],
      ['proof.created', (e) => (e.proof.created = '2026-11-30T07:45:00.000Z')],
      ['proof.proofValue', (e) => (e.proof.proofValue = 'u' + e.proof.proofValue.slice(1))],
      ['proof.proofValue', (e) => (e.proof.proofValue = e.proof.proofValue.replace(/.$/, '0'))],
      ['proof.proofValue', (e) => delete e.proof.proofValue],
      ['proof.verificationMethod', (e) => (e.proof.verificationMethod = 'http://localhost:9001/federation/actor#main-key')],
      ['proof.verificationMethod', (e) => (e.proof.verificationMethod = 'http://localhost:9002/federation/actor#ed25519-key')],
    ];
    for (const [field, change] of cases) {
      const result = validateEnvelope(envelopeWith('VideoDeleted', change));
      assert.equal(result.ok, false, `${field}: ${change.toString()}`);
      if (!result.ok) assert.ok(result.message.startsWith(field), `${change.toString()} gave "${result.message}"`);
    }
  });

  it('refuses an unknown type', () => {
    rejects(validateEnvelope(envelopeWith('VideoDeleted', (e) => (e.type = 'VideoLiked'))), 'unknown-event-type', 'type: unknown event type "VideoLiked"');
  });

  it('accepts an origin with a numeric offset and https, IPv4 and bracketed IPv6 hosts', () => {
    const joined = (actor: string): Json =>
      envelopeWith('PodJoined', (e) => {
        e.origin = actor;
        e.data.actor = actor;
        e.data.host = actor.replace(/^https?:\/\//, '').replace('/federation/actor', '');
        e.stream = `pod:${e.data.host}`;
        e.proof.verificationMethod = `${actor}#ed25519-key`;
        e.occurredAt = '2026-11-25T17:00:00.5+01:00';
      });
    for (const actor of ['https://videos.example.org/federation/actor', 'http://192.168.1.20:9001/federation/actor', 'http://[::1]:9001/federation/actor']) {
      assert.deepEqual(validateEnvelope(joined(actor)), { ok: true }, actor);
    }
  });
});

describe('validateEnvelope: rules between fields', () => {
  it('PodJoined declares the origin itself, with readable keys', () => {
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => (e.data.actor = 'http://localhost:9002/federation/actor'))), 'schema-invalid', 'data.host: must be the host of data.actor');
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => {
      e.data.actor = 'http://localhost:9002/federation/actor';
      e.data.host = 'localhost:9002';
      e.stream = 'pod:localhost:9002';
    })), 'envelope-invalid', 'data.actor: must be the origin');
    const x25519Prefixed = 'z' + bs58.encode(Buffer.concat([Buffer.from([0xec, 0x01]), Buffer.alloc(32, 7)]));
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => (e.data.keys.ed25519Multibase = x25519Prefixed))), 'schema-invalid', 'data.keys.ed25519Multibase');
    const garbagePem = `-----BEGIN PUBLIC KEY-----\n${'QUFB'.repeat(16)}\n`.repeat(1) + `${'QUFB'.repeat(16)}\n`.repeat(6) + '-----END PUBLIC KEY-----\n';
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => (e.data.keys.rsaPublicKeyPem = garbagePem))), 'schema-invalid', 'data.keys.rsaPublicKeyPem: not a readable public key');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const shortPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => (e.data.keys.rsaPublicKeyPem = shortPem))), 'schema-invalid', 'data.keys.rsaPublicKeyPem');
    rejects(validateEnvelope(envelopeWith('PodJoined', (e) => (e.data.name = ''))), 'schema-invalid', 'data.name');
  });

  it('friendships: the requester asks, the accepter accepts, nobody befriends itself', () => {
    rejects(validateEnvelope(envelopeWith('FriendshipRequested', (e) => {
      e.data.requester = 'http://localhost:9001/federation/actor';
      e.stream = friendshipStream('localhost:9001', 'localhost:9003');
    })), 'envelope-invalid', 'data.requester: must be the origin');
    rejects(validateEnvelope(envelopeWith('FriendshipRequested', (e) => {
      e.data.target = e.data.requester;
      e.stream = 'friendship:localhost:9002+localhost:9002';
    })), 'schema-invalid', 'data.target: a pod cannot befriend itself');
    rejects(validateEnvelope(envelopeWith('FriendshipAccepted', (e) => {
      e.data.accepter = 'http://localhost:9001/federation/actor';
      e.stream = friendshipStream('localhost:9001', 'localhost:9002');
    })), 'envelope-invalid', 'data.accepter: must be the origin');
    rejects(validateEnvelope(envelopeWith('FriendshipEnded', (e) => {
      e.data.peer = e.origin;
    })), 'envelope-invalid', 'stream: must be friendship:localhost:9001+localhost:9001');
    rejects(validateEnvelope(envelopeWith('FriendshipEnded', (e) => {
      e.data.peer = e.origin;
      e.stream = 'friendship:localhost:9001+localhost:9001';
    })), 'envelope-invalid', 'data.peer: must not be the origin');
    rejects(validateEnvelope(envelopeWith('FriendshipEnded', (e) => (e.data.reason = 'expelled'))), 'schema-invalid', 'data.reason: must be one of "quit", "removed", "declined"');
    rejects(validateEnvelope(envelopeWith('FriendshipRequested', (e) => (e.stream = 'friendship:localhost:9003+localhost:9002'))), 'envelope-invalid', 'stream: must be friendship:localhost:9002+localhost:9003');
  });

  it('votes: a pod never votes on itself; outcomes cite distinct vote ids', () => {
    for (const type of ['ExpulsionVoteCast', 'ExpulsionVoteWithdrawn', 'ReadmissionVoteCast', 'ReadmissionVoteWithdrawn']) {
      rejects(validateEnvelope(envelopeWith(type, (e) => {
        e.data.target = e.origin;
        e.stream = 'pod:localhost:9001';
      })), 'envelope-invalid', 'data.target: must not be the origin');
    }
    for (const type of ['PodExpelled', 'PodReadmitted']) {
      rejects(validateEnvelope(envelopeWith(type, (e) => (e.data.votes = []))), 'schema-invalid', 'data.votes');
      rejects(validateEnvelope(envelopeWith(type, (e) => (e.data.votes = [e.data.votes[0], e.data.votes[0]]))), 'schema-invalid', 'data.votes');
      rejects(validateEnvelope(envelopeWith(type, (e) => (e.data.votes = ['not-an-id']))), 'schema-invalid', 'data.votes[0]');
      rejects(validateEnvelope(envelopeWith(type, (e) => (e.data.votes = new Array(1001).fill(e.data.votes[0])))), 'schema-invalid', 'data.votes');
    }
    rejects(validateEnvelope(envelopeWith('ExpulsionVoteCast', (e) => (e.data.reason = 'x'.repeat(1001)))), 'schema-invalid', 'data.reason');
    rejects(validateEnvelope(envelopeWith('ExpulsionVoteCast', (e) => (e.data.reason = 'nul\u0000byte'))), 'schema-invalid', 'data.reason');
    assert.deepEqual(validateEnvelope(envelopeWith('ExpulsionVoteCast', (e) => (e.data.reason = ''))), { ok: true });
  });

  it('videos: bounded name, description and tags; consistent torrent fields', () => {
    const published = (change: (d: Json) => void): Validation => validateEnvelope(envelopeWith('VideoPublished', (e) => change(e.data)));
    rejects(published((d) => (d.tags = ['one', 'two', 'three', 'four', 'five', 'six'])), 'schema-invalid', 'data.tags: must NOT have more than 5 items');
    rejects(published((d) => (d.tags = ['same', 'same'])), 'schema-invalid', 'data.tags');
    rejects(published((d) => (d.tags = ['x'])), 'schema-invalid', 'data.tags[0]');
    rejects(published((d) => (d.tags = ['t'.repeat(31)])), 'schema-invalid', 'data.tags[0]');
    rejects(published((d) => (d.tags = new Array(1_000_000).fill('ab'))), 'schema-invalid', 'data.tags');
    rejects(published((d) => (d.name = 'ab')), 'schema-invalid', 'data.name');
    rejects(published((d) => (d.name = 'n'.repeat(121))), 'schema-invalid', 'data.name');
    rejects(published((d) => (d.name = ' padded name')), 'schema-invalid', 'data.name');
    rejects(published((d) => (d.name = 'two\nlines')), 'schema-invalid', 'data.name');
    rejects(published((d) => (d.description = 'd'.repeat(10_001))), 'schema-invalid', 'data.description');
    rejects(published((d) => (d.duration = 1.5)), 'schema-invalid', 'data.duration');
    rejects(published((d) => (d.size = 0)), 'schema-invalid', 'data.size');
    rejects(published((d) => (d.mimeType = 'application/x-msdownload')), 'schema-invalid', 'data.mimeType');
    rejects(published((d) => (d.infoHash = d.infoHash.toUpperCase())), 'schema-invalid', 'data.infoHash');
    rejects(published((d) => (d.infoHash = 'ab'.repeat(20))), 'schema-invalid', 'data.magnetUri: its xt must be urn:btih:<data.infoHash>');
    rejects(published((d) => (d.torrentUrl = 'javascript:alert(1)')), 'schema-invalid', 'data.torrentUrl');
    rejects(published((d) => (d.thumbnailUrl = 'http://localhost:9001/a b.jpg')), 'schema-invalid', 'data.thumbnailUrl');
    rejects(published((d) => (d.webSeedUrls = new Array(11).fill(0).map((_, i) => `http://localhost:9001/${i}.mp4`))), 'schema-invalid', 'data.webSeedUrls');
    rejects(published((d) => (d.account = { username: 'Camille' })), 'schema-invalid', 'data.account.username');
    rejects(published((d) => (d.account.role = 'admin')), 'schema-invalid', 'data.account: unexpected property "role"');
    assert.deepEqual(published((d) => {
      delete d.account.displayName;
      d.tags = [];
      d.description = '';
      d.webSeedUrls = [];
    }), { ok: true });
  });

  it('VideoUpdated changes at least one field', () => {
    const uuid = dataOf('VideoUpdated').uuid as string;
    rejects(validateEventData('VideoUpdated', 1, { uuid }), 'schema-invalid', 'data: must have at least 2 fields');
    assert.deepEqual(validateEventData('VideoUpdated', 1, { uuid, description: '' }), { ok: true });
    rejects(validateEventData('VideoUpdated', 1, { uuid, tags: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'schema-invalid', 'data.tags');
    rejects(validateEventData('VideoUpdated', 1, { uuid, infoHash: 'ab'.repeat(20) }), 'schema-invalid', 'data: unexpected property "infoHash"');
  });
});

describe('validateEventData', () => {
  it('accepts the data of every golden example', () => {
    for (const { type, version, envelope } of readGoldenExamples()) {
      assert.deepEqual(validateEventData(type, version, envelope.data), { ok: true }, type);
    }
  });

  it('refuses unknown types and versions, including names inherited from Object', () => {
    for (const type of ['VideoLiked', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, undefined, {}, Symbol('x')]) {
      rejects(validateEventData(type, 1, {}), 'unknown-event-type', 'type: unknown event type');
    }
    for (const version of [0, 2, -1, 1.5, '1', null, undefined, NaN]) {
      rejects(validateEventData('VideoDeleted', version, dataOf('VideoDeleted')), 'unknown-event-type', 'schemaVersion');
    }
  });
});

describe('never throws, whatever the input', () => {
  const hostile: [string, () => unknown][] = [
    ['null', () => null],
    ['undefined', () => undefined],
    ['a number', () => 42],
    ['a huge string', () => 'x'.repeat(10_000_000)],
    ['an array', () => [example('VideoDeleted')]],
    ['a function', () => () => 1],
    ['a cyclic envelope', () => envelopeWith('VideoDeleted', (e) => (e.data.self = e))],
    ['cyclic data', () => envelopeWith('VideoPublished', (e) => (e.data.account.self = e.data.account))],
    ['a proxy whose reads throw', () => new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('keys'); } })],
    ['data as a throwing proxy', () => envelopeWith('VideoDeleted', (e) => (e.data = new Proxy({}, { get: () => { throw new Error('boom'); } })))],
    ['a throwing getter', () => Object.defineProperty(example('VideoDeleted'), 'type', { get: () => { throw new Error('getter'); }, enumerable: true })],
    ['an inherited type', () => { const { type, ...rest } = example('VideoDeleted'); return Object.assign(Object.create({ type }), rest); }],
    ['a __proto__ key', () => JSON.parse(JSON.stringify(example('VideoDeleted')).replace('"uuid"', '"__proto__":{"polluted":true},"uuid"'))],
    ['a top-level __proto__ key', () => JSON.parse('{"__proto__":{"polluted":true}}')],
    ['a constructor key', () => envelopeWith('VideoDeleted', (e) => (e.data.constructor = { prototype: { polluted: true } }))],
    ['a null-prototype object', () => Object.assign(Object.create(null), example('VideoDeleted'))],
    ['a Date', () => new Date()],
    ['symbol keys', () => envelopeWith('VideoDeleted', (e) => (e.data[Symbol('s')] = 1))],
    ['a huge key', () => envelopeWith('VideoDeleted', (e) => (e.data['k'.repeat(1_000_000)] = 1))],
  ];

  for (const [label, make] of hostile) {
    it(`refuses ${label} without throwing`, () => {
      const value = make();
      const result = validateEnvelope(value);
      if (label === 'a null-prototype object' || label === 'symbol keys') {
        // Plain data all the same: JSON.parse never makes these, yet nothing about them is wrong.
        assert.deepEqual(result, { ok: true });
      } else {
        assert.equal(result.ok, false);
        if (!result.ok) assert.ok(result.message.length <= 300);
      }
      assert.doesNotThrow(() => validateEventData('VideoDeleted', 1, value));
      assert.equal(({} as Json).polluted, undefined);
    });
  }
});

describe('the catalogue', () => {
  it('compiles every schema in strict mode, once per catalogue', () => {
    const catalog = createEventCatalog();
    assert.equal(catalog.versions().size, 15);
    for (const versions of catalog.versions().values()) assert.deepEqual(versions, [1]);
  });
});
