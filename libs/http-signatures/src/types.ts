import type { KeyObject } from 'node:crypto';

/** Request headers as Node gives them: lower-case names, repeated fields as arrays. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Stable failure codes: callers map them to HTTP statuses and metrics, so a name never
 * changes meaning. keyUnavailable is the only transient one (the key could not be fetched).
 */
export type VerificationFailureType =
  | 'missingSignature'
  | 'malformedSignature'
  | 'unsupportedAlgorithm'
  | 'missingSignedHeader'
  | 'missingHeader'
  | 'digestMismatch'
  | 'dateOutOfWindow'
  | 'keyIdRejected'
  | 'keyNotFound'
  | 'keyUnavailable'
  | 'invalidKey'
  | 'invalidSignature';

export interface VerificationFailure {
  readonly verified: false;
  readonly reason: { readonly type: VerificationFailureType; readonly detail: string };
  /** Present once the signature named a key, so that rejections can be logged per sender. */
  readonly keyId?: string;
}

export interface VerificationSuccess {
  readonly verified: true;
  readonly scheme: 'draft-cavage' | 'rfc9421';
  readonly keyId: string;
  /** The actor that owns the key: the caller checks that it may speak for the activity's actor. */
  readonly owner: string;
  /** Covered headers and pseudo-headers (or RFC 9421 components), lower-case, in signed order. */
  readonly signedHeaders: readonly string[];
  /** True when the first key failed and the refreshed one verified (key rotation). */
  readonly keyRefreshed: boolean;
}

export type VerificationResult = VerificationSuccess | VerificationFailure;

export interface ResolvedKey {
  /** A KeyObject is used as is; a PEM string is parsed once and remembered. */
  readonly publicKey: KeyObject | string;
  readonly owner: string;
  /**
   * false when this answer was fetched just now: a failure is then final and no refresh
   * is asked for. Absent means "possibly stale".
   */
  readonly cached?: boolean;
}

/**
 * Finds the key a signature names. null: there is no such key. A throw or a rejected
 * promise: the key could not be fetched now (keyUnavailable). With refresh: true the
 * caller must bypass its cache, because the cached key just failed to verify.
 */
export type KeyResolver = (keyId: string, options: { readonly refresh: boolean }) => Promise<ResolvedKey | null> | ResolvedKey | null;

export interface VerifyRequestOptions {
  readonly method: string;
  /** Path and query as received (`/inbox?x=1`); an absolute URL is also accepted. */
  readonly url: string;
  readonly headers: HeaderRecord;
  /** The body bytes exactly as received, before any JSON parsing. */
  readonly rawBody?: Uint8Array;
  readonly now?: Date;
  readonly resolveKey: KeyResolver;
  /** How far Date or (created) may be from now, both ways. Default 3600. */
  readonly maxSkewSeconds?: number;
  /** Default 2048; only tests with old published vectors lower it. */
  readonly minimumRsaBits?: number;
  /** Refuse a keyId before any fetch (blocked domains, private addresses). */
  readonly isKeyIdAllowed?: (keyId: string) => boolean;
}
