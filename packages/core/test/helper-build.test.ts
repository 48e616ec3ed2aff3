// The committed helper-thread program (src/backends/wasm/helper-source.ts) must be exactly what tsup bundles from its typed
// source (src/backends/wasm/helper-worker.ts with the generated kernel table), so the text that runs can never drift from
// the code that is type-checked and linted. Node-only: it runs tsup.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without type declarations
import { HELPER_TARGET, bundleHelper, renderHelper } from '../scripts/build-helper.mjs';

describe('the helper thread program', () => {
  it('is the bundle of helper-worker.ts (run `pnpm --filter @mlp/core build:helper` after editing it)', async () => {
    const js: string = await bundleHelper();
    expect(renderHelper(js)).toBe(readFileSync(HELPER_TARGET, 'utf8'));
    expect(js).toContain('function callFromBlock'); // the generated dispatch is bundled in, not imported
    expect(js).not.toMatch(/^\s*(import|export)\b/m); // one plain script: an eval worker or a Blob-URL worker runs it as is
  });

  it('would differ if the program changed (the comparison can fail)', async () => {
    const js: string = await bundleHelper();
    expect(renderHelper(js.replace('SPIN_MS = 2', 'SPIN_MS = 3'))).not.toBe(renderHelper(js));
  });
});
