// Vitest in real Chromium (Debian's /usr/bin/chromium driven by Playwright; nothing downloads a browser): the library's
// tests, wasm SIMD kernels included, run in a browser page exactly as in Node. Node-only tests (test/) stay out.
// Run through scripts/test-browser.mjs, which skips with a printed reason when Chromium is missing.
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  // Cross-origin isolation, so SharedArrayBuffer exists and the two-thread (helper Web Worker) path runs too.
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest-browser.json' }]],
    // Hang detectors, not deadlines: a busy machine may take minutes where a quiet one takes seconds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
