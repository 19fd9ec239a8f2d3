import type { PodLogger } from '../../logger/pod-logger.js';
import { verifyRequest, type HeaderRecord, type ResolvedKey } from '@swarmtube/http-signatures';
import { parseSignatureParams } from '@swarmtube/http-signatures';
import { headerValue } from '@swarmtube/http-signatures';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { ProblemError } from '../../http/problem.js';
import type { EventLog, ReceiveOutcome } from '../../event-log/event-log.js';
import { readInboxBody } from '../activities.js';
import type { FederationClient } from '../federation-client.js';
import type { PeerDirectory } from '../peer-directory.js';
import { PeerPullError, type PullService } from '../pull/pull-service.js';
import { JoiningPodPulled } from './joining-pod-pulled.event.js';

/**
 * How long the inbox spends pulling the log of a pod asking to join before it answers: well
 * under the 10 s a sending pod waits (federation-client.ts), so the sender reads our answer
 * (502 peer-unreachable, retry later) rather than its own time out.
 */
const JOIN_PULL_TIMEOUT_MS = 6_000;

export interface InboxRequest {
  method: string;
  url: string;
  headers: HeaderRecord;
  rawBody: Buffer | undefined;
  body: unknown;
}

export interface InboxResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ id?: string; code: string; detail: string }>;
}

/**
 * The inbox, in the order the checks cost: the HTTP signature (the sender proves who it
 * is), the body's shape, the sender's right to speak (a member, or a pod asking to join),
 * then each event on its own (origin allowed, proof, schema, chain). One bad event is
 * rejected and counted; it never drops the good ones of the same request.
 */
export class ReceiveActivities {
  rejectedEvents = 0;
  /** Signatures seen within the clock window: the same signed request twice is a replay. */
  private readonly seenSignatures = new Map<string, number>();

  constructor(
    private readonly eventLog: EventLog,
    private readonly peers: PeerDirectory,
    private readonly client: FederationClient,
    private readonly pulls: PullService,
    private readonly me: string,
    /** Told when a pull this inbox made of a sender succeeded or failed (JoiningPodPulled: the health scores count them). */
    private readonly events: { publish(event: JoiningPodPulled): unknown } = { publish() {} },
    private readonly log?: PodLogger,
  ) {}

  async handle(request: InboxRequest): Promise<InboxResult> {
    if (!request.rawBody) throw new ProblemError('unsupported-media-type', 'the inbox takes application/activity+json');
    const verification = await verifyRequest({
      method: request.method,
      url: request.url,
      headers: request.headers,
      rawBody: request.rawBody,
      resolveKey: (keyId, { refresh }) => this.resolveKey(keyId, refresh),
    });
    if (!verification.verified) {
      throw new ProblemError('invalid-signature', `HTTP signature refused: ${verification.reason.type}: ${verification.reason.detail}`.slice(0, 500));
    }
    const signature = this.refuseReplay(request.headers);
    const signer = verification.owner;
    // The guard (ExpelledPodGuard) refuses an expelled signer before the body is read; this is
    // the same rule for callers that reach the inbox without Nest.
    if (await this.peers.isExpelled(signer)) {
      this.peers.refusedExpelled += 1;
      throw new ProblemError('pod-expelled', `${signer} is expelled from this pod's network`);
    }
    const activities = readInboxBody(request.body, signer);

    if (!(await this.peers.mayContribute(signer))) {
      const joining = activities.length > 0 && activities.every((a) => a.type === 'Follow');
      if (!joining) throw new ProblemError('not-a-member', `${signer} is not a member of this pod's network`);
      // A pod asking to join: we need its log from its genesis to check its request.
      await this.pullJoining(signer, signature);
    }

    const events = activities.flatMap((a) => a.events);
    const allowed: unknown[] = [];
    const result: InboxResult = { accepted: 0, duplicates: 0, rejected: [] };
    for (const event of events) {
      const origin = (event as Partial<EventEnvelope> | null)?.origin;
      if (typeof origin === 'string' && origin !== signer && !(await this.peers.mayContribute(origin))) {
        result.rejected.push({ id: idOf(event), code: 'not-a-member', detail: `${origin.slice(0, 200)} is not a member of the network` });
      } else {
        allowed.push(event);
      }
    }
    const outcomes = await this.eventLog.receive(allowed);

    const gaps = new Set<string>();
    for (const outcome of outcomes) this.count(outcome, result, gaps, allowed);
    this.rejectedEvents += result.rejected.length;
    const appended = outcomes.filter((o) => o.status === 'appended').map((o) => o.id);
    const fields = { peer: signer, accepted: result.accepted, duplicates: result.duplicates };
    if (appended.length > 0) this.log?.log(`received ${appended.length} event(s) from ${signer}`, { ...fields, outcome: 'appended', eventIds: appended });
    if (result.rejected.length > 0) {
      this.log?.warn(`refused ${result.rejected.length} event(s) from ${signer}, first: ${result.rejected[0].code}: ${result.rejected[0].detail.slice(0, 200)}`, {
        ...fields,
        outcome: 'rejected',
        rejected: result.rejected.map((r) => ({ id: r.id, code: r.code })),
      });
    }
    // A gap or an unknown origin: the sender holds what we miss. Pull it, in the background.
    for (const origin of gaps) void this.pulls.pull(signer, origin).catch(() => undefined);
    return result;
  }

  /**
   * A failure of the joining pod's side (no answer in time, too large, a redirect, not JSON, an
   * error status) is an answer to it, not our error: 502 peer-unreachable, nothing appended,
   * counted in its health, and its signature forgotten, so the very same request may come again
   * once it is healthy (it had no effect).
   */
  private async pullJoining(signer: string, signature: string): Promise<void> {
    try {
      await this.pulls.pullJoining(signer, JOIN_PULL_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof PeerPullError)) throw error;
      this.seenSignatures.delete(signature);
      this.events.publish(new JoiningPodPulled(signer, { ok: false, error }));
      throw new ProblemError('peer-unreachable', `could not read the log of ${signer}, which asks to join: ${error.message}`.slice(0, 500), { peerFailure: error.kind });
    }
    this.events.publish(new JoiningPodPulled(signer, { ok: true }));
  }

  private count(outcome: ReceiveOutcome, result: InboxResult, gaps: Set<string>, events: unknown[]): void {
    if (outcome.status === 'appended') result.accepted += 1;
    else if (outcome.status === 'duplicate') result.duplicates += 1;
    else {
      result.rejected.push({ id: outcome.id, code: outcome.code, detail: outcome.detail });
      if (outcome.code === 'chain-gap' || outcome.code === 'unknown-origin') {
        const event = events.find((e) => idOf(e) === outcome.id) as Partial<EventEnvelope> | undefined;
        if (typeof event?.origin === 'string') gaps.add(event.origin);
      }
    }
  }

  /** Refuses a signed request seen before; remembers this one and returns its key. */
  private refuseReplay(headers: HeaderRecord): string {
    const signature = replayKey(headers);
    const now = Date.now();
    if (this.seenSignatures.size > 50_000) for (const [key, expiry] of this.seenSignatures) if (expiry < now) this.seenSignatures.delete(key);
    const expiry = this.seenSignatures.get(signature);
    if (expiry !== undefined && expiry > now) throw new ProblemError('replayed-request', 'this signed request was already received');
    // The verifier accepts a Date up to an hour old: remember the signature that long, and a bit.
    this.seenSignatures.set(signature, now + 2 * 3600_000);
    return signature;
  }

  /**
   * keyId → RSA key: the key a pod declared in its genesis, or else (a pod we do not know yet,
   * or a refresh after a failure) the key in its actor document, fetched with a signed GET.
   */
  private async resolveKey(keyId: string, refresh: boolean): Promise<ResolvedKey | null> {
    const actor = keyId.replace(/#.*$/, '');
    if (!/^https?:\/\/[^/]+\/federation\/actor$/.test(actor) || actor === this.me) return null;
    if (!refresh) {
      const declared = await this.peers.declaredRsaKey(actor);
      if (declared) return { publicKey: declared, owner: actor, cached: true };
    }
    const document = await this.client.getJson<{ id?: unknown; publicKey?: { id?: unknown; owner?: unknown; publicKeyPem?: unknown } }>(actor);
    const key = document?.publicKey;
    if (document?.id !== actor || key?.owner !== actor || key.id !== keyId || typeof key.publicKeyPem !== 'string') return null;
    return { publicKey: key.publicKeyPem, owner: actor, cached: false };
  }
}

/**
 * What makes a signed request the same request again: its signature bytes, not the header's
 * text. The same signature respelled (parameters reordered, spaces added, hs2019 for
 * rsa-sha256, another RFC 9421 label, non-canonical base64) verifies just the same. An RSA
 * PKCS#1 v1.5 signature is deterministic, so new bytes mean newly signed content.
 */
function replayKey(headers: HeaderRecord): string {
  const header = headerValue(headers, 'signature') ?? '';
  const value = headerValue(headers, 'signature-input') !== undefined
    ? /:([A-Za-z0-9+/=]+):/.exec(header)?.[1]
    : (() => {
        const parsed = parseSignatureParams(header);
        return parsed.ok ? parsed.params.get('signature') : undefined;
      })();
  return value ? Buffer.from(value, 'base64').toString('base64') : header;
}

function idOf(event: unknown): string | undefined {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 200) : undefined;
}
