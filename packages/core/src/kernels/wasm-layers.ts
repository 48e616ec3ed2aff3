// Layer-level steps on the wasm kernels for a model whose buffers live in a WasmArena: dense forward with fused bias
// and activation, activation backward, and the first layer on byte inputs through the sparse kernels, optionally
// split with a helper thread (each output element is computed by the same operations either way: same bits).
//
// The sparse first layer uses exact algebra on x = u·mul + add with u mostly 0 (MNIST's background):
//   X·Wᵀ = mul·(U·Wᵀ) + add·(1·Wᵀ)      δᵀ·X = mul·(δᵀ·U) + add·(colsum δ ⊗ 1)
// so only nonzero bytes cost multiply-adds; the add terms fold into a bias and into db. Results equal the dense
// kernels' up to float32 rounding (tested against gemmNaive on the scaled floats).
import { type ActivationName, activationBackward, activationForward } from '../activations.js';
import { Helper, type Task } from './threads.js';
import type { WasmArena } from './wasm.js';

/** Above this share of nonzero bytes a batch takes the dense kernels instead (the sparse ones stop paying). */
export const MAX_SPARSE_DENSITY = 0.5;

/** Rows per forward task, units per dW task, and input ranges for δᵀ·U when a helper thread shares the work. */
const ROWS = 8;
const UNITS = 8;
const K_CHUNKS = 6;

/**
 * Cuts 0 = c0 < c1 < … = counts.length into `parts` ranges of about equal Σ counts, each cut a multiple of 16 (so
 * threads writing rows of a (k, P) float matrix on either side never share a cache line).
 */
function balancedCuts(counts: Float64Array, parts: number): number[] {
  let total = 0;
  for (const c of counts) total += c;
  const cuts = [0];
  let below = 0;
  for (let k = 0; k < counts.length; k++) {
    below += counts[k]!;
    const next = cuts.length;
    if (next < parts && below >= (total * next) / parts && (k + 1) % 16 === 0) cuts.push(k + 1);
  }
  cuts.push(counts.length);
  return cuts;
}

/** Activation codes of the wasm kernels: 0 linear, 1 sigmoid, 2 relu, 3 none (applied in JS afterwards). */
function actCode(name: ActivationName): number {
  return name === 'linear' ? 0 : name === 'sigmoid' ? 1 : name === 'relu' ? 2 : 3;
}

/** z (n, outF) = x·Wᵀ + b and a = f(z), every buffer in `arena`. */
export function denseForwardWasm(
  arena: WasmArena,
  z: Float32Array,
  a: Float32Array,
  x: Float32Array,
  W: Float32Array,
  b: Float32Array,
  n: number,
  inF: number,
  outF: number,
  act: ActivationName,
): void {
  const pz = arena.ptr(z);
  arena.fn.gemm_nt(pz, arena.ptr(x), arena.ptr(W), n, outF, inF);
  biasActivation(arena, z, a, pz, n, outF, outF, arena.ptr(b), act);
}

function biasActivation(arena: WasmArena, z: Float32Array, a: Float32Array, src: number, n: number, outF: number, stride: number, b: number, act: ActivationName): void {
  const code = actCode(act);
  arena.fn.bias_act(arena.ptr(z), arena.ptr(a), src, n, outF, stride, b, code);
  if (code === 3) activationForward(act, a, z, n, outF);
}

/** dz = dout ⊙ f'(z) from the forward output `out`, (n, cols); dz may be dout. */
export function activationBackwardWasm(arena: WasmArena, dz: Float32Array, dout: Float32Array, out: Float32Array, n: number, cols: number, act: ActivationName): void {
  const code = actCode(act);
  if (code === 1 || code === 2) arena.fn.act_backward(arena.ptr(dz), arena.ptr(dout), arena.ptr(out), n * cols, code);
  else activationBackward(act, dz, dout, out, n, cols);
}

/** out (cols) = column sums of x (n, cols), both in `arena`. */
export function colSumsWasm(arena: WasmArena, out: Float32Array, x: Float32Array, n: number, cols: number): void {
  arena.fn.col_sums(arena.ptr(out), arena.ptr(x), n, cols);
}

interface ByteIndex {
  source: Uint8Array | null;
  rows: number;
  entries: number;
  /** Byte offsets of each row's block in data (rows + 1 entries). */
  rowOff: number;
  /** Row blocks: the nonzeros' columns (u16), then their bytes (u8). */
  data: number;
  /** Where threads cut δᵀ·U by input k (see balancedCuts), computed on first use. */
  cuts: number[] | null;
}

/**
 * Scratch for one model's first layer on byte inputs, sized for `capacity` rows of F bytes, all in the model's arena:
 * staged bytes and their nonzero blocks, the batch's row table, the transposed weights Wt (F, P) and gradient dWt
 * (F, P) with P = outF rounded up to 4, and the index of one whole dataset's nonzeros (3 bytes each) for loadRows.
 */
export class SparseFirstLayer {
  private readonly P: number;
  private readonly raw: number;
  private readonly blocks: number;
  private readonly Wt: number;
  private readonly dWt: number;
  private readonly bias2: number;
  private readonly zp: number;
  private readonly rowsBuf: number;
  private readonly tab: number;
  private index: ByteIndex | null = null;
  private tooDense: Uint8Array | null = null;
  private n = 0;
  private mul = 1;
  private gathered = false;
  private helper: Helper | null | undefined;

  /** `threads` 2 splits the work with a helper thread (started on the first indexed batch) where the arena is shared. */
  constructor(
    private readonly arena: WasmArena,
    private readonly F: number,
    private readonly outF: number,
    readonly capacity: number,
    private readonly threads = 1,
  ) {
    this.P = Math.ceil(outF / 4) * 4;
    const a = arena;
    this.raw = a.alloc(capacity * F);
    this.blocks = a.alloc(3 * this.batchLimit(capacity));
    this.Wt = a.alloc(F * this.P * 4);
    this.dWt = a.alloc(F * this.P * 4);
    this.bias2 = a.alloc(this.P * 4);
    this.zp = a.alloc(capacity * this.P * 4);
    this.rowsBuf = a.alloc(capacity * 4);
    this.tab = a.alloc(capacity * 8);
  }

  private batchLimit(n: number): number {
    return Math.floor(n * this.F * MAX_SPARSE_DENSITY);
  }

  /**
   * Take n rows of bytes (copied to the staging area) and index their nonzeros, to be scaled by mul. Returns false
   * when the batch is too dense for the sparse kernels; the bytes stay staged for expand().
   */
  loadBytes(raw: Uint8Array, n: number, mul: number): boolean {
    this.arena.u8(this.raw, n * this.F).set(raw.subarray(0, n * this.F));
    return this.loadStaged(n, mul);
  }

  /**
   * Take dataset rows rows[start .. start+n) of `inputs` ((count, F) bytes). The first call for a dataset indexes
   * its nonzeros once (the bytes must not change afterwards); later batches just point at that index. Returns false
   * when too dense, with the rows staged for expand().
   */
  loadRows(inputs: Uint8Array, rows: ArrayLike<number>, start: number, n: number, mul: number): boolean {
    const { arena, F } = this;
    const index = this.indexFor(inputs);
    if (index) {
      const buf = arena.i32(this.rowsBuf, n);
      for (let r = 0; r < n; r++) buf[r] = rows[start + r]!;
      if (arena.fn.rows_table(this.rowsBuf, n, index.rowOff, index.data, this.tab) <= this.batchLimit(n)) {
        arena.fn.rows_touch(this.tab, n);
        if (this.helper === undefined) this.helper = this.threads > 1 ? Helper.create(arena) : null;
        this.set(n, mul, true);
        return true;
      }
    }
    const staged = arena.u8(this.raw, n * F);
    for (let r = 0; r < n; r++) {
      const base = rows[start + r]! * F;
      staged.set(inputs.subarray(base, base + F), r * F);
    }
    return this.loadStaged(n, mul);
  }

  private loadStaged(n: number, mul: number): boolean {
    const ok = this.arena.fn.blocks_build(this.raw, n, this.F, this.blocks, this.batchLimit(n), this.tab) >= 0;
    this.set(ok ? n : 0, mul, false); // staged batches (evaluation, dense data) run on one thread
    return ok;
  }

  private set(n: number, mul: number, gathered: boolean): void {
    this.n = n;
    this.mul = mul;
    this.gathered = gathered;
  }

  /** The index of `inputs`, built on first use; null when the data is too dense or too wide to index. */
  private indexFor(inputs: Uint8Array): ByteIndex | null {
    if (this.index?.source === inputs) return this.index;
    if (this.tooDense === inputs || this.F > 65536) return null;
    const { arena, F, capacity } = this;
    const count = Math.floor(inputs.length / F);
    const chunks = (visit: (start: number, rows: number) => void) => {
      const staged = arena.u8(this.raw, capacity * F);
      for (let s = 0; s < count; s += capacity) {
        const rows = Math.min(capacity, count - s);
        staged.set(inputs.subarray(s * F, (s + rows) * F));
        visit(s, rows);
      }
    };
    let entries = 0;
    chunks((_, rows) => {
      entries += arena.fn.nnz_count(this.raw, rows * F);
    });
    if (entries > count * F * MAX_SPARSE_DENSITY) {
      this.tooDense = inputs;
      return null;
    }
    // One index region per model, reused when the next dataset fits in it.
    let index = this.index;
    if (!index || index.rows < count || index.entries < entries) {
      index = { source: null, rows: count, entries, rowOff: arena.alloc((count + 1) * 4), data: arena.alloc(entries * 3), cuts: null };
    }
    let e = 0;
    chunks((s, rows) => {
      e = arena.fn.bytes_index(this.raw, rows, F, index.rowOff + s * 4, index.data, e);
    });
    index.source = inputs;
    index.cuts = null;
    this.index = index;
    return index;
  }

  /** The staged bytes as floats u·mul + add into `x` (an arena view): the dense fallback. */
  expand(x: Float32Array, n: number, mul: number, add: number): void {
    this.arena.fn.bytes_to_f32(this.arena.ptr(x), this.raw, n * this.F, mul, add);
  }

  /** z (n, outF) = x·Wᵀ + b and a = f(z) for the loaded batch; W (outF, F), b (outF) arena views. */
  forward(z: Float32Array, a: Float32Array, W: Float32Array, b: Float32Array, add: number, act: ActivationName): void {
    const { arena, F, outF, P, n, mul } = this;
    const fn = arena.fn;
    // Wt and bias2 on this thread (split by unit, threads would share cache lines in every row of Wt).
    fn.wt_from_w(this.Wt, P, arena.ptr(W), outF, F, P, arena.ptr(b), add, this.bias2);
    const code = actCode(act);
    const helper = this.parallel();
    if (!helper || code === 3) {
      fn.sparse_forward(this.zp, n, P, this.tab, mul, this.Wt, this.bias2);
      biasActivation(arena, z, a, this.zp, n, outF, P, 0, act);
      return;
    }
    // Tasks of ROWS rows: the sums and the activation of each row are the same whichever thread computes them.
    const pz = arena.ptr(z);
    const pa = arena.ptr(a);
    const tasks: Task[] = [];
    for (let r = 0; r < n; r += ROWS) {
      const m = Math.min(ROWS, n - r);
      tasks.push([
        ['sparse_forward', [this.zp + 4 * P * r, m, P, this.tab + 8 * r, mul, this.Wt, this.bias2]],
        ['bias_act', [pz + 4 * outF * r, pa + 4 * outF * r, this.zp + 4 * P * r, m, outF, P, 0, code]],
      ]);
    }
    helper.run(tasks);
  }

  /** dW (outF, F) = δᵀ·x for the loaded batch, given δ (n, outF) and db = colsum δ already computed. */
  backward(dW: Float32Array, db: Float32Array, delta: Float32Array, add: number): void {
    const { arena, F, outF, P, n, mul } = this;
    const fn = arena.fn;
    const helper = this.parallel();
    const pd = arena.ptr(delta);
    const pW = arena.ptr(dW);
    const pb = arena.ptr(db);
    if (!helper) {
      fn.sparse_dwt(this.dWt, P, F, outF, n, this.tab, mul, pd, 0, F);
      fn.dw_from_dwt(pW, this.dWt, outF, F, P, pb, add);
      return;
    }
    // dWt by ranges of inputs k holding similar numbers of nonzeros, then dW by blocks of units: disjoint rows.
    const cuts = this.kCuts();
    const dwt: Task[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) dwt.push([['sparse_dwt', [this.dWt, P, F, outF, n, this.tab, mul, pd, cuts[i]!, cuts[i + 1]!]]]);
    helper.run(dwt);
    const dw: Task[] = [];
    for (let j = 0; j < outF; j += UNITS) dw.push([['dw_from_dwt', [pW + 4 * j * F, this.dWt + 4 * j, Math.min(UNITS, outF - j), F, P, pb + 4 * j, add]]]);
    helper.run(dw);
  }

  /** Cuts 0 = k0 < k1 < … = F into K_CHUNKS ranges with about equal nonzeros in the indexed dataset (once). */
  private kCuts(): number[] {
    const index = this.index!;
    if (!index.cuts) {
      const rowOff = this.arena.i32(index.rowOff, index.rows + 1);
      const bytes = new Uint8Array(this.arena.memory.buffer);
      const counts = new Float64Array(this.F);
      for (let r = 0; r < index.rows; r++) {
        const at = index.data + rowOff[r]!;
        const count = (rowOff[r + 1]! - rowOff[r]!) / 3;
        for (let i = 0; i < count; i++) counts[bytes[at + 2 * i]! | (bytes[at + 2 * i + 1]! << 8)]!++;
      }
      index.cuts = balancedCuts(counts, K_CHUNKS);
    }
    return index.cuts;
  }

  /** The helper, when this batch came from a dataset index and is big enough to split. */
  private parallel(): Helper | null {
    return this.helper && this.n >= 32 && this.gathered ? this.helper : null;
  }

  /** Stop the helper thread, if any. */
  dispose(): void {
    this.helper?.dispose();
    this.helper = null;
  }
}
