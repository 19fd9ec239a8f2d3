import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findRepositoryRoot } from '../apps/pod/src/repository-root.js';
import { printFigure, printSummary, round } from './lib/bench-report.js';

/**
 * The site's weight (issue: the Vue site): the JavaScript of the built site (dist/web, from
 * `npm run build`), gzipped at level 9 as a server would send it, without the webtorrent
 * bundle (a chunk of its own, loaded only by the watch page). Goal: under 250 KB.
 *
 * Also: what the home page loads before it renders (index.html's entry script and its
 * modulepreloads), each lazy page's own chunk, the webtorrent chunk and the CSS. Anchor,
 * built beside it in the same run with the same Vite: a bare app with the site's framework
 * (Vue 3 runtime, vue-router 4 with history mode, Pinia 3) and one empty page: the floor any
 * site on this stack pays.
 *
 *   node dist/bench/site-size.bench.js      (after `npm run build`)
 */

const KB = 1000;
const GOAL_KB = 250;
const root = findRepositoryRoot();
const site = join(root, 'dist', 'web');

const gz = (bytes: Buffer | string) => gzipSync(bytes, { level: 9 }).length;

interface Chunk {
  file: string;
  raw: number;
  gzip: number;
}

function chunks(dir: string): Chunk[] {
  const assets = join(dir, 'assets');
  return readdirSync(assets)
    .filter((file) => file.endsWith('.js') || file.endsWith('.css'))
    .map((file) => {
      const bytes = readFileSync(join(assets, file));
      return { file, raw: bytes.length, gzip: gz(bytes) };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

/** The scripts index.html loads before the first render: the entry and its modulepreloads. */
function initialScripts(dir: string): string[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((match) => match[1]);
}

async function buildAnchor(): Promise<Chunk[]> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmtube-site-anchor-'));
  try {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><div id="app"></div><script type="module" src="/main.js"></script></body></html>');
    writeFileSync(
      join(dir, 'main.js'),
      `import { createApp, h } from 'vue';
       import { createRouter, createWebHistory, RouterView } from 'vue-router';
       import { createPinia, defineStore } from 'pinia';
       const useStore = defineStore('anchor', { state: () => ({ name: 'anchor' }) });
       const Page = { setup: () => { const store = useStore(); return () => h('p', store.name); } };
       const router = createRouter({ history: createWebHistory(), routes: [{ path: '/', component: Page }] });
       createApp({ render: () => h(RouterView) }).use(createPinia()).use(router).mount('#app');`,
    );
    const { build } = await import('vite');
    const { default: vue } = await import('@vitejs/plugin-vue');
    await build({
      root: dir,
      // The site's plugin: it sets Vue's compile-time flags (no devtools, no hydration details in production).
      plugins: [vue()],
      logLevel: 'warn',
      configFile: false,
      resolve: { alias: { vue: join(root, 'node_modules', 'vue'), 'vue-router': join(root, 'node_modules', 'vue-router'), pinia: join(root, 'node_modules', 'pinia') } },
      build: { outDir: join(dir, 'dist'), emptyOutDir: true },
    });
    return chunks(join(dir, 'dist'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = chunks(site);
if (all.length === 0) throw new Error(`no built site in ${site}: run \`npm run build\` first`);
const js = all.filter((c) => c.file.endsWith('.js'));
const css = all.filter((c) => c.file.endsWith('.css'));
const isWebTorrent = (c: Chunk) => c.file.startsWith('webtorrent');
const webtorrent = js.filter(isWebTorrent);
const siteJs = js.filter((c) => !isWebTorrent(c));
const initial = new Set(initialScripts(site));
const sum = (list: Chunk[], key: 'raw' | 'gzip') => list.reduce((total, c) => total + c[key], 0);

const anchor = await buildAnchor();
const anchorJs = anchor.filter((c) => c.file.endsWith('.js'));

const siteKb = sum(siteJs, 'gzip') / KB;
const initialKb = sum(siteJs.filter((c) => initial.has(c.file)), 'gzip') / KB;
const anchorKb = sum(anchorJs, 'gzip') / KB;

console.log('  chunks (gzip -9):');
for (const c of js) console.log(`    ${c.file.padEnd(48)} ${(c.gzip / KB).toFixed(1).padStart(7)} KB  (${(c.raw / KB).toFixed(1)} KB raw)${initial.has(c.file) ? '  [first load]' : ''}`);
printFigure({ name: 'site JavaScript without webtorrent, gzipped', value: round(siteKb, 1), unit: 'KB' });
printFigure({ name: '  of which the first load (entry + modulepreloads)', value: round(initialKb, 1), unit: 'KB' });
printFigure({ name: 'webtorrent chunk (watch page only), gzipped', value: round(sum(webtorrent, 'gzip') / KB, 1), unit: 'KB' });
printFigure({ name: 'site CSS, gzipped', value: round(sum(css, 'gzip') / KB, 1), unit: 'KB' });
printFigure({ name: 'anchor: bare Vue + vue-router + Pinia app, gzipped', value: round(anchorKb, 1), unit: 'KB' });
printFigure({ name: 'ratio site JS / anchor', value: round(siteKb / anchorKb, 2), unit: 'x' });
const met = siteKb < GOAL_KB;
console.log(`  ${'site JS without webtorrent vs goal'.padEnd(58)} ${siteKb.toFixed(1).padStart(10)} KB  (goal < ${GOAL_KB} KB: ${met ? 'met' : 'NOT met'})`);
printSummary({
  bench: 'site-size',
  siteJsGzipKb: round(siteKb, 1),
  firstLoadJsGzipKb: round(initialKb, 1),
  webtorrentGzipKb: round(sum(webtorrent, 'gzip') / KB, 1),
  cssGzipKb: round(sum(css, 'gzip') / KB, 1),
  anchorJsGzipKb: round(anchorKb, 1),
  ratioToAnchor: round(siteKb / anchorKb, 2),
  goalKb: GOAL_KB,
  met,
});
