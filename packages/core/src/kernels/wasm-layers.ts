// Layer-level steps on the wasm kernels for a model whose buffers live in a WasmArena: dense forward with fused bias
// and activation, activation backward, and the first layer on byte inputs through the sparse kernels, optionally
// split with a helper thread (each output element is computed by the same operations either way: same bits).
//
// The sparse first layer uses exact algebra on x = u·mul + add with u mostly 0 (MNIST's background):
//   X·Wᵀ = mul·(U·Wᵀ) + add·(1·Wᵀ)      δᵀ·X = mul·(δᵀ·U) + add·(colsum δ ⊗ 1)
// so only nonzero bytes cost multiply-adds; the add terms fold into a bias and into db. Results equal the dense
// kernels' up to float32 rounding (tested against gemmNaive on the scaled floats).
import { type ActivationName, activationBackward, activationForward } from '../activations.js';
import { callKernel, Helper, type HelperOp, opArity } from './threads.js';
import type { WasmArena } from './wasm.js';

/** Above this share of nonzero bytes a batch takes the dense kernels instead (the sparse ones stop paying). */
export const MAX_SPARSE_DENSITY = 0.5;

/** The largest column offset a block can hold (u16). */
const OFFSET_LIMIT = 65535;
/** At most this many parts (a helper job holds at most 128 tasks); a layer that would need more takes the dense kernels. */
const MAX_PARTS = 32;

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
  arena.fn.bias_act(arena.ptr(z), arena.ptr(a), src, n, outF, outF, stride, b, code);
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
}

/**
 * The first layer's units j0 .. j0+units, padded to P (a multiple of 4), with their own transposed weights Wt (F, T),
 * gradient dWt (F, T) (T ≥ P, the same for every part), constant part bias2 (P) and pre-activations zp (capacity, P).
 * With two threads each thread takes whole parts for the whole batch (forward, gradient and update), so these
 * matrices never travel between cores.
 */
interface Part {
  j0: number;
  units: number;
  P: number;
  Wt: number;
  dWt: number;
  bias2: number;
  zp: number;
  /** Σ_k W[j, k] per unit, as of Wt (for the forward pass's constant part). */
  wsum: number;
  /** Its tasks, made once; each batch rewrites their arguments in place (no allocation per batch). */
  forward: Job;
  /** forward with Wt current: only the constant part is recomputed (from wsum and b). */
  fresh: Job;
  backward: Job;
  /** backward() with the next layer's weight gradient and this layer's δ computed first, for its columns. */
  through: Job;
  /** dW from dWt, when the gradient is read. */
  gradient: Job;
  /** Wt (and wsum) from W, when W changed and Wt is needed before a forward pass. */
  transpose: Job;
  /** W from Wt, when W is read after steps made on Wt. */
  untranspose: Job;
  /** Plain SGD on Wt from dWt (sgd_t). */
  transposed: Job;
  momentum: Job;
  plain: Job;
}

/** A task whose argument arrays are reused. */
type Job = [HelperOp, number[]][];

function job(...ops: HelperOp[]): Job {
  return ops.map((op) => [op, new Array<number>(opArity(op)).fill(0)]);
}

/** Overwrite a call's arguments (5 to 11 of them, as many as the array holds) in place. */
function put(args: number[], v0: number, v1: number, v2: number, v3: number, v4: number, v5 = 0, v6 = 0, v7 = 0, v8 = 0, v9 = 0, v10 = 0): void {
  const n = args.length;
  args[0] = v0;
  args[1] = v1;
  args[2] = v2;
  args[3] = v3;
  args[4] = v4;
  if (n > 5) args[5] = v5;
  if (n > 6) args[6] = v6;
  if (n > 7) args[7] = v7;
  if (n > 8) args[8] = v8;
  if (n > 9) args[9] = v9;
  if (n > 10) args[10] = v10;
}

function put2(args: number[], v0: number, v1: number): void {
  args[0] = v0;
  args[1] = v1;
}

type JobKind = 'forward' | 'fresh' | 'backward' | 'through' | 'gradient' | 'transpose' | 'untranspose' | 'transposed' | 'momentum' | 'plain';

/**
 * Scratch for one model's first layer on byte inputs, sized for `capacity` rows of F bytes, all in the model's arena:
 * staged bytes and their nonzero blocks, the batch's row table, the parts (one, or more with threads or wide inputs), and the index
 * of one whole dataset's nonzeros (3 bytes each) for loadRows.
 */
export class SparseFirstLayer {
  private readonly parts: Part[] = [];
  /** Per kind, every part's job (the same arrays the parts hold). */
  private readonly jobs: Record<JobKind, Job[]>;
  private readonly raw: number;
  private readonly blocks: number;
  private readonly rowsBuf: number;
  private readonly tab: number;
  /** lut[u] = u·mul (256 floats) for the loaded batch's mul, made again only when mul changes. */
  private readonly lut: number;
  private lutMul = Number.NaN;
  /** Whether the inputs are narrow enough for the blocks' u16 column offsets (F ≤ 65536). */
  private readonly sparse: boolean;
  /** Every part's Wt and dWt row stride, in vectors (S) and floats (T = 4·S); block offsets are k·S. */
  private readonly S: number;
  private readonly T: number;
  private index: ByteIndex | null = null;
  private tooDense: Uint8Array | null = null;
  private n = 0;
  private gathered = false;
  private helper: Helper | null | undefined;
  /**
   * Where the weights are current. W (outF, F) is the public copy; each part's Wt (F, T) is what the sparse kernels
   * use. Plain SGD steps (sgd_t) update Wt alone, so W goes stale until someone reads it (weights(), which the model
   * calls from its W getter); writing W from outside makes Wt stale (weightsWritten()). At least one is current.
   */
  private wCurrent = true;
  private wtCurrent = false;
  /**
   * The last backward pass's dW still in dWt form (not yet transposed into dW): where dW and db live and the constant
   * term. gradient() writes dW; a plain SGD step can use dWt as it is.
   */
  private pending = false;
  private pendingDW = 0;
  private pendingDb = 0;
  private pendingAdd = 0;

  /** `threads` 2 splits the work with a helper thread (started on the first indexed batch) where the arena is shared. */
  constructor(
    private readonly arena: WasmArena,
    private readonly F: number,
    private readonly outF: number,
    readonly capacity: number,
    private readonly threads = 1,
  ) {
    const a = arena;
    this.raw = a.alloc(capacity * F);
    this.blocks = a.alloc(3 * this.batchLimit(capacity));
    this.rowsBuf = a.alloc(capacity * 4);
    this.tab = a.alloc(capacity * 8);
    this.lut = a.alloc(256 * 4);
    // Parts of about equal width, two or more for two threads, each buffer on cache lines of its own. The blocks hold
    // column offsets k·S (u16) with every part's Wt and dWt rows T = 4·S floats apart, so (F − 1)·S ≤ 65535 bounds a
    // part's width: a wide layer takes several parts even on one thread (rows of more than 13 vectors take several
    // passes over their nonzeros anyway). Wider inputs (F > 65536), or a layer that would need over MAX_PARTS parts,
    // never take the sparse kernels.
    const V = Math.ceil(outF / 4);
    const maxS = Math.floor(OFFSET_LIMIT / Math.max(1, F - 1));
    this.sparse = maxS >= 1 && Math.ceil(V / maxS) <= MAX_PARTS;
    const count = Math.min(V, Math.max(threads > 1 ? 2 : 1, this.sparse ? Math.ceil(V / maxS) : 1));
    this.S = Math.ceil(V / count);
    this.T = 4 * this.S;
    const T = this.T;
    const threaded = threads > 1 && count > 1;
    const line = (bytes: number) => (a.alloc(bytes + 48) + 63) & ~63;
    const rowsT = this.sparse ? F : 0; // without the sparse kernels the parts only split the update of W
    for (let i = 0, v0 = 0; i < count; i++) {
      const v1 = v0 + Math.floor(V / count) + (i < V % count ? 1 : 0);
      const j0 = 4 * v0;
      const P = 4 * (v1 - v0);
      const units = Math.min(outF, 4 * v1) - j0;
      v0 = v1;
      this.parts.push({
        j0, units, P, Wt: line(rowsT * T * 4), dWt: line(rowsT * T * 4), bias2: line(P * 4), zp: line(capacity * P * 4), wsum: line(T * 4),
        forward: threaded ? job('rows_touch', 'wt_from_w', 'sparse_forward', 'bias_act') : job('wt_from_w', 'sparse_forward', 'bias_act'),
        fresh: threaded ? job('rows_touch', 'bias_from_sums', 'sparse_forward', 'bias_act') : job('bias_from_sums', 'sparse_forward', 'bias_act'),
        backward: job('sparse_dwt'),
        through: job('gemm_axpy', 'gemm_axpy', 'act_colsum', 'sparse_dwt'),
        gradient: job('dw_from_dwt'),
        transpose: job('wt_from_w'),
        untranspose: job('dw_from_dwt'),
        transposed: job('sgd_t'),
        momentum: job('sgd_momentum'),
        plain: job('sgd_plain'),
      });
    }
    const kinds: JobKind[] = ['forward', 'fresh', 'backward', 'through', 'gradient', 'transpose', 'untranspose', 'transposed', 'momentum', 'plain'];
    this.jobs = Object.fromEntries(kinds.map((k) => [k, this.parts.map((p) => p[k])])) as Record<JobKind, Job[]>;
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
    const index = this.sparse ? this.indexFor(inputs) : null;
    if (index) {
      const buf = arena.i32(this.rowsBuf, n);
      for (let r = 0; r < n; r++) buf[r] = rows[start + r]!;
      if (arena.fn.rows_table(this.rowsBuf, n, index.rowOff, index.data, this.tab) <= this.batchLimit(n)) {
        if (this.helper === undefined) this.helper = this.threads > 1 && this.parts.length > 1 ? Helper.create(arena) : null;
        if (!this.helper) arena.fn.rows_touch(this.tab, n);
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
    const ok = this.sparse && this.arena.fn.blocks_build(this.raw, n, this.F, this.blocks, this.batchLimit(n), this.tab, this.S) >= 0;
    this.set(ok ? n : 0, mul, false); // staged batches (evaluation, dense data) run on one thread
    return ok;
  }

  private set(n: number, mul: number, gathered: boolean): void {
    this.n = n;
    this.gathered = gathered;
    if (mul !== this.lutMul) {
      this.arena.fn.scale_table(this.lut, mul);
      this.lutMul = mul;
    }
  }

  /** The index of `inputs`, built on first use; null when the data is too dense or too wide to index. */
  private indexFor(inputs: Uint8Array): ByteIndex | null {
    if (this.index?.source === inputs) return this.index;
    if (this.tooDense === inputs) return null;
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
      index = { source: null, rows: count, entries, rowOff: arena.alloc((count + 1) * 4), data: arena.alloc(entries * 3) };
    }
    let e = 0;
    chunks((s, rows) => {
      e = arena.fn.bytes_index(this.raw, rows, F, index.rowOff + s * 4, index.data, e, this.S);
    });
    index.source = inputs;
    this.index = index;
    return index;
  }

  /** The staged bytes as floats u·mul + add into `x` (an arena view): the dense fallback. */
  expand(x: Float32Array, n: number, mul: number, add: number): void {
    this.arena.fn.bytes_to_f32(this.arena.ptr(x), this.raw, n * this.F, mul, add);
  }

  /** z (n, outF) = x·Wᵀ + b and a = f(z) for the loaded batch; W (outF, F), b (outF) arena views. */
  forward(z: Float32Array, a: Float32Array, W: Float32Array, b: Float32Array, add: number, act: ActivationName): void {
    const { arena, F, outF, n } = this;
    const code = actCode(act);
    const pz = arena.ptr(z);
    const pa = arena.ptr(a);
    const pW = arena.ptr(W);
    const pb = arena.ptr(b);
    // Per part: its Wt, wsum and bias2 from W and b (only bias2 when Wt is current), the sums, then bias and
    // activation into its columns of z and a.
    const kind = this.wtCurrent ? 'fresh' : 'forward';
    for (const p of this.parts) {
      const calls = p[kind];
      const at = calls.length - 3;
      if (at > 0) put2(calls[0]![1], this.tab, n); // with two threads each touches the batch's blocks into its own cache
      if (kind === 'fresh') put(calls[at]![1], p.bias2, pb + 4 * p.j0, p.wsum, p.units, p.P, add);
      else put(calls[at]![1], p.Wt, this.T, pW + 4 * p.j0 * F, p.units, F, p.P, pb + 4 * p.j0, add, p.bias2, p.wsum);
      put(calls[at + 1]![1], p.zp, n, p.P, this.tab, this.lut, p.Wt, p.bias2);
      put(calls[at + 2]![1], pz + 4 * p.j0, pa + 4 * p.j0, p.zp, n, p.units, outF, p.P, 0, code);
    }
    this.run(kind);
    this.wtCurrent = true;
    if (code === 3) activationForward(act, a, z, n, outF);
  }

  /**
   * dW (outF, F) = δᵀ·x for the loaded batch, given δ (n, outF) and db = colsum δ already computed. The gradient
   * stays in dWt form until gradient() writes dW (a plain SGD step uses dWt directly).
   */
  backward(dW: Float32Array, db: Float32Array, delta: Float32Array, add: number): void {
    const { arena, F, outF, n } = this;
    const pd = arena.ptr(delta);
    // sparse_dwt reads up to 3 floats past a part's columns of δ (the next part's, or the slack after δ): pad columns.
    for (const p of this.parts) put(p.backward[0]![1], p.dWt, p.P, this.T, F, outF, n, this.tab, this.lut, pd + 4 * p.j0, 0, F);
    this.run('backward');
    this.setPending(arena.ptr(dW), arena.ptr(db), add);
  }

  /** Note that the gradient for dW (at dW, with db and add for its constant term) is in dWt form. No allocation. */
  private setPending(dW: number, db: number, add: number): void {
    this.pending = true;
    this.pendingDW = dW;
    this.pendingDb = db;
    this.pendingAdd = add;
  }

  /** Write the last backward pass's dW (still in dWt form) into dW, if it is not there yet. */
  gradient(): void {
    if (!this.pending) return;
    const { F } = this;
    for (const p of this.parts) put(p.gradient[0]![1], this.pendingDW + 4 * p.j0 * F, p.dWt, p.units, F, this.T, this.pendingDb + 4 * p.j0, this.pendingAdd);
    this.runAll('gradient');
    this.pending = false;
  }

  /** dW was written by another path (a dense backward pass): dWt no longer holds the gradient. */
  dropGradient(): void {
    this.pending = false;
  }

  /** Bring W (outF, F) up to date after steps made on Wt; `W` is its view. */
  weights(W: Float32Array): void {
    if (this.wCurrent) return;
    const pw = this.arena.ptr(W);
    const { F } = this;
    // dw_from_dwt without a constant term (db = 0) is a plain transpose.
    for (const p of this.parts) put(p.untranspose[0]![1], pw + 4 * p.j0 * F, p.Wt, p.units, F, this.T, 0, 0);
    this.runAll('untranspose');
    this.wCurrent = true;
  }

  /** W was (or may have been) written from outside: make Wt from it again before it is used. W must be current. */
  weightsWritten(): void {
    this.wCurrent = true;
    this.wtCurrent = false;
  }

  /**
   * The backward pass from the next layer's δ1 (n, next) down to this layer's weight gradient, split by this layer's
   * units so each thread does its columns of every step: dW1[:, part] = δ1ᵀ·a[:, part] (W1, dW1 (next, outF));
   * δ[:, part] = (δ1·W1[:, part]) ⊙ f'(a[:, part]); db[part] = its column sums; then dW (in dWt form) as backward().
   * `a` is this layer's forward output. Returns false, doing nothing, for a hidden activation other than linear,
   * sigmoid or relu (the caller then takes the layer-by-layer path).
   */
  backwardThrough(
    dW1: Float32Array,
    delta1: Float32Array,
    W1: Float32Array,
    next: number,
    a: Float32Array,
    delta: Float32Array,
    dW: Float32Array,
    db: Float32Array,
    add: number,
    act: ActivationName,
  ): boolean {
    const code = actCode(act);
    if (code === 3) return false;
    const { arena, F, outF, n } = this;
    const pdW1 = arena.ptr(dW1);
    const pd1 = arena.ptr(delta1);
    const pW1 = arena.ptr(W1);
    const pa = arena.ptr(a);
    const pd = arena.ptr(delta);
    const pW = arena.ptr(dW);
    const pb = arena.ptr(db);
    for (const p of this.parts) {
      const [g1, g2, ac, s] = p.through;
      const col = 4 * p.j0;
      put(g1![1], pdW1 + col, pd1, pa + col, next, p.units, n, 1, next, outF, outF);
      put(g2![1], pd + col, pd1, pW1 + col, n, p.units, next, next, 1, outF, outF);
      put(ac![1], pd + col, pa + col, n, p.units, outF, code, pb + col);
      put(s![1], p.dWt, p.P, this.T, F, outF, n, this.tab, this.lut, pd + col, 0, F);
    }
    this.run('through');
    this.setPending(pW, pb, add);
    return true;
  }

  /**
   * The SGD update of the first layer's weights W (outF, F) from dW, with velocity v or null (sgd_momentum and
   * sgd_plain), by the thread that owns each part's rows.
   */
  update(W: Float32Array, dW: Float32Array, v: Float32Array | null, lr: number, mu: number, l2: number): void {
    const { arena, F } = this;
    const pw = arena.ptr(W);
    const pg = arena.ptr(dW);
    const pv = v ? arena.ptr(v) : 0;
    if (!v && this.pending && this.pendingDW === pg) {
      // Plain SGD with the gradient still in dWt form: step Wt itself (no transposes); W catches up when read.
      if (!this.wtCurrent) {
        // Wt and wsum from W (no bias here: the next forward pass makes bias2 again from wsum and the real b).
        for (const p of this.parts) put(p.transpose[0]![1], p.Wt, this.T, pw + 4 * p.j0 * F, p.units, F, p.P, p.bias2, 0, p.bias2, p.wsum);
        this.runAll('transpose');
      }
      for (const p of this.parts) put(p.transposed[0]![1], p.Wt, p.dWt, this.T, this.pendingDb + 4 * p.j0, this.pendingAdd, p.units, F, lr, l2, p.wsum);
      this.runAll('transposed');
      this.wtCurrent = true;
      this.wCurrent = false;
      return;
    }
    this.gradient();
    this.weights(W);
    for (const p of this.parts) {
      const at = 4 * p.j0 * F;
      const len = p.units * F;
      if (v) put(p.momentum[0]![1], pw + at, pg + at, pv + at, len, lr, mu, l2);
      else put(p.plain[0]![1], pw + at, pg + at, len, lr, l2);
    }
    this.runAll(v ? 'momentum' : 'plain');
    this.wtCurrent = false;
  }

  /** Each part's job of that kind: on the helper and this thread when the batch is split, else in order here. */
  private run(kind: JobKind): void {
    this.runOn(kind, this.n >= 32 && this.gathered);
  }

  /** Jobs over the weights rather than the batch (gradient, transposes, updates): split whenever there is a helper. */
  private runAll(kind: JobKind): void {
    this.runOn(kind, true);
  }

  private runOn(kind: JobKind, split: boolean): void {
    const helper = this.helper && split ? this.helper : null;
    if (helper) {
      helper.run(this.jobs[kind]);
      return;
    }
    const fn = this.arena.fn;
    for (const p of this.parts) for (const [op, args] of p[kind]) callKernel(fn, op, args);
  }

  /** Stop the helper thread, if any. */
  dispose(): void {
    this.helper?.dispose();
    this.helper = null;
  }
}
