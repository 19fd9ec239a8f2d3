import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The pod serves the built site at `/` from dist/web (repository root) and answers
// index.html for every unknown non-API path, so the router can use history mode.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `vite` (dev server) proxies the pod's HTTP surface to a running pod, by default the
// first pod of the demo network (`npm start`). SWARMTUBE_DEV_POD points it elsewhere.
const pod = process.env.SWARMTUBE_DEV_POD ?? 'http://localhost:9001';

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [vue()],
  resolve: { alias: { '@': here('./src') } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
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
