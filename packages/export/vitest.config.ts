// Vitest for @mlp/export: tests beside the code, workspace packages resolved to source, a JSON report that .ci/run sums.
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `@mlp/source` points workspace packages (@mlp/core) at src/, so tests never need a prior build.
  resolve: { conditions: ['@mlp/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@mlp/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Hang detectors, not deadlines: a busy machine may take minutes where a quiet one takes seconds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
