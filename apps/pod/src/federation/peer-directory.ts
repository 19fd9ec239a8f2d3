import type { ReadModelDatabase } from '@swarmtube/event-store';

export interface DeliveryTarget {
  actor: string;
  /** Deliver up to this originSeq of ours and stop (the event that ended the friendship), or null: no end. */
  untilSeq: number | null;
}

/** Who this pod's friends are, read from the friendship and pod read models. */
export class PeerDirectory {
  constructor(
    private readonly db: ReadModelDatabase,
    private readonly me: string,
  ) {}

  /**
   * Pods this pod delivers to: its friends, and pods it just left until they got the news.
   * A friend left by quit-friends gets every FriendshipEnded of that departure (the run of
   * consecutive quit events its own belongs to), not only its own: all friends then agree on
   * which friendships ended. An expelled pod is nobody's target: nothing is delivered to it,
   * pulled from it or probed on it until it is readmitted.
   */
  async deliveryTargets(): Promise<DeliveryTarget[]> {
    const rows = await this.db.query<{ requester: string; target: string; status: string; ended_by: string | null; ended_reason: string | null; ended_origin_seq: number | string | null }>(
      `SELECT f.requester, f.target, f.status, f.ended_by, f.ended_reason, f.ended_origin_seq FROM rm_friendships f
       WHERE (f.requester = $1 OR f.target = $1) AND (f.status = 'accepted' OR (f.status = 'ended' AND f.ended_by = $1))
         AND NOT EXISTS (SELECT 1 FROM rm_pods p WHERE p.status = 'expelled' AND p.actor = CASE WHEN f.requester = $1 THEN f.target ELSE f.requester END)`,
      [this.me],
    );
    const quits = new Set(rows.filter((row) => row.status === 'ended' && row.ended_reason === 'quit').map((row) => Number(row.ended_origin_seq)));
    const endOfDeparture = (seq: number) => {
      while (quits.has(seq + 1)) seq += 1;
      return seq;
    };
    return rows.map((row) => ({
      actor: row.requester === this.me ? row.target : row.requester,
      untilSeq: row.status !== 'ended' ? null : row.ended_reason === 'quit' ? endOfDeparture(Number(row.ended_origin_seq)) : Number(row.ended_origin_seq),
    }));
  }

  async friends(): Promise<string[]> {
    return (await this.deliveryTargets()).filter((t) => t.untilSeq === null).map((t) => t.actor);
  }

  /** The friendship between this pod and another, if any. */
  async friendshipWith(actor: string): Promise<{ status: string; requester: string } | null> {
    const [row] = await this.db.query<{ status: string; requester: string }>(
      `SELECT status, requester FROM rm_friendships WHERE (requester = $1 AND target = $2) OR (requester = $2 AND target = $1)`,
      [this.me, actor],
    );
    return row ?? null;
  }

  /** Signed requests refused because their signer is expelled (`pod-expelled`), since start. */
  refusedExpelled = 0;

  /**
   * May this pod's events enter our log through our inbox? Members of the network (active
   * pods) may; so may a pod with a friendship in progress with us (it is joining); expelled
   * pods and strangers not.
   */
  async mayContribute(actor: string): Promise<boolean> {
    if (actor === this.me) return true;
    const [pod] = await this.db.query<{ status: string }>('SELECT status FROM rm_pods WHERE actor = $1', [actor]);
    if (pod?.status === 'expelled') return false;
    if (pod?.status === 'active') return true;
    const friendship = await this.friendshipWith(actor);
    return friendship !== null && friendship.status !== 'ended';
  }

  /**
   * May we pull this origin's events from a friend that holds them? The pods that may
   * contribute, and expelled pods too: their events that our friends already hold are the
   * network's history (a pod that joins after an expulsion gets them like everybody else and
   * holds the same read models); new ones cannot reach the network, since no member takes
   * anything from an expelled pod itself.
   */
  async mayBeHeld(actor: string): Promise<boolean> {
    return (await this.isExpelled(actor)) || this.mayContribute(actor);
  }

  async isExpelled(actor: string): Promise<boolean> {
    return (await this.status(actor)) === 'expelled';
  }

  async status(actor: string): Promise<string | null> {
    const [pod] = await this.db.query<{ status: string }>('SELECT status FROM rm_pods WHERE actor = $1', [actor]);
    return pod?.status ?? null;
  }

  /** The RSA key a pod declared in its genesis, if this log has it. */
  async declaredRsaKey(actor: string): Promise<string | null> {
    const [pod] = await this.db.query<{ rsa_public_key_pem: string | null }>('SELECT rsa_public_key_pem FROM rm_pods WHERE actor = $1', [actor]);
    return pod?.rsa_public_key_pem ?? null;
  }
}
