/**
 * Every refusal the tracker gives, with a stable code (for metrics and tests) and the text
 * sent to the client (`failure reason` over HTTP, the message of a BEP 15 error packet, or
 * `failure reason` over WebSocket). Codes never change meaning; texts may be reworded.
 */
export type TrackerFailureCode =
  | 'malformedQuery'
  | 'requestTooLong'
  | 'missingParameter'
  | 'duplicateParameter'
  | 'invalidInfoHash'
  | 'invalidPeerId'
  | 'invalidPort'
  | 'invalidNumwant'
  | 'invalidEvent'
  | 'invalidAmount'
  | 'unknownTorrent'
  | 'fullScrapeRefused'
  | 'tooManyInfoHashes'
  | 'rateLimited'
  | 'truncatedPacket'
  | 'invalidProtocolId'
  | 'invalidConnectionId'
  | 'invalidAction'
  | 'invalidMessage'
  | 'unknownPeer';

export interface TrackerFailure {
  readonly ok: false;
  readonly code: TrackerFailureCode;
  readonly reason: string;
}

export function failure(code: TrackerFailureCode, reason: string): TrackerFailure {
  return { ok: false, code, reason };
}

/** The failures that do not depend on the request, allocated once (the hot paths reuse them). */
export const UNKNOWN_TORRENT = failure('unknownTorrent', 'unknown info_hash: this tracker only serves the videos of its own pod');
export const RATE_LIMITED = failure('rateLimited', 'rate limited: too many requests from this address, slow down');
export const FULL_SCRAPE_REFUSED = failure('fullScrapeRefused', 'a scrape must name at least one info_hash');
