/**
 * A pod's opinion of a peer's health (docs/protocol.md, "Membership"): every contact (a delivery to its
 * inbox, a periodic probe of its actor) moves the score by one step, up on success and down on
 * failure, between 0 and 1000. A new peer starts at 100. Pure: the time is an argument.
 */
export const HEALTH_SCORE = { initial: 100, step: 10, max: 1000, min: 0 } as const;

export interface PeerHealth {
  score: number;
  /** Consecutive failed contacts (0 after a success). */
  failuresInRow: number;
  successes: number;
  failures: number;
  /** The last contact that succeeded (RFC 3339). */
  lastSeenAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
}

export type ContactOutcome = { ok: true; at: string } | { ok: false; at: string; error: string };

export function initialHealth(): PeerHealth {
  return { score: HEALTH_SCORE.initial, failuresInRow: 0, successes: 0, failures: 0, lastSeenAt: null, lastFailureAt: null, lastError: null };
}

export function afterContact(health: PeerHealth, outcome: ContactOutcome): PeerHealth {
  if (outcome.ok) {
    return {
      ...health,
      score: Math.min(HEALTH_SCORE.max, health.score + HEALTH_SCORE.step),
      failuresInRow: 0,
      successes: health.successes + 1,
      lastSeenAt: outcome.at,
    };
  }
  return {
    ...health,
    score: Math.max(HEALTH_SCORE.min, health.score - HEALTH_SCORE.step),
    failuresInRow: health.failuresInRow + 1,
    failures: health.failures + 1,
    lastFailureAt: outcome.at,
    lastError: outcome.error.slice(0, 500),
  };
}

/** At or below the threshold: the pod votes to expel the peer (when health.autoVote is on). */
export function isUnhealthy(health: PeerHealth, threshold: number): boolean {
  return health.score <= threshold;
}

/**
 * Back to the score of a new peer: an automatic vote is withdrawn (hysteresis: a peer that
 * hovers around the threshold does not make its friends vote and withdraw at every probe).
 */
export function hasRecovered(health: PeerHealth, threshold: number): boolean {
  return health.score >= Math.max(HEALTH_SCORE.initial, threshold + 2 * HEALTH_SCORE.step);
}

/** The reason of an automatic vote; its prefix tells an automatic vote from an admin's. */
export const AUTOMATIC_VOTE_PREFIX = 'Automatic vote:';

export function automaticVoteReason(health: PeerHealth, threshold: number): string {
  return `${AUTOMATIC_VOTE_PREFIX} health score ${health.score} after ${health.failuresInRow} failed contact(s) in a row (threshold ${threshold}); last error: ${health.lastError ?? 'none'}`.slice(0, 1000);
}

/**
 * Reachable: the last contact with the peer (a delivery or a probe) succeeded, or none failed
 * yet. While a video's origin is not, its mirrors carry the video (videos/queries/video-mirrors.ts).
 */
export function isReachable(health: Pick<PeerHealth, 'failuresInRow'>): boolean {
  return health.failuresInRow === 0;
}
