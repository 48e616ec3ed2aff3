// AssemblyScript source of the WebAssembly SIMD kernels (f32, row-major, pointers are byte offsets into the memory).
// Compiled by scripts/build-wasm.mjs into src/kernels/wasm-binary.ts; no allocation, no runtime, no imports but memory.
// Not TypeScript for tsc: f32, v128 and load/store are AssemblyScript builtins. The naive JS kernels are the reference.

// ---------------------------------------------------------------------------------------------------------------
// Dense matrix products. Every kernel overwrites out (M, N); out must not overlap a or b.

@inline function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  // [Σs0, Σs1, Σs2, Σs3]
  const t0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

@inline function dot(a: usize, b: usize, K: i32): f32 {
  let s = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) s = f32x4.add(s, f32x4.mul(v128.load(a + (<usize>k << 2)), v128.load(b + (<usize>k << 2))));
  let r = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  for (; k < K; k++) r += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
  return r;
}

/** out[i, j] = Σ_k a[i, k]·b[j, k]: a (M, K), b (N, K). The forward pass X·Wᵀ. Blocks of 2 rows × 4 columns. */
export function gemm_nt(out: usize, a: usize, b: usize, M: i32, N: i32, K: i32): void {
  const rowA = <usize>K << 2;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const o0 = out + ((<usize>i * <usize>N) << 2);
    const o1 = o0 + (<usize>N << 2);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = b + <usize>j * rowA;
      const b1 = b0 + rowA;
      const b2 = b1 + rowA;
      const b3 = b2 + rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const off = <usize>k << 2;
        const x0 = v128.load(a0 + off);
        const x1 = v128.load(a1 + off);
        let w = v128.load(b0 + off);
        s00 = f32x4.add(s00, f32x4.mul(x0, w));
        s10 = f32x4.add(s10, f32x4.mul(x1, w));
        w = v128.load(b1 + off);
        s01 = f32x4.add(s01, f32x4.mul(x0, w));
        s11 = f32x4.add(s11, f32x4.mul(x1, w));
        w = v128.load(b2 + off);
        s02 = f32x4.add(s02, f32x4.mul(x0, w));
        s12 = f32x4.add(s12, f32x4.mul(x1, w));
        w = v128.load(b3 + off);
        s03 = f32x4.add(s03, f32x4.mul(x0, w));
        s13 = f32x4.add(s13, f32x4.mul(x1, w));
      }
      let r0 = hsum4(s00, s01, s02, s03);
      let r1 = hsum4(s10, s11, s12, s13);
      for (; k < K; k++) {
        const off = <usize>k << 2;
        const x0 = f32x4.splat(load<f32>(a0 + off));
        const x1 = f32x4.splat(load<f32>(a1 + off));
        let w = f32x4.splat(0);
        w = f32x4.replace_lane(w, 0, load<f32>(b0 + off));
        w = f32x4.replace_lane(w, 1, load<f32>(b1 + off));
        w = f32x4.replace_lane(w, 2, load<f32>(b2 + off));
        w = f32x4.replace_lane(w, 3, load<f32>(b3 + off));
        r0 = f32x4.add(r0, f32x4.mul(x0, w));
        r1 = f32x4.add(r1, f32x4.mul(x1, w));
      }
      v128.store(o0 + (<usize>j << 2), r0);
      v128.store(o1 + (<usize>j << 2), r1);
    }
    for (; j < N; j++) {
      const bj = b + <usize>j * rowA;
      store<f32>(o0 + (<usize>j << 2), dot(a0, bj, K));
      store<f32>(o1 + (<usize>j << 2), dot(a1, bj, K));
    }
  }
  for (; i < M; i++) {
    const ai = a + <usize>i * rowA;
    const oi = out + ((<usize>i * <usize>N) << 2);
    for (let j = 0; j < N; j++) store<f32>(oi + (<usize>j << 2), dot(ai, b + <usize>j * rowA, K));
  }
}

/**
 * out[i, :] = Σ_k A(i, k)·b[k, :] with A(i, k) = a[i·si + k·sk] and b (K, N): a row of out is a sum of scaled rows
 * of b. (si, sk) = (K, 1) is a·b (δ·W, the input gradient); (1, M) is aᵀ·b with a stored (K, M) (δᵀ·X, the weight
 * gradient). Columns in blocks of 32, 16, 4, then one at a time; rows in pairs so each load of b serves two rows.
 */
export function gemm_axpy(out: usize, a: usize, b: usize, M: i32, N: i32, K: i32, si: i32, sk: i32): void {
  const rowB = <usize>N << 2;
  const dk = <usize>sk << 2;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const p0 = a + ((<usize>i * <usize>si) << 2);
    const p1 = p0 + (<usize>si << 2);
    const o0 = out + <usize>i * rowB;
    const o1 = o0 + rowB;
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      const bj = b + (<usize>j << 2);
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const off = <usize>k * dk;
        const x0 = f32x4.splat(load<f32>(p0 + off));
        const x1 = f32x4.splat(load<f32>(p1 + off));
        const bk = bj + <usize>k * rowB;
        let w = v128.load(bk);
        c00 = f32x4.add(c00, f32x4.mul(x0, w));
        c10 = f32x4.add(c10, f32x4.mul(x1, w));
        w = v128.load(bk, 16);
        c01 = f32x4.add(c01, f32x4.mul(x0, w));
        c11 = f32x4.add(c11, f32x4.mul(x1, w));
        w = v128.load(bk, 32);
        c02 = f32x4.add(c02, f32x4.mul(x0, w));
        c12 = f32x4.add(c12, f32x4.mul(x1, w));
        w = v128.load(bk, 48);
        c03 = f32x4.add(c03, f32x4.mul(x0, w));
        c13 = f32x4.add(c13, f32x4.mul(x1, w));
      }
      const q0 = o0 + (<usize>j << 2);
      const q1 = o1 + (<usize>j << 2);
      v128.store(q0, c00);
      v128.store(q0, c01, 16);
      v128.store(q0, c02, 32);
      v128.store(q0, c03, 48);
      v128.store(q1, c10);
      v128.store(q1, c11, 16);
      v128.store(q1, c12, 32);
      v128.store(q1, c13, 48);
    }
    for (; j + 4 <= N; j += 4) {
      const bj = b + (<usize>j << 2);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const off = <usize>k * dk;
        const w = v128.load(bj + <usize>k * rowB);
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(p0 + off)), w));
        c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(load<f32>(p1 + off)), w));
      }
      v128.store(o0 + (<usize>j << 2), c0);
      v128.store(o1 + (<usize>j << 2), c1);
    }
    for (; j < N; j++) {
      const bj = b + (<usize>j << 2);
      let c0: f32 = 0, c1: f32 = 0;
      for (let k = 0; k < K; k++) {
        const off = <usize>k * dk;
        const w = load<f32>(bj + <usize>k * rowB);
        c0 += load<f32>(p0 + off) * w;
        c1 += load<f32>(p1 + off) * w;
      }
      store<f32>(o0 + (<usize>j << 2), c0);
      store<f32>(o1 + (<usize>j << 2), c1);
    }
  }
  for (; i < M; i++) {
    const p0 = a + ((<usize>i * <usize>si) << 2);
    const o0 = out + <usize>i * rowB;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const bj = b + (<usize>j << 2);
      let c0 = f32x4.splat(0);
      for (let k = 0; k < K; k++) c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(p0 + <usize>k * dk)), v128.load(bj + <usize>k * rowB)));
      v128.store(o0 + (<usize>j << 2), c0);
    }
    for (; j < N; j++) {
      const bj = b + (<usize>j << 2);
      let c0: f32 = 0;
      for (let k = 0; k < K; k++) c0 += load<f32>(p0 + <usize>k * dk) * load<f32>(bj + <usize>k * rowB);
      store<f32>(o0 + (<usize>j << 2), c0);
    }
  }
}

/** out[i, j] = Σ_k a[k, i]·b[j, k]: a (K, M), b (N, K). Both operands transposed; rare, so plain loops. */
export function gemm_tt(out: usize, a: usize, b: usize, M: i32, N: i32, K: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += load<f32>(a + ((<usize>k * <usize>M + <usize>i) << 2)) * load<f32>(b + ((<usize>j * <usize>K + <usize>k) << 2));
      store<f32>(out + ((<usize>i * <usize>N + <usize>j) << 2), s);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sparse byte inputs: x = u·mul + add with u mostly 0 (MNIST background). X·Wᵀ = mul·(U·Wᵀ) + add·(1·Wᵀ) and
// δᵀ·X = mul·(δᵀ·U) + add·(colsum δ ⊗ 1), so only the nonzero bytes cost multiply-adds. The weights are used
// transposed, Wt (F, P) with P = outF rounded up to 4, so each nonzero scales one contiguous row.

/**
 * CSR of n rows of F bytes: rowptr (n + 1) i32, idx i32 column, val f32 = u·mul. Returns the number of nonzeros, or
 * -1 as soon as there are more than maxNnz (the input is too dense for the sparse kernels to pay).
 */
export function csr_build(raw: usize, n: i32, F: i32, mul: f32, maxNnz: i32, rowptr: usize, idx: usize, val: usize): i32 {
  let nnz = 0;
  for (let r = 0; r < n; r++) {
    store<i32>(rowptr + (<usize>r << 2), nnz);
    if (nnz > maxNnz - F) {
      // Near the limit: count this row first, so idx/val are never written past maxNnz entries.
      let count = 0;
      for (let c = 0; c < F; c++) if (load<u8>(raw + <usize>r * <usize>F + <usize>c) != 0) count++;
      if (nnz + count > maxNnz) return -1;
    }
    const row = raw + <usize>r * <usize>F;
    let c = 0;
    for (; c + 16 <= F; c += 16) {
      let mask = i8x16.bitmask(i8x16.ne(v128.load(row + <usize>c), i8x16.splat(0)));
      while (mask != 0) {
        const t = ctz<i32>(mask);
        mask &= mask - 1;
        const col = c + t;
        store<i32>(idx + (<usize>nnz << 2), col);
        store<f32>(val + (<usize>nnz << 2), <f32>load<u8>(row + <usize>col) * mul);
        nnz++;
      }
    }
    for (; c < F; c++) {
      const u = load<u8>(row + <usize>c);
      if (u != 0) {
        store<i32>(idx + (<usize>nnz << 2), c);
        store<f32>(val + (<usize>nnz << 2), <f32>u * mul);
        nnz++;
      }
    }
  }
  store<i32>(rowptr + (<usize>n << 2), nnz);
  return nnz;
}

/** The same nonzeros by column (CSC): colptr (F + 1) i32, cidx i32 row, cval f32. A counting sort; rows stay ordered. */
export function csc_build(n: i32, F: i32, rowptr: usize, idx: usize, val: usize, colptr: usize, cidx: usize, cval: usize): void {
  memory.fill(colptr, 0, (<usize>F + 1) << 2);
  const nnz = load<i32>(rowptr + (<usize>n << 2));
  for (let p = 0; p < nnz; p++) {
    const at = colptr + ((<usize>load<i32>(idx + (<usize>p << 2)) + 1) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let c = 0; c < F; c++) {
    const at = colptr + ((<usize>c + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  // colptr[c] is now the start of column c; use it as column c's cursor while filling, then shift back.
  for (let r = 0; r < n; r++) {
    const p1 = load<i32>(rowptr + ((<usize>r + 1) << 2));
    for (let p = load<i32>(rowptr + (<usize>r << 2)); p < p1; p++) {
      const at = colptr + (<usize>load<i32>(idx + (<usize>p << 2)) << 2);
      const q = load<i32>(at);
      store<i32>(at, q + 1);
      store<i32>(cidx + (<usize>q << 2), r);
      store<f32>(cval + (<usize>q << 2), load<f32>(val + (<usize>p << 2)));
    }
  }
  // Each colptr[c] advanced to the end of column c = the start of column c + 1: shift right by one.
  for (let c = F; c > 0; c--) store<i32>(colptr + (<usize>c << 2), load<i32>(colptr + ((<usize>c - 1) << 2)));
  store<i32>(colptr, 0);
}

/**
 * Wt (F, P) = Wᵀ for W (outF, F), pad columns zeroed, and bias2[j] = b[j] + add·Σ_k W[j, k] (pads zero): the
 * constant part of (u·mul + add)·Wᵀ + b. 4×4 blocks transposed in registers.
 */
export function wt_from_w(Wt: usize, W: usize, outF: i32, F: i32, P: i32, b: usize, add: f32, bias2: usize): void {
  const rowW = <usize>F << 2;
  const rowT = <usize>P << 2;
  let j = 0;
  for (; j + 4 <= outF; j += 4) {
    const w0 = W + <usize>j * rowW;
    const w1 = w0 + rowW;
    const w2 = w1 + rowW;
    const w3 = w2 + rowW;
    let sum = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= F; k += 4) {
      const off = <usize>k << 2;
      const r0 = v128.load(w0 + off);
      const r1 = v128.load(w1 + off);
      const r2 = v128.load(w2 + off);
      const r3 = v128.load(w3 + off);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const c0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5);
      const c1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
      const c2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5);
      const c3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
      const d = Wt + <usize>k * rowT + (<usize>j << 2);
      v128.store(d, c0);
      v128.store(d + rowT, c1);
      v128.store(d + 2 * rowT, c2);
      v128.store(d + 3 * rowT, c3);
      sum = f32x4.add(sum, f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)));
    }
    for (; k < F; k++) {
      const off = <usize>k << 2;
      let c = f32x4.splat(0);
      c = f32x4.replace_lane(c, 0, load<f32>(w0 + off));
      c = f32x4.replace_lane(c, 1, load<f32>(w1 + off));
      c = f32x4.replace_lane(c, 2, load<f32>(w2 + off));
      c = f32x4.replace_lane(c, 3, load<f32>(w3 + off));
      v128.store(Wt + <usize>k * rowT + (<usize>j << 2), c);
      sum = f32x4.add(sum, c);
    }
    v128.store(bias2 + (<usize>j << 2), f32x4.add(v128.load(b + (<usize>j << 2)), f32x4.mul(f32x4.splat(add), sum)));
  }
  for (; j < P; j++) {
    if (j < outF) {
      const wj = W + <usize>j * rowW;
      let s: f32 = 0;
      for (let k = 0; k < F; k++) {
        const v = load<f32>(wj + (<usize>k << 2));
        store<f32>(Wt + <usize>k * rowT + (<usize>j << 2), v);
        s += v;
      }
      store<f32>(bias2 + (<usize>j << 2), load<f32>(b + (<usize>j << 2)) + add * s);
    } else {
      for (let k = 0; k < F; k++) store<f32>(Wt + <usize>k * rowT + (<usize>j << 2), 0);
      store<f32>(bias2 + (<usize>j << 2), 0);
    }
  }
}

/** Store the first `count` (1..4) lanes of v at p. */
@inline function storePartial(p: usize, v: v128, count: i32): void {
  if (count >= 4) v128.store(p, v);
  else if (count == 3) {
    v128.store64_lane(p, v, 0);
    v128.store32_lane(p, v, 2, 8);
  } else if (count == 2) v128.store64_lane(p, v, 0);
  else v128.store32_lane(p, v, 0);
}

/**
 * z (n, outF) = U·Wt + bias2 over the CSR nonzeros (their values already scaled by mul): each row of z accumulates
 * in registers, 32 columns at a time, then 16, then 4 (the last block partial; Wt and bias2 are padded to P).
 */
export function sparse_forward(z: usize, n: i32, outF: i32, rowptr: usize, idx: usize, val: usize, Wt: usize, P: i32, bias2: usize): void {
  const rowT = <usize>P << 2;
  for (let r = 0; r < n; r++) {
    const p0 = load<i32>(rowptr + (<usize>r << 2));
    const p1 = load<i32>(rowptr + ((<usize>r + 1) << 2));
    const zr = z + ((<usize>r * <usize>outF) << 2);
    let j = 0;
    for (; j + 32 <= outF; j += 32) {
      const bj = bias2 + (<usize>j << 2);
      let c0 = v128.load(bj), c1 = v128.load(bj, 16), c2 = v128.load(bj, 32), c3 = v128.load(bj, 48);
      let c4 = v128.load(bj, 64), c5 = v128.load(bj, 80), c6 = v128.load(bj, 96), c7 = v128.load(bj, 112);
      const base = Wt + (<usize>j << 2);
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + (<usize>p << 2)));
        const w = base + <usize>load<i32>(idx + (<usize>p << 2)) * rowT;
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(w)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(w, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(w, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(w, 48)));
        c4 = f32x4.add(c4, f32x4.mul(s, v128.load(w, 64)));
        c5 = f32x4.add(c5, f32x4.mul(s, v128.load(w, 80)));
        c6 = f32x4.add(c6, f32x4.mul(s, v128.load(w, 96)));
        c7 = f32x4.add(c7, f32x4.mul(s, v128.load(w, 112)));
      }
      const q = zr + (<usize>j << 2);
      v128.store(q, c0);
      v128.store(q, c1, 16);
      v128.store(q, c2, 32);
      v128.store(q, c3, 48);
      v128.store(q, c4, 64);
      v128.store(q, c5, 80);
      v128.store(q, c6, 96);
      v128.store(q, c7, 112);
    }
    for (; j + 16 <= outF; j += 16) {
      const bj = bias2 + (<usize>j << 2);
      let c0 = v128.load(bj), c1 = v128.load(bj, 16), c2 = v128.load(bj, 32), c3 = v128.load(bj, 48);
      const base = Wt + (<usize>j << 2);
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + (<usize>p << 2)));
        const w = base + <usize>load<i32>(idx + (<usize>p << 2)) * rowT;
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(w)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(w, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(w, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(w, 48)));
      }
      const q = zr + (<usize>j << 2);
      v128.store(q, c0);
      v128.store(q, c1, 16);
      v128.store(q, c2, 32);
      v128.store(q, c3, 48);
    }
    for (; j < outF; j += 4) {
      let c0 = v128.load(bias2 + (<usize>j << 2));
      const base = Wt + (<usize>j << 2);
      for (let p = p0; p < p1; p++) {
        const s = f32x4.splat(load<f32>(val + (<usize>p << 2)));
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(base + <usize>load<i32>(idx + (<usize>p << 2)) * rowT)));
      }
      storePartial(zr + (<usize>j << 2), c0, outF - j);
    }
  }
}

/**
 * dWt (F, P): row k = Σ over column k's nonzeros (r, v) of v·δ[r, :], δ (n, outF); zero for empty columns. Reads up
 * to 3 floats past a row of δ (the caller leaves slack after δ); those land in dWt's pad columns only.
 */
export function sparse_dwt(dWt: usize, P: i32, F: i32, outF: i32, colptr: usize, cidx: usize, cval: usize, delta: usize): void {
  const rowT = <usize>P << 2;
  const rowD = <usize>outF << 2;
  for (let k = 0; k < F; k++) {
    const q0 = load<i32>(colptr + (<usize>k << 2));
    const q1 = load<i32>(colptr + ((<usize>k + 1) << 2));
    const dk = dWt + <usize>k * rowT;
    let j = 0;
    for (; j + 32 <= outF; j += 32) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
      const base = delta + (<usize>j << 2);
      for (let q = q0; q < q1; q++) {
        const s = f32x4.splat(load<f32>(cval + (<usize>q << 2)));
        const d = base + <usize>load<i32>(cidx + (<usize>q << 2)) * rowD;
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(d)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(d, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(d, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(d, 48)));
        c4 = f32x4.add(c4, f32x4.mul(s, v128.load(d, 64)));
        c5 = f32x4.add(c5, f32x4.mul(s, v128.load(d, 80)));
        c6 = f32x4.add(c6, f32x4.mul(s, v128.load(d, 96)));
        c7 = f32x4.add(c7, f32x4.mul(s, v128.load(d, 112)));
      }
      const o = dk + (<usize>j << 2);
      v128.store(o, c0);
      v128.store(o, c1, 16);
      v128.store(o, c2, 32);
      v128.store(o, c3, 48);
      v128.store(o, c4, 64);
      v128.store(o, c5, 80);
      v128.store(o, c6, 96);
      v128.store(o, c7, 112);
    }
    for (; j + 16 <= outF; j += 16) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      const base = delta + (<usize>j << 2);
      for (let q = q0; q < q1; q++) {
        const s = f32x4.splat(load<f32>(cval + (<usize>q << 2)));
        const d = base + <usize>load<i32>(cidx + (<usize>q << 2)) * rowD;
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(d)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(d, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(d, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(d, 48)));
      }
      const o = dk + (<usize>j << 2);
      v128.store(o, c0);
      v128.store(o, c1, 16);
      v128.store(o, c2, 32);
      v128.store(o, c3, 48);
    }
    for (; j < outF; j += 4) {
      let c0 = f32x4.splat(0);
      const base = delta + (<usize>j << 2);
      for (let q = q0; q < q1; q++) {
        const s = f32x4.splat(load<f32>(cval + (<usize>q << 2)));
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(base + <usize>load<i32>(cidx + (<usize>q << 2)) * rowD)));
      }
      v128.store(dk + (<usize>j << 2), c0);
    }
  }
}

/** dW (outF, F) = dWtᵀ + add·db ⊗ 1: the weight gradient from sparse_dwt's transposed sum plus the constant part. */
export function dw_from_dwt(dW: usize, dWt: usize, outF: i32, F: i32, P: i32, db: usize, add: f32): void {
  const rowW = <usize>F << 2;
  const rowT = <usize>P << 2;
  let j = 0;
  for (; j + 4 <= outF; j += 4) {
    const e0 = f32x4.splat(add * load<f32>(db + (<usize>j << 2)));
    const e1 = f32x4.splat(add * load<f32>(db + ((<usize>j + 1) << 2)));
    const e2 = f32x4.splat(add * load<f32>(db + ((<usize>j + 2) << 2)));
    const e3 = f32x4.splat(add * load<f32>(db + ((<usize>j + 3) << 2)));
    const d0 = dW + <usize>j * rowW;
    let k = 0;
    for (; k + 4 <= F; k += 4) {
      const s = dWt + <usize>k * rowT + (<usize>j << 2);
      const r0 = v128.load(s);
      const r1 = v128.load(s + rowT);
      const r2 = v128.load(s + 2 * rowT);
      const r3 = v128.load(s + 3 * rowT);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const off = <usize>k << 2;
      v128.store(d0 + off, f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), e0));
      v128.store(d0 + rowW + off, f32x4.add(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), e1));
      v128.store(d0 + 2 * rowW + off, f32x4.add(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), e2));
      v128.store(d0 + 3 * rowW + off, f32x4.add(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), e3));
    }
    for (; k < F; k++) {
      const s = dWt + <usize>k * rowT + (<usize>j << 2);
      const off = <usize>k << 2;
      store<f32>(d0 + off, load<f32>(s) + f32x4.extract_lane(e0, 0));
      store<f32>(d0 + rowW + off, load<f32>(s, 4) + f32x4.extract_lane(e1, 0));
      store<f32>(d0 + 2 * rowW + off, load<f32>(s, 8) + f32x4.extract_lane(e2, 0));
      store<f32>(d0 + 3 * rowW + off, load<f32>(s, 12) + f32x4.extract_lane(e3, 0));
    }
  }
  for (; j < outF; j++) {
    const e: f32 = add * load<f32>(db + (<usize>j << 2));
    const dj = dW + <usize>j * rowW;
    for (let k = 0; k < F; k++) store<f32>(dj + (<usize>k << 2), load<f32>(dWt + <usize>k * rowT + (<usize>j << 2)) + e);
  }
}

/** out (n, F) f32 = raw (n, F) u8 · mul + add: the dense fallback when the bytes are not sparse enough. */
export function bytes_to_f32(out: usize, raw: usize, count: i32, mul: f32, add: f32): void {
  for (let i = 0; i < count; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(raw + <usize>i) * mul + add);
}

// ---------------------------------------------------------------------------------------------------------------
// Elementwise.

/** SGD with momentum: v = μv + g + λw; w −= lr·v, over n values. */
export function sgd_momentum(w: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32, l2: f32): void {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(mu);
  const vl2 = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const wi = v128.load(w + off);
    const vi = f32x4.add(f32x4.add(f32x4.mul(vmu, v128.load(v + off)), v128.load(g + off)), f32x4.mul(vl2, wi));
    v128.store(v + off, vi);
    v128.store(w + off, f32x4.sub(wi, f32x4.mul(vlr, vi)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const wi = load<f32>(w + off);
    const vi = mu * load<f32>(v + off) + load<f32>(g + off) + l2 * wi;
    store<f32>(v + off, vi);
    store<f32>(w + off, wi - lr * vi);
  }
}

/** Plain SGD: w −= lr·(g + λw), over n values. */
export function sgd_plain(w: usize, g: usize, n: i32, lr: f32, l2: f32): void {
  const vlr = f32x4.splat(lr);
  const vl2 = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const wi = v128.load(w + off);
    v128.store(w + off, f32x4.sub(wi, f32x4.mul(vlr, f32x4.add(v128.load(g + off), f32x4.mul(vl2, wi)))));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const wi = load<f32>(w + off);
    store<f32>(w + off, wi - lr * (load<f32>(g + off) + l2 * wi));
  }
}
