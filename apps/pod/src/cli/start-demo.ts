import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPodConfig } from '../config/pod-config.js';
import { findRepositoryRoot } from '../repository-root.js';

/**
 * `npm start`: the demo network, three pods on localhost:9001-9003 from config/pod-N.yaml,
 * each a process of its own with its own data folder. `--fresh` empties the data folders.
 */
const { values } = parseArgs({ options: { fresh: { type: 'boolean' }, pods: { type: 'string' } }, strict: true });
const root = findRepositoryRoot();
const count = Number(values.pods ?? 3);
const main = join(fileURLToPath(new URL('..', import.meta.url)), 'main.js');
const children: ChildProcess[] = [];

for (let n = 1; n <= count; n++) {
  const file = join(root, 'config', `pod-${n}.yaml`);
  const config = loadPodConfig({ file, cwd: root });
  if (values.fresh) {
    rmSync(config.dataDir, { recursive: true, force: true });
    console.log(`[demo] emptied ${config.dataDir}`);
  }
  const child = spawn(process.execPath, ['--enable-source-maps', main, '--config', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const prefix = `[pod-${n}] `;
  const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) =>
    stream.write(chunk.toString().split('\n').filter(Boolean).map((line) => prefix + line + '\n').join(''));
  child.stdout!.on('data', relay(process.stdout));
  child.stderr!.on('data', relay(process.stderr));
  child.on('exit', (code, signal) => {
    console.log(`${prefix}exited (${signal ?? code})`);
    if (!stopping) stop(code ?? 1);
  });
}
console.log(`[demo] ${count} pods starting: ${Array.from({ length: count }, (_, i) => `http://localhost:900${i + 1}`).join(' ')}; Ctrl-C stops them`);

let stopping = false;
function stop(exitCode: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(exitCode));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
