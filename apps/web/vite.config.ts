import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

// The pod serves the built site at `/` from dist/web (repository root) and answers
// index.html for every unknown non-API path, so the router can use history mode.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `vite` (dev server) proxies the pod's HTTP surface to a running pod, by default the
// first pod of the demo network (`npm start`). SWARMTUBE_DEV_POD points it elsewhere.
const pod = process.env.SWARMTUBE_DEV_POD ?? 'http://localhost:9001';

/**
 * WebTorrent's service worker at /sw.min.js: it must be served from the root to control
 * scope `/` (the <video> element's /webtorrent/… requests). Copied as it is from the
 * webtorrent package, at build time and by the dev server.
 */
function webtorrentServiceWorker(): Plugin {
  const source = here('../../node_modules/webtorrent/dist/sw.min.js');
  return {
    name: 'swarmtube:webtorrent-service-worker',
    configureServer(server) {
      server.middlewares.use('/sw.min.js', (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(readFileSync(source));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'sw.min.js', source: readFileSync(source) });
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [vue(), webtorrentServiceWorker()],
  resolve: { alias: { '@': here('./src') } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    // The webtorrent bundle is its own lazily loaded chunk (the watch page only), 220 KB minified.
    chunkSizeWarningLimit: 600,
    // On a busy 2-core machine the plugins' share of a 2 s build says nothing: no timing warnings.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: pod, changeOrigin: true },
      '/static': { target: pod, changeOrigin: true },
    },
  },
});
