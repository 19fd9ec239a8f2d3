import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../../../libs/testing/src/wait-until.js';
import type { NetnsRun, NsProcess } from './netns.js';

/**
 * coturn (Debian's `coturn`) as the small internet's STUN/TURN server, configured as
 * docs/deploy.md says: the TURN REST scheme (`use-auth-secret`, the secret the pods mint
 * credentials from), a realm, UDP and TCP on 3478, a bounded relay port range. Unlike on a
 * server, peers on private addresses are allowed: the whole small internet is 10.77.0.0/24.
 */
export const TURN_PORT = 3478;

export interface RunningCoturn {
  process: NsProcess;
  config: string;
}

export async function startCoturn(run: NetnsRun, ns: string, options: { address: string; realm: string; secret: string }): Promise<RunningCoturn> {
  const dir = join(run.work, 'coturn');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, [
    `listening-ip=${options.address}`,
    `relay-ip=${options.address}`,
    `listening-port=${TURN_PORT}`,
    'min-port=49160',
    'max-port=49260',
    `realm=${options.realm}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    'no-software-attribute',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
    '',
  ].join('\n'));
  const process = run.spawn(ns, 'coturn', 'turnserver', ['-c', config]);
  await waitUntil('coturn to answer STUN', async () => {
    if (process.exited()) throw new Error(`coturn exited: ${process.output().slice(-3000)}`);
    const probe = await run.exec(ns, 'turnutils_stunclient', ['-p', String(TURN_PORT), options.address], { allowFailure: true, timeoutMs: 5000 });
    return probe.code === 0 && /UDP reflexive addr/.test(probe.stdout) ? true : undefined;
  }, 30_000, 250);
  return { process, config };
}

/** The address and port a STUN binding from `ns` is seen from (coturn's turnutils_stunclient). */
export async function reflexiveAddress(run: NetnsRun, ns: string, server: string): Promise<string> {
  const { stdout } = await run.exec(ns, 'turnutils_stunclient', ['-p', String(TURN_PORT), server], { timeoutMs: 10_000 });
  const match = /UDP reflexive addr: ([\d.]+):(\d+)/.exec(stdout);
  if (!match) throw new Error(`no reflexive address in: ${stdout}`);
  return match[1];
}
