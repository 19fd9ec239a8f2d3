import type { ReadModelDatabase } from '../../../../libs/event-store/src/read-model-database.port.js';

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
   * which friendships ended.
   */
  async deliveryTargets(): Promise<DeliveryTarget[]> {
    const rows = await this.db.query<{ requester: string; target: string; status: string; ended_by: string | null; ended_reason: string | null; ended_origin_seq: number | string | null }>(
      `SELECT requester, target, status, ended_by, ended_reason, ended_origin_seq FROM rm_friendships
       WHERE (requester = $1 OR target = $1) AND (status = 'accepted' OR (status = 'ended' AND ended_by = $1))`,
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

  /**
   * May this pod's events enter our log? Members of the network (active pods) may; so may a
   * pod with a friendship in progress with us (it is joining); expelled pods and strangers not.
   */
  async mayContribute(actor: string): Promise<boolean> {
    if (actor === this.me) return true;
    const [pod] = await this.db.query<{ status: string }>('SELECT status FROM rm_pods WHERE actor = $1', [actor]);
    if (pod?.status === 'expelled') return false;
    if (pod?.status === 'active') return true;
    const friendship = await this.friendshipWith(actor);
    return friendship !== null && friendship.status !== 'ended';
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
