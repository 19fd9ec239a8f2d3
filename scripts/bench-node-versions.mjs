#!/usr/bin/env node
// Runs benchmarks under two Nodes back to back, on the same compiled code, and prints each
// figure of their JSON summaries side by side with the ratio new / baseline:
//   npm run bench:node-versions -- --baseline-modules <node_modules built for the baseline> [bench…]
// The new side is the Node running this script (the bootstrap's Node 24) with this checkout's
// node_modules; the baseline is another Node (--baseline-node, default: the first other `node`
// on PATH, e.g. the system's 20) with a node_modules installed for it (native addons such as
// better-sqlite3 are built per Node ABI), put beside a copy of this checkout's dist/ in a
// temporary folder. Benchmarks default to append, replay, tracker and ingest; --rounds N runs
// N pairs (order alternating, baseline first in odd rounds) and reports the medians. BENCH_*
// variables pass through to both sides. Each run's whole output goes to --log (default a
// file in the temporary folder, kept).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, createWriteStream, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'baseline-node': { type: 'string' },
    'baseline-modules': { type: 'string' },
    rounds: { type: 'string', default: '1' },
    log: { type: 'string' },
  },
});
const benches = positionals.length > 0 ? positionals : ['append', 'replay', 'tracker', 'ingest'];
const rounds = Number(values.rounds);
const fail = (message) => {
  console.error(`bench-node-versions: ${message}`);
  process.exit(2);
};
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds takes a whole number >= 1');
if (!values['baseline-modules']) fail('--baseline-modules <dir> is needed: a node_modules installed for the baseline Node');
const baselineModules = resolve(values['baseline-modules']);
if (!existsSync(join(baselineModules, 'better-sqlite3'))) fail(`${baselineModules} is not a node_modules of this project`);
for (const bench of benches) if (!existsSync(join(root, 'dist', 'bench', `${bench}.bench.js`))) fail(`no dist/bench/${bench}.bench.js: build first`);

const baselineNode = values['baseline-node'] ? resolve(values['baseline-node']) : otherNodeOnPath();
const sides = [
  { name: 'baseline', node: baselineNode, version: versionOf(baselineNode), cwd: baselineTree() },
  { name: 'new', node: process.execPath, version: process.version, cwd: root },
];
if (sides[0].version === sides[1].version) fail(`both sides are Node ${process.version}: pass --baseline-node`);
for (const side of sides) {
  // A node_modules built for another ABI fails here rather than in the middle of a benchmark.
  const probe = spawnSync(side.node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: side.cwd, encoding: 'utf8' });
  if (probe.status !== 0) fail(`better-sqlite3 does not load under ${side.node} (${side.version}) in ${side.cwd}:\n${probe.stderr.trim().split('\n').slice(-3).join('\n')}`);
}

// The copy goes when this script ends, however it ends (the log beside it stays).
process.on('exit', () => rmSync(sides[0].cwd, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const logPath = resolve(values.log ?? join(sides[0].cwd, '..', `bench-node-versions-${Date.now()}.log`));
const log = createWriteStream(logPath);
console.log(`bench-node-versions: ${benches.join(', ')}; ${rounds} round(s); baseline Node ${sides[0].version} (${sides[0].node}), new Node ${sides[1].version}`);
console.log(`  full outputs in ${logPath}`);

const rows = [];
for (const bench of benches) {
  const figures = { baseline: [], new: [] };
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) {
      const started = Date.now();
      const summary = await runBench(side, bench);
      figures[side.name].push(summary);
      console.log(`  ${bench} round ${round}, Node ${side.version}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const baseline = medians(figures.baseline);
  const fresh = medians(figures.new);
  for (const key of Object.keys(baseline)) {
    if (!(key in fresh) || key === 'rounds') continue;
    rows.push({ bench, key, baseline: baseline[key], new: fresh[key], ratio: baseline[key] === 0 ? NaN : fresh[key] / baseline[key] });
  }
}
log.end();

const width = Math.max(...rows.map((row) => row.bench.length + row.key.length + 1), 10);
console.log(`\n${'figure'.padEnd(width)} ${`Node ${sides[0].version}`.padStart(14)} ${`Node ${sides[1].version}`.padStart(14)} ${'new/base'.padStart(9)}`);
for (const row of rows) {
  console.log(`${`${row.bench}.${row.key}`.padEnd(width)} ${format(row.baseline).padStart(14)} ${format(row.new).padStart(14)} ${(Number.isFinite(row.ratio) ? row.ratio.toFixed(2) : '-').padStart(9)}`);
}
console.log(JSON.stringify({ bench: 'node-versions', baseline: sides[0].version, new: sides[1].version, rounds, figures: rows }));

/** Runs one benchmark; resolves to its JSON summary (the last line of output that parses) flattened. */
function runBench(side, bench) {
  return new Promise((resolvePromise) => {
    const env = { ...process.env, PATH: [dirname(side.node), ...process.env.PATH.split(delimiter)].join(delimiter) };
    const child = spawn(side.node, ['--enable-source-maps', join('dist', 'bench', `${bench}.bench.js`)], { cwd: side.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    log.write(`\n===== ${bench}, Node ${side.version}, ${new Date().toISOString()}\n`);
    child.stdout.on('data', (chunk) => { output += chunk; log.write(chunk); });
    child.stderr.on('data', (chunk) => log.write(chunk));
    child.on('close', (code) => {
      if (code !== 0) fail(`${bench} under Node ${side.version} exited with ${code} (see ${logPath})`);
      const line = output.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (!line) fail(`${bench} under Node ${side.version} printed no JSON summary`);
      resolvePromise(flatten(JSON.parse(line)));
    });
  });
}

function flatten(value, prefix = '', out = {}) {
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof inner === 'number') out[path] = inner;
    else if (inner && typeof inner === 'object' && !Array.isArray(inner)) flatten(inner, path, out);
  }
  return out;
}

function medians(summaries) {
  const out = {};
  for (const key of Object.keys(summaries[0] ?? {})) {
    const sorted = summaries.map((s) => s[key]).filter((v) => typeof v === 'number').sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    out[key] = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
  return out;
}

function format(value) {
  return Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(2);
}

/** The first `node` on PATH that is not this one. */
function otherNodeOnPath() {
  const self = realpathSync(process.execPath);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      if (realpathSync(candidate) !== self) return candidate;
    } catch {}
  }
  return fail('no other node on PATH: pass --baseline-node');
}

function versionOf(node) {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) fail(`${node} does not run`);
  return result.stdout.trim();
}

/** This checkout's compiled code with the baseline's node_modules, in a temporary folder. */
function baselineTree() {
  const dir = mkdtempSync(join(tmpdir(), 'swarmtube-bench-baseline-'));
  const tree = join(dir, 'swarmtube');
  cpSync(join(root, 'dist'), join(tree, 'dist'), { recursive: true });
  for (const name of readdirSync(root)) {
    if (['dist', 'node_modules', '.node', '.git', 'data'].includes(name)) continue;
    symlinkSync(join(root, name), join(tree, name));
  }
  symlinkSync(baselineModules, join(tree, 'node_modules'));
  return tree;
}
