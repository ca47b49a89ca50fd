import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    projects: [
      {
        // Extension logic: plain modules, run against WXT's fakeBrowser.
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'entrypoints/**/*.test.ts', 'components/**/*.test.ts'],
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        // The signaling server, driven by real WebSocket clients on loopback.
        test: {
          name: 'signaling',
          include: ['signaling/test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // Real browsers (Debian's Chromium, Firefox ESR) driving the built extension.
        // Run through `npm run test:e2e`, which enters a private network namespace first.
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
