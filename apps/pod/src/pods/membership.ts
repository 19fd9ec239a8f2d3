import type { EventDraft, EventEnvelope } from '@swarmtube/event-envelope';
import { friendshipStream } from '@swarmtube/contracts';
import type { EventStore } from '@swarmtube/event-store';
import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { FriendshipState, MakeFriendsReport, PodView, QuitFriendsReport } from '@swarmtube/contracts';
import type { PodConfig } from '../config/pod-config.js';
import type { EventLog } from '../event-log/event-log.js';
import { ProblemError } from '../http/problem.js';
import { deliveryBody } from '../federation/activities.js';
import type { FederationClient } from '../federation/federation-client.js';
import type { PeerDirectory } from '../federation/peer-directory.js';
import type { PullService } from '../federation/pull/pull-service.js';
import { actorHost, assertPeerScheme, hostOfActor, PeerUrlError, peerPublicUrl, PodUrls, publicUrlOfActor } from '@swarmtube/contracts';
import { chooseFriends, type SeedAnswer } from './domain/choose-friends.js';
import { decideFriendship, type FriendshipCommand, type FriendshipDraft } from './domain/friendship.js';
import { stampAfter } from './hybrid-clock.js';
import { HEALTH_SCORE } from './health/health-score.js';

const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;
const MAX_HOSTS = 50;

/**
 * Making and leaving friends (docs/protocol.md, "Membership"): ask the seeds for their members, keep
 * the hosts that more than half of the answers name, ask each to be friends; accept requests
 * automatically when the config says so; leave by ending every friendship.
 */
export class Membership {
  private reacting = 0;
  /** A failed auto-accept tried again (a PostgreSQL outage, a full pool): no request is left unanswered. */
  private retry: NodeJS.Timeout | null = null;
  private retryDelayMs = 0;
  private stopped = false;

  constructor(
    private readonly config: PodConfig,
    private readonly me: string,
    private readonly eventLog: EventLog,
    private readonly store: EventStore,
    private readonly db: ReadModelDatabase,
    private readonly peers: PeerDirectory,
    private readonly client: FederationClient,
    private readonly pulls: PullService,
    private readonly waitForReadModels: () => Promise<void>,
    /** The health scores (health/health-monitor.ts); without it every pod shows a new peer's score. */
    private readonly health?: { healthOf(actor: string): { score: number; lastSeenAt: string | null } },
  ) {}

  async listPods(): Promise<PodView[]> {
    const rows = await this.db.query<Record<string, string | null>>(
      `SELECT p.actor, p.host, p.status, p.joined_at, p.last_event_at, d.last_success_at
       FROM rm_pods p LEFT JOIN fed_deliveries d ON d.actor = p.actor WHERE p.actor <> $1 ORDER BY p.host`,
      [this.me],
    );
    const friendships = new Map(
      (await this.db.query<{ requester: string; target: string; status: string }>('SELECT requester, target, status FROM rm_friendships WHERE requester = $1 OR target = $1', [this.me])).map(
        (f): [string, FriendshipState] => [f.requester === this.me ? f.target : f.requester, this.friendshipState(f)],
      ),
    );
    // A pod that quit has no friends: the pods still active among themselves are not active for it.
    const left = (await this.peers.status(this.me)) === 'left';
    return rows.map((row) => {
      const health = this.health?.healthOf(row.actor!) ?? { score: HEALTH_SCORE.initial, lastSeenAt: null };
      return {
        host: row.host!,
        actor: row.actor!,
        status: row.status === 'known' || (left && row.status === 'active') ? 'pending' : row.status!,
        score: health.score,
        joinedAt: row.joined_at,
        lastSeenAt: [health.lastSeenAt, row.last_success_at, row.last_event_at].filter((at): at is string => !!at).sort().pop() ?? null,
        friendship: friendships.get(row.actor!) ?? 'none',
      };
    });
  }

  async makeFriends(hostsOverride: unknown): Promise<MakeFriendsReport> {
    const peerPolicy = { allowPlainHttpLoopback: this.config.federation.allowPrivateAddresses };
    // Every seed checked before anything is asked or appended: one http:// peer refuses the lot.
    const seeds = (hostsOverride === undefined ? this.config.seeds : validateHosts(hostsOverride)).map((seed) => {
      try {
        return new PodUrls(peerPublicUrl(seed, peerPolicy));
      } catch (error) {
        if (error instanceof PeerUrlError) throw new ProblemError(error.code === 'insecure-peer' ? 'insecure-peer' : 'invalid-body', error.message);
        throw error;
      }
    });
    const myHost = this.config.host;
    const candidates = [...new Map(seeds.filter((s) => s.host !== myHost).map((s) => [s.host, s])).values()];
    if (candidates.length === 0) throw new ProblemError('invalid-body', 'no seeds to ask: set seeds in the config or send {hosts: [...]}');
    const answers: SeedAnswer[] = [];
    const failed: MakeFriendsReport['failed'] = [];
    // Each chosen host's actor, as a seed names it (a pod's identity is its actor URL, scheme included).
    const actorsByHost = new Map<string, string>(candidates.map((seed) => [seed.host, seed.actor]));
    await Promise.all(
      candidates.map(async (seed) => {
        try {
          const pods = await this.client.getJson<Array<{ host?: unknown; actor?: unknown; status?: unknown }>>(`${seed.base}/api/v1/pods`, 'application/json');
          const members: string[] = [];
          for (const p of Array.isArray(pods) ? pods : []) {
            if (p?.status !== 'active' || typeof p.host !== 'string' || !HOST.test(p.host) || typeof p.actor !== 'string' || hostOfActor(p.actor) !== p.host) continue;
            try {
              assertPeerScheme(publicUrlOfActor(p.actor)!, peerPolicy);
            } catch {
              continue;
            }
            if (!actorsByHost.has(p.host)) actorsByHost.set(p.host, p.actor);
            members.push(p.host);
          }
          answers.push({ seed: seed.host, members });
        } catch (error) {
          failed.push({ host: seed.host, error: (error as Error).message.slice(0, 300) });
        }
      }),
    );
    if (answers.length === 0) throw new ProblemError('peer-unreachable', `no seed answered: ${failed.map((f) => `${f.host} (${f.error})`).join('; ')}`, { failed });
    const expelled = new Set((await this.listPods()).filter((p) => p.status === 'expelled').map((p) => p.host));
    const chosen = chooseFriends(answers).filter((host) => host !== myHost && !expelled.has(host));
    // Their logs first, all of them: they tell this pod which of the chosen the network has
    // expelled (a pod's own log never says so; its friends' logs do). Never befriend those.
    await Promise.all(chosen.map((host) => this.pulls.pull(actorsByHost.get(host)!, actorsByHost.get(host)!).catch(() => undefined)));
    await this.waitForReadModels();
    const requested: string[] = [];
    for (const host of [...chosen]) {
      const actor = actorsByHost.get(host)!;
      if (await this.peers.isExpelled(actor)) {
        chosen.splice(chosen.indexOf(host), 1);
        failed.push({ host, error: 'expelled from the network: never befriended until readmitted' });
        continue;
      }
      try {
        await this.requestFriendship(actor);
        requested.push(host);
      } catch (error) {
        failed.push({ host, error: (error as Error).message.slice(0, 300) });
      }
    }
    return { asked: candidates.map((seed) => seed.host), answered: answers.map((a) => a.seed).sort(), chosen, requested, failed };
  }

  /** Asks one pod to be friends: its log first (to check its answers), our request, then a Follow. */
  private async requestFriendship(actor: string): Promise<void> {
    const host = actorHost(actor);
    const document = await this.client.getJson<{ id?: unknown; inbox?: unknown }>(actor);
    if (document?.id !== actor) throw new Error(`${host} does not serve a pod actor at ${actor}`);
    await this.pulls.pull(actor, actor);
    await this.waitForReadModels();
    if (await this.peers.isExpelled(actor)) throw new Error(`${host} is expelled from the network`);
    const existing = await this.peers.friendshipWith(actor);
    if (existing?.status === 'accepted') return;
    let request: EventEnvelope;
    if (existing?.status === 'requested' && existing.requester === this.me) {
      request = await this.lastFriendshipEvent(host);
    } else {
      const stream = friendshipStream(actorHost(this.me), host);
      const result = await this.eventLog.append(
        stream,
        [{ type: 'FriendshipRequested', schemaVersion: 1, data: { requester: this.me, target: actor }, occurredAt: await this.stamp(stream) }],
        { expectedVersion: 'any' },
      );
      request = result.events[0].event;
    }
    await this.client.postJson(PodUrls.ofActor(actor).inbox, deliveryBody([request]));
    // The answer comes by push; pulling now makes make-friends see it at once when the peer is quick.
    await this.pulls.pull(actor, actor).catch(() => undefined);
  }

  private async lastFriendshipEvent(host: string): Promise<EventEnvelope> {
    const stream = friendshipStream(actorHost(this.me), host);
    const [event] = (await this.store.readStream(stream)).filter((e) => e.event.origin === this.me).slice(-1);
    return event.event;
  }

  /**
   * Leaves the network: one FriendshipEnded per friend, each friend getting all of them before
   * delivery to it stops (PeerDirectory.deliveryTargets). They are appended in one turn, so
   * that they commit together (one group commit) with consecutive originSeqs: a delivery that
   * started after the first one would otherwise carry it alone, and the friend, which then
   * sees this pod as left, would refuse the rest.
   */
  async quitFriends(): Promise<QuitFriendsReport> {
    const friends = await this.peers.friends();
    const ends: Array<{ stream: string; draft: EventDraft }> = [];
    for (const friend of friends) {
      const stream = friendshipStream(actorHost(this.me), actorHost(friend));
      ends.push({ stream, draft: { type: 'FriendshipEnded', schemaVersion: 1, data: { peer: friend, reason: 'quit' }, occurredAt: await this.stamp(stream) } });
    }
    await Promise.all(ends.map(({ stream, draft }) => this.eventLog.append(stream, [draft], { expectedVersion: 'any' })));
    return { left: friends.map(actorHost).sort() };
  }

  /** Reactions to foreign events under way or due again: for quiescence checks. */
  get busy(): boolean {
    return this.reacting > 0 || this.retry !== null;
  }

  /** Accepts the friendship requests addressed to this pod, when auto-accept is on. */
  async onForeignEvents(events: readonly EventEnvelope[]): Promise<void> {
    if (!events.some((e) => e.type === 'FriendshipRequested' && (e.data as { target?: string }).target === this.me)) return;
    await this.acceptPendingRequests();
  }

  /**
   * With auto-accept on, accepts every request still waiting for this pod's answer, not only
   * those just received: a reaction that failed (the store unreachable for a moment) is made
   * good by the next one, by a retry with backoff (1 s, doubling, at most a minute) and at start.
   */
  async acceptPendingRequests(): Promise<void> {
    if (!this.config.friends.autoAccept || this.stopped) return;
    this.reacting += 1;
    try {
      await this.waitForReadModels();
      const pending = await this.db.query<{ requester: string }>(`SELECT requester FROM rm_friendships WHERE target = $1 AND status = 'requested' ORDER BY requester`, [this.me]);
      for (const { requester } of pending) {
        const decision = await this.decide(requester, { type: 'AnswerRequest', answer: 'accept' });
        // An expelled requester waits for its readmission; another refusal means it was answered meanwhile.
        if (decision.ok) await this.append(requester, decision.event);
      }
      this.retryDelayMs = 0;
    } catch (error) {
      this.scheduleRetry();
      throw error;
    } finally {
      this.reacting -= 1;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    this.retryDelayMs = Math.min(60_000, Math.max(1_000, this.retryDelayMs * 2));
    this.retry = setTimeout(() => {
      this.retry = null;
      // A failure schedules the next try itself.
      this.acceptPendingRequests().catch(() => undefined);
    }, this.retryDelayMs);
    this.retry.unref();
  }

  /** No retry once the pod stops. */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  /**
   * An admin's answer to a pod that asked to be friends (with friends.autoAccept off, requests
   * wait for it): accept makes it a friend as auto-accept would; reject ends the request
   * (FriendshipEnded, reason `declined`), and the pod may ask again later.
   */
  async answerRequest(host: string, answer: 'accept' | 'reject'): Promise<PodView> {
    await this.waitForReadModels();
    const requester = await this.actorOfHost(host);
    if (requester === null) throw new ProblemError('no-friendship-request', `${host} has no friendship request waiting for an answer`);
    const decision = await this.decide(requester, { type: 'AnswerRequest', answer });
    if (!decision.ok) {
      throw new ProblemError(decision.code, decision.code === 'already-expelled' ? `${host} is expelled from the network` : `${host} has no friendship request waiting for an answer`);
    }
    await this.append(requester, decision.event);
    return this.viewAfterChange(requester);
  }

  /** An admin drops one friend (FriendshipEnded, reason `removed`), or withdraws this pod's own pending request. */
  async removeFriend(host: string): Promise<PodView> {
    await this.waitForReadModels();
    const peer = await this.actorOfHost(host);
    if (peer === null) throw new ProblemError('not-friends', `${host} is not a friend of this pod`);
    const decision = await this.decide(peer, { type: 'RemoveFriend' });
    if (!decision.ok) throw new ProblemError(decision.code, `${host} is not a friend of this pod`);
    await this.append(peer, decision.event);
    return this.viewAfterChange(peer);
  }

  private async viewAfterChange(actor: string): Promise<PodView> {
    await this.waitForReadModels();
    const view = (await this.listPods()).find((pod) => pod.actor === actor);
    if (view) return view;
    // A peer that took our request but never served its genesis (PodJoined) has no row in
    // rm_pods, only a friendship: the answer is what this pod knows of it.
    const friendship = await this.peers.friendshipWith(actor);
    const health = this.health?.healthOf(actor) ?? { score: HEALTH_SCORE.initial, lastSeenAt: null };
    return {
      host: actorHost(actor),
      actor,
      status: 'pending',
      score: health.score,
      joinedAt: null,
      lastSeenAt: health.lastSeenAt,
      friendship: friendship === null ? 'none' : this.friendshipState(friendship),
    };
  }

  private friendshipState(f: { requester: string; status: string }): FriendshipState {
    if (f.status === 'requested') return f.requester === this.me ? 'outgoing' : 'incoming';
    return f.status === 'accepted' ? 'accepted' : 'ended';
  }

  /** domain/friendship.ts on the friendship as the read model holds it. */
  private async decide(peer: string, command: FriendshipCommand) {
    return decideFriendship(command, { me: this.me, peer, friendship: await this.peers.friendshipWith(peer), peerExpelled: await this.peers.isExpelled(peer) });
  }

  private async append(peer: string, event: FriendshipDraft): Promise<void> {
    const stream = friendshipStream(actorHost(this.me), actorHost(peer));
    await this.eventLog.append(stream, [{ ...event, schemaVersion: 1, occurredAt: await this.stamp(stream) }], { expectedVersion: 'any' });
  }

  /**
   * The actor of a pod named by host[:port] in a route (400 `invalid-host` if it is not one),
   * as this pod's log knows it (scheme included); null for a pod it has never heard of.
   */
  private async actorOfHost(host: string): Promise<string | null> {
    if (host.length > 260 || !HOST.test(host)) throw new ProblemError('invalid-host', `"${host.slice(0, 100)}" is not a host[:port]`);
    const wanted = host.toLowerCase();
    const [row] = await this.db.query<{ actor: string }>('SELECT actor FROM rm_pods WHERE host = $1 AND actor <> $2 ORDER BY actor LIMIT 1', [wanted, this.me]);
    if (row) return row.actor;
    // A peer that took our request but never served its genesis has no pod row, only a friendship.
    const friendships = await this.db.query<{ requester: string; target: string }>('SELECT requester, target FROM rm_friendships WHERE requester = $1 OR target = $1', [this.me]);
    for (const f of friendships) {
      const other = f.requester === this.me ? f.target : f.requester;
      if (hostOfActor(other) === wanted) return other;
    }
    return null;
  }

  /** The time of a new event of a friendship: see stampAfter (a hybrid clock). */
  private stamp(stream: string): Promise<string> {
    return stampAfter(this.store, this.me, stream);
  }
}

/** `{hosts}` of make-friends: 1 to 50 URLs or bare host[:port] (each then checked by peerPublicUrl). */
function validateHosts(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_HOSTS) {
    throw new ProblemError('invalid-body', `hosts must be a list of 1 to ${MAX_HOSTS} URLs or host[:port]`);
  }
  for (const host of value) {
    if (typeof host !== 'string' || host.length > 300 || host.trim() === '') throw new ProblemError('invalid-body', `"${String(host).slice(0, 100)}" is not a URL or host[:port]`);
  }
  return [...new Set(value as string[])];
}
