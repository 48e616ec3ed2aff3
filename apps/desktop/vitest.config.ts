// Vitest for the desktop app: unit tests beside the code (main's handlers, the worker session, drawing functions),
// end-to-end tests under e2e/ (Chromium against the built renderer, and the real Electron app where it exists).
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@mlp/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@mlp/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Hang detectors, not deadlines: a busy machine may take minutes where a quiet one takes seconds.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
