// The first layer of a wasm model on byte inputs, through the sparse kernels, optionally split with a helper thread
// (each output element is computed by the same operations either way: same bits).
//
// It uses exact algebra on x = u·mul + add with u mostly 0 (MNIST's background):
//   X·Wᵀ = mul·(U·Wᵀ) + add·(1·Wᵀ)      δᵀ·X = mul·(δᵀ·U) + add·(colsum δ ⊗ 1)
// so only nonzero bytes cost multiply-adds; the add terms fold into a bias and into db. Results equal the dense
// kernels' up to float32 rounding (tested against gemmNaive on the scaled floats). A plain SGD step goes from the
// batch straight into the transposed weights (sgd_sparse): −lr·δᵀ·X is added in, never formed as dW unless read.
import { type ActivationName, activationForward } from '../../activations.js';
import { type Calls, type JobKind, put } from './layer-tasks.js';
import { type ByteIndex, MAX_SPARSE_DENSITY, buildIndex } from './sparse-index.js';
import { type NextLayer, type Part, Table, type Task, planParts } from './sparse-plan.js';
import { callKernel, Helper } from './threads.js';
import type { WasmArena } from './wasm.js';
import { actCode } from './wasm-layers.js';

export { MAX_SPARSE_DENSITY, type NextLayer };


/** Where the last backward pass's dW lives while it is still the batch's δ and row table (not yet formed). */
export interface PendingGradient {
  /** The batch's row table (one of the two tables, which loads alternate between). */
  tab: number;
  dW: number;
  db: number;
  delta: number;
  n: number;
  mul: number;
  add: number;
  /** Blocks from the dataset's index (true) or built from staged bytes (false). */
  gathered: boolean;
}

/**
 * The forward half of the sparse first layer (the training half, SparseFirstLayer, extends it in sparse-train.ts).
 * Scratch for one model's first layer on byte inputs, sized for `capacity` rows of F bytes, all in the model's arena:
 * staged bytes and their nonzero blocks, the batch's row table, the parts (one, or more for wide inputs), and the
 * index of one whole dataset's nonzeros (3 bytes each) for loadRows.
 *
 * With two threads every job is split in two tasks that the caller and a helper thread claim: the forward pass by
 * the batch's rows (each row's sums are the same operations on either thread), weight-side jobs by units, and the
 * gradient's scatter and the updates of Wt by rows of Wt (at 16-row block edges, balanced by the data's nonzeros).
 * Which thread runs a task never changes a bit.
 */
export class SparseForward {
  protected readonly parts: Part[];
  /** Per kind, every task: the job with two threads (or the only split there is). */
  protected readonly tasks: Record<JobKind, Task[]>;
  protected readonly lists: Record<JobKind, Calls[]>;
  /** The partial sums added as one task (over all rows): for one thread, and for batches not worth splitting. */
  protected readonly whole: Task[];
  protected readonly wholeList: Calls[];
  protected readonly raw: number;
  protected readonly blocks: number;
  protected readonly rowsBuf: number;
  /** Two row tables: a batch loads into the one the pending gradient does not use (it may still need its own). */
  protected readonly tabs: [number, number];
  protected tab: number;
  /** Tables of u·scale for every byte u (256 floats): the forward pass's (mul), the gradient's and the SGD step's. */
  protected readonly lut: Table;
  protected readonly gradLut: Table;
  protected readonly stepLut: Table;
  /** Whether the inputs are narrow enough for the blocks' u16 column offsets (F ≤ 65536). */
  protected readonly sparse: boolean;
  /** Every part's Wt and dWt row stride, in vectors (S) and floats (T = 4·S); block offsets are k·S. */
  protected readonly S: number;
  protected readonly T: number;
  /** Blocks of column sums per part (ceil(F / 16)). */
  protected readonly nb: number;
  /**
   * Where Wt's rows split between the two partial sums of the forward pass, and between two threads' shares of the
   * scatter and the updates: [0, kSplit) and [kSplit, F). A block edge near F/2, fixed by F alone (the sums, and so
   * every bit of the outputs, depend on it).
   */
  protected readonly kSplit: number;
  /** P zeros: the second partial sum's starting value. */
  protected readonly zeros: number;
  protected readonly threaded: boolean;
  /** The layers after this one that forward() makes too: readonly so the model can see how far it went. */
  readonly next: readonly NextLayer[];
  protected index: ByteIndex | null = null;
  protected tooDense: Uint8Array | null = null;
  protected n = 0;
  protected gathered = false;
  protected helper: Helper | null | undefined;
  /**
   * Where the weights are current. W (outF, F) is the backend's row-major copy; each part's Wt (F, T) (with its block
   * sums) is what the sparse kernels use. Plain SGD steps update Wt alone, so W is stale until it is needed (weights(),
   * which the backend calls before a dense pass reads W and at the readWeights sync point); writing W (writeWeights)
   * makes Wt stale (weightsWritten()). At least one is current.
   */
  protected wCurrent = true;
  protected wtCurrent = false;
  /**
   * The last backward pass's dW, kept as its batch's δ and row table until needed (sparse-train.ts): a plain SGD step
   * without L2 goes straight from them into Wt (sgd_sparse); reading dW forms dWt (the scatter) and then dW. Null once
   * a dense backward pass wrote dW. Loads keep its row table and form it before overwriting its blocks.
   */
  protected grad: PendingGradient | null = null;

  /** `threads` 2 splits the work with a helper thread (started on the first indexed batch) where the arena is shared. */
  constructor(
    protected readonly arena: WasmArena,
    protected readonly F: number,
    protected readonly outF: number,
    readonly capacity: number,
    threads = 1,
    /** Layers after this one that the forward tasks may take too (each batch row through all of them), in order. */
    next: readonly NextLayer[] = [],
  ) {
    const a = arena;
    this.raw = a.alloc(capacity * F);
    this.blocks = a.alloc(3 * this.batchLimit(capacity));
    this.rowsBuf = a.alloc(capacity * 4);
    this.tabs = [a.alloc(capacity * 8), a.alloc(capacity * 8)];
    this.tab = this.tabs[0];
    this.lut = new Table(a);
    this.gradLut = new Table(a);
    this.stepLut = new Table(a);
    const plan = planParts(a, F, outF, capacity, threads, next);
    this.parts = plan.parts;
    this.sparse = plan.sparse;
    this.S = plan.S;
    this.T = plan.T;
    this.nb = plan.nb;
    this.kSplit = plan.kSplit;
    this.zeros = plan.zeros;
    this.threaded = plan.threaded;
    this.next = plan.next;
    this.tasks = plan.tasks;
    this.lists = plan.lists;
    this.whole = plan.whole;
    this.wholeList = plan.wholeList;
  }

  protected batchLimit(n: number): number {
    return Math.floor(n * this.F * MAX_SPARSE_DENSITY);
  }

  /**
   * Take n rows of bytes (copied to the staging area) and index their nonzeros, to be scaled by mul. Returns false
   * when the batch is too dense for the sparse kernels; the bytes stay staged for expand().
   */
  loadBytes(raw: Uint8Array, n: number, mul: number): boolean {
    this.pickTab();
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
    this.pickTab();
    const index = this.sparse ? this.indexFor(inputs) : null;
    if (index) {
      const buf = arena.i32(this.rowsBuf, n);
      for (let r = 0; r < n; r++) buf[r] = rows[start + r]!;
      const nnz = arena.fn.rows_table(this.rowsBuf, n, index.rowOff, index.data, this.tab);
      if (nnz <= this.batchLimit(n)) {
        if (this.helper === undefined) this.helper = this.threaded ? Helper.create(arena) : null;
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

  /** The row table for the next batch: the one the pending gradient does not use. */
  protected pickTab(): void {
    this.tab = this.grad?.tab === this.tabs[0] ? this.tabs[1] : this.tabs[0];
  }

  protected loadStaged(n: number, mul: number): boolean {
    // The staged blocks are about to be rebuilt: form a pending gradient that still reads them first.
    if (this.grad && !this.grad.gathered) this.formGradient();
    const nnz = this.sparse ? this.arena.fn.blocks_build(this.raw, n, this.F, this.blocks, this.batchLimit(n), this.tab, this.S) : -1;
    this.set(nnz >= 0 ? n : 0, mul, false); // staged batches (evaluation, dense data) run on one thread
    return nnz >= 0;
  }

  protected set(n: number, mul: number, gathered: boolean): void {
    this.n = n;
    this.gathered = gathered;
    this.lut.make(mul);
  }

  /** The index of `inputs`, built on first use; null when the data is too dense or too wide to index. */
  protected indexFor(inputs: Uint8Array): ByteIndex | null {
    if (this.index?.source === inputs) return this.index;
    if (this.tooDense === inputs) return null;
    const { arena, F, capacity } = this;
    // The index (and the staging area) is about to be rewritten: form a pending gradient that still reads it first.
    if (this.grad?.gathered) this.formGradient();
    const index = buildIndex(arena, this.raw, capacity, F, this.S, inputs, this.index);
    if (!index) {
      this.tooDense = inputs;
      return null;
    }
    this.index = index;
    return index;
  }

  /** The staged bytes as floats u·mul + add into `x` (an arena view): the dense fallback. */
  expand(x: Float32Array, n: number, mul: number, add: number): void {
    this.arena.fn.bytes_to_f32(this.arena.ptr(x), this.raw, n * this.F, mul, add);
  }

  /**
   * z (n, outF) = x·Wᵀ + b and a = f(z) for the loaded batch, and the next layers' z and a (see NextLayer) unless
   * `along` is false; W (outF, F), b (outF) arena views.
   */
  forward(z: Float32Array, a: Float32Array, W: Float32Array, b: Float32Array, add: number, act: ActivationName, along = true): void {
    const { arena, outF, n, F, S } = this;
    const code = actCode(act);
    if (!this.wtCurrent) this.transpose(arena.ptr(W));
    const pz = arena.ptr(z);
    const pa = arena.ptr(a);
    const pb = arena.ptr(b);
    const split = Boolean(this.helper && n >= 32 && this.gathered);
    // Two partial sums per part, over rows of Wt below and from the split (each thread its own rows of Wt) ...
    for (const { part: p, i, calls: c } of this.tasks.partial) {
      let at = 0;
      if (this.threaded) put(c[at++], 'rows_touch', this.tab, split ? n : 0); // unsplit: a small batch, or staged blocks just built
      if (i === 0) put(c[at++], 'bias_from_blocks', p.bias2, pb + 4 * p.j0, p.blocks, this.nb, p.units, p.P, add);
      if (i === 0) put(c[at], 'sparse_forward', p.z0, n, p.P, this.tab, this.lut.ptr, p.Wt, p.bias2, 0, this.kSplit, F, S);
      else put(c[at], 'sparse_forward', p.z1, n, p.P, this.tab, this.lut.ptr, p.Wt, this.zeros, this.kSplit, F, F, S);
    }
    this.runOn('partial', split);
    // ... then added, with the activation and the next layers, by rows: every row costs the same here, so halves, at
    // an even row (gemm_nt then pairs the same rows as on one thread).
    const half = split ? 2 * Math.floor(n / 4) : n;
    for (const t of split ? this.tasks.combine : this.whole) {
      const r0 = t.i === 0 ? 0 : half;
      const rows = t.i === 0 ? half : n - half;
      let at = 0;
      for (const p of this.parts) {
        const o = 4 * (r0 * outF + p.j0);
        put(t.calls[at++], 'pair_act', pz + o, pa + o, p.z0 + 4 * p.P * r0, p.z1 + 4 * p.P * r0, rows, p.units, outF, p.P, code);
      }
      let x = pa;
      let inF = outF;
      const nextRows = along ? rows : 0; // not along: the calls stay, over no rows
      for (const l of this.next) {
        put(t.calls[at++], 'gemm_nt', l.z + 4 * r0 * l.outF, x + 4 * r0 * inF, l.W, nextRows, l.outF, l.inF);
        put(t.calls[at++], 'bias_act', l.z + 4 * r0 * l.outF, l.a + 4 * r0 * l.outF, l.z + 4 * r0 * l.outF, nextRows, l.outF, l.outF, l.outF, l.b, l.act);
        x = l.a;
        inF = l.outF;
      }
    }
    if (split) this.helper!.run(this.lists.combine);
    else this.runHere(this.wholeList);
    if (code === 3) activationForward(act, a, z, n, outF);
  }

  /** Each part's Wt and block sums from W (at pW). */
  protected transpose(pW: number): void {
    const { F, T } = this;
    for (const { part: p, i, calls: c } of this.tasks.transpose) {
      const s = p.slices[i]!;
      put(c[0], 'wt_from_w', p.Wt + 4 * s.u0, T, pW + 4 * (p.j0 + s.u0) * F, s.units, F, s.P, p.blocks + 4 * s.u0, p.P);
    }
    this.runAll('transpose');
    this.wtCurrent = true;
  }

  /** Bring W (outF, F) up to date after steps made on Wt; `W` is its view. */
  weights(W: Float32Array): void {
    if (this.wCurrent) return;
    const pw = this.arena.ptr(W);
    const { F, T } = this;
    // dw_from_dwt without a constant term (db = 0) is a plain transpose.
    for (const { part: p, i, calls: c } of this.tasks.untranspose) {
      const s = p.slices[i]!;
      put(c[0], 'dw_from_dwt', pw + 4 * (p.j0 + s.u0) * F, p.Wt + 4 * s.u0, s.units, F, T, 0, 0);
    }
    this.runAll('untranspose');
    this.wCurrent = true;
  }

  /** W was (or may have been) written from outside: make Wt from it again before it is used. W must be current. */
  weightsWritten(): void {
    this.wCurrent = true;
    this.wtCurrent = false;
  }

  /** Form the pending gradient before its row table or blocks are overwritten (the training layer does). */
  protected formGradient(): void {}

  /** A batch job: on the helper and this thread when the batch is worth splitting, else in order here. */
  protected run(kind: JobKind): void {
    this.runOn(kind, this.n >= 32 && this.gathered);
  }

  /** Jobs over the weights rather than the batch (transposes, the scatter, updates): split whenever there is a helper. */
  protected runAll(kind: JobKind): void {
    this.runOn(kind, true);
  }

  protected runOn(kind: JobKind, split: boolean): void {
    if (this.helper && split) this.helper.run(this.lists[kind]);
    else this.runHere(this.lists[kind]);
  }

  protected runHere(list: Calls[]): void {
    const fn = this.arena.fn;
    for (const task of list) for (const [op, args] of task) callKernel(fn, op, args);
  }

  /** Stop the helper thread, if any. */
  dispose(): void {
    this.helper?.dispose();
    this.helper = null;
  }
}

