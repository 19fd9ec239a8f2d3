import type { PodLogger } from '../../logger/pod-logger.js';
import type { EventLog, ReceiveOutcome } from '../../event-log/event-log.js';
import type { EventStore } from '@swarmtube/event-store';
import { MAX_EVENT_BYTES, MAX_PULL_ANSWER_BYTES } from '@swarmtube/contracts';
import { FederationRequestError, type FederationClient, type PeerFailureKind } from '../federation-client.js';
import type { PeerDirectory } from '../peer-directory.js';
import { PodUrls } from '@swarmtube/contracts';

/** Events asked for per page; the server also cuts the page at `maxBytes`. */
const PAGE = 500;
const MAX_PAGES_PER_PULL = 200;
/**
 * A page asked for is never smaller than this: a server sends at least one event per page, and
 * one event weighs at most MAX_EVENT_BYTES, so asking for less could not make the answer smaller.
 */
const MIN_PAGE_BYTES = MAX_EVENT_BYTES + 64 * 1024;
/**
 * What a pull for a joining pod gathers before appending it in one go (so a failure halfway
 * appends nothing); a longer log is appended page by page past this, so that each attempt of a
 * big pod's Follow keeps what it already brought.
 */
const JOIN_GATHER_MAX_BYTES = 32 * 1024 * 1024;

export interface PullReport {
  pulled: number;
  rejected: number;
}

/** A pull that failed because of the peer: its answer, or its lack of one. */
export class PeerPullError extends Error {
  constructor(
    readonly peer: string,
    readonly kind: PeerFailureKind,
    message: string,
  ) {
    super(message);
  }
}

interface PageSize {
  limit: number;
  maxBytes: number;
}

/**
 * Catching up by asking: a pod pulls at start, periodically, and whenever it sees a gap in
 * an origin's chain. A peer serves the signed events of every origin it holds, so the events
 * of a pod that is down, or gone, still arrive through its friends. Pages are asked for by count
 * and by bytes (`maxBytes`, under what this client reads: MAX_PULL_ANSWER_BYTES); an answer over
 * that anyway (an older server that cuts by count only) is asked for again, halved: never the
 * same request twice.
 */
export class PullService {
  private readonly inProgress = new Map<string, Promise<PullReport>>();
  private timer: NodeJS.Timeout | undefined;
  /** pullFromFriends rounds under way (between asking a friend for its heads and pulling, no pull is in progress yet). */
  private rounds = 0;

  constructor(
    private readonly store: EventStore,
    private readonly eventLog: EventLog,
    private readonly client: FederationClient,
    private readonly peers: PeerDirectory,
    private readonly log: PodLogger,
  ) {}

  start(intervalSeconds: number): void {
    void this.pullFromFriends();
    if (intervalSeconds > 0) {
      this.timer = setInterval(() => void this.pullFromFriends(), intervalSeconds * 1000);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Pending pulls, and rounds still asking friends what they hold, for quiescence checks. */
  get busy(): boolean {
    return this.inProgress.size > 0 || this.rounds > 0;
  }

  /** Asks every friend what it holds and pulls what we miss of any origin that may contribute. */
  async pullFromFriends(): Promise<void> {
    this.rounds += 1;
    try {
      await this.pullFromEachFriend();
    } finally {
      this.rounds -= 1;
    }
  }

  private async pullFromEachFriend(): Promise<void> {
    for (const friend of await this.peers.friends()) {
      try {
        const { origins } = await this.client.getJson<{ origins: Array<{ origin: string; lastSeq: number }> }>(
          PodUrls.ofActor(friend).events,
          'application/json',
        );
        for (const { origin, lastSeq } of Array.isArray(origins) ? origins : []) {
          if (typeof origin !== 'string' || typeof lastSeq !== 'number') continue;
          const head = (await this.store.originHead(origin))?.seq ?? 0;
          if (lastSeq > head && (await this.peers.mayBeHeld(origin))) await this.pull(friend, origin);
        }
      } catch (error) {
        this.log.warn(`pull from ${friend} failed: ${(error as Error).message}`, { peer: friend, outcome: 'failed', error: (error as Error).message });
      }
    }
  }

  /** Pulls one origin's events from one peer, from our head on. One pull per pair at a time. */
  pull(peer: string, origin: string): Promise<PullReport> {
    return this.once(`${peer} ${origin}`, () => this.pullPages(peer, origin));
  }

  /**
   * The whole log of a pod asking to join (its own events, from its genesis), within `timeoutMs`:
   * gathered first and appended in one go, so that a peer failing halfway (no answer in time,
   * an answer too large even for one event, a redirect, not JSON, an error status) leaves
   * nothing appended; that failure is a PeerPullError. Past JOIN_GATHER_MAX_BYTES, or when the
   * time is up while the peer keeps answering, what was gathered is appended (verified events,
   * which the next attempt need not bring again) and the time out is reported.
   */
  pullJoining(peer: string, timeoutMs: number): Promise<PullReport> {
    return this.once(`join ${peer}`, () => this.pullJoiningLog(peer, Date.now() + timeoutMs));
  }

  private once(key: string, work: () => Promise<PullReport>): Promise<PullReport> {
    const running = this.inProgress.get(key);
    if (running) return running;
    const started = work().finally(() => this.inProgress.delete(key));
    this.inProgress.set(key, started);
    return started;
  }

  private async pullPages(peer: string, origin: string): Promise<PullReport> {
    const report = { pulled: 0, rejected: 0 };
    const size: PageSize = { limit: PAGE, maxBytes: MAX_PULL_ANSWER_BYTES };
    for (let page = 0; page < MAX_PAGES_PER_PULL; page++) {
      const after = (await this.store.originHead(origin))?.seq ?? 0;
      const events = await this.fetchPage(peer, origin, after, size);
      if (events.length === 0) break;
      if (!(await this.receive(peer, origin, events, report))) break;
    }
    return report;
  }

  private async pullJoiningLog(peer: string, deadline: number): Promise<PullReport> {
    const report = { pulled: 0, rejected: 0 };
    const size: PageSize = { limit: PAGE, maxBytes: MAX_PULL_ANSWER_BYTES };
    let gathered: unknown[] = [];
    let gatheredBytes = 0;
    let after = (await this.store.originHead(peer))?.seq ?? 0;
    const flush = async () => {
      const events = gathered;
      gathered = [];
      gatheredBytes = 0;
      return events.length === 0 || this.receive(peer, peer, events, report);
    };
    for (let page = 0; page < MAX_PAGES_PER_PULL; page++) {
      const left = deadline - Date.now();
      if (left <= 0) {
        await flush();
        throw new PeerPullError(peer, 'timeout', `${peer} did not hand over its whole log in time`);
      }
      let events: unknown[];
      try {
        events = await this.fetchPage(peer, peer, after, size, left);
      } catch (error) {
        const kind = error instanceof FederationRequestError ? error.kind : 'network';
        throw new PeerPullError(peer, kind, (error as Error).message);
      }
      if (events.length === 0) break;
      gathered.push(...events);
      gatheredBytes += events.reduce<number>((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);
      const last = (events[events.length - 1] as { originSeq?: unknown } | null)?.originSeq;
      if (typeof last !== 'number' || last <= after) break;
      after = last;
      if (gatheredBytes > JOIN_GATHER_MAX_BYTES && !(await flush())) return report;
    }
    await flush();
    return report;
  }

  /**
   * One page, as large as asked; an answer over what we read is asked for again, halved, down
   * to one event (which then fails: no event may weigh that much).
   */
  private async fetchPage(peer: string, origin: string, after: number, size: PageSize, timeoutMs?: number): Promise<unknown[]> {
    for (;;) {
      const url = `${PodUrls.ofActor(peer).events}?origin=${encodeURIComponent(origin)}&after=${after}&limit=${size.limit}&maxBytes=${size.maxBytes}`;
      try {
        const answer = await this.client.getJson<{ events?: unknown }>(url, 'application/json', { timeoutMs, maxResponseBytes: MAX_PULL_ANSWER_BYTES });
        return Array.isArray(answer?.events) ? answer.events : [];
      } catch (error) {
        if (!(error instanceof FederationRequestError) || error.kind !== 'too-large' || size.limit === 1) throw error;
        size.limit = Math.max(1, Math.floor(size.limit / 2));
        size.maxBytes = Math.max(MIN_PAGE_BYTES, Math.floor(size.maxBytes / 2));
        this.log.warn(`pull of ${origin} from ${peer}: a page was too large, asking for ${size.limit} events and ${size.maxBytes} bytes per page`, { peer, origin, afterSeq: after, outcome: 'split' });
      }
    }
  }

  /** Appends a page; false when some of it was rejected (the rest of the chain cannot follow). */
  private async receive(peer: string, origin: string, events: unknown[], report: PullReport): Promise<boolean> {
    const outcomes: ReceiveOutcome[] = await this.eventLog.receive(events);
    const appended = outcomes.filter((o) => o.status === 'appended');
    report.pulled += appended.length;
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    report.rejected += rejected.length;
    const seqs = events.map((e) => (e as { originSeq?: unknown } | null)?.originSeq).filter((n): n is number => typeof n === 'number');
    const fields = { peer, origin, fromSeq: seqs[0], toSeq: seqs.at(-1), appended: appended.length, duplicates: outcomes.length - appended.length - rejected.length };
    if (appended.length > 0) this.log.log(`pulled ${appended.length} event(s) of ${origin} from ${peer}`, { ...fields, outcome: 'appended', eventIds: appended.map((o) => o.id) });
    if (rejected.length > 0) {
      this.log.warn(`pull of ${origin} from ${peer}: ${rejected.length} event(s) rejected, first: ${JSON.stringify(rejected[0])}`, {
        ...fields,
        outcome: 'rejected',
        rejected: rejected.map((o) => ({ id: o.id, code: o.code })),
      });
      return false;
    }
    return true;
  }
}
