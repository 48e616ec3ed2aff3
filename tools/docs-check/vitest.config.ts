// Vitest for the docs check: one global setup packs the packages once; the tests share the tarballs through provide().
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@mlp/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@mlp/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/setup.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Hang detectors, not deadlines: packing builds five packages, and a busy machine may take minutes.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
