import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { PodConfig } from '../../config/pod-config.js';
import { FederationRequestError, type FederationClient } from '../../federation/federation-client.js';
import type { PeerDirectory } from '../../federation/peer-directory.js';
import { FriendReachable } from './friend-reachable.event.js';
import { afterContact, automaticVoteReason, hasRecovered, initialHealth, isUnhealthy, type PeerHealth } from './health-score.js';

/** What the monitor asks of the votes when a peer falls under the threshold, or recovers. */
export interface AutomaticVoter {
  /** Casts this pod's expulsion vote; true when the pod has a vote on the peer afterwards. */
  autoVote(actor: string, reason: string): Promise<boolean>;
  /** Withdraws this pod's automatic expulsion vote, if it still counts. */
  autoWithdraw(actor: string): Promise<void>;
}

export interface PeerHealthView extends PeerHealth {
  actor: string;
}

/** Scores are saved at most this long after they moved (local state, like delivery cursors). */
const SAVE_DELAY_MS = 1000;

/**
 * The health of this pod's friends as this pod sees it (local state, not events): every
 * delivery to a friend's inbox and a signed GET of each friend's actor every
 * `health.probeIntervalSeconds` move its score (health-score.ts). When a friend's score is at
 * or below `health.threshold` and `health.autoVote` is on, this pod casts its expulsion vote;
 * when the friend is back to a new peer's score, an automatic vote is withdrawn.
 *
 * A peer that answers `403 pod-expelled` is not failing: it refuses us because the network
 * expelled this pod. That answer changes no score (an expelled pod must not vote its former
 * friends out for refusing it) and is remembered in `refusedUs`.
 */
export class HealthMonitor {
  private readonly peers = new Map<string, PeerHealth>();
  private readonly probing = new Set<string>();
  private readonly unsaved = new Set<string>();
  private readonly voting = new Set<string>();
  private readonly autoVoted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Peers that answered that this pod is expelled, and when they last did. */
  readonly refusedUs = new Map<string, string>();
  probes = 0;

  constructor(
    private readonly policy: PodConfig['health'],
    private readonly directory: PeerDirectory,
    private readonly client: FederationClient,
    private readonly db: ReadModelDatabase,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
    /** Casts and withdraws this pod's automatic votes (PodVotes); none: scores only. */
    private readonly voter?: AutomaticVoter,
    /** Told when a probe of a friend succeeds (FriendReachable: delivery retries it at once). */
    private readonly events: { publish(event: FriendReachable): unknown } = { publish() {} },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Loads the saved scores (the table is the migrations'): before the pod serves GET /api/v1/pods. */
  async init(): Promise<void> {
    for (const row of await this.db.query<Record<string, any>>('SELECT * FROM pod_health')) {
      this.peers.set(row.actor, {
        score: Number(row.score),
        failuresInRow: Number(row.failures_in_row),
        successes: Number(row.successes),
        failures: Number(row.failures),
        lastSeenAt: row.last_seen_at,
        lastFailureAt: row.last_failure_at,
        lastError: row.last_error,
      });
    }
  }

  /** Probes every friend every `probeIntervalSeconds` (decimals allowed; 0: no probes, deliveries still count). */
  start(): void {
    const intervalMs = Math.round(this.policy.probeIntervalSeconds * 1000);
    if (intervalMs <= 0 || this.stopped) return;
    this.timer = setInterval(() => void this.probeFriends(), Math.max(10, intervalMs));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }

  /** The score and last contact of a peer (a peer never contacted has a new peer's score). */
  healthOf(actor: string): PeerHealth {
    return this.peers.get(actor) ?? initialHealth();
  }

  all(): PeerHealthView[] {
    return [...this.peers].map(([actor, health]) => ({ actor, ...health }));
  }

  /** A delivery's outcome (DeliveryAttempted). */
  observeDelivery(actor: string, outcome: { ok: true } | { ok: false; error: unknown }): void {
    if (outcome.ok) this.record(actor, true);
    else this.failed(actor, outcome.error);
  }

  /** A fresh start for a peer: readmitted, its old score no longer says anything. */
  reset(actor: string): void {
    this.peers.set(actor, initialHealth());
    this.autoVoted.delete(actor);
    this.unsaved.add(actor);
    this.saveSoon();
  }

  /** Probes each friend once (one probe per friend at a time). */
  async probeFriends(): Promise<void> {
    let friends: string[];
    try {
      friends = await this.directory.friends();
    } catch (error) {
      this.log(`health: cannot read the friends list: ${(error as Error).message}`);
      return;
    }
    await Promise.all(friends.filter((actor) => !this.probing.has(actor)).map((actor) => this.probe(actor)));
  }

  private async probe(actor: string): Promise<void> {
    this.probing.add(actor);
    this.probes += 1;
    try {
      const document = await this.client.getJson<{ id?: unknown }>(actor);
      if (this.stopped) return;
      if (document?.id !== actor) this.failed(actor, new Error(`its actor document names ${String(document?.id).slice(0, 200)}`));
      else {
        this.record(actor, true);
        this.events.publish(new FriendReachable(actor));
      }
    } catch (error) {
      if (!this.stopped) this.failed(actor, error);
    } finally {
      this.probing.delete(actor);
    }
  }

  private failed(actor: string, error: unknown): void {
    if (error instanceof FederationRequestError && error.code === 'pod-expelled') {
      if (!this.refusedUs.has(actor)) this.log(`health: ${actor} refuses this pod as expelled from the network`, { peer: actor, outcome: 'refused-as-expelled' });
      this.refusedUs.set(actor, this.now().toISOString());
      return;
    }
    // The reason of an automatic vote quotes the error: no control characters in it.
    this.record(actor, false, String((error as Error)?.message ?? error).replace(/[\u0000-\u001f\u007f]+/g, ' '));
  }

  private record(actor: string, ok: boolean, error = ''): void {
    const before = this.healthOf(actor);
    const at = this.now().toISOString();
    const health = afterContact(before, ok ? { ok, at } : { ok, at, error });
    this.peers.set(actor, health);
    if (ok) this.refusedUs.delete(actor);
    this.unsaved.add(actor);
    this.saveSoon();
    if (!this.voter) return;
    if (!ok && this.policy.autoVote && isUnhealthy(health, this.policy.threshold) && !this.autoVoted.has(actor) && !this.voting.has(actor)) {
      this.voting.add(actor);
      this.voter
        .autoVote(actor, automaticVoteReason(health, this.policy.threshold))
        .then((voted) => {
          if (voted) this.autoVoted.add(actor);
        })
        .catch((cause) => this.log(`health: automatic vote on ${actor} failed: ${(cause as Error).message}`, { peer: actor, outcome: 'vote-failed' }))
        .finally(() => this.voting.delete(actor));
    } else if (ok && this.autoVoted.has(actor) && hasRecovered(health, this.policy.threshold) && !this.voting.has(actor)) {
      this.voting.add(actor);
      this.autoVoted.delete(actor);
      this.voter
        .autoWithdraw(actor)
        .catch((cause) => this.log(`health: withdrawing the automatic vote on ${actor} failed: ${(cause as Error).message}`, { peer: actor, outcome: 'withdrawal-failed' }))
        .finally(() => this.voting.delete(actor));
    }
  }

  private saveSoon(): void {
    if (this.saveTimer || this.stopped) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (this.unsaved.size === 0) return;
      const actors = [...this.unsaved];
      this.unsaved.clear();
      try {
        await this.db.execute(
          actors.map((actor) => {
            const h = this.healthOf(actor);
            return {
              sql: `INSERT INTO pod_health (actor, score, failures_in_row, successes, failures, last_seen_at, last_failure_at, last_error)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (actor) DO UPDATE SET score = excluded.score, failures_in_row = excluded.failures_in_row,
                      successes = excluded.successes, failures = excluded.failures, last_seen_at = excluded.last_seen_at,
                      last_failure_at = excluded.last_failure_at, last_error = excluded.last_error`,
              params: [actor, h.score, h.failuresInRow, h.successes, h.failures, h.lastSeenAt, h.lastFailureAt, h.lastError],
            };
          }),
        );
      } catch (error) {
        if (!this.stopped) {
          this.log(`health: cannot save the scores, will retry: ${(error as Error).message}`);
          for (const actor of actors) this.unsaved.add(actor);
          this.saveSoon();
        }
      }
    });
    return this.saving;
  }
}
