import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../../libs/testing/src/wait-until.js';
import type { NetnsRun, NsProcess } from './netns.js';

const POD_MAIN = join(fileURLToPath(new URL('../../../apps/pod/src/', import.meta.url)), 'main.js');

export const POD_PORT = 9000;
export const PEER_PORT = 6881;
export const ADMIN_PASSWORD = 'test-admin-password';

export interface NsPod {
  name: string;
  ns: string;
  /** Its public name, e.g. pod1.swarm.test. */
  host: string;
  publicUrl: string;
  dataDir: string;
  process: NsProcess;
  output(): string;
}

/**
 * A pod as production runs it (apps/pod/src/main.js, a process of its own), inside its
 * namespace: HTTP on 0.0.0.0:9000 behind the namespace's nginx (the host's firewall keeps TCP
 * 9000 for nginx, UDP 9000 is the UDP tracker), its BitTorrent peer port 6881.
 */
export async function startPod(run: NetnsRun, options: { ns: string; name: string; host: string; publicUrl: string; caPath: string; env?: NodeJS.ProcessEnv }): Promise<NsPod> {
  const dataDir = join(run.work, options.host, 'data');
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    // The private CA of the test, for the federation client's verified TLS.
    NODE_EXTRA_CA_CERTS: options.caPath,
    SWARMTUBE_NAME: options.name,
    SWARMTUBE_HOST: options.host,
    SWARMTUBE_PUBLIC_URL: options.publicUrl,
    SWARMTUBE_PORT: String(POD_PORT),
    SWARMTUBE_LISTEN: '0.0.0.0',
    SWARMTUBE_PEER_PORT: String(PEER_PORT),
    SWARMTUBE_DATA_DIR: dataDir,
    SWARMTUBE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // nginx on the same host is the one proxy whose X-Forwarded-* the pod believes.
    SWARMTUBE_TRUSTED_PROXIES: '127.0.0.1',
    // The small internet's addresses are private (10.77.0.0/24): a LAN, as far as the pod knows.
    SWARMTUBE_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...options.env,
  };
  const proc = run.spawn(options.ns, options.name, process.execPath, ['--enable-source-maps', POD_MAIN], { env });
  const pod: NsPod = { name: options.name, ns: options.ns, host: options.host, publicUrl: options.publicUrl, dataDir, process: proc, output: proc.output };
  await waitUntil(`${options.name} to answer on its own port`, async () => {
    if (proc.exited()) throw new Error(`${options.name} exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.output().slice(-4000)}`);
    const probe = await run.exec(options.ns, 'curl', ['-sf', '-o', '/dev/null', '--max-time', '2', `http://127.0.0.1:${POD_PORT}/api/v1/config`], { allowFailure: true });
    return probe.code === 0 ? true : undefined;
  }, 90_000, 250);
  return pod;
}
