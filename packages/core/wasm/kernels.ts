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
 * gradient). Columns in blocks of 16, 4, then one at a time; rows in pairs so each load of b serves two rows.
 * ldo and ldb are the row strides of out and b (N for whole matrices): a thread computes its columns of a wider
 * product by offsetting out and b. Each element sums over k in order, however the columns are blocked: same bits.
 */
export function gemm_axpy(out: usize, a: usize, b: usize, M: i32, N: i32, K: i32, si: i32, sk: i32, ldo: i32, ldb: i32): void {
  const rowB = <usize>ldb << 2;
  const rowO = <usize>ldo << 2;
  const dk = <usize>sk << 2;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const p0 = a + ((<usize>i * <usize>si) << 2);
    const p1 = p0 + (<usize>si << 2);
    const o0 = out + <usize>i * rowO;
    const o1 = o0 + rowO;
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
    const o0 = out + <usize>i * rowO;
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
// transposed, Wt (F, T) with T a multiple of 4 (at least outF), so each nonzero scales one contiguous row.
//
// A row's nonzeros are a block: their column offsets (u16 each, ascending), then their bytes (u8 each). A column
// offset is the column k times S = T/4, so row k of Wt starts at Wt + 16·offset: the kernels shift where they would
// multiply by the row stride (measured 5–7% faster per nonzero). The caller picks S with (F − 1)·S ≤ 65535.
// A batch is a row table, tab (n × 2 i32): each row's block address and nonzero count. Blocks come from a dataset
// indexed once (bytes_index, then rows_table per batch: no copying) or are built from staged bytes (blocks_build).
// Kernels that a second thread may run on part of a batch take ranges (pointers offset by the caller) and write
// nothing outside.

/** The number of nonzero bytes in raw[0 .. count). */
export function nnz_count(raw: usize, count: i32): i32 {
  let total = 0;
  let i = 0;
  for (; i + 16 <= count; i += 16) total += popcnt<i32>(i8x16.bitmask(i8x16.ne(v128.load(raw + <usize>i), i8x16.splat(0))));
  for (; i < count; i++) if (load<u8>(raw + <usize>i) !== 0) total++;
  return total;
}

/** Write the block of one row of F bytes with `count` nonzeros at `at`, columns as offsets k·S. */
@inline function writeBlock(row: usize, F: i32, at: usize, count: i32, S: i32): void {
  let vat = at + (<usize>count << 1);
  let c = 0;
  for (; c + 16 <= F; c += 16) {
    let mask = i8x16.bitmask(i8x16.ne(v128.load(row + <usize>c), i8x16.splat(0)));
    while (mask !== 0) {
      const col = c + ctz<i32>(mask);
      mask &= mask - 1;
      store<u16>(at, <u16>(col * S));
      store<u8>(vat, load<u8>(row + <usize>col));
      at += 2;
      vat++;
    }
  }
  for (; c < F; c++) {
    const u = load<u8>(row + <usize>c);
    if (u !== 0) {
      store<u16>(at, <u16>(c * S));
      store<u8>(vat, u);
      at += 2;
      vat++;
    }
  }
}

/**
 * Index n rows of F bytes, column offsets k·S: row r's block at data + rowOff[r], 3 bytes per nonzero. Blocks start at
 * byte offset `base` (so a dataset can be indexed a chunk at a time); writes rowOff[0 .. n] and returns the end.
 */
export function bytes_index(raw: usize, n: i32, F: i32, rowOff: usize, data: usize, base: i32, S: i32): i32 {
  let e = base;
  for (let r = 0; r < n; r++) {
    store<i32>(rowOff + (<usize>r << 2), e);
    const row = raw + <usize>r * <usize>F;
    const count = nnz_count(row, F);
    writeBlock(row, F, data + <usize>e, count, S);
    e += 3 * count;
  }
  store<i32>(rowOff + (<usize>n << 2), e);
  return e;
}

/** The row table of dataset rows rows[0 .. n) (i32 row numbers) of a bytes_index. Returns their nonzero count. */
export function rows_table(rows: usize, n: i32, rowOff: usize, data: usize, tab: usize): i32 {
  let total = 0;
  for (let r = 0; r < n; r++) {
    const q = <usize>load<i32>(rows + (<usize>r << 2));
    const e0 = load<i32>(rowOff + (q << 2));
    const count = (load<i32>(rowOff + ((q + 1) << 2)) - e0) / 3;
    store<i32>(tab + (<usize>r << 3), <i32>(data + <usize>e0));
    store<i32>(tab + (<usize>r << 3), count, 4);
    total += count;
  }
  return total;
}

/**
 * Read one byte of every cache line of the batch's blocks and return their sum: issued back to back, these loads
 * overlap (a dataset's blocks sit at random places in memory), so the kernels that follow find the blocks in cache.
 */
export function rows_touch(tab: usize, n: i32): i32 {
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const at = <usize>load<i32>(tab + (<usize>r << 3));
    const end = at + 3 * <usize>load<i32>(tab + (<usize>r << 3), 4);
    for (let p = at; p < end; p += 64) sum += load<u8>(p);
    if (end > at) sum += load<u8>(end - 1);
  }
  return sum;
}

/**
 * Blocks (column offsets k·S) and row table of n staged rows of F bytes, written at `out`. Returns the number of
 * nonzeros, or -1 as soon as they would exceed maxNnz (the batch is too dense for the sparse kernels to pay).
 */
export function blocks_build(raw: usize, n: i32, F: i32, out: usize, maxNnz: i32, tab: usize, S: i32): i32 {
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = raw + <usize>r * <usize>F;
    const count = nnz_count(row, F);
    if (total + count > maxNnz) return -1;
    const at = out + 3 * <usize>total;
    writeBlock(row, F, at, count, S);
    store<i32>(tab + (<usize>r << 3), <i32>at);
    store<i32>(tab + (<usize>r << 3), count, 4);
    total += count;
  }
  return total;
}

// The first layer's transposed weights Wt (F, T) carry their column sums in blocks: blocks (ceil(F/16), ldb) holds,
// per block of 16 rows of Wt (k in [16i, 16i + 16)), the sum of each column over the block, added as
// ((w[k] + w[k+1]) + (w[k+2] + w[k+3])) per group of four rows in order, then any last rows (F % 4) one at a time.
// Every kernel that writes Wt (wt_from_w, sgd_t, sgd_sparse) makes them the same way from the values it stores, so a
// split of the rows between threads at block edges never changes a bit; bias_from_blocks adds them up in block order.
// Pad columns (units ≤ j < P) are kept at zero.

/** Rows of Wt per block of column sums. */
const BLOCK: i32 = 16;

/** Lanes of a part's last vector that are real units (all four when units is a multiple of 4). */
@inline function lastLanes(units: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(units - (((units + 3) >> 2) - 1) * 4));
}

/**
 * Wt (F, stride) columns [0, P) = Wᵀ for the units rows of W (units, F), pad columns zeroed, and their block sums at
 * blocks (ldb floats per block). 4×4 blocks transposed in registers. Threads split it by units (W, Wt, blocks offset).
 */
export function wt_from_w(Wt: usize, stride: i32, W: usize, units: i32, F: i32, P: i32, blocks: usize, ldb: i32): void {
  const rowW = <usize>F << 2;
  const rowT = <usize>stride << 2;
  const ldB = <usize>ldb << 2;
  for (let j = 0; j < P; j += 4) {
    const real = units - j; // lanes of this vector that are units (≥ 4: all)
    const w0 = W + <usize>j * rowW;
    const w1 = w0 + rowW;
    const w2 = w1 + rowW;
    const w3 = w2 + rowW;
    for (let kb = 0; kb < F; kb += BLOCK) {
      const ke = min(kb + BLOCK, F);
      let sum = f32x4.splat(0);
      let k = kb;
      for (; k + 4 <= ke; k += 4) {
        const off = <usize>k << 2;
        let c0: v128, c1: v128, c2: v128, c3: v128;
        if (real >= 4) {
          const r0 = v128.load(w0 + off);
          const r1 = v128.load(w1 + off);
          const r2 = v128.load(w2 + off);
          const r3 = v128.load(w3 + off);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          c0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5);
          c1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
          c2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5);
          c3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
        } else {
          c0 = column(w0, rowW, real, off);
          c1 = column(w0, rowW, real, off + 4);
          c2 = column(w0, rowW, real, off + 8);
          c3 = column(w0, rowW, real, off + 12);
        }
        const d = Wt + <usize>k * rowT + (<usize>j << 2);
        v128.store(d, c0);
        v128.store(d + rowT, c1);
        v128.store(d + 2 * rowT, c2);
        v128.store(d + 3 * rowT, c3);
        sum = f32x4.add(sum, f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)));
      }
      for (; k < ke; k++) {
        const c = column(w0, rowW, real, <usize>k << 2);
        v128.store(Wt + <usize>k * rowT + (<usize>j << 2), c);
        sum = f32x4.add(sum, c);
      }
      v128.store(blocks + <usize>(kb / BLOCK) * ldB + (<usize>j << 2), sum);
    }
  }
}

/** [W[0, k], W[1, k], W[2, k], W[3, k]] from rows rowW bytes apart at byte offset off, lanes ≥ real zero. */
@inline function column(w0: usize, rowW: usize, real: i32, off: usize): v128 {
  let c = f32x4.splat(0);
  if (real > 0) c = f32x4.replace_lane(c, 0, load<f32>(w0 + off));
  if (real > 1) c = f32x4.replace_lane(c, 1, load<f32>(w0 + rowW + off));
  if (real > 2) c = f32x4.replace_lane(c, 2, load<f32>(w0 + 2 * rowW + off));
  if (real > 3) c = f32x4.replace_lane(c, 3, load<f32>(w0 + 3 * rowW + off));
  return c;
}

/**
 * bias2[j] = b[j] + add·Σ_i blocks[i, j] for j < units (the block sums added in order), zero up to P: the forward
 * pass's constant part, add·(column sums of Wt) + b.
 */
export function bias_from_blocks(bias2: usize, b: usize, blocks: usize, nb: i32, units: i32, P: i32, add: f32): void {
  const ldB = <usize>P << 2;
  const keep = lastLanes(units);
  const va = f32x4.splat(add);
  for (let j = 0; j < P; j += 4) {
    const off = <usize>j << 2;
    let s = f32x4.splat(0);
    for (let i = 0; i < nb; i++) s = f32x4.add(s, v128.load(blocks + <usize>i * ldB + off));
    // b is read as whole vectors: lanes past the units are dropped (they may be another part's, or slack).
    const v = f32x4.add(v128.load(b + off), f32x4.mul(va, s));
    v128.store(bias2 + off, j + 4 < P ? v : v128.bitselect(v, f32x4.splat(0), keep));
  }
}

/**
 * Plain SGD on rows [k0, k1) of the transposed weights, from the transposed gradient: Wt[k, j] −= lr·(g + λ·Wt[k, j])
 * with g = dWt[k, j] + add·db[j], for units j (pads stay zero), and those rows' block sums. The same operations as
 * dw_from_dwt + sgd_plain on W would make, with no transpose and no dW written. Threads split it by rows at block
 * edges (k0 a multiple of 16). Wt and dWt are (F, T) with P = 4·ceil(units/4) columns used; blocks have P floats each.
 */
export function sgd_t(Wt: usize, dWt: usize, T: i32, db: usize, add: f32, units: i32, k0: i32, k1: i32, lr: f32, l2: f32, blocks: usize): void {
  stepRows(Wt, dWt, <usize>T << 2, db, add, lr, l2, units, k0, k1, blocks, true);
}

/**
 * Rows [k0, k1) of Wt, block by block and within a block column vector by column vector (the block's sums stay in a
 * register): with the gradient, sgd_t's step from dWt; without, w + e·db[j] (e in `add`). Either way pads are zeroed
 * and the blocks' column sums made from the stored values.
 */
@inline function stepRows(Wt: usize, dWt: usize, rowT: usize, db: usize, add: f32, lr: f32, l2: f32, units: i32, k0: i32, k1: i32, blocks: usize, gradient: bool): void {
  const vlr = f32x4.splat(lr);
  const vl2 = f32x4.splat(l2);
  const vadd = f32x4.splat(add);
  const vecs = (units + 3) >> 2;
  const ldB = <usize>vecs << 4;
  const keep = lastLanes(units);
  const all = i32x4.splat(-1);
  for (let kb = k0; kb < k1; kb += BLOCK) {
    const ke = min(kb + BLOCK, k1);
    const bp = blocks + <usize>(kb / BLOCK) * ldB;
    for (let jv = 0; jv < vecs; jv++) {
      const off = <usize>jv << 4;
      const e = f32x4.mul(vadd, v128.load(db + off));
      const mask = jv === vecs - 1 ? keep : all;
      let sum = f32x4.splat(0);
      let k = kb;
      for (; k + 4 <= ke; k += 4) {
        const t0 = Wt + <usize>k * rowT + off;
        const g0 = dWt + <usize>k * rowT + off;
        const n0 = masked(gradient ? sgdT(t0, g0, e, vlr, vl2) : f32x4.add(v128.load(t0), e), mask);
        const n1 = masked(gradient ? sgdT(t0 + rowT, g0 + rowT, e, vlr, vl2) : f32x4.add(v128.load(t0 + rowT), e), mask);
        const n2 = masked(gradient ? sgdT(t0 + 2 * rowT, g0 + 2 * rowT, e, vlr, vl2) : f32x4.add(v128.load(t0 + 2 * rowT), e), mask);
        const n3 = masked(gradient ? sgdT(t0 + 3 * rowT, g0 + 3 * rowT, e, vlr, vl2) : f32x4.add(v128.load(t0 + 3 * rowT), e), mask);
        v128.store(t0, n0);
        v128.store(t0 + rowT, n1);
        v128.store(t0 + 2 * rowT, n2);
        v128.store(t0 + 3 * rowT, n3);
        sum = f32x4.add(sum, f32x4.add(f32x4.add(n0, n1), f32x4.add(n2, n3)));
      }
      for (; k < ke; k++) {
        const t0 = Wt + <usize>k * rowT + off;
        const n = masked(gradient ? sgdT(t0, dWt + <usize>k * rowT + off, e, vlr, vl2) : f32x4.add(v128.load(t0), e), mask);
        v128.store(t0, n);
        sum = f32x4.add(sum, n);
      }
      v128.store(bp + off, sum);
    }
  }
}

/** v with the lanes outside `mask` zeroed (a part's pad columns). */
@inline function masked(v: v128, mask: v128): v128 {
  return v128.bitselect(v, f32x4.splat(0), mask);
}

/**
 * Plain SGD (no L2) straight from the batch, without forming the gradient: for rows [k0, k1) of Wt, first every
 * nonzero (r, k, u) of the row table adds lut[u]·δ[r, :] (lut[u] = −lr·u·mul: the step's share of the sparse part),
 * then every row adds e·db (e = −lr·add: the constant part's share), pads are zeroed and the rows' block sums made.
 * The rounding differs from forming dWt and stepping (sgd_t), within float32 noise; the result does not depend on how
 * threads split the rows (at block edges). Reads up to 3 floats past a row of δ, as sparse_dwt.
 */
export function sgd_sparse(Wt: usize, P: i32, T: i32, F: i32, outF: i32, n: i32, tab: usize, lut: usize, delta: usize, k0: i32, k1: i32, db: usize, e: f32, blocks: usize, units: i32): void {
  scatterBatch(Wt, P, T, F, outF, n, tab, lut, delta, k0, k1);
  stepRows(Wt, 0, <usize>T << 2, db, e, 0, 0, units, k0, k1, blocks, false);
}

/** One vector of sgd_t: the new weights (not stored). */
@inline function sgdT(wp: usize, gp: usize, e: v128, vlr: v128, vl2: v128): v128 {
  const w = v128.load(wp);
  return f32x4.sub(w, f32x4.mul(vlr, f32x4.add(f32x4.add(v128.load(gp), e), f32x4.mul(vl2, w))));
}

/** lut[u] = u·mul for every byte u: the sparse kernels' scale factors, looked up rather than converted per nonzero. */
export function scale_table(lut: usize, mul: f32): void {
  for (let u = 0; u < 256; u++) store<f32>(lut + (<usize>u << 2), <f32>u * mul);
}

// Sparse sums over one row's block: out[0 .. 4·width) = init + Σ_p lut[u_p] · src[16·offset_p ..], `width` vectors
// held in registers. One exported function per width (exported, so the optimiser does not inline them: V8 then
// keeps every accumulator in a register), all from one inline template whose unused accumulators fold away; a
// row wider than 13 vectors takes several passes over its nonzeros.

@inline function sparseSum(width: i32, out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  const z = f32x4.splat(0);
  let c0 = width > 0 ? v128.load(init) : z;
  let c1 = width > 1 ? v128.load(init, 16) : z;
  let c2 = width > 2 ? v128.load(init, 32) : z;
  let c3 = width > 3 ? v128.load(init, 48) : z;
  let c4 = width > 4 ? v128.load(init, 64) : z;
  let c5 = width > 5 ? v128.load(init, 80) : z;
  let c6 = width > 6 ? v128.load(init, 96) : z;
  let c7 = width > 7 ? v128.load(init, 112) : z;
  let c8 = width > 8 ? v128.load(init, 128) : z;
  let c9 = width > 9 ? v128.load(init, 144) : z;
  let c10 = width > 10 ? v128.load(init, 160) : z;
  let c11 = width > 11 ? v128.load(init, 176) : z;
  let c12 = width > 12 ? v128.load(init, 192) : z;
  const bytes = cols + (<usize>count << 1);
  for (let p = p0; p < p1; p++) {
    const s = v128.load32_splat(lut + (<usize>load<u8>(bytes + <usize>p) << 2));
    const w = src + (<usize>load<u16>(cols + (<usize>p << 1)) << 4);
    if (width > 0) c0 = f32x4.add(c0, f32x4.mul(s, v128.load(w)));
    if (width > 1) c1 = f32x4.add(c1, f32x4.mul(s, v128.load(w, 16)));
    if (width > 2) c2 = f32x4.add(c2, f32x4.mul(s, v128.load(w, 32)));
    if (width > 3) c3 = f32x4.add(c3, f32x4.mul(s, v128.load(w, 48)));
    if (width > 4) c4 = f32x4.add(c4, f32x4.mul(s, v128.load(w, 64)));
    if (width > 5) c5 = f32x4.add(c5, f32x4.mul(s, v128.load(w, 80)));
    if (width > 6) c6 = f32x4.add(c6, f32x4.mul(s, v128.load(w, 96)));
    if (width > 7) c7 = f32x4.add(c7, f32x4.mul(s, v128.load(w, 112)));
    if (width > 8) c8 = f32x4.add(c8, f32x4.mul(s, v128.load(w, 128)));
    if (width > 9) c9 = f32x4.add(c9, f32x4.mul(s, v128.load(w, 144)));
    if (width > 10) c10 = f32x4.add(c10, f32x4.mul(s, v128.load(w, 160)));
    if (width > 11) c11 = f32x4.add(c11, f32x4.mul(s, v128.load(w, 176)));
    if (width > 12) c12 = f32x4.add(c12, f32x4.mul(s, v128.load(w, 192)));
  }
  if (width > 0) v128.store(out, c0);
  if (width > 1) v128.store(out, c1, 16);
  if (width > 2) v128.store(out, c2, 32);
  if (width > 3) v128.store(out, c3, 48);
  if (width > 4) v128.store(out, c4, 64);
  if (width > 5) v128.store(out, c5, 80);
  if (width > 6) v128.store(out, c6, 96);
  if (width > 7) v128.store(out, c7, 112);
  if (width > 8) v128.store(out, c8, 128);
  if (width > 9) v128.store(out, c9, 144);
  if (width > 10) v128.store(out, c10, 160);
  if (width > 11) v128.store(out, c11, 176);
  if (width > 12) v128.store(out, c12, 192);
}

export function sparse13(out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  sparseSum(13, out, init, cols, p0, p1, count, lut, src);
}

export function sparse8(out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  sparseSum(8, out, init, cols, p0, p1, count, lut, src);
}

export function sparse7(out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  sparseSum(7, out, init, cols, p0, p1, count, lut, src);
}

export function sparse6(out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  sparseSum(6, out, init, cols, p0, p1, count, lut, src);
}

export function sparse4(out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  sparseSum(4, out, init, cols, p0, p1, count, lut, src);
}

export function sparse1(out: usize, init: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  sparseSum(1, out, init, cols, p0, p1, count, lut, src);
}

/** One padded output row (V vectors) of sparse sums over nonzeros [p0, p1), in passes of 13, then 7 or 6, or 8, 4 and 1 vectors. */
@inline function sparseRow(out: usize, init: usize, V: i32, cols: usize, p0: i32, p1: i32, count: i32, lut: usize, src: usize): void {
  let v = 0;
  for (; v + 13 <= V; v += 13) sparse13(out + (<usize>v << 4), init + (<usize>v << 4), cols, p0, p1, count, lut, src + (<usize>v << 4));
  if (V - v === 7) {
    sparse7(out + (<usize>v << 4), init + (<usize>v << 4), cols, p0, p1, count, lut, src + (<usize>v << 4));
    v += 7;
  }
  if (V - v === 6) {
    sparse6(out + (<usize>v << 4), init + (<usize>v << 4), cols, p0, p1, count, lut, src + (<usize>v << 4));
    v += 6;
  }
  if (v + 8 <= V) {
    sparse8(out + (<usize>v << 4), init + (<usize>v << 4), cols, p0, p1, count, lut, src + (<usize>v << 4));
    v += 8;
  }
  if (v + 4 <= V) {
    sparse4(out + (<usize>v << 4), init + (<usize>v << 4), cols, p0, p1, count, lut, src + (<usize>v << 4));
    v += 4;
  }
  for (; v < V; v++) sparse1(out + (<usize>v << 4), init + (<usize>v << 4), cols, p0, p1, count, lut, src + (<usize>v << 4));
}

/**
 * zp (n, P) = init + lut[U]·Wt[:, 0 .. P) over the nonzeros with k in [k0, k1) only, for the batch's row table; P is
 * the padded width (Wt's rows may be wider), init P floats (the constant part, or zeros). The forward pass is two such
 * partial sums added (pair_act): rows of Wt below and from the split, each summed by the thread that owns those rows.
 */
export function sparse_forward(zp: usize, n: i32, P: i32, tab: usize, lut: usize, Wt: usize, init: usize, k0: i32, k1: i32, F: i32, S: i32): void {
  const rowZ = <usize>P << 2;
  for (let r = 0; r < n; r++) {
    const cols = <usize>load<i32>(tab + (<usize>r << 3));
    const count = load<i32>(tab + (<usize>r << 3), 4);
    const p0 = k0 > 0 ? lowerBound(cols, 0, count, k0 * S) : 0;
    const p1 = k1 < F ? lowerBound(cols, p0, count, k1 * S) : count;
    sparseRow(zp + <usize>r * rowZ, init, P >> 2, cols, p0, p1, count, lut, Wt);
  }
}

// Sparse updates over part of one row's block: for p in [p0, p1), dst[16·offset_p ..] += lut[u_p] · coef[0 .. 4·width),
// coef held in registers; one function per width from one template, as for the sums.

@inline function scatterSum(width: i32, dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  const z = f32x4.splat(0);
  const c0 = width > 0 ? v128.load(coef) : z;
  const c1 = width > 1 ? v128.load(coef, 16) : z;
  const c2 = width > 2 ? v128.load(coef, 32) : z;
  const c3 = width > 3 ? v128.load(coef, 48) : z;
  const c4 = width > 4 ? v128.load(coef, 64) : z;
  const c5 = width > 5 ? v128.load(coef, 80) : z;
  const c6 = width > 6 ? v128.load(coef, 96) : z;
  const c7 = width > 7 ? v128.load(coef, 112) : z;
  const c8 = width > 8 ? v128.load(coef, 128) : z;
  const c9 = width > 9 ? v128.load(coef, 144) : z;
  const c10 = width > 10 ? v128.load(coef, 160) : z;
  const c11 = width > 11 ? v128.load(coef, 176) : z;
  const c12 = width > 12 ? v128.load(coef, 192) : z;
  const bytes = cols + (<usize>count << 1);
  for (let p = p0; p < p1; p++) {
    const s = v128.load32_splat(lut + (<usize>load<u8>(bytes + <usize>p) << 2));
    const w = dst + (<usize>load<u16>(cols + (<usize>p << 1)) << 4);
    if (width > 0) v128.store(w, f32x4.add(v128.load(w), f32x4.mul(s, c0)));
    if (width > 1) v128.store(w, f32x4.add(v128.load(w, 16), f32x4.mul(s, c1)), 16);
    if (width > 2) v128.store(w, f32x4.add(v128.load(w, 32), f32x4.mul(s, c2)), 32);
    if (width > 3) v128.store(w, f32x4.add(v128.load(w, 48), f32x4.mul(s, c3)), 48);
    if (width > 4) v128.store(w, f32x4.add(v128.load(w, 64), f32x4.mul(s, c4)), 64);
    if (width > 5) v128.store(w, f32x4.add(v128.load(w, 80), f32x4.mul(s, c5)), 80);
    if (width > 6) v128.store(w, f32x4.add(v128.load(w, 96), f32x4.mul(s, c6)), 96);
    if (width > 7) v128.store(w, f32x4.add(v128.load(w, 112), f32x4.mul(s, c7)), 112);
    if (width > 8) v128.store(w, f32x4.add(v128.load(w, 128), f32x4.mul(s, c8)), 128);
    if (width > 9) v128.store(w, f32x4.add(v128.load(w, 144), f32x4.mul(s, c9)), 144);
    if (width > 10) v128.store(w, f32x4.add(v128.load(w, 160), f32x4.mul(s, c10)), 160);
    if (width > 11) v128.store(w, f32x4.add(v128.load(w, 176), f32x4.mul(s, c11)), 176);
    if (width > 12) v128.store(w, f32x4.add(v128.load(w, 192), f32x4.mul(s, c12)), 192);
  }
}

export function scatter13(dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  scatterSum(13, dst, coef, cols, p0, p1, count, lut);
}

export function scatter8(dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  scatterSum(8, dst, coef, cols, p0, p1, count, lut);
}

export function scatter7(dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  scatterSum(7, dst, coef, cols, p0, p1, count, lut);
}

export function scatter6(dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  scatterSum(6, dst, coef, cols, p0, p1, count, lut);
}

export function scatter4(dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  scatterSum(4, dst, coef, cols, p0, p1, count, lut);
}

export function scatter1(dst: usize, coef: usize, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  scatterSum(1, dst, coef, cols, p0, p1, count, lut);
}

/** One row's scatter over all V vectors, in passes of 13, then 7 or 6, or 8, 4 and 1. */
@inline function scatterRow(dst: usize, coef: usize, V: i32, cols: usize, p0: i32, p1: i32, count: i32, lut: usize): void {
  let v = 0;
  for (; v + 13 <= V; v += 13) scatter13(dst + (<usize>v << 4), coef + (<usize>v << 4), cols, p0, p1, count, lut);
  if (V - v === 7) {
    scatter7(dst + (<usize>v << 4), coef + (<usize>v << 4), cols, p0, p1, count, lut);
    v += 7;
  }
  if (V - v === 6) {
    scatter6(dst + (<usize>v << 4), coef + (<usize>v << 4), cols, p0, p1, count, lut);
    v += 6;
  }
  if (v + 8 <= V) {
    scatter8(dst + (<usize>v << 4), coef + (<usize>v << 4), cols, p0, p1, count, lut);
    v += 8;
  }
  if (v + 4 <= V) {
    scatter4(dst + (<usize>v << 4), coef + (<usize>v << 4), cols, p0, p1, count, lut);
    v += 4;
  }
  for (; v < V; v++) scatter1(dst + (<usize>v << 4), coef + (<usize>v << 4), cols, p0, p1, count, lut);
}

/** The first p in [p0, p1) whose column offset is ≥ o (offsets ascend within a block). */
@inline function lowerBound(cols: usize, p0: i32, p1: i32, o: i32): i32 {
  while (p0 < p1) {
    const mid = (p0 + p1) >>> 1;
    if (<i32>load<u16>(cols + (<usize>mid << 1)) < o) p0 = mid + 1;
    else p1 = mid;
  }
  return p0;
}

/**
 * dWt (F, T), columns [0, P) of rows [k0, k1) of F only: zeroed (the whole rows), then for each nonzero (r, k, u) of
 * the batch's row table with k0 ≤ k < k1, row k += lut[u]·δ[r, :], δ (n, outF); the blocks' offsets are k·T/4. A
 * split by k would give no two threads the same row. Reads up to 3 floats past a row of δ (the caller leaves slack
 * after δ); those land in dWt's pad columns only.
 */
export function sparse_dwt(dWt: usize, P: i32, T: i32, F: i32, outF: i32, n: i32, tab: usize, lut: usize, delta: usize, k0: i32, k1: i32): void {
  const rowT = <usize>T << 2;
  memory.fill(dWt + <usize>k0 * rowT, 0, <usize>(k1 - k0) * rowT);
  scatterBatch(dWt, P, T, F, outF, n, tab, lut, delta, k0, k1);
}

/** dst rows [k0, k1) += lut[u]·δ[r, 0 .. P) for each nonzero (r, k, u) of the row table with k0 ≤ k < k1. */
@inline function scatterBatch(dst: usize, P: i32, T: i32, F: i32, outF: i32, n: i32, tab: usize, lut: usize, delta: usize, k0: i32, k1: i32): void {
  const rowD = <usize>outF << 2;
  const S = T >> 2;
  for (let r = 0; r < n; r++) {
    const cols = <usize>load<i32>(tab + (<usize>r << 3));
    const count = load<i32>(tab + (<usize>r << 3), 4);
    const p0 = k0 > 0 ? lowerBound(cols, 0, count, k0 * S) : 0;
    const p1 = k1 < F ? lowerBound(cols, p0, count, k1 * S) : count;
    scatterRow(dst, delta + <usize>r * rowD, P >> 2, cols, p0, p1, count, lut);
  }
}

/**
 * dW (outF, F) = dWtᵀ + add·db ⊗ 1 for dWt (F, T): the weight gradient from sparse_dwt's transposed sum plus the
 * constant part. With db = 0, a plain transpose (no term added, every bit kept): W back from sgd_t's Wt.
 */
export function dw_from_dwt(dW: usize, dWt: usize, outF: i32, F: i32, T: i32, db: usize, add: f32): void {
  const rowW = <usize>F << 2;
  const rowT = <usize>T << 2;
  let j = 0;
  for (; j + 4 <= outF; j += 4) {
    const e0 = f32x4.splat(db === 0 ? 0 : add * load<f32>(db + (<usize>j << 2)));
    const e1 = f32x4.splat(db === 0 ? 0 : add * load<f32>(db + ((<usize>j + 1) << 2)));
    const e2 = f32x4.splat(db === 0 ? 0 : add * load<f32>(db + ((<usize>j + 2) << 2)));
    const e3 = f32x4.splat(db === 0 ? 0 : add * load<f32>(db + ((<usize>j + 3) << 2)));
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
      v128.store(d0 + off, plusTerm(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), e0, db));
      v128.store(d0 + rowW + off, plusTerm(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), e1, db));
      v128.store(d0 + 2 * rowW + off, plusTerm(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), e2, db));
      v128.store(d0 + 3 * rowW + off, plusTerm(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), e3, db));
    }
    for (; k < F; k++) {
      const s = dWt + <usize>k * rowT + (<usize>j << 2);
      const off = <usize>k << 2;
      store<f32>(d0 + off, db === 0 ? load<f32>(s) : load<f32>(s) + f32x4.extract_lane(e0, 0));
      store<f32>(d0 + rowW + off, db === 0 ? load<f32>(s, 4) : load<f32>(s, 4) + f32x4.extract_lane(e1, 0));
      store<f32>(d0 + 2 * rowW + off, db === 0 ? load<f32>(s, 8) : load<f32>(s, 8) + f32x4.extract_lane(e2, 0));
      store<f32>(d0 + 3 * rowW + off, db === 0 ? load<f32>(s, 12) : load<f32>(s, 12) + f32x4.extract_lane(e3, 0));
    }
  }
  for (; j < outF; j++) {
    const e: f32 = db === 0 ? 0 : add * load<f32>(db + (<usize>j << 2));
    const dj = dW + <usize>j * rowW;
    for (let k = 0; k < F; k++) {
      const v = load<f32>(dWt + <usize>k * rowT + (<usize>j << 2));
      store<f32>(dj + (<usize>k << 2), db === 0 ? v : v + e);
    }
  }
}

/** v + e, or v itself (every bit, −0 included) when there is no constant term (db = 0). */
@inline function plusTerm(v: v128, e: v128, db: usize): v128 {
  return db === 0 ? v : f32x4.add(v, e);
}

/** out (n, F) f32 = raw (n, F) u8 · mul + add: the dense fallback when the bytes are not sparse enough. */
export function bytes_to_f32(out: usize, raw: usize, count: i32, mul: f32, add: f32): void {
  for (let i = 0; i < count; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(raw + <usize>i) * mul + add);
}

// ---------------------------------------------------------------------------------------------------------------
// Activations. Codes: 0 linear, 1 sigmoid, 2 relu, 3 none (z only; the caller applies the activation).

/** e^x for x ≤ 0 (clamped at −87.3, where it would leave the normal range): Cephes' expf, within 2 ulp. */
@inline function expNonPositive(x: v128): v128 {
  // pmax (b < a ? a : b... here x < c ? c : x) is one instruction where max's NaN and ±0 rules take a dozen; a NaN x
  // still comes through as NaN.
  x = f32x4.pmax(x, f32x4.splat(-87.3));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)), f32x4.splat(0.5)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375))), f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^fx for integral fx in [−126, 0]: adding 1.5·2^23 leaves fx + 127 in the low mantissa bits, the float's exponent.
  const biased = i32x4.sub(f32x4.add(fx, f32x4.splat(12582912 + 127)), f32x4.splat(12582912));
  return f32x4.mul(y, i32x4.shl(biased, 23));
}

/** σ(x) = 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below: never overflows. */
@inline function sigmoid4(x: v128): v128 {
  const e = expNonPositive(v128.or(x, f32x4.splat(-0.0))); // −|x|: the sign bit set
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

@inline function act4(x: v128, act: i32): v128 {
  if (act === 1) return sigmoid4(x);
  if (act === 2) return v128.and(x, f32x4.gt(x, f32x4.splat(0))); // x > 0 ? x : 0 (NaN → 0, like the JS kernel)
  return x;
}

/**
 * For rows r < n: z[r·ld + j] = src[r·stride + j] + b[j] (b = 0: no bias) and a[r·ld + j] = act(that), j < outF. src
 * may be z itself (stride ld, in place) or a padded scratch; ld > outF writes some columns of wider z and a. act 3
 * writes z only. Reads up to 3 floats past the last row of src and past b (the caller leaves slack).
 */
export function bias_act(z: usize, a: usize, src: usize, n: i32, outF: i32, ld: i32, stride: i32, b: usize, act: i32): void {
  for (let r = 0; r < n; r++) {
    const sr = src + ((<usize>r * <usize>stride) << 2);
    const zr = z + ((<usize>r * <usize>ld) << 2);
    const ar = a + ((<usize>r * <usize>ld) << 2);
    let j = 0;
    for (; j + 4 <= outF; j += 4) {
      const off = <usize>j << 2;
      let x = v128.load(sr + off);
      if (b !== 0) x = f32x4.add(x, v128.load(b + off));
      v128.store(zr + off, x);
      if (act !== 3) v128.store(ar + off, act4(x, act));
    }
    if (j < outF) {
      // The last 1–3 columns as one vector: loads may read past the row (into the next row or the caller's slack),
      // stores write only the columns that exist.
      const off = <usize>j << 2;
      let x = v128.load(sr + off);
      if (b !== 0) x = f32x4.add(x, v128.load(b + off));
      storePartial(zr + off, x, outF - j);
      if (act !== 3) storePartial(ar + off, act4(x, act), outF - j);
    }
  }
}

/**
 * For rows r < n: z[r·ld + j] = s0[r·stride + j] + s1[r·stride + j] and a[r·ld + j] = act(that), j < outF: the two
 * partial sums of the sparse forward pass added. Reads up to 3 floats past a row of s0 and s1 (padded rows).
 */
export function pair_act(z: usize, a: usize, s0: usize, s1: usize, n: i32, outF: i32, ld: i32, stride: i32, act: i32): void {
  for (let r = 0; r < n; r++) {
    const o0 = s0 + ((<usize>r * <usize>stride) << 2);
    const o1 = s1 + ((<usize>r * <usize>stride) << 2);
    const zr = z + ((<usize>r * <usize>ld) << 2);
    const ar = a + ((<usize>r * <usize>ld) << 2);
    let j = 0;
    for (; j + 4 <= outF; j += 4) {
      const off = <usize>j << 2;
      const x = f32x4.add(v128.load(o0 + off), v128.load(o1 + off));
      v128.store(zr + off, x);
      if (act !== 3) v128.store(ar + off, act4(x, act));
    }
    if (j < outF) {
      const off = <usize>j << 2;
      const x = f32x4.add(v128.load(o0 + off), v128.load(o1 + off));
      storePartial(zr + off, x, outF - j);
      if (act !== 3) storePartial(ar + off, act4(x, act), outF - j);
    }
  }
}

/** Store the first `count` (1..3) lanes of v at p. */
@inline function storePartial(p: usize, v: v128, count: i32): void {
  if (count === 3) {
    v128.store64_lane(p, v, 0);
    v128.store32_lane(p, v, 2, 8);
  } else if (count === 2) v128.store64_lane(p, v, 0);
  else v128.store32_lane(p, v, 0);
}

/** dz = dout ⊙ f'(z) from the forward output `out`, over count values: sigmoid out(1 − out), relu [out > 0]. */
export function act_backward(dz: usize, dout: usize, out: usize, count: i32, act: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const off = <usize>i << 2;
    const o = v128.load(out + off);
    const d = v128.load(dout + off);
    v128.store(dz + off, act === 1 ? f32x4.mul(f32x4.mul(d, o), f32x4.sub(one, o)) : v128.and(d, f32x4.gt(o, zero)));
  }
  for (; i < count; i++) {
    const off = <usize>i << 2;
    const o = load<f32>(out + off);
    const d = load<f32>(dout + off);
    store<f32>(dz + off, act === 1 ? d * o * (1 - o) : o > 0 ? d : 0);
  }
}

/**
 * For columns [0, cols) of d and a, rows of stride ld: d ⊙= f'(z) from the forward output a (sigmoid a(1 − a), relu
 * [a > 0], linear 1), then db[j] = Σ_r d[r, j]. act_backward and col_sums fused, on one thread's columns of a layer;
 * the same operations in the same order as those two.
 */
export function act_colsum(d: usize, a: usize, n: i32, cols: i32, ld: i32, act: i32, db: usize): void {
  memory.fill(db, 0, <usize>cols << 2);
  const row = <usize>ld << 2;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  for (let r = 0; r < n; r++) {
    const dr = d + <usize>r * row;
    const ar = a + <usize>r * row;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const off = <usize>j << 2;
      let v = v128.load(dr + off);
      if (act !== 0) {
        const o = v128.load(ar + off);
        v = act === 1 ? f32x4.mul(f32x4.mul(v, o), f32x4.sub(one, o)) : v128.and(v, f32x4.gt(o, zero));
        v128.store(dr + off, v);
      }
      v128.store(db + off, f32x4.add(v128.load(db + off), v));
    }
    for (; j < cols; j++) {
      const off = <usize>j << 2;
      let v = load<f32>(dr + off);
      if (act !== 0) {
        const o = load<f32>(ar + off);
        v = act === 1 ? v * o * (1 - o) : o > 0 ? v : 0;
        store<f32>(dr + off, v);
      }
      store<f32>(db + off, load<f32>(db + off) + v);
    }
  }
}

/**
 * out[r] (i32) = the index of the largest of row r of x (n, cols), the first one on ties, and 0 when the row starts
 * with NaN (NaN never compares greater); with one column, 1 when the value is ≥ 0.5. As ops.ts argmaxRows.
 */
export function argmax_rows(out: usize, x: usize, n: i32, cols: i32): void {
  const row = <usize>cols << 2;
  for (let r = 0; r < n; r++) {
    const xr = x + <usize>r * row;
    let best = 0;
    let bv = load<f32>(xr);
    if (cols === 1) best = bv >= 0.5 ? 1 : 0;
    for (let j = 1; j < cols; j++) {
      const v = load<f32>(xr + (<usize>j << 2));
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    store<i32>(out + (<usize>r << 2), best);
  }
}

/** out[j] = Σ_r x[r, j] for x (n, cols): a bias gradient. */
export function col_sums(out: usize, x: usize, n: i32, cols: i32): void {
  memory.fill(out, 0, <usize>cols << 2);
  const row = <usize>cols << 2;
  for (let r = 0; r < n; r++) {
    const xr = x + <usize>r * row;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const off = <usize>j << 2;
      v128.store(out + off, f32x4.add(v128.load(out + off), v128.load(xr + off)));
    }
    for (; j < cols; j++) {
      const off = <usize>j << 2;
      store<f32>(out + off, load<f32>(out + off) + load<f32>(xr + off));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Optimiser.

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

/**
 * SGD, momentum or Nesterov with decoupled weight decay and a gradient scale (src/optim.ts's rules): g' = s·g + λw;
 * w = w·keep (keep = 1 − lr·wd); with v (v ≠ 0): v = μv + g', w −= lr·v, or for Nesterov w −= lr·(g' + μv);
 * without: w −= lr·g'. Over n values.
 */
export function opt_sgd(w: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32, l2: f32, keep: f32, s: f32, nesterov: i32): void {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(mu);
  const vl2 = f32x4.splat(l2);
  const vkeep = f32x4.splat(keep);
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const wi = v128.load(w + off);
    const gi = f32x4.add(f32x4.mul(vs, v128.load(g + off)), f32x4.mul(vl2, wi));
    let step = gi;
    if (v != 0) {
      const vi = f32x4.add(f32x4.mul(vmu, v128.load(v + off)), gi);
      v128.store(v + off, vi);
      step = nesterov != 0 ? f32x4.add(gi, f32x4.mul(vmu, vi)) : vi;
    }
    v128.store(w + off, f32x4.sub(f32x4.mul(wi, vkeep), f32x4.mul(vlr, step)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const wi = load<f32>(w + off);
    const gi = s * load<f32>(g + off) + l2 * wi;
    let step = gi;
    if (v != 0) {
      const vi = mu * load<f32>(v + off) + gi;
      store<f32>(v + off, vi);
      step = nesterov != 0 ? gi + mu * vi : vi;
    }
    store<f32>(w + off, wi * keep - lr * step);
  }
}

/**
 * Adam / AdamW (src/optim.ts's rule): g' = s·g + λw; m = β1m + (1−β1)g'; v = β2v + (1−β2)g'²;
 * w = w·keep − lr·(m·c1)/(√(v·c2) + ε), c1 and c2 the bias corrections 1/(1−β^t). Over n values.
 */
export function opt_adam(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, l2: f32, keep: f32, s: f32, c1: f32, c2: f32): void {
  const vlr = f32x4.splat(lr);
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const va1 = f32x4.splat(1 - b1);
  const va2 = f32x4.splat(1 - b2);
  const veps = f32x4.splat(eps);
  const vl2 = f32x4.splat(l2);
  const vkeep = f32x4.splat(keep);
  const vs = f32x4.splat(s);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const wi = v128.load(w + off);
    const gi = f32x4.add(f32x4.mul(vs, v128.load(g + off)), f32x4.mul(vl2, wi));
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + off)), f32x4.mul(va1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + off)), f32x4.mul(va2, f32x4.mul(gi, gi)));
    v128.store(m + off, mi);
    v128.store(v + off, vi);
    const u = f32x4.div(f32x4.mul(vlr, f32x4.mul(mi, vc1)), f32x4.add(f32x4.sqrt(f32x4.mul(vi, vc2)), veps));
    v128.store(w + off, f32x4.sub(f32x4.mul(wi, vkeep), u));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const wi = load<f32>(w + off);
    const gi = s * load<f32>(g + off) + l2 * wi;
    const mi = b1 * load<f32>(m + off) + (1 - b1) * gi;
    const vi = b2 * load<f32>(v + off) + (1 - b2) * gi * gi;
    store<f32>(m + off, mi);
    store<f32>(v + off, vi);
    store<f32>(w + off, wi * keep - (lr * (mi * c1)) / (sqrt<f32>(vi * c2) + eps));
  }
}

/** Inverted dropout, forward: a[i] ·= m[i] over n values (m: 0 or 1/(1−p)). */
export function dropout_forward(a: usize, m: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(a + off, f32x4.mul(v128.load(a + off), v128.load(m + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(a + off, load<f32>(a + off) * load<f32>(m + off));
  }
}

/** Inverted dropout, backward: δ[i] ·= m[i], and a[i] ·= back (1 − p; 1 leaves a alone) over n values. */
export function dropout_backward(d: usize, a: usize, m: usize, n: i32, back: f32): void {
  const vb = f32x4.splat(back);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(d + off, f32x4.mul(v128.load(d + off), v128.load(m + off)));
    if (back != 1) v128.store(a + off, f32x4.mul(v128.load(a + off), vb));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(d + off, load<f32>(d + off) * load<f32>(m + off));
    if (back != 1) store<f32>(a + off, load<f32>(a + off) * back);
  }
}
