import { describe, expect, it } from 'vitest';
import { gemmJs, gemmNaive, gemmWasm, matmul, matmulNaive } from './matmul.js';
import { Rng } from './rng.js';
import { TOL, closeness, expectClose } from './testing/expect-close.js';
import { tensor } from './tensor.js';

const rng = new Rng(42);
function rand(shape: [number, number]) {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

describe('matmul', () => {
  it('naive kernel matches a hand-computed product', () => {
    const a = tensor([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    const b = tensor([3, 2], Float32Array.from([7, 8, 9, 10, 11, 12]));
    const out = tensor([2, 2]);
    matmulNaive(out, a, b);
    expect(Array.from(out.data)).toEqual([58, 64, 139, 154]);
  });

  const flags = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;
  // Beside random odd shapes, ones that reach every block and tail of the wasm kernels: pairs of rows and a lone row,
  // 4- and 16-column blocks and leftover columns, 4-wide k steps and leftover k.
  const edges = [
    [1, 1, 1],
    [2, 4, 4],
    [3, 17, 5],
    [7, 33, 9],
    [100, 10, 50],
    [5, 50, 784],
  ] as const;
  for (const [tA, tB] of flags) {
    it(`fast = naive on random odd shapes: matmul (gemmJs) and gemmWasm (transA=${tA}, transB=${tB})`, () => {
      const shapes: (readonly [number, number, number])[] = [...edges];
      for (let trial = 0; trial < 25; trial++) shapes.push([1 + rng.int(37), 1 + rng.int(41), 1 + rng.int(53)]);
      for (const [M, N, K] of shapes) {
        const a = rand(tA ? [K, M] : [M, K]);
        const b = rand(tB ? [N, K] : [K, N]);
        const ref = tensor([M, N]);
        const out = tensor([M, N]);
        out.data.fill(Number.NaN); // the fast kernels must overwrite, not accumulate into, out
        matmulNaive(ref, a, b, { transA: tA, transB: tB });
        matmul(out, a, b, { transA: tA, transB: tB });
        expectClose(out.data, ref.data, TOL.f32, `gemmJs ${M}x${N}x${K}`);
        out.data.fill(Number.NaN);
        gemmWasm(out.data, a.data, b.data, M, N, K, tA, tB);
        expectClose(out.data, ref.data, TOL.f32, `gemmWasm ${M}x${N}x${K}`);
      }
    });
  }

  it('handles out aliasing an input (square, in place)', () => {
    for (const [tA, tB] of flags) {
      const a = rand([9, 9]);
      const b = rand([9, 9]);
      const ref = tensor([9, 9]);
      matmulNaive(ref, a, b, { transA: tA, transB: tB });
      const a2 = tensor([9, 9], Float32Array.from(a.data));
      matmul(a2, a2, b, { transA: tA, transB: tB });
      expectClose(a2.data, ref.data, TOL.f32, 'out = a');
      const b2 = tensor([9, 9], Float32Array.from(b.data));
      matmul(b2, a, b2, { transA: tA, transB: tB });
      expectClose(b2.data, ref.data, TOL.f32, 'out = b');
      const a3 = Float32Array.from(a.data); // gemmWasm copies its operands in first, so it may alias too
      gemmWasm(a3, a3, b.data, 9, 9, 9, tA, tB);
      expectClose(a3, ref.data, TOL.f32, 'gemmWasm out = a');
    }
  });

  it('handles out overlapping a sub-view of the same buffer', () => {
    const buf = new Float32Array(4 * 4 + 4 * 4);
    for (let i = 0; i < buf.length; i++) buf[i] = rng.normal();
    const a = { data: buf.subarray(0, 16), shape: [4, 4] };
    const b = tensor([4, 4], Float32Array.from(buf.subarray(16)));
    const ref = tensor([4, 4]);
    matmulNaive(ref, { data: Float32Array.from(a.data), shape: [4, 4] }, b);
    const out = { data: buf.subarray(8, 24), shape: [4, 4] }; // overlaps the second half of a
    matmul(out, a, b);
    expectClose(out.data, ref.data, TOL.f32);
  });

  it('rejects mismatched shapes with a clear message', () => {
    expect(() => matmul(tensor([2, 2]), tensor([2, 3]), tensor([2, 2]))).toThrow(/inner dimensions/);
    expect(() => matmul(tensor([3, 2]), tensor([2, 3]), tensor([3, 2]))).toThrow(/out is 3x2, result is 2x2/);
    expect(() => matmul(tensor([2]), tensor([2, 3]), tensor([3, 2]))).toThrow(/2-D/);
  });

  it('gemmJs and gemmWasm on float64 buffers match the naive kernel to float64 precision (no float32 rounding)', () => {
    for (const [tA, tB] of flags) {
      // Values that float32 cannot hold, so a kernel that rounded through float32 would miss TOL.f64 by far.
      const a = Float64Array.from({ length: 15 }, () => rng.normal() / 3);
      const b = Float64Array.from({ length: 20 }, () => rng.normal() / 3);
      const ref = new Float64Array(12);
      gemmNaive(ref, a, b, 3, 4, 5, tA, tB);
      for (const [name, kernel] of [['gemmJs', gemmJs], ['gemmWasm', gemmWasm]] as const) {
        const out = new Float64Array(12).fill(Number.NaN);
        kernel(out, a, b, 3, 4, 5, tA, tB);
        expectClose(out, ref, TOL.f64, `${name} float64 (transA=${tA}, transB=${tB})`);
      }
      const rounded = new Float32Array(12);
      gemmNaive(rounded, Float32Array.from(a), Float32Array.from(b), 3, 4, 5, tA, tB);
      expect(closeness(rounded, ref, TOL.f64).excess, 'float32 rounding must fail TOL.f64').toBeGreaterThan(0);
    }
  });
});
