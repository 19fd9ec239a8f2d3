/**
 * The one envelope every event travels in, local or foreign (see docs/architecture.md, "How an event flows", and events/CATALOG.md).
 * The proof covers every other field, so an event stays verifiable whoever relays it.
 */
export interface DataIntegrityProof {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-jcs-2022';
  /** `<actor>#ed25519-key`: resolvable to a Multikey in the actor's assertionMethod. */
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  /** Whole seconds (`…:00Z`): Fedify re-serializes `created` and drops `.000`. */
  created: string;
  /** `z` + base58btc of the 64-byte Ed25519 signature. */
  proofValue: string;
}

export interface UnsignedEnvelope<D = unknown> {
  /** `urn:uuid:<uuidv7>` */
  id: string;
  type: string;
  schemaVersion: number;
  /** The actor URL of the pod where the event happened. */
  origin: string;
  /** Gap-free per origin, starting at 1. */
  originSeq: number;
  /** Hex SHA-256 of the JCS form of the origin's previous event (proof included); null for originSeq 1. */
  prevHash: string | null;
  stream: string;
  occurredAt: string;
  data: D;
}

export interface EventEnvelope<D = unknown> extends UnsignedEnvelope<D> {
  proof: DataIntegrityProof;
}

/** What a use case hands to the log: the log assigns origin, originSeq, prevHash and signs. */
export interface EventDraft<D = unknown> {
  /** Optional so that a retried command can reuse its id and stay idempotent. */
  id?: string;
  type: string;
  schemaVersion: number;
  data: D;
  occurredAt?: string;
}
