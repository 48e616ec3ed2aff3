// The committed WebAssembly bytes (src/backends/wasm/wasm-binary.ts) must be exactly what the AssemblyScript source
// (wasm/kernels.ts) compiles to, so the two can never drift apart. Node-only: it runs the compiler.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without type declarations
import { TARGET, buildModuleText, buildTableText, compileKernels, renderModule } from '../scripts/build-wasm.mjs';
// @ts-expect-error plain .mjs build script without type declarations
import { TABLE_TARGET, parseKernels, renderTable } from '../scripts/kernel-table.mjs';

describe('the embedded wasm kernels', () => {
  it('have their signatures table (kernel-table.ts) generated from wasm/kernels.ts as it is now', async () => {
    expect(await buildTableText()).toBe(readFileSync(TABLE_TARGET, 'utf8'));
  });

  it('would get another table if a signature changed, and refuse types the table does not know (the comparison can fail)', () => {
    const one = 'export function sgd_plain(w: usize, g: usize, n: i32, lr: f32, l2: f32): void {';
    expect(parseKernels(one)).toEqual([{ name: 'sgd_plain', params: ['w', 'g', 'n', 'lr', 'l2'].map((name, i) => ({ name, type: i < 3 ? 'i' : 'f' })), returns: false }]);
    expect(renderTable(one.replace('lr: f32', 'lr: i32'))).not.toBe(renderTable(one));
    expect(() => parseKernels(one.replace('lr: f32', 'lr: f64'))).toThrow("sgd_plain's parameter lr has type f64");
  });

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
