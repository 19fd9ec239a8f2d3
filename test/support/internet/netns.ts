import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Linux network namespaces for a test: every name this run makes starts with one prefix
 * (`sti` + 6 hex digits), so the run removes exactly what it made, and a later run sweeps
 * what a killed run left behind (its owner process is gone). Nothing here touches the
 * host's own interfaces: veth pairs are created inside the namespaces (`ip -n`), and no
 * namespace gets a route to the host.
 */

const PREFIX_PATTERN = /^sti[0-9a-f]{6}-/;
const WORK_ROOT = tmpdir();

export class CommandError extends Error {}

/** Runs a command; fails with its stderr. */
export async function sh(command: string, args: string[], options: { input?: string; timeoutMs?: number; allowFailure?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      if (error && !options.allowFailure) reject(new CommandError(`${command} ${args.join(' ')} failed (${code}): ${stderr || error.message}`));
      else resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** Why namespaces cannot be made here, or undefined when they can. */
export async function namespaceSupport(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'making network namespaces needs root (CI runs as root; run the test as root)';
  for (const [tool, pkg] of [['ip', 'iproute2'], ['nft', 'nftables'], ['nginx', 'nginx'], ['turnserver', 'coturn'], ['openssl', 'openssl'], ['certutil', 'libnss3-tools'], ['aria2c', 'aria2']]) {
    if (!['/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((dir) => existsSync(join(dir, tool)))) return `${tool} is missing (Debian package ${pkg}; scripts/install-system-packages.sh installs it)`;
  }
  const probe = `stiprobe${process.pid}`;
  const made = await sh('ip', ['netns', 'add', probe], { allowFailure: true });
  if (made.code !== 0) return `"ip netns add" failed: ${made.stderr.trim()} (a container needs CAP_SYS_ADMIN and CAP_NET_ADMIN)`;
  try {
    const veth = await sh('ip', ['-n', probe, 'link', 'add', 'name', 'va', 'type', 'veth', 'peer', 'name', 'vb'], { allowFailure: true });
    if (veth.code !== 0) return `a veth pair cannot be made: ${veth.stderr.trim()}`;
    const nft = await sh('ip', ['netns', 'exec', probe, 'nft', 'add table ip probe'], { allowFailure: true });
    if (nft.code !== 0) return `nftables does not work in a namespace: ${nft.stderr.trim()}`;
  } finally {
    await sh('ip', ['netns', 'del', probe], { allowFailure: true });
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills every process inside a namespace (a pod, nginx, coturn, Chromium and its children). */
async function killInside(ns: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const { stdout } = await sh('ip', ['netns', 'pids', ns], { allowFailure: true });
    const pids = stdout.split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, round === 0 ? 'SIGTERM' : 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, round === 0 ? 300 : 100));
  }
}

async function removeNamespace(ns: string): Promise<void> {
  await killInside(ns);
  await sh('ip', ['netns', 'del', ns], { allowFailure: true });
  rmSync(join('/etc/netns', ns), { recursive: true, force: true });
}

/**
 * Removes the namespaces, /etc/netns folders and work folders of earlier runs whose owner
 * process is gone (a run killed before its cleanup). A run still going is left alone.
 */
export async function sweepStaleRuns(): Promise<string[]> {
  const swept: string[] = [];
  const owners = new Map<string, number>();
  for (const name of readdirSync(WORK_ROOT)) {
    const match = /^swarmtube-internet-(sti[0-9a-f]{6})$/.exec(name);
    if (!match) continue;
    const pid = Number(readFileSafe(join(WORK_ROOT, name, 'owner.pid')));
    owners.set(match[1], pid);
  }
  const stale = (prefix: string) => !alive(owners.get(prefix) ?? -1);
  const { stdout } = await sh('ip', ['netns', 'list'], { allowFailure: true });
  const namespaces = stdout.split('\n').map((line) => line.split(' ')[0]).filter((ns) => PREFIX_PATTERN.test(ns));
  const folders = existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((ns) => PREFIX_PATTERN.test(ns)) : [];
  for (const ns of new Set([...namespaces, ...folders])) {
    if (!stale(ns.slice(0, 9))) continue;
    await removeNamespace(ns);
    swept.push(ns);
  }
  for (const [prefix] of owners) {
    if (!stale(prefix)) continue;
    rmSync(join(WORK_ROOT, `swarmtube-internet-${prefix}`), { recursive: true, force: true });
    swept.push(`${WORK_ROOT}/swarmtube-internet-${prefix}`);
  }
  return swept;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface NsProcess {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  exited(): boolean;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * One run: a prefix, a work folder, and everything made under them, removed by `destroy()`
 * in reverse order, whatever failed before.
 */
export class NetnsRun {
  readonly prefix = `sti${randomBytes(3).toString('hex')}`;
  readonly work = join(WORK_ROOT, `swarmtube-internet-${this.prefix}`);
  private readonly namespaces: string[] = [];
  private readonly processes: NsProcess[] = [];

  constructor() {
    mkdirSync(this.work, { recursive: true });
    writeFileSync(join(this.work, 'owner.pid'), String(process.pid));
  }

  /** A namespace `<prefix>-<short>` with its loopback up; `hosts` lines go to /etc/netns/<ns>/hosts. */
  async namespace(short: string, hosts?: string): Promise<string> {
    const ns = `${this.prefix}-${short}`;
    await sh('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    if (hosts !== undefined) this.hosts(ns, hosts);
    return ns;
  }

  /** /etc/netns/<ns>/hosts: `ip netns exec` mounts it over /etc/hosts for that namespace. */
  hosts(ns: string, lines: string): void {
    mkdirSync(join('/etc/netns', ns), { recursive: true });
    writeFileSync(join('/etc/netns', ns, 'hosts'), `127.0.0.1 localhost\n::1 localhost\n${lines}\n`);
  }

  /** A veth pair from `a` (named `aName`) to `b` (named `bName`), both up; made inside `a`. */
  async link(a: string, aName: string, b: string, bName: string): Promise<void> {
    await sh('ip', ['-n', a, 'link', 'add', 'name', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b]);
    await sh('ip', ['-n', a, 'link', 'set', aName, 'up']);
    await sh('ip', ['-n', b, 'link', 'set', bName, 'up']);
  }

  async ip(ns: string, ...args: string[]): Promise<string> {
    return (await sh('ip', ['-n', ns, ...args])).stdout;
  }

  async exec(ns: string, command: string, args: string[], options: { input?: string; timeoutMs?: number; allowFailure?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return sh('ip', ['netns', 'exec', ns, command, ...args], options);
  }

  /** Loads an nftables ruleset into the namespace (tables live and die with it). */
  async nft(ns: string, ruleset: string): Promise<void> {
    await sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: ruleset });
  }

  /** A long-running process inside the namespace (`ip netns exec` execs it: same pid). */
  spawn(ns: string, name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): NsProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (chunk) => (log = (log + chunk).slice(-200_000)));
    child.stderr!.on('data', (chunk) => (log = (log + chunk).slice(-200_000)));
    const proc: NsProcess = {
      name,
      child,
      output: () => log,
      exited: () => child.exitCode !== null || child.signalCode !== null,
      async stop(signal = 'SIGTERM', graceMs = 5000) {
        if (proc.exited()) return;
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await once(child, 'exit').catch(() => undefined);
        clearTimeout(timer);
      },
    };
    this.processes.push(proc);
    return proc;
  }

  /** Every process stopped, every namespace, /etc/netns folder and the work folder removed. */
  async destroy(options: { keepWork?: boolean } = {}): Promise<void> {
    const errors: string[] = [];
    await Promise.all(this.processes.reverse().map((proc) => proc.stop('SIGTERM', 3000).catch((error: Error) => errors.push(`${proc.name}: ${error.message}`))));
    for (const ns of this.namespaces.reverse()) await removeNamespace(ns).catch((error: Error) => errors.push(`${ns}: ${error.message}`));
    if (!options.keepWork) rmSync(this.work, { recursive: true, force: true });
    const { stdout } = await sh('ip', ['netns', 'list'], { allowFailure: true });
    const left = stdout.split('\n').map((line) => line.split(' ')[0]).filter((ns) => ns.startsWith(`${this.prefix}-`));
    if (left.length > 0) errors.push(`namespaces left: ${left.join(', ')}`);
    if (errors.length > 0) throw new Error(`cleanup of ${this.prefix} incomplete: ${errors.join('; ')}`);
  }

  /** The namespaces of this run still present (for the test's own check). */
  async present(): Promise<string[]> {
    const { stdout } = await sh('ip', ['netns', 'list'], { allowFailure: true });
    return stdout.split('\n').map((line) => line.split(' ')[0]).filter((ns) => ns.startsWith(`${this.prefix}-`));
  }
}
