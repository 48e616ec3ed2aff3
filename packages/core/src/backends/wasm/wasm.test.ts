import { describe, expect, it } from 'vitest';
import { gemmNaive, gemmWasm } from '../../matmul.js';
import { Rng } from '../../rng.js';
import { TOL, expectClose } from '../../testing/expect-close.js';
import { Helper, threadsSupported } from './threads.js';
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

describe('kernels on a column range (one thread\'s part of a layer)', () => {
  // Both products of the backward pass on columns [j0, j0 + cols) of wider matrices, against gemmNaive on the whole.
  it.each([
    [0, 28, 50],
    [28, 22, 50],
    [4, 13, 17],
    [0, 3, 3],
  ])('gemm_axpy writes exactly columns %i + %i of %i, with both operand layouts', (j0, cols, N) => {
    const arena = new WasmArena(0);
    for (const [M, K, si, sk, transposeA] of [
      [10, 23, 1, 10, true],
      [23, 10, 10, 1, false],
    ] as const) {
      const a = arena.floats(M * K);
      a.set(randn(M * K));
      const b = arena.floats(K * N);
      b.set(randn(K * N));
      const out = arena.floats(M * N).fill(7);
      arena.fn.gemm_axpy(arena.ptr(out) + 4 * j0, arena.ptr(a), arena.ptr(b) + 4 * j0, M, cols, K, si, sk, N, N);
      const ref = new Float32Array(M * N);
      gemmNaive(ref, a, b, M, N, K, transposeA, false);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const inside = j >= j0 && j < j0 + cols;
          if (!inside) expect(out[i * N + j], `untouched (${i}, ${j})`).toBe(7);
          else expect(Math.abs(out[i * N + j]! - ref[i * N + j]!), `(${i}, ${j})`).toBeLessThan(1e-5 * (1 + Math.abs(ref[i * N + j]!)));
        }
      }
    }
  });

  it.each([
    [1, 'sigmoid'],
    [2, 'relu'],
    [0, 'linear'],
  ] as const)('act_colsum (act %i, %s) is the activation gradient then column sums, on its columns only', (act, name) => {
    const arena = new WasmArena(0);
    const [n, ld, j0, cols] = [9, 19, 5, 11];
    const d = arena.floats(n * ld);
    const a = arena.floats(n * ld);
    d.set(randn(n * ld));
    a.set(Float32Array.from({ length: n * ld }, () => (act === 1 ? rng.float() : rng.normal())));
    const before = Float32Array.from(d);
    const db = arena.floats(ld).fill(7);
    arena.fn.act_colsum(arena.ptr(d) + 4 * j0, arena.ptr(a) + 4 * j0, n, cols, ld, act, arena.ptr(db) + 4 * j0);
    const grad = (v: number, o: number) => (name === 'sigmoid' ? v * o * (1 - o) : name === 'relu' ? (o > 0 ? v : 0) : v);
    for (let j = 0; j < ld; j++) {
      const inside = j >= j0 && j < j0 + cols;
      let sum = 0;
      for (let r = 0; r < n; r++) {
        const want = inside ? grad(before[r * ld + j]!, a[r * ld + j]!) : before[r * ld + j]!;
        expect(Math.abs(d[r * ld + j]! - want), `d (${r}, ${j})`).toBeLessThan(1e-6);
        sum += want;
      }
      if (inside) expect(Math.abs(db[j]! - sum), `db ${j}`).toBeLessThan(1e-5);
      else expect(db[j], `db ${j} untouched`).toBe(7);
    }
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

  it('starts the helper program (the generated helper-source.ts) in a worker: a Node worker thread, a Web Worker', async () => {
    // Both test environments have threads: Node ≥ 20.16, and Chromium served cross-origin isolated (vitest.browser.config.ts).
    expect(threadsSupported(), 'SharedArrayBuffer and a way to start workers').toBe(true);
    const arena = new WasmArena(0, true);
    const helper = Helper.create(arena)!;
    expect(helper).not.toBeNull();
    while (!helper.started) await new Promise((r) => setTimeout(r, 5)); // a program that fails to start hangs here
    const v = arena.floats(8);
    v.fill(2);
    const at = arena.ptr(v);
    helper.run(Array.from({ length: 8 }, (_, i) => [['sgd_plain', [at + 4 * i, at + 4 * i, 1, 0.25, 0]]] as const));
    expect(Array.from(v)).toEqual(new Array(8).fill(1.5));
    helper.dispose();
  });

  it.skipIf(!threadsSupported())('a shared arena knows its views after any shared memory grows', async () => {
    const a = new WasmArena(0, true);
    const v = a.floats(4);
    v.set([1, 2, 3, 4]);
    const b = new WasmArena(0, true);
    const helper = Helper.create(b)!; // a thread shares b's memory, so its growth is broadcast
    helper.run([[['rows_touch', [0, 0]]]]); // the helper has the memory before b grows
    const old = a.memory.buffer;
    b.alloc(4 << 20);
    // Node's V8 gives a (which did not grow) a new buffer object here; Chromium may do so later or not at all.
    if (typeof process === 'object' && process.versions?.node) expect(a.memory.buffer, 'a new buffer object').not.toBe(old);
    expect(a.ptr(v)).toBe(v.byteOffset);
    expect(a.refresh(v)).toBe(v);
    a.alloc(4 << 20); // a grows: the old view stays a working view of the same memory
    expect(a.ptr(v)).toBe(v.byteOffset);
    a.fn.sgd_plain(a.ptr(v), a.ptr(v), 4, 0.5, 0); // v −= 0.5·v, through the kernel
    expect(Array.from(a.refresh(v))).toEqual([0.5, 1, 1.5, 2]);
    expect(a.ptr(b.floats(4)), 'another arena\'s view').toBe(-1);
    expect(a.ptr(new Float32Array(new SharedArrayBuffer(16))), 'a foreign shared buffer').toBe(-1);
    helper.dispose();
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
