import type { EventLog, ReceiveOutcome } from '../../event-log/event-log.js';
import type { EventStore } from '../../../../../libs/event-store/src/event-store.port.js';
import type { FederationClient } from '../federation-client.js';
import type { PeerDirectory } from '../peer-directory.js';
import { PodUrls } from '../../../../../libs/contracts/src/pod-urls.js';

const PAGE = 500;
const MAX_PAGES_PER_PULL = 200;

export interface PullReport {
  pulled: number;
  rejected: number;
}

/**
 * Catching up by asking: a pod pulls at start, periodically, and whenever it sees a gap in
 * an origin's chain. A peer serves the signed events of every origin it holds, so the events
 * of a pod that is down, or gone, still arrive through its friends.
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
    private readonly log: (message: string) => void,
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
        this.log(`pull from ${friend} failed: ${(error as Error).message}`);
      }
    }
  }

  /** Pulls one origin's events from one peer, from our head on. One pull per pair at a time. */
  pull(peer: string, origin: string): Promise<PullReport> {
    const key = `${peer} ${origin}`;
    const running = this.inProgress.get(key);
    if (running) return running;
    const work = this.pullPages(peer, origin).finally(() => this.inProgress.delete(key));
    this.inProgress.set(key, work);
    return work;
  }

  private async pullPages(peer: string, origin: string): Promise<PullReport> {
    const report = { pulled: 0, rejected: 0 };
    for (let page = 0; page < MAX_PAGES_PER_PULL; page++) {
      const after = (await this.store.originHead(origin))?.seq ?? 0;
      const url = `${PodUrls.ofActor(peer).events}?origin=${encodeURIComponent(origin)}&after=${after}&limit=${PAGE}`;
      const answer = await this.client.getJson<{ events?: unknown }>(url, 'application/json');
      const events = Array.isArray(answer?.events) ? answer.events : [];
      if (events.length === 0) break;
      const outcomes: ReceiveOutcome[] = await this.eventLog.receive(events);
      report.pulled += outcomes.filter((o) => o.status === 'appended').length;
      const rejected = outcomes.filter((o) => o.status === 'rejected');
      report.rejected += rejected.length;
      if (rejected.length > 0) {
        this.log(`pull of ${origin} from ${peer}: ${rejected.length} event(s) rejected, first: ${JSON.stringify(rejected[0])}`);
        break;
      }
      if (events.length < PAGE) break;
    }
    return report;
  }
}
