// Matrix multiply out = op(a) · op(b), op = optional transpose: the naive reference kernel and a faster JS kernel.
// Both allocate nothing unless `out` aliases an input (then one scratch buffer). The WebAssembly SIMD kernels live in
// backends/wasm/ (gemmWasm here is their raw-Gemm face, tested against gemmNaive like gemmJs).
import { makeGemmWasm } from './backends/wasm/wasm.js';
import { checkCount, checkLength } from './check.js';
import { dims2, type FloatArray, type Tensor } from './tensor.js';

/** Which operands matmul uses transposed. */
export interface MatmulOptions {
  /** Use aᵀ: a is stored (K, M). */
  transA?: boolean;
  /** Use bᵀ: b is stored (N, K). */
  transB?: boolean;
}

/** Raw kernel signature: out (M, N) = op(a) (M, K) · op(b) (K, N) on flat buffers; `out` must not overlap a or b. */
export type Gemm = (out: FloatArray, a: FloatArray, b: FloatArray, M: number, N: number, K: number, tA: boolean, tB: boolean) => void;

function shapes(out: Tensor<FloatArray>, a: Tensor<FloatArray>, b: Tensor<FloatArray>, o: MatmulOptions): [number, number, number] {
  const [ar, ac] = dims2(a, 'matmul a');
  const [br, bc] = dims2(b, 'matmul b');
  const [M, K] = o.transA ? [ac, ar] : [ar, ac];
  const [K2, N] = o.transB ? [bc, br] : [br, bc];
  if (K !== K2) throw new RangeError(`matmul: inner dimensions differ (${M}x${K} · ${K2}x${N})`);
  const [or, oc] = dims2(out, 'matmul out');
  if (or !== M || oc !== N) throw new RangeError(`matmul: out is ${or}x${oc}, result is ${M}x${N}`);
  return [M, N, K];
}

/** A raw Gemm's counts and buffer lengths: out (M, N), a M×K values, b K×N values (either orientation). */
function checkGemm(where: string, out: FloatArray, a: FloatArray, b: FloatArray, M: number, N: number, K: number): void {
  checkCount(where, 'M', M, 0);
  checkCount(where, 'N', N, 0);
  checkCount(where, 'K', K, 0);
  checkLength(where, 'out', out, 'M×N', M, N);
  checkLength(where, 'a', a, 'M×K', M, K);
  checkLength(where, 'b', b, 'K×N', K, N);
}

function overlaps(x: FloatArray, y: FloatArray): boolean {
  if (x.buffer !== y.buffer) return false;
  const x0 = x.byteOffset;
  const y0 = y.byteOffset;
  return x0 < y0 + y.byteLength && y0 < x0 + x.byteLength;
}

function run(kernel: Gemm, out: Tensor<FloatArray>, a: Tensor<FloatArray>, b: Tensor<FloatArray>, o: MatmulOptions): void {
  const [M, N, K] = shapes(out, a, b, o);
  const tA = o.transA ?? false;
  const tB = o.transB ?? false;
  if (overlaps(out.data, a.data) || overlaps(out.data, b.data)) {
    const tmp = new (out.data.constructor as Float32ArrayConstructor)(M * N);
    kernel(tmp, a.data, b.data, M, N, K, tA, tB);
    out.data.set(tmp);
    return;
  }
  kernel(out.data, a.data, b.data, M, N, K, tA, tB);
}

/** Reference kernel: the definition, one element at a time, float64 accumulation. Kept forever to test fast kernels. */
export const gemmNaive: Gemm = (out, a, b, M, N, K, tA, tB) => {
  checkGemm('gemmNaive', out, a, b, M, N, K);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = tA ? a[k * M + i]! : a[i * K + k]!;
        const bv = tB ? b[j * K + k]! : b[k * N + j]!;
        s += av * bv;
      }
      out[i * N + j] = s;
    }
  }
};

/** Faster JS kernel: loop orders chosen per transpose case so the inner loop walks contiguous memory. */
export const gemmJs: Gemm = (out, a, b, M, N, K, tA, tB) => {
  checkGemm('gemmJs', out, a, b, M, N, K);
  if (!tA && tB) {
    // out[i,j] = a[i,:] · b[j,:]  (X·Wᵀ, the forward pass): four dot products share each read of a's row.
    for (let i = 0; i < M; i++) {
      const ai = i * K;
      let j = 0;
      for (; j + 3 < N; j += 4) {
        const b0 = j * K;
        const b1 = b0 + K;
        const b2 = b1 + K;
        const b3 = b2 + K;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < K; k++) {
          const av = a[ai + k]!;
          s0 += av * b[b0 + k]!;
          s1 += av * b[b1 + k]!;
          s2 += av * b[b2 + k]!;
          s3 += av * b[b3 + k]!;
        }
        out[i * N + j] = s0;
        out[i * N + j + 1] = s1;
        out[i * N + j + 2] = s2;
        out[i * N + j + 3] = s3;
      }
      for (; j < N; j++) {
        const bj = j * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += a[ai + k]! * b[bj + k]!;
        out[i * N + j] = s;
      }
    }
    return;
  }
  if (!tA && !tB) {
    // out[i,:] = Σ_k a[i,k] · b[k,:]  (δ·W, the input gradient).
    for (let i = 0; i < M; i++) {
      const oi = i * N;
      out.fill(0, oi, oi + N);
      for (let k = 0; k < K; k++) {
        const av = a[i * K + k]!;
        if (av === 0) continue;
        const bk = k * N;
        for (let j = 0; j < N; j++) out[oi + j]! += av * b[bk + j]!;
      }
    }
    return;
  }
  if (tA && !tB) {
    // out[i,:] = Σ_k a[k,i] · b[k,:]  (δᵀ·X, the weight gradient): rank-1 updates, zero inputs skipped.
    out.fill(0, 0, M * N);
    for (let k = 0; k < K; k++) {
      const bk = k * N;
      for (let i = 0; i < M; i++) {
        const av = a[k * M + i]!;
        if (av === 0) continue;
        const oi = i * N;
        for (let j = 0; j < N; j++) out[oi + j]! += av * b[bk + j]!;
      }
    }
    return;
  }
  // tA && tB: out[i,j] = Σ_k a[k,i] · b[j,k]. Rare; the plain loop.
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[k * M + i]! * b[j * K + k]!;
      out[i * N + j] = s;
    }
  }
};

/**
 * The WebAssembly SIMD kernel as a raw Gemm on any buffers: copies operands into a scratch wasm memory and the result
 * back (models keep theirs in wasm memory and skip the copies). Float64 buffers, or no SIMD, use gemmJs.
 */
const wasmKernel: Gemm = makeGemmWasm(gemmJs);
/** The wasm SIMD matrix product under the raw Gemm signature, for buffers anywhere (copied into a scratch memory and back); gemmJs for float64 or without SIMD. */
export const gemmWasm: Gemm = (out, a, b, M, N, K, tA, tB) => {
  checkGemm('gemmWasm', out, a, b, M, N, K);
  wasmKernel(out, a, b, M, N, K, tA, tB);
};

/** Reference matmul: out = op(a)·op(b). Slow and obviously correct. */
export function matmulNaive(out: Tensor<FloatArray>, a: Tensor<FloatArray>, b: Tensor<FloatArray>, o: MatmulOptions = {}): void {
  run(gemmNaive, out, a, b, o);
}

/** Fast JS matmul: out = op(a)·op(b). Agrees with matmulNaive to float32 rounding. */
export function matmul(out: Tensor<FloatArray>, a: Tensor<FloatArray>, b: Tensor<FloatArray>, o: MatmulOptions = {}): void {
  run(gemmJs, out, a, b, o);
}
