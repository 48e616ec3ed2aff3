// Vitest for @mlp/core: tests beside the code, a JSON report that .ci/run sums.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Hang detectors, not deadlines: a busy machine may take minutes where a quiet one takes seconds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
