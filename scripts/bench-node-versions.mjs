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
// file in the temporary folder, kept); a run that fails is reported and left out of the
// medians. `--from-log <file>` prints the table again from such a log (an interrupted run).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
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
    'from-log': { type: 'string' },
  },
});
if (values['from-log']) {
  summariseLog(values['from-log']);
  process.exit(0);
}
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
      if (summary) figures[side.name].push(summary);
      console.log(`  ${bench} round ${round}, Node ${side.version}: ${summary ? '' : 'FAILED, '}${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  rows.push(...compare(bench, figures.baseline, figures.new));
}
log.end();
printTable(rows, sides[0].version, sides[1].version);
console.log(JSON.stringify({ bench: 'node-versions', baseline: sides[0].version, new: sides[1].version, rounds, figures: rows }));

/** One row per figure both sides have: medians over the runs that succeeded, and their ratio. */
function compare(bench, baselineRuns, newRuns) {
  if (baselineRuns.length === 0 || newRuns.length === 0) return [];
  const baseline = medians(baselineRuns);
  const fresh = medians(newRuns);
  const out = [];
  for (const key of Object.keys(baseline)) {
    if (!(key in fresh) || key === 'rounds') continue;
    out.push({ bench, key, baseline: baseline[key], new: fresh[key], ratio: baseline[key] === 0 ? NaN : fresh[key] / baseline[key], runs: [baselineRuns.length, newRuns.length] });
  }
  return out;
}

function printTable(rows, baselineVersion, newVersion) {
  const width = Math.max(...rows.map((row) => row.bench.length + row.key.length + 1), 10);
  console.log(`\n${'figure'.padEnd(width)} ${`Node ${baselineVersion}`.padStart(14)} ${`Node ${newVersion}`.padStart(14)} ${'new/base'.padStart(9)}  runs`);
  for (const row of rows) {
    console.log(`${`${row.bench}.${row.key}`.padEnd(width)} ${format(row.baseline).padStart(14)} ${format(row.new).padStart(14)} ${(Number.isFinite(row.ratio) ? row.ratio.toFixed(2) : '-').padStart(9)}  ${row.runs.join('+')}`);
  }
}

/** The table again from a log this script wrote: its `===== bench, Node vX` sections and their JSON lines. */
function summariseLog(file) {
  const runs = new Map(); // bench -> version -> summaries
  let current = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const header = /^===== (\S+), Node (v[\d.]+),/.exec(line);
    if (header) current = { bench: header[1], version: header[2] };
    else if (current && line.startsWith('{"bench"')) {
      const byVersion = runs.get(current.bench) ?? new Map();
      runs.set(current.bench, byVersion);
      byVersion.set(current.version, [...(byVersion.get(current.version) ?? []), flatten(JSON.parse(line))]);
    }
  }
  const versions = [...new Set([...runs.values()].flatMap((byVersion) => [...byVersion.keys()]))].sort((a, b) => Number(a.slice(1).split('.')[0]) - Number(b.slice(1).split('.')[0]));
  if (versions.length !== 2) fail(`${file}: expected runs under two Nodes, found ${versions.join(', ') || 'none'}`);
  const rows = [];
  for (const [bench, byVersion] of runs) rows.push(...compare(bench, byVersion.get(versions[0]) ?? [], byVersion.get(versions[1]) ?? []));
  printTable(rows, versions[0], versions[1]);
}

/** Runs one benchmark; resolves to its JSON summary (its last line starting with `{`) flattened, or null when it failed. */
function runBench(side, bench) {
  return new Promise((resolvePromise) => {
    const env = { ...process.env, PATH: [dirname(side.node), ...process.env.PATH.split(delimiter)].join(delimiter) };
    const child = spawn(side.node, ['--enable-source-maps', join('dist', 'bench', `${bench}.bench.js`)], { cwd: side.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    log.write(`\n===== ${bench}, Node ${side.version}, ${new Date().toISOString()}\n`);
    child.stdout.on('data', (chunk) => { output += chunk; log.write(chunk); });
    child.stderr.on('data', (chunk) => log.write(chunk));
    child.on('close', (code) => {
      const line = output.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (code !== 0 || !line) {
        console.error(`  ${bench} under Node ${side.version} ${code !== 0 ? `exited with ${code}` : 'printed no JSON summary'} (see ${logPath})`);
        return resolvePromise(null);
      }
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
    } catch {
      // not there or not executable: the next PATH entry
    }
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
