import { createPublicKey } from 'node:crypto';
import bs58 from 'bs58';
import { hostOfActor, streamFor } from './event-streams.js';

/**
 * Rules JSON Schema cannot say: relations between fields. Each returns null when the rule
 * holds, or a short message. They run only on schema-valid values, so fields have their types.
 */

type Data = Record<string, unknown>;

/** The genesis event is where auditors take an origin's keys, so at most one may exist per origin. */
const GENESIS_TYPE = 'PodJoined';
const MIN_RSA_BITS = 2048;

function ed25519MultikeyProblem(value: string): string | null {
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(value.slice(1));
  } catch {
    return 'data.keys.ed25519Multibase: not base58btc';
  }
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    return 'data.keys.ed25519Multibase: not an Ed25519 Multikey (0xed01 + 32 bytes)';
  }
  return null;
}

function rsaPemProblem(pem: string): string | null {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return 'data.keys.rsaPublicKeyPem: not an RSA key';
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
      return `data.keys.rsaPublicKeyPem: RSA key shorter than ${MIN_RSA_BITS} bits`;
    }
    return null;
  } catch {
    return 'data.keys.rsaPublicKeyPem: not a readable public key';
  }
}

/** Rules within the data alone: they also hold for drafts, before the log fills the envelope. */
export function dataRuleProblem(type: string, schemaVersion: number, data: Data): string | null {
  if (schemaVersion !== 1) return null;
  switch (type) {
    case 'PodJoined': {
      const keys = data.keys as Data;
      if (hostOfActor(data.actor as string) !== data.host) return 'data.host: must be the host of data.actor';
      return ed25519MultikeyProblem(keys.ed25519Multibase as string) ?? rsaPemProblem(keys.rsaPublicKeyPem as string);
    }
    case 'FriendshipRequested':
      return hostOfActor(data.requester as string) === hostOfActor(data.target as string)
        ? 'data.target: a pod cannot befriend itself'
        : null;
    case 'FriendshipAccepted':
      return hostOfActor(data.requester as string) === hostOfActor(data.accepter as string)
        ? 'data.accepter: a pod cannot befriend itself'
        : null;
    case 'VideoPublished': {
      const magnet = (data.magnetUri as string).toLowerCase();
      const xt = `xt=urn:btih:${data.infoHash as string}`;
      return magnet.startsWith(`magnet:?${xt}`) || magnet.includes(`&${xt}`)
        ? null
        : 'data.magnetUri: its xt must be urn:btih:<data.infoHash>';
    }
    default:
      return null;
  }
}

/** Which data field must name the origin itself, per type (v1). */
const SELF_FIELD = new Map([
  ['PodJoined', 'actor'],
  ['FriendshipRequested', 'requester'],
  ['FriendshipAccepted', 'accepter'],
]);

/** Which data field must name another pod than the origin, per type (v1). */
const OTHER_FIELD = new Map([
  ['FriendshipEnded', 'peer'],
  ['VideoMirrored', 'videoOrigin'],
  ['ExpulsionVoteCast', 'target'],
  ['ExpulsionVoteWithdrawn', 'target'],
  ['ReadmissionVoteCast', 'target'],
  ['ReadmissionVoteWithdrawn', 'target'],
]);

export interface RuleEnvelope {
  type: string;
  schemaVersion: number;
  origin: string;
  originSeq: number;
  stream: string;
  data: Data;
  proof: { verificationMethod: string };
}

/** Rules between the envelope and its data. */
export function envelopeRuleProblem(envelope: RuleEnvelope): string | null {
  const { type, schemaVersion, origin, originSeq, data } = envelope;
  if (envelope.proof.verificationMethod !== `${origin}#ed25519-key`) {
    return 'proof.verificationMethod: must be <origin>#ed25519-key';
  }
  if ((type === GENESIS_TYPE) !== (originSeq === 1)) {
    return type === GENESIS_TYPE
      ? 'originSeq: PodJoined is the genesis event, its originSeq must be 1'
      : `type: originSeq 1 must be PodJoined, not ${type}`;
  }
  const stream = streamFor({ type, schemaVersion, data, origin });
  if (stream !== null && envelope.stream !== stream) return `stream: must be ${stream}`;
  if (schemaVersion === 1) {
    const self = SELF_FIELD.get(type);
    if (self !== undefined && data[self] !== origin) return `data.${self}: must be the origin`;
    const other = OTHER_FIELD.get(type);
    if (other !== undefined && hostOfActor(data[other] as string) === hostOfActor(origin)) {
      return `data.${other}: must not be the origin`;
    }
  }
  return null;
}
