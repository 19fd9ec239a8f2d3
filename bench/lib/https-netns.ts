import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPodProcess, type PodProcess } from '../../libs/testing/src/pod-process.js';
import { NetnsRun, namespaceSupport, sweepStaleRuns } from '../../test/support/internet/netns.js';
import { mainConfig, renderSite } from '../../test/support/internet/nginx.js';
import { makeTestCa, type TestCa } from '../../test/support/internet/tls.js';
import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * The HTTPS benchmarks run inside a network namespace of their own: pods, nginx (the
 * repository's site) and Chromium on that namespace's loopback, where 127.0.0.2, 127.0.0.3 …
 * each get nginx on port 443 with a certificate from a CA the run makes. Nothing binds or
 * sends anything in the machine's own namespace, and everything goes when the run ends.
 *
 * `inNamespace(main)`: in the parent, makes the namespace and the CA, re-runs this script
 * inside it (`ip netns exec`, trusting the CA), removes it; in that child, runs `main(work)`
 * (`makeTestCa(join(work, 'ca'))` there opens the same CA).
 */
export async function inNamespace(script: string, main: (work: string) => Promise<void>): Promise<void> {
  const inside = process.env.SWARMTUBE_BENCH_WORK;
  if (inside) {
    await main(inside);
    return;
  }
  const unsupported = await namespaceSupport();
  if (unsupported) {
    console.error(`this benchmark runs in a network namespace and cannot here: ${unsupported}`);
    process.exitCode = 1;
    return;
  }
  await sweepStaleRuns();
  const run = new NetnsRun();
  try {
    const ns = await run.namespace('bench');
    // The CA is made here so that the child (the benchmark's own HTTPS requests) trusts it from its start.
    const ca = await makeTestCa(join(run.work, 'ca'));
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--enable-source-maps', script], {
      stdio: 'inherit',
      env: { ...process.env, SWARMTUBE_BENCH_WORK: run.work, NODE_EXTRA_CA_CERTS: ca.certPath },
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    process.exitCode = code ?? 1;
  } finally {
    await run.destroy();
  }
}

export interface HttpsPod {
  pod: PodProcess;
  /** https://127.0.0.N */
  publicUrl: string;
  accessLog(): string;
}

/** nginx with the repository's site for one loopback address (its own process and files). */
export async function nginxFor(work: string, ca: TestCa, address: string, upstreamPort: number): Promise<{ stop(): Promise<void>; accessLog(): string }> {
  const dir = join(work, `nginx-${address}`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const certificate = await ca.issue(address);
  let site = renderSite({ host: address, certPath: certificate.certPath, keyPath: certificate.keyPath, upstream: `127.0.0.1:${upstreamPort}`, uploadMaxBytes: 4 * 1024 ** 3, acmeRoot: join(dir, 'acme') });
  // Several sites side by side, one per address (no SNI for an IP address): each nginx binds its own.
  site = site.replace(/listen \[::\]:\d+[^;]*;\n/g, '').replace(/listen 80;/, `listen ${address}:80;`).replace(/listen 443 ssl http2;/, `listen ${address}:443 ssl http2;`);
  const sitePath = join(dir, 'site.conf');
  writeFileSync(sitePath, site);
  writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir, sitePath));
  const child = spawn('nginx', ['-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`https://${address}/api/v1/config`).then((r) => r.status < 500, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx for ${address} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
    accessLog: () => readFileSync(join(dir, 'access.log'), 'utf8'),
  };
}

/** A pod (driven or not) whose public URL is https://ADDRESS, behind nginx on that address. */
export async function httpsPod(work: string, ca: TestCa, name: string, address: string, options: { driven?: boolean } = {}): Promise<HttpsPod & { nginx: { stop(): Promise<void> } }> {
  const publicUrl = `https://${address}`;
  const pod = await createPodProcess({
    name,
    driven: options.driven,
    env: { SWARMTUBE_HOST: address, SWARMTUBE_PUBLIC_URL: publicUrl, SWARMTUBE_TRUSTED_PROXIES: '127.0.0.1', NODE_EXTRA_CA_CERTS: ca.certPath },
  });
  await pod.start();
  const nginx = await nginxFor(work, ca, address, pod.port);
  return { pod, publicUrl, nginx, accessLog: nginx.accessLog };
}

export { makeTestCa };
