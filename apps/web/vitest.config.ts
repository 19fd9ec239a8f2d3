import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Component and composable tests of the site: `npx vitest run --config apps/web/vitest.config.ts`
// (scripts/run-tests.mjs runs them with the rest). happy-dom stands in for the browser.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  plugins: [vue()],
  resolve: { alias: { '@': here('./src') } },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    restoreMocks: true,
    // Two cores shared with other work: one worker is plenty for these.
    maxWorkers: 1,
  },
});
