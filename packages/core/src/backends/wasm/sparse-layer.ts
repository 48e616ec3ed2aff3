// The first layer of a wasm model on byte inputs, through the sparse kernels, optionally split with a helper thread
// (each output element is computed by the same operations either way: same bits).
//
// It uses exact algebra on x = u·mul + add with u mostly 0 (MNIST's background):
//   X·Wᵀ = mul·(U·Wᵀ) + add·(1·Wᵀ)      δᵀ·X = mul·(δᵀ·U) + add·(colsum δ ⊗ 1)
// so only nonzero bytes cost multiply-adds; the add terms fold into a bias and into db. Results equal the dense
// kernels' up to float32 rounding (tested against gemmNaive on the scaled floats). A plain SGD step goes from the
// batch straight into the transposed weights (sgd_sparse): −lr·δᵀ·X is added in, never formed as dW unless read.
import { type ActivationName, activationForward } from '../../activations.js';
import { BY_SLICES, type Calls, calls, type JobKind, OPS, put } from './layer-tasks.js';
import { callKernel, Helper } from './threads.js';
import type { WasmArena } from './wasm.js';
import { actCode } from './wasm-layers.js';

/** Above this share of nonzero bytes a batch takes the dense kernels instead (the sparse ones stop paying). */
export const MAX_SPARSE_DENSITY = 0.5;

/** The largest column offset a block can hold (u16). */
const OFFSET_LIMIT = 65535;
/** At most this many parts (two tasks each; a helper job holds at most 128); a layer that would need more takes the dense kernels. */
const MAX_PARTS = 32;

interface ByteIndex {
  source: Uint8Array | null;
  rows: number;
  entries: number;
  /** Byte offsets of each row's block in data (rows + 1 entries). */
  rowOff: number;
  /** Row blocks: the nonzeros' columns (u16), then their bytes (u8). */
  data: number;
}

/** Rows of Wt per block of column sums (the kernels' BLOCK): rows are split between threads only at these edges. */
const BLOCK = 16;

/** Units [u0, u0 + units) of a part (u0 a multiple of 4), padded to P: what one thread takes of a weight-side job. */
interface Slice {
  u0: number;
  units: number;
  P: number;
}

/**
 * The first layer's units j0 .. j0+units, padded to P (a multiple of 4), with their own transposed weights Wt (F, T),
 * gradient dWt (F, T) (T ≥ P, the same for every part), Wt's column sums in blocks of 16 rows (nb, P), the forward
 * pass's two partial sums z0 and z1 (capacity, P) (rows of Wt below the split, with the constant part bias2 (P), and
 * from it). One part unless the inputs are too wide for one (the blocks' u16 offsets); threads split the work inside a
 * part instead.
 */
interface Part {
  j0: number;
  units: number;
  P: number;
  Wt: number;
  dWt: number;
  blocks: number;
  z0: number;
  z1: number;
  bias2: number;
  slices: Slice[];
}

/** One task of a job: its part, which slice / row range / k-range of it (i), and its calls. */
interface Task {
  part: Part;
  i: number;
  calls: Calls;
}

/**
 * A dense layer after the first whose forward pass the forward tasks also make, for their rows: z = x·Wᵀ + b (gemm_nt)
 * and a = f(z) with activation code `act` (0–2), every buffer a pointer into the arena; x is the previous layer's a.
 */
export interface NextLayer {
  z: number;
  a: number;
  W: number;
  b: number;
  inF: number;
  outF: number;
  act: number;
}

/** Where the last backward pass's dW lives while it is still the batch's δ and row table (not yet formed). */
interface PendingGradient {
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
 * Scratch for one model's first layer on byte inputs, sized for `capacity` rows of F bytes, all in the model's arena:
 * staged bytes and their nonzero blocks, the batch's row table, the parts (one, or more for wide inputs), and the
 * index of one whole dataset's nonzeros (3 bytes each) for loadRows.
 *
 * With two threads every job is split in two tasks that the caller and a helper thread claim: the forward pass by
 * the batch's rows (each row's sums are the same operations on either thread), weight-side jobs by units, and the
 * gradient's scatter and the updates of Wt by rows of Wt (at 16-row block edges, balanced by the data's nonzeros).
 * Which thread runs a task never changes a bit.
 */
export class SparseFirstLayer {
  private readonly parts: Part[] = [];
  /** Per kind, every task: the job with two threads (or the only split there is). */
  private readonly tasks: Record<JobKind, Task[]>;
  private readonly lists: Record<JobKind, Calls[]>;
  /** The partial sums added as one task (over all rows): for one thread, and for batches not worth splitting. */
  private readonly whole: Task[];
  private readonly wholeList: Calls[];
  private readonly raw: number;
  private readonly blocks: number;
  private readonly rowsBuf: number;
  /** Two row tables: a batch loads into the one the pending gradient does not use (it may still need its own). */
  private readonly tabs: [number, number];
  private tab: number;
  /** Tables of u·scale for every byte u (256 floats): the forward pass's (mul), the gradient's and the SGD step's. */
  private readonly lut: Table;
  private readonly gradLut: Table;
  private readonly stepLut: Table;
  /** Whether the inputs are narrow enough for the blocks' u16 column offsets (F ≤ 65536). */
  private readonly sparse: boolean;
  /** Every part's Wt and dWt row stride, in vectors (S) and floats (T = 4·S); block offsets are k·S. */
  private readonly S: number;
  private readonly T: number;
  /** Blocks of column sums per part (ceil(F / 16)). */
  private readonly nb: number;
  /**
   * Where Wt's rows split between the two partial sums of the forward pass, and between two threads' shares of the
   * scatter and the updates: [0, kSplit) and [kSplit, F). A block edge near F/2, fixed by F alone (the sums, and so
   * every bit of the outputs, depend on it).
   */
  private readonly kSplit: number;
  /** P zeros: the second partial sum's starting value. */
  private readonly zeros: number;
  private readonly threaded: boolean;
  /** The layers after this one that forward() makes too: readonly so the model can see how far it went. */
  readonly next: readonly NextLayer[];
  private index: ByteIndex | null = null;
  private tooDense: Uint8Array | null = null;
  private n = 0;
  private gathered = false;
  private helper: Helper | null | undefined;
  /**
   * Where the weights are current. W (outF, F) is the public copy; each part's Wt (F, T) (with its block sums) is what
   * the sparse kernels use. Plain SGD steps update Wt alone, so W goes stale until someone reads it (weights(), which
   * the model calls from its W getter); writing W from outside makes Wt stale (weightsWritten()). At least one is current.
   */
  private wCurrent = true;
  private wtCurrent = false;
  /**
   * The last backward pass's dW, kept as its batch's δ and row table until needed: a plain SGD step without L2 goes
   * straight from them into Wt (sgd_sparse); reading dW forms dWt (the scatter) and then dW. Null once a dense
   * backward pass wrote dW.
   */
  private grad: PendingGradient | null = null;
  /** The object grad points to while there is one (rewritten per batch: no allocation). */
  private readonly pendingGrad: PendingGradient = { tab: 0, dW: 0, db: 0, delta: 0, n: 0, mul: 0, add: 0, gathered: false };
  private dWtHolds = false;
  private dWWritten = false;

  /** `threads` 2 splits the work with a helper thread (started on the first indexed batch) where the arena is shared. */
  constructor(
    private readonly arena: WasmArena,
    private readonly F: number,
    private readonly outF: number,
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
    // Parts of about equal width, each buffer on cache lines of its own. The blocks hold column offsets k·S (u16) with
    // every part's Wt and dWt rows T = 4·S floats apart, so (F − 1)·S ≤ 65535 bounds a part's width: a wide layer
    // takes several parts (rows of more than 13 vectors take several passes over their nonzeros anyway). Wider inputs
    // (F > 65536), or a layer that would need over MAX_PARTS parts, never take the sparse kernels.
    const V = Math.ceil(outF / 4);
    const maxS = Math.floor(OFFSET_LIMIT / Math.max(1, F - 1));
    this.sparse = maxS >= 1 && Math.ceil(V / maxS) <= MAX_PARTS;
    const count = this.sparse ? Math.ceil(V / maxS) : 1;
    this.S = Math.ceil(V / count);
    this.T = 4 * this.S;
    this.nb = Math.ceil(F / BLOCK);
    this.threaded = threads > 1;
    this.kSplit = Math.min(F, Math.round(F / 2 / BLOCK) * BLOCK);
    // The next layers ride along only when one part has every unit (each row's tasks then see the whole layer).
    this.next = count === 1 ? next : [];
    const T = this.T;
    const line = (bytes: number) => (a.alloc(bytes + 48) + 63) & ~63;
    const rowsT = this.sparse ? F : 0; // without the sparse kernels the parts only split the update of W
    const rowTasks = this.threaded ? 2 : 1;
    for (let i = 0, v0 = 0; i < count; i++) {
      const v1 = v0 + Math.floor(V / count) + (i < V % count ? 1 : 0);
      const j0 = 4 * v0;
      const P = 4 * (v1 - v0);
      const units = Math.min(outF, 4 * v1) - j0;
      v0 = v1;
      // Two unit slices with two threads (when the part has two vectors), else one.
      const h = this.threaded && P >= 8 ? 4 * Math.floor(P / 8) : P; // the helper's slice (the first) no wider
      const slices = h < P ? [{ u0: 0, units: h, P: h }, { u0: h, units: units - h, P: P - h }] : [{ u0: 0, units, P }];
      this.parts.push({
        j0, units, P, slices,
        Wt: line(rowsT * T * 4), dWt: line(rowsT * T * 4), blocks: line(this.nb * P * 4), z0: line(capacity * P * 4), z1: line(capacity * P * 4),
        bias2: line(P * 4),
      });
    }
    this.zeros = line(T * 4);
    const make = (kind: JobKind, i: number, p: Part): Task => {
      let ops = OPS[kind];
      // Each partial sum's task touches the batch's blocks into its thread's cache first; the first also makes bias2.
      if (kind === 'partial') ops = [...(this.threaded ? ['rows_touch' as const] : []), ...(i === 0 ? ['bias_from_blocks' as const] : []), 'sparse_forward'];
      // The sums added for some rows, every part's columns, then the next layers for those rows.
      if (kind === 'combine') ops = [...this.parts.map(() => 'pair_act' as const), ...this.next.flatMap(() => ['gemm_nt' as const, 'bias_act' as const])];
      return { part: p, i, calls: calls(...ops) };
    };
    const kinds = Object.keys(OPS) as JobKind[];
    // Ordered by i (the helper claims from the front, this thread from the back).
    const per = (kind: JobKind, p: Part) =>
      kind === 'partial' ? 2 : kind === 'combine' ? (p === this.parts[0] ? rowTasks : 0) : BY_SLICES.includes(kind) ? p.slices.length : rowTasks;
    this.tasks = Object.fromEntries(
      kinds.map((kind) => [kind, [0, 1].flatMap((i) => this.parts.filter((p) => i < per(kind, p)).map((p) => make(kind, i, p)))]),
    ) as Record<JobKind, Task[]>;
    this.lists = Object.fromEntries(kinds.map((k) => [k, this.tasks[k].map((t) => t.calls)])) as Record<JobKind, Calls[]>;
    this.whole = [make('combine', 0, this.parts[0]!)];
    this.wholeList = this.whole.map((t) => t.calls);
  }

  private batchLimit(n: number): number {
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
  private pickTab(): void {
    this.tab = this.grad?.tab === this.tabs[0] ? this.tabs[1] : this.tabs[0];
  }

  private loadStaged(n: number, mul: number): boolean {
    // The staged blocks are about to be rebuilt: form a pending gradient that still reads them first.
    if (this.grad && !this.grad.gathered) this.formGradient();
    const nnz = this.sparse ? this.arena.fn.blocks_build(this.raw, n, this.F, this.blocks, this.batchLimit(n), this.tab, this.S) : -1;
    this.set(nnz >= 0 ? n : 0, mul, false); // staged batches (evaluation, dense data) run on one thread
    return nnz >= 0;
  }

  private set(n: number, mul: number, gathered: boolean): void {
    this.n = n;
    this.gathered = gathered;
    this.lut.make(mul);
  }

  /** The index of `inputs`, built on first use; null when the data is too dense or too wide to index. */
  private indexFor(inputs: Uint8Array): ByteIndex | null {
    if (this.index?.source === inputs) return this.index;
    if (this.tooDense === inputs) return null;
    const { arena, F, capacity } = this;
    // The index (and the staging area) is about to be rewritten: form a pending gradient that still reads it first.
    if (this.grad?.gathered) this.formGradient();
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

  /**
   * z (n, outF) = x·Wᵀ + b and a = f(z) for the loaded batch, and the next layers' z and a (see NextLayer); W (outF, F),
   * b (outF) arena views.
   */
  forward(z: Float32Array, a: Float32Array, W: Float32Array, b: Float32Array, add: number, act: ActivationName): void {
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
      for (const l of this.next) {
        put(t.calls[at++], 'gemm_nt', l.z + 4 * r0 * l.outF, x + 4 * r0 * inF, l.W, rows, l.outF, l.inF);
        put(t.calls[at++], 'bias_act', l.z + 4 * r0 * l.outF, l.a + 4 * r0 * l.outF, l.z + 4 * r0 * l.outF, rows, l.outF, l.outF, l.outF, l.b, l.act);
        x = l.a;
        inF = l.outF;
      }
    }
    if (split) this.helper!.run(this.lists.combine);
    else this.runHere(this.wholeList);
    if (code === 3) activationForward(act, a, z, n, outF);
  }

  /** Each part's Wt and block sums from W (at pW). */
  private transpose(pW: number): void {
    const { F, T } = this;
    for (const { part: p, i, calls: c } of this.tasks.transpose) {
      const s = p.slices[i]!;
      put(c[0], 'wt_from_w', p.Wt + 4 * s.u0, T, pW + 4 * (p.j0 + s.u0) * F, s.units, F, s.P, p.blocks + 4 * s.u0, p.P);
    }
    this.runAll('transpose');
    this.wtCurrent = true;
  }

  /**
   * dW (outF, F) = δᵀ·x for the loaded batch, given δ (n, outF) and db = colsum δ already computed. The gradient
   * stays pending (δ and the batch's row table) until dW is read or a step uses it.
   */
  backward(dW: Float32Array, db: Float32Array, delta: Float32Array, add: number): void {
    const { arena } = this;
    this.setPending(arena.ptr(dW), arena.ptr(db), arena.ptr(delta), add);
  }

  /** Note that dW (at dW, with db and add for its constant term) is the loaded batch's δᵀ·x, not yet formed. */
  private setPending(dW: number, db: number, delta: number, add: number): void {
    const g = this.pendingGrad;
    g.tab = this.tab;
    g.dW = dW;
    g.db = db;
    g.delta = delta;
    g.n = this.n;
    g.mul = this.lut.scale;
    g.add = add;
    g.gathered = this.gathered;
    this.grad = g;
    this.dWtHolds = false;
    this.dWWritten = false;
  }

  /** Form the pending gradient in dWt (the scatter), if it is not there yet. */
  private formGradient(): void {
    const g = this.grad;
    if (!g || this.dWtHolds) return;
    const { F, T, outF } = this;
    this.gradLut.make(g.mul);
    for (const { part: p, i, calls: c } of this.tasks.scatter) {
      put(c[0], 'sparse_dwt', p.dWt, p.P, T, F, outF, g.n, g.tab, this.gradLut.ptr, g.delta + 4 * p.j0, this.k0(i), this.k1(i));
    }
    this.runAll('scatter');
    this.dWtHolds = true;
  }

  /** The first row of Wt of k-range task i (one task over all rows on one thread, two split at kSplit on two). */
  private k0(i: number): number {
    return i === 0 ? 0 : this.kSplit;
  }

  /** The row of Wt past k-range task i. */
  private k1(i: number): number {
    return i === 0 && this.threaded ? this.kSplit : this.F;
  }

  /** Write the last backward pass's dW into dW, if it is not there yet. */
  gradient(): void {
    const g = this.grad;
    if (!g || this.dWWritten) return;
    this.formGradient();
    const { F, T } = this;
    for (const { part: p, i, calls: c } of this.tasks.gradient) {
      const s = p.slices[i]!;
      const j = p.j0 + s.u0;
      put(c[0], 'dw_from_dwt', g.dW + 4 * j * F, p.dWt + 4 * s.u0, s.units, F, T, g.db + 4 * j, g.add);
    }
    this.runAll('gradient');
    this.dWWritten = true;
  }

  /** dW was written by another path (a dense backward pass): the pending gradient is gone. */
  dropGradient(): void {
    this.grad = null;
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

  /**
   * The backward pass from the next layer's δ1 (n, next) down to this layer's weight gradient, split by this layer's
   * units so each thread does its columns of every step: dW1[:, slice] = δ1ᵀ·a[:, slice] (W1, dW1 (next, outF));
   * δ[:, slice] = (δ1·W1[:, slice]) ⊙ f'(a[:, slice]); db[slice] = its column sums; then dW pending as backward().
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
    const { arena, outF, n } = this;
    const pdW1 = arena.ptr(dW1);
    const pd1 = arena.ptr(delta1);
    const pW1 = arena.ptr(W1);
    const pa = arena.ptr(a);
    const pd = arena.ptr(delta);
    const pb = arena.ptr(db);
    for (const { part: p, i, calls: c } of this.tasks.through) {
      const s = p.slices[i]!;
      const col = 4 * (p.j0 + s.u0);
      put(c[0], 'gemm_axpy', pdW1 + col, pd1, pa + col, next, s.units, n, 1, next, outF, outF);
      put(c[1], 'gemm_axpy', pd + col, pd1, pW1 + col, n, s.units, next, next, 1, outF, outF);
      put(c[2], 'act_colsum', pd + col, pa + col, n, s.units, outF, code, pb + col);
    }
    this.run('through');
    this.setPending(arena.ptr(dW), pb, pd, add);
    return true;
  }

  /**
   * The SGD update of the first layer's weights W (outF, F) from dW, with velocity v or null (sgd_momentum and
   * sgd_plain), by the thread that owns each part's rows.
   */
  update(W: Float32Array, dW: Float32Array, v: Float32Array | null, lr: number, mu: number, l2: number): void {
    const { arena, F, T, outF } = this;
    const pw = arena.ptr(W);
    const pg = arena.ptr(dW);
    const g = this.grad;
    if (!v && g && g.dW === pg) {
      // Plain SGD on the batch's gradient: step Wt itself (no transposes); W catches up when read.
      if (!this.wtCurrent) this.transpose(pw);
      if (l2 === 0) {
        // Straight from δ and the row table: the step's share of each nonzero's term added into Wt.
        this.stepLut.make(-lr * g.mul);
        for (const { part: p, i, calls: c } of this.tasks.fused) {
          put(c[0], 'sgd_sparse', p.Wt, p.P, T, F, outF, g.n, g.tab, this.stepLut.ptr, g.delta + 4 * p.j0, this.k0(i), this.k1(i), g.db + 4 * p.j0, -lr * g.add, p.blocks, p.units);
        }
        this.runAll('fused');
      } else {
        this.formGradient();
        for (const { part: p, i, calls: c } of this.tasks.transposed) {
          put(c[0], 'sgd_t', p.Wt, p.dWt, T, g.db + 4 * p.j0, g.add, p.units, this.k0(i), this.k1(i), lr, l2, p.blocks);
        }
        this.runAll('transposed');
      }
      this.wCurrent = false;
      return;
    }
    this.gradient();
    this.weights(W);
    const pv = v ? arena.ptr(v) : 0;
    for (const { part: p, i, calls: c } of this.tasks[v ? 'momentum' : 'plain']) {
      const s = p.slices[i]!;
      const at = 4 * (p.j0 + s.u0) * F;
      const len = s.units * F;
      if (v) put(c[0], 'sgd_momentum', pw + at, pg + at, pv + at, len, lr, mu, l2);
      else put(c[0], 'sgd_plain', pw + at, pg + at, len, lr, l2);
    }
    this.runAll(v ? 'momentum' : 'plain');
    this.wtCurrent = false;
  }

  /** A batch job: on the helper and this thread when the batch is worth splitting, else in order here. */
  private run(kind: JobKind): void {
    this.runOn(kind, this.n >= 32 && this.gathered);
  }

  /** Jobs over the weights rather than the batch (transposes, the scatter, updates): split whenever there is a helper. */
  private runAll(kind: JobKind): void {
    this.runOn(kind, true);
  }

  private runOn(kind: JobKind, split: boolean): void {
    if (this.helper && split) this.helper.run(this.lists[kind]);
    else this.runHere(this.lists[kind]);
  }

  private runHere(list: Calls[]): void {
    const fn = this.arena.fn;
    for (const task of list) for (const [op, args] of task) callKernel(fn, op, args);
  }

  /** Stop the helper thread, if any. */
  dispose(): void {
    this.helper?.dispose();
    this.helper = null;
  }
}

/** A table of u·scale for every byte u, remade only when the scale changes. */
class Table {
  readonly ptr: number;
  scale = Number.NaN;
  constructor(private readonly arena: WasmArena) {
    this.ptr = arena.alloc(256 * 4);
  }
  make(scale: number): void {
    if (Object.is(scale, this.scale)) return;
    this.arena.fn.scale_table(this.ptr, scale);
    this.scale = scale;
  }
}
