import { describe, expect, it } from 'vitest';
import { gemmNaive, gemmWasm } from '../matmul.js';
import { Rng } from '../rng.js';
import { TOL, expectClose } from '../testing/expect-close.js';
import { WasmArena, initWasm, wasmModule, wasmSimdSupported } from './wasm.js';

const rng = new Rng(7);
const randn = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

describe('WebAssembly SIMD kernels: loading', () => {
  it('finds SIMD and compiles the embedded module (plain and shared-memory variants)', async () => {
    expect(wasmSimdSupported()).toBe(true);
    expect(await initWasm()).toBe(true);
    expect(wasmModule()).toBeInstanceOf(WebAssembly.Module);
    expect(wasmModule(true)).toBeInstanceOf(WebAssembly.Module);
  });
});

describe('gemmWasm', () => {
  // Its agreement with gemmNaive on random shapes, all transpose flags and aliasing is in matmul.test.ts.
  it('is rejected by the comparison when one product is wrong (the test can fail)', () => {
    const a = randn(12);
    const b = randn(12);
    const ref = new Float32Array(9);
    const out = new Float32Array(9);
    gemmNaive(ref, a, b, 3, 3, 4, false, false);
    gemmWasm(out, a, b, 3, 3, 4, false, false);
    expectClose(out, ref, TOL.f32);
    out[4]! += 1e-3;
    expect(() => expectClose(out, ref, TOL.f32)).toThrow(/element 4/);
  });
});

describe('WasmArena', () => {
  it('keeps allocations aligned, zeroed and distinct', () => {
    const arena = new WasmArena(0);
    const a = arena.floats(5);
    const b = arena.floats(7);
    expect(a.byteOffset % 16).toBe(0);
    expect(b.byteOffset % 16).toBe(0);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 5 * 4 + 16);
    expect([...a, ...b].every((v) => v === 0)).toBe(true);
    expect(arena.ptr(a)).toBe(a.byteOffset);
    expect(arena.ptr(new Float32Array(4))).toBe(-1);
  });

  it('grows on demand and refresh() re-views an allocation on the new memory with its contents', () => {
    const arena = new WasmArena(0);
    const v = arena.floats(4);
    v.set([1, 2, 3, 4]);
    const gen = arena.generation;
    arena.alloc(4 << 20); // beyond the first pages: the memory grows and the plain buffer is detached
    expect(arena.generation).toBe(gen + 1);
    expect(v.length).toBe(0);
    const w = arena.refresh(v);
    expect(Array.from(w)).toEqual([1, 2, 3, 4]);
    expect(arena.refresh(w)).toBe(w);
    expect(() => arena.refresh(new Float32Array(2))).toThrow(/not a view made by this arena/);
  });
});

describe('bias_act: the fused activations', () => {
  // Edges of the exp range (−87.3 clamp, where 2^fx leaves the normal floats), signed zeros, huge values and NaN.
  const special = [-1e30, -1000, -104, -88, -87.3, -87, -50, -17, -1, -1e-7, -0, 0, 1e-7, 0.5, 1, 17, 50, 87.3, 88, 104, 1000, 1e30, Number.NaN];

  function wasmActivation(act: 1 | 2, xs: number[]): Float32Array {
    const arena = new WasmArena(0);
    const z = arena.floats(xs.length);
    const a = arena.floats(xs.length);
    z.set(xs);
    // One row, in place (src = z), no bias.
    arena.fn.bias_act(arena.ptr(z), arena.ptr(a), arena.ptr(z), 1, xs.length, xs.length, xs.length, 0, act);
    return a;
  }

  it('sigmoid matches 1/(1 + e^−x) within float32 rounding everywhere, saturates without overflow, and keeps NaN', () => {
    const xs = [...special, ...Array.from({ length: 200 }, (_, i) => -100 + i)];
    const a = wasmActivation(1, xs);
    xs.forEach((x, i) => {
      const want = 1 / (1 + Math.exp(-x));
      if (Number.isNaN(x)) expect(a[i]).toBeNaN();
      else expect(Math.abs(a[i]! - want), `σ(${x}) = ${a[i]}, want ${want}`).toBeLessThanOrEqual(Math.max(4e-7 * want, 1e-37));
    });
  });

  it('relu is max(x, 0) with NaN → 0, as the JS kernel does', () => {
    const a = wasmActivation(2, special);
    special.forEach((x, i) => expect(a[i]).toBe(x > 0 ? Math.fround(x) : 0));
  });
});
