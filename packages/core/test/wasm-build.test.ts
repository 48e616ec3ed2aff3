// The committed WebAssembly bytes (src/kernels/wasm-binary.ts) must be exactly what the AssemblyScript source
// (wasm/kernels.ts) compiles to, so the two can never drift apart. Node-only: it runs the compiler.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without type declarations
import { TARGET, buildModuleText, compileKernels, renderModule } from '../scripts/build-wasm.mjs';

describe('the embedded wasm kernels', () => {
  it('are byte-identical to a fresh build of wasm/kernels.ts (run `pnpm --filter @mlp/core build:wasm` after editing it)', async () => {
    expect(await buildModuleText()).toBe(readFileSync(TARGET, 'utf8'));
  });

  it('would differ if the compiled bytes changed (the comparison can fail)', async () => {
    const plain: Uint8Array = await compileKernels(false);
    const shared: Uint8Array = await compileKernels(true);
    const tampered = Uint8Array.from(plain);
    tampered[tampered.length - 1]! ^= 1;
    expect(renderModule(tampered, shared)).not.toBe(renderModule(plain, shared));
    expect(plain).not.toEqual(shared); // the shared-memory variant really is another module
  });
});
