import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPodProcess, waitUntil, type PodProcess } from '@swarmtube/testing';

/** Helpers shared by the multi-pod scenarios: the REST API as a peer or an admin sees it. */

const AUDIT_CLI = join(fileURLToPath(new URL('../../apps/pod/src/audit/', import.meta.url)), 'audit.cli.js');

export interface PodView {
  host: string;
  actor: string;
  status: string;
}

export interface MakeFriendsAnswer {
  asked: string[];
  answered: string[];
  chosen: string[];
  requested: string[];
  failed: Array<{ host: string; error: string }>;
}

export interface LoggedEvent {
  id: string;
  type: string;
  origin: string;
  originSeq: number;
  stream: string;
}

/**
 * Starts `count` driven pods named `${prefix} 1…count`, in parallel. If one fails to start,
 * all are destroyed (a pod left running would keep the test process alive) and the error,
 * with that pod's output, is thrown.
 */
export async function startPods(count: number, prefix = 'Pod'): Promise<PodProcess[]> {
  const pods: PodProcess[] = [];
  for (let n = 1; n <= count; n++) pods.push(await createPodProcess({ name: `${prefix} ${n}`, driven: true }));
  const started = await Promise.allSettled(pods.map((pod) => pod.start()));
  const failed = started.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    await Promise.all(pods.map((pod) => pod.destroy()));
    const reason = (started[failed] as PromiseRejectedResult).reason as Error;
    throw new Error(`${pods[failed].name} did not start: ${reason.message}\n${pods[failed].output().slice(-3000)}`);
  }
  return pods;
}

export async function podsOf(pod: PodProcess): Promise<PodView[]> {
  const response = await fetch(`${pod.baseUrl}/api/v1/pods`);
  assert.equal(response.status, 200, `${pod.name}: GET /api/v1/pods`);
  return (await response.json()) as PodView[];
}

export async function statusesOf(pod: PodProcess): Promise<Record<string, string>> {
  return Object.fromEntries((await podsOf(pod)).map((p) => [p.host, p.status]));
}

export async function makeFriends(pod: PodProcess, hosts?: string[]): Promise<Response> {
  return fetch(`${pod.baseUrl}/api/v1/pods/make-friends`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await pod.adminToken()}`, 'content-type': 'application/json' },
    body: hosts ? JSON.stringify({ hosts }) : undefined,
  });
}

/** make-friends that must answer 200; its report. */
export async function madeFriends(pod: PodProcess, hosts?: string[]): Promise<MakeFriendsAnswer> {
  const response = await makeFriends(pod, hosts);
  const body = await response.text();
  assert.equal(response.status, 200, `${pod.name}: make-friends ${JSON.stringify(hosts)}: ${body}`);
  return JSON.parse(body) as MakeFriendsAnswer;
}

export async function quitFriends(pod: PodProcess): Promise<{ left: string[] }> {
  const response = await fetch(`${pod.baseUrl}/api/v1/pods/quit-friends`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await pod.adminToken()}` },
  });
  const body = await response.text();
  assert.equal(response.status, 200, `${pod.name}: quit-friends: ${body}`);
  return JSON.parse(body) as { left: string[] };
}

/**
 * Is the pod idle? false when it does not answer within 2 s, so that a pod that hangs makes
 * `quiescent` time out with a message instead of hanging the test run.
 */
async function idleOrNot(pod: PodProcess): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
  try {
    return await Promise.race([pod.idle(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every pod idle (nothing being delivered, pulled or projected), twice in a row. */
export async function quiescent(pods: PodProcess[], timeoutMs = 30_000): Promise<void> {
  await waitUntil('the network to be quiescent', async () => {
    for (let round = 0; round < 2; round++) if (!(await Promise.all(pods.map(idleOrNot))).every(Boolean)) return undefined;
    return true;
  }, timeoutMs);
}

export async function activeHosts(pod: PodProcess): Promise<string[]> {
  return (await podsOf(pod)).filter((p) => p.status === 'active').map((p) => p.host).sort();
}

export function hostsOf(pods: PodProcess[]): string[] {
  return pods.map((p) => p.host).sort();
}

/** Makes 2..n friends of their predecessors, one at a time (the seed scenario generalised), and waits for quiescence. */
export async function formNetwork(pods: PodProcess[]): Promise<void> {
  for (let i = 1; i < pods.length; i++) {
    const report = await madeFriends(pods[i], hostsOf(pods.slice(0, i)));
    assert.deepEqual(report.chosen, hostsOf(pods.slice(0, i)), `${pods[i].name} chooses every pod before it`);
    await quiescent(pods.slice(0, i + 1));
  }
  for (const pod of pods) {
    assert.deepEqual(await activeHosts(pod), hostsOf(pods.filter((p) => p !== pod)), `${pod.name} knows every other pod`);
  }
}

/** The whole log of a pod, in log order, through GET /api/v1/events. */
export async function logOf(pod: PodProcess): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = [];
  let after = 0;
  for (;;) {
    const response = await fetch(`${pod.baseUrl}/api/v1/events?after=${after}&limit=1000`);
    assert.equal(response.status, 200, `${pod.name}: GET /api/v1/events`);
    const page = (await response.json()) as { events: LoggedEvent[]; next: number };
    if (page.events.length === 0) return events;
    events.push(...page.events.map(({ id, type, origin, originSeq, stream }) => ({ id, type, origin, originSeq, stream })));
    after = page.next;
  }
}

/** origin → last originSeq this pod holds (GET /federation/events). */
export async function originHeads(pod: PodProcess): Promise<Map<string, number>> {
  const response = await fetch(`${pod.baseUrl}/federation/events`);
  const { origins } = (await response.json()) as { origins: Array<{ origin: string; lastSeq: number }> };
  return new Map(origins.map((o) => [o.origin, o.lastSeq]));
}

/**
 * Every pod holds the same events, each exactly once, and each origin's events gap-free from
 * 1; returns the common log's ids.
 */
export async function assertSameLogs(pods: PodProcess[]): Promise<Set<string>> {
  const logs = await Promise.all(pods.map(logOf));
  let reference: Set<string> | undefined;
  for (const [index, log] of logs.entries()) {
    const pod = pods[index];
    const ids = new Set(log.map((e) => e.id));
    assert.equal(ids.size, log.length, `${pod.name} holds ${log.length - ids.size} duplicate event(s)`);
    const seqs = new Map<string, number[]>();
    for (const e of log) seqs.set(e.origin, [...(seqs.get(e.origin) ?? []), e.originSeq]);
    for (const [origin, list] of seqs) {
      assert.deepEqual(list, list.map((_, i) => i + 1), `${pod.name}: ${origin}'s events are gap-free and in order`);
    }
    if (!reference) {
      reference = ids;
      continue;
    }
    const missing = [...reference].filter((id) => !ids.has(id));
    const extra = [...ids].filter((id) => !reference!.has(id));
    assert.deepEqual({ missing: missing.length, extra: extra.length }, { missing: 0, extra: 0 }, `${pod.name} holds the events of ${pods[0].name}`);
  }
  return reference!;
}

export interface AuditJson {
  ok: boolean;
  events: number;
  origins: number;
  firstFailure: unknown;
  readModels: Array<{ projection: string; replayDigest: string; liveDigest: string | null; rows: number; matches: boolean | null }>;
}

/** Runs the audit CLI on a (stopped) pod's data folder. */
export async function audit(pod: PodProcess): Promise<AuditJson> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [AUDIT_CLI, pod.dataDir, '--json'], { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as AuditJson;
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code === 1 && failed.stdout) return JSON.parse(failed.stdout) as AuditJson;
    throw new Error(`audit of ${pod.name} failed (${failed.code}): ${failed.stderr ?? String(error)}`);
  }
}

/**
 * The integrity diff: every pod's audit passes (proofs, chains, live read models equal to a
 * replay), and the pods of one network hold the same read models (same digests).
 */
export async function assertSameAudits(pods: PodProcess[]): Promise<AuditJson[]> {
  const reports = await Promise.all(pods.map(audit));
  for (const [index, report] of reports.entries()) {
    assert.equal(report.ok, true, `${pods[index].name}'s audit: ${JSON.stringify(report.firstFailure ?? report.readModels.filter((m) => !m.matches))}`);
  }
  const digests = (report: AuditJson) => Object.fromEntries(report.readModels.map((m) => [m.projection, m.replayDigest]));
  for (const [index, report] of reports.entries()) {
    assert.equal(report.events, reports[0].events, `${pods[index].name} holds as many events as ${pods[0].name}`);
    assert.deepEqual(digests(report), digests(reports[0]), `${pods[index].name}'s read models are ${pods[0].name}'s`);
  }
  return reports;
}

/** Kills the pods and deletes their data; with SWARMTUBE_KEEP_TEST_DATA=1, stops them and prints where their data is. */
export async function cleanUp(pods: PodProcess[]): Promise<void> {
  if (process.env.SWARMTUBE_KEEP_TEST_DATA) {
    await Promise.all(pods.map((pod) => pod.stop()));
    for (const pod of pods) console.log(`# kept ${pod.name} (${pod.host}): ${pod.dataDir}`);
    return;
  }
  await Promise.all(pods.map((pod) => pod.destroy()));
}
