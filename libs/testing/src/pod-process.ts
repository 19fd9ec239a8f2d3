import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { EventDraft } from '@swarmtube/event-envelope';
import { tempDir } from './test-databases.js';
import { waitUntil } from './wait-until.js';

export { waitUntil };

const POD_MAIN = join(fileURLToPath(new URL('../../../apps/pod/src/', import.meta.url)), 'main.js');
const DRIVEN_POD = join(fileURLToPath(new URL('../../../test/support/', import.meta.url)), 'driven-pod.js');
/** What a pod process's output() keeps: its last 4 MB of characters. */
const MAX_KEPT_OUTPUT = 4 * 1024 * 1024;

/**
 * A port free on 127.0.0.1 for TCP and UDP, chosen below the kernel's ephemeral range.
 * A port the kernel hands out for `listen(0)` comes from the same range as the source ports
 * of outgoing connections, so between this check and the pod's own listen() one of the
 * machine's many connections could take it (EADDRINUSE, seen under load). Pods keep their
 * port across restarts (it is part of their identity), which needs the same guarantee.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 10_000;
  const span = Math.max(1_000, low - floor);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = floor + Math.floor(Math.random() * span);
    if (port >= low) continue;
    if ((await canBind('tcp', port)) && (await canBind('udp', port))) return port;
  }
  throw new Error('no free port below the ephemeral range after 200 tries');
}

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low! > 0 && high! >= low!) return [low!, high!];
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return [49152, 65535];
}

async function canBind(kind: 'tcp' | 'udp', port: number): Promise<boolean> {
  if (kind === 'udp') {
    const socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, '127.0.0.1', () => resolve());
      });
      return true;
    } catch {
      return false;
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve())).catch(() => undefined);
    }
  }
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface PodProcess {
  readonly name: string;
  readonly port: number;
  readonly host: string;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Everything the process printed, for assertions and failure reports. */
  output(): string;
  /** `env`: added to the pod's environment for this run only (e.g. a test-only crash point). */
  start(env?: NodeJS.ProcessEnv): Promise<void>;
  /** Whether its process is running (false once it exited or was killed, by us or by itself). */
  running(): boolean;
  /** Its process id while it runs (to read its sockets in /proc), else undefined. */
  pid(): number | undefined;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: the process hangs, its sockets stay open; requests to it wait unanswered. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Stop and delete its data. */
  destroy(): Promise<void>;
  /** Driven pods only: append events through the pod's EventLog, as a use case would. */
  append(stream: string, drafts: EventDraft[]): Promise<Array<{ id: string; originSeq: number; position: number }>>;
  /** Driven pods only: nothing being delivered, pulled or projected right now. */
  idle(): Promise<boolean>;
  /** A bearer token of the root admin. */
  adminToken(): Promise<string>;
  /** Driven pods only: many streams appended concurrently in the pod (one IPC round trip). */
  appendEach(items: Array<{ stream: string; drafts: EventDraft[] }>): Promise<Array<{ id: string; originSeq: number; position: number }>>;
  /**
   * Driven pods only: from now on (or no more), the pod reports every event its read models
   * have applied; `listener` gets the event ids, the pod's wall clock when applied (ms), and
   * this process's `performance.now()` when the notice arrived. Resolves with the pod's head.
   */
  watchApplied(listener: AppliedListener | undefined): Promise<number>;
  /** Driven pods only: push delivery and signing counters since the pod started. */
  federationStats(): Promise<FederationStats>;
}

export type AppliedListener = (notice: { ids: string[]; at: number; receivedAt: number }) => void;

export interface FederationStats {
  /** Events acknowledged by friends' inboxes (one per event and friend). */
  delivered: number;
  /** Delivery requests sent (each one signed). */
  requests: number;
  /** RSA HTTP signatures made by the pod's federation client (deliveries, pulls, key fetches). */
  signatures: number;
  rejectedEvents: number;
  store: { commits: number; writes: number; events: number };
  head: number;
  peers: Array<{ actor: string; ackedSeq: number; failures: number; lastError: string | null }>;
  /** The pod process's CPU time so far (process.cpuUsage(), µs). */
  cpu: { user: number; system: number };
  /** Event loop delay (ms) since `watchApplied` was last turned on (0 when never). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** A pod in a process of its own on a loopback port, as in production. */
export async function createPodProcess(options: {
  name: string;
  env?: NodeJS.ProcessEnv;
  driven?: boolean;
  /** Extra node flags for the pod's process, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] (not allowed in NODE_OPTIONS). */
  execArgv?: string[];
}): Promise<PodProcess> {
  const port = await freePort();
  // The seeder's BitTorrent port (TCP and uTP): one per pod, or parallel pods would collide on 6881.
  const peerPort = await freePort();
  const dir = tempDir(`swarmtube-${options.name}-`);
  const host = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';
  let nextRequest = 0;
  let appliedListener: AppliedListener | undefined;
  const replies = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const ask = <T>(message: Record<string, unknown>): Promise<T> => {
    if (!options.driven || !child?.connected) return Promise.reject(new Error(`${options.name} is not a running driven pod`));
    const id = nextRequest++;
    return new Promise<T>((resolve, reject) => {
      replies.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child!.send({ ...message, id });
    });
  };
  const exited = async () => {
    if (child && child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  };
  const pod: PodProcess = {
    name: options.name,
    port,
    host,
    baseUrl: `http://${host}`,
    dataDir: dir.path,
    output: () => log,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    pid: () => (child !== undefined && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    async start(env) {
      child = spawn(process.execPath, ['--enable-source-maps', ...(options.execArgv ?? []), options.driven ? DRIVEN_POD : POD_MAIN], {
        env: {
          ...process.env,
          SWARMTUBE_NAME: options.name,
          SWARMTUBE_HOST: host,
          SWARMTUBE_PORT: String(port),
          SWARMTUBE_PEER_PORT: String(peerPort),
          SWARMTUBE_DATA_DIR: dir.path,
          SWARMTUBE_ADMIN_PASSWORD: 'test-admin-password',
          // Test pods federate on 127.0.0.1.
          SWARMTUBE_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
          ...options.env,
          ...env,
        },
        stdio: options.driven ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      });
      child.on('message', (reply: { id: number; ok: boolean; result?: unknown; error?: string; kind?: string; at?: number; ids?: string[] }) => {
        if (reply.kind === 'applied') {
          appliedListener?.({ ids: reply.ids!, at: reply.at!, receivedAt: performance.now() });
          return;
        }
        const waiter = replies.get(reply.id);
        replies.delete(reply.id);
        if (reply.ok) waiter?.resolve(reply.result);
        else waiter?.reject(new Error(reply.error));
      });
      child.on('exit', () => {
        for (const waiter of replies.values()) waiter.reject(new Error(`${options.name} exited`));
        replies.clear();
      });
      // Its last MAX_KEPT_OUTPUT characters: a pod logs a line per request (the access log).
      const keep = (chunk: Buffer | string) => {
        log += chunk;
        if (log.length > 2 * MAX_KEPT_OUTPUT) log = log.slice(-MAX_KEPT_OUTPUT);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      const running = child;
      await waitUntil(`${options.name} to answer on ${host}`, async () => {
        if (running.exitCode !== null) throw new Error(`${options.name} exited with ${running.exitCode}:\n${log}`);
        // Ready, not only answering: the pod listens while its read models catch up (503).
        const response = await fetch(`${pod.baseUrl}/readyz`);
        return response.ok ? true : undefined;
        // A pod takes about 2 s alone to load and open; six at once on two cores, beside
        // another scenario's pods and a browser, took over 20 s.
      }, 60_000);
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await exited();
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited();
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async destroy() {
      await pod.kill();
      dir.remove();
    },
    append: (stream, drafts) => ask({ kind: 'append', stream, drafts }),
    idle: () => ask<boolean>({ kind: 'idle' }),
    appendEach: (items) => ask({ kind: 'appendEach', items }),
    async watchApplied(listener) {
      appliedListener = listener;
      return ask<number>({ kind: 'watchApplied', enabled: listener !== undefined });
    },
    federationStats: () => ask<FederationStats>({ kind: 'federationStats' }),
    async adminToken() {
      const response = await fetch(`${pod.baseUrl}/api/v1/users/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root', password: 'test-admin-password' }),
      });
      if (!response.ok) throw new Error(`${options.name}: no admin token (${response.status})`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
  };
  return pod;
}
