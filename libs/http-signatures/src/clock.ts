/**
 * The time window of a signature. Mastodon accepts a Date from about 65 minutes in the past
 * to 1 hour in the future; PeerTube allows 30 minutes each way. One symmetric skew, 1 hour
 * by default, sits between the two and tolerates badly set clocks.
 */
export const DEFAULT_MAX_SKEW_SECONDS = 3600;

export interface SignedTimes {
  /** Seconds since the epoch, from a signed Date header and/or a signed (created). */
  readonly created: readonly number[];
  /** The `expires` parameter in seconds, when the sender set one. */
  readonly expires?: number;
}

export function checkTimeWindow(times: SignedTimes, now: Date, maxSkewSeconds: number): { ok: true } | { ok: false; detail: string } {
  const nowSeconds = now.getTime() / 1000;
  for (const created of times.created) {
    if (created > nowSeconds + maxSkewSeconds) return { ok: false, detail: `signed ${Math.round(created - nowSeconds)} s in the future, at most ${maxSkewSeconds} s allowed` };
    if (created < nowSeconds - maxSkewSeconds) return { ok: false, detail: `signed ${Math.round(nowSeconds - created)} s ago, at most ${maxSkewSeconds} s allowed` };
  }
  // Mastodon's margin: an expiry is honoured with the same clock-skew allowance.
  if (times.expires !== undefined && nowSeconds > times.expires + maxSkewSeconds) return { ok: false, detail: 'the signature expired' };
  return { ok: true };
}

/** An HTTP date in seconds, or null. Bounded so that an absurd header costs nothing. */
export function httpDateSeconds(value: string): number | null {
  if (value.length > 64) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** A `created`/`expires` parameter: a Unix time, integer (decimals tolerated, as Mastodon does). */
export function unixSeconds(value: string): number | null {
  return /^\d{1,12}(\.\d{1,9})?$/.test(value) ? Number(value) : null;
}
