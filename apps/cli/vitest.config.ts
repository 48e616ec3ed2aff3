// Vitest for the CLI: unit tests beside the code, end-to-end tests of the built binary under e2e/.
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@mlp/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@mlp/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Hang detectors, not deadlines: a busy machine may take minutes where a quiet one takes seconds.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
