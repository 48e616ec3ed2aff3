// The training half of the wasm sparse first layer: the backward pass (dW kept pending as the batch's δ and row
// table), the second layer's gradients taken along, the gradient formed when read, and the SGD step (straight from
// the batch into the transposed weights for plain SGD). The loading and forward half is sparse-layer.ts.
import type { ActivationName } from '../../activations.js';
import type { StepArgs } from '../../optim.js';
import { put } from './layer-tasks.js';
import { type PendingGradient, SparseForward } from './sparse-layer.js';
import { actCode } from './wasm-layers.js';

export { MAX_SPARSE_DENSITY, type NextLayer } from './sparse-layer.js';

/** The sparse first layer of a wasm network, forward and backward (see SparseForward for the layout and threads). */
export class SparseFirstLayer extends SparseForward {
  /** The object grad points to while there is one (rewritten per batch: no allocation). */
  protected readonly pendingGrad: PendingGradient = { tab: 0, dW: 0, db: 0, delta: 0, n: 0, mul: 0, add: 0, gathered: false };
  protected dWtHolds = false;
  protected dWWritten = false;

  /**
   * dW (outF, F) = δᵀ·x for the loaded batch, given δ (n, outF) and db = colsum δ already computed. The gradient
   * stays pending (δ and the batch's row table) until dW is read or a step uses it.
   */
  backward(dW: Float32Array, db: Float32Array, delta: Float32Array, add: number): void {
    const { arena } = this;
    this.setPending(arena.ptr(dW), arena.ptr(db), arena.ptr(delta), add);
  }

  /** Note that dW (at dW, with db and add for its constant term) is the loaded batch's δᵀ·x, not yet formed. */
  protected setPending(dW: number, db: number, delta: number, add: number): void {
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
  protected override formGradient(): void {
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
  protected k0(i: number): number {
    return i === 0 ? 0 : this.kSplit;
  }

  /** The row of Wt past k-range task i. */
  protected k1(i: number): number {
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

  /**
   * Any optimiser's update of W (outF, F) from dW (optim.ts's rules: opt_adam, or opt_sgd for sgd and nesterov), on
   * W with dW formed, by the thread that owns each part's rows; Wt is remade before its next use. s1, s2: the state.
   */
  stepOnW(W: Float32Array, dW: Float32Array, s1: Float32Array | null, s2: Float32Array | null, a: StepArgs): void {
    this.gradient();
    this.weights(W);
    const { arena, F } = this;
    const [pw, pg] = [arena.ptr(W), arena.ptr(dW)];
    const [p1, p2] = [s1 ? arena.ptr(s1) : 0, s2 ? arena.ptr(s2) : 0];
    const keep = 1 - a.lr * a.wd;
    const kind = a.rule === 'adam' ? 'adam' : 'rule';
    for (const { part: p, i, calls: c } of this.tasks[kind]) {
      const s = p.slices[i]!;
      const at = 4 * (p.j0 + s.u0) * F;
      const len = s.units * F;
      if (kind === 'adam') put(c[0], 'opt_adam', pw + at, pg + at, p1 + at, p2 + at, len, a.lr, a.beta1, a.beta2, a.eps, a.l2, keep, a.scale, a.c1, a.c2);
      else put(c[0], 'opt_sgd', pw + at, pg + at, p1 ? p1 + at : 0, len, a.lr, a.mu, a.l2, keep, a.scale, a.rule === 'nesterov' ? 1 : 0);
    }
    this.runAll(kind);
    this.wtCurrent = false;
  }

}
