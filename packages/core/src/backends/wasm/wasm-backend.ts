// The wasm backend's network: every tensor a view into one WebAssembly memory (planned up front, views re-made when it
// grows), dense layers on the SIMD kernels, and the first layer on byte inputs through the sparse kernels, which fuse
// steps: its forward tasks take the following layers along, and its backward pass takes the second layer's too.
import type { ActivationName } from '../../activations.js';
import { denseBackward } from '../../dense.js';
import { lossBackward, lossForward } from '../../losses.js';
import { type Gemm, gemmJs } from '../../matmul.js';
import { type StepArgs, maxNormRows, sumOfSquares } from '../../optim.js';
import type { FloatArray } from '../../tensor.js';
import type { Backend, BackendSpec, BatchInput } from '../types.js';
import { plannedBytes, plannedRows } from './memory-plan.js';
import { type NextLayer, SparseFirstLayer } from './sparse-train.js';
import { threadsSupported } from './threads.js';
import { WasmArena } from './wasm.js';
import { activationBackwardWasm, colSumsWasm, denseForwardWasm, kernelActivation } from './wasm-layers.js';

/** Views of one network's tensors in its arena; see Backend for the shapes. */
export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly threads: number;
  private readonly L: readonly number[];
  private readonly depth: number;
  private readonly arena: WasmArena;
  /** The arena's generation when the views were last made. */
  private generation = 0;
  private readonly gemm: Gemm;
  private readonly W: Float32Array[] = [];
  private readonly b: Float32Array[] = [];
  private readonly dW: Float32Array[] = [];
  private readonly db: Float32Array[] = [];
  /** Momentum, one buffer per parameter (W0, b0, W1, …), handed to SGD; also the optimisers' first state set. */
  private readonly slots: Float32Array[];
  /** The optimisers' second state set (Adam's v), made on first use. */
  private slots2: Float32Array[] = [];
  /** Dropout masks (capacity, L[l+1]), made on first use (again after the batch buffers grow). */
  private masks: Float32Array[] = [];
  private z: Float32Array[] = [];
  private a: Float32Array[] = [];
  private d: Float32Array[] = [];
  /** Floats (capacity, inputs): inputs from elsewhere copied in, and byte batches too dense for the sparse kernels. */
  private xbuf: Float32Array | null = null;
  private capacity = 0;
  private sparse: SparseFirstLayer | null = null;
  /** Room for one class index (i32) per batch row. */
  private classes = 0;
  /** The batch: floats in x, or (x null) bytes loaded into the sparse layer with constant term sparseAdd. */
  private x: Float32Array | null = null;
  private sparseAdd: number | null = null;
  /** Layers the sparse forward tasks already made for this batch; whether its backward pass took layer 1 along. */
  private forwardDone = 0;
  private through = false;
  /** The batch asked for separate layers (dropout between them): no layer taken along, no fused backward. */
  private separate = false;

  constructor(private readonly spec: BackendSpec) {
    this.L = spec.layers;
    this.depth = this.L.length - 1;
    this.threads = spec.threads === 2 && threadsSupported() ? 2 : 1;
    const arena = new WasmArena(plannedBytes(this.L), this.threads > 1);
    this.arena = arena;
    this.gemm = (out, a, b, M, N, K, tA, tB) => {
      if (!arena.gemm(out, a, b, M, N, K, tA, tB)) gemmJs(out, a, b, M, N, K, tA, tB);
    };
    for (let l = 0; l < this.depth; l++) {
      this.W.push(arena.floats(this.L[l + 1]! * this.L[l]!));
      this.b.push(arena.floats(this.L[l + 1]!));
      this.dW.push(arena.floats(this.L[l + 1]! * this.L[l]!));
      this.db.push(arena.floats(this.L[l + 1]!));
    }
    this.slots = [...this.W, ...this.b].map((_, k) => arena.floats((k % 2 === 0 ? this.W : this.b)[k >> 1]!.length));
    this.reserve(plannedRows(this.L));
  }

  private act(l: number): ActivationName {
    return l === this.depth - 1 ? this.spec.output : this.spec.hidden;
  }

  reserve(n: number): void {
    if (n <= this.capacity) return;
    if (this.sparse) {
      // The first layer about to be replaced may hold the current W[0] and dW[0] in transposed form.
      this.refreshViews();
      this.sparse.gradient();
      this.sparse.weights(this.W[0]!);
    }
    const arena = this.arena;
    [this.z, this.a, this.d] = [[], [], []];
    for (let l = 0; l < this.depth; l++) {
      // z, a and δ of a layer side by side, as the measurements in tools/bench/MEASUREMENTS.md had them.
      this.z.push(arena.floats(n * this.L[l + 1]!));
      this.a.push(arena.floats(n * this.L[l + 1]!));
      this.d.push(arena.floats(n * this.L[l + 1]!));
    }
    this.xbuf = arena.floats(n * this.L[0]!);
    this.masks = [];
    this.sparse?.dispose();
    this.refreshViews(); // the buffers' pointers, for the layers the first one's tasks take along
    this.sparse = new SparseFirstLayer(arena, this.L[0]!, this.L[1]!, n, this.threads, this.nextLayers());
    this.classes = arena.alloc(4 * n);
    this.refreshViews();
    this.capacity = n;
  }

  input(batch: BatchInput, n: number, separate = false): void {
    const sparse = this.sparse!;
    this.forwardDone = 0;
    this.separate = separate;
    this.sparseAdd = null;
    if (batch.kind === 'floats') {
      let x = batch.x;
      if (this.arena.ptr(x) < 0 || !(x instanceof Float32Array)) {
        this.xbuf!.set(x.subarray(0, n * this.L[0]!));
        x = this.xbuf!;
      }
      this.x = x as Float32Array;
    } else {
      const loaded =
        batch.kind === 'bytes' ? sparse.loadBytes(batch.raw, n, batch.mul) : sparse.loadRows(batch.inputs, batch.rows, batch.start, n, batch.mul);
      this.refreshViews(); // indexing a dataset may have grown the memory
      if (loaded) {
        this.x = null;
        this.sparseAdd = batch.add;
        return;
      }
      sparse.expand(this.xbuf!, n, batch.mul, batch.add); // too dense: the dense kernels on the scaled floats
      this.x = this.xbuf!;
    }
    sparse.weights(this.W[0]!); // the dense kernels read W[0] itself
  }

  denseForward(l: number, n: number): void {
    if (l < this.forwardDone) return; // made by the sparse layer's tasks
    if (l === 0 && this.sparseAdd !== null) {
      const first = this.sparse!;
      first.forward(this.z[0]!, this.a[0]!, this.W[0]!, this.b[0]!, this.sparseAdd, this.act(0), !this.separate);
      this.forwardDone = 1 + (this.separate ? 0 : first.next.length);
      return;
    }
    const inp = l === 0 ? this.x! : this.a[l - 1]!;
    denseForwardWasm(this.arena, this.z[l]!, this.a[l]!, inp, this.W[l]!, this.b[l]!, n, this.L[l]!, this.L[l + 1]!, this.act(l));
  }

  activations(l: number): FloatArray {
    return this.a[l]!;
  }
  preActivations(l: number): FloatArray {
    return this.z[l]!;
  }
  delta(l: number): FloatArray {
    return this.d[l]!;
  }

  // The loss and its gradient run the reference's JS kernels (losses.ts) on the arena's views: they touch n × outputs
  // values, a few hundred per batch, where a wasm kernel would gain nothing. The mse's f' is the wasm kernel's.
  lossForward(y: FloatArray, n: number): number {
    const last = this.depth - 1;
    return lossForward(this.spec.loss, this.spec.output, this.a[last]!, this.z[last]!, y, n, this.L[this.depth]!);
  }
  lossBackward(y: FloatArray, n: number): void {
    const last = this.depth - 1;
    lossBackward(this.spec.loss, this.spec.output, this.d[last]!, this.a[last]!, y, n, this.L[this.depth]!);
    if (this.spec.loss === 'mse') this.activationBackward(last, n); // ∂loss/∂a ⊙ f'(a); cross-entropy's is fused
  }

  activationBackward(l: number, n: number): void {
    if (l === 0 && this.through) return; // applied by the fused backward pass
    activationBackwardWasm(this.arena, this.d[l]!, this.d[l]!, this.a[l]!, n, this.L[l + 1]!, this.act(l));
  }

  denseBackward(l: number, n: number): void {
    const { L, sparseAdd } = this;
    if (l === this.depth - 1) {
      this.sparse!.dropGradient(); // this pass writes every gradient again (dW[0] in dWt form on the sparse path)
      this.through = false;
    }
    if (l === 0 && this.through) return;
    // The sparse first layer takes the second layer's gradients too, split by units across its threads.
    if (l === 1 && sparseAdd !== null && !this.separate) {
      this.through = this.sparse!.backwardThrough(this.dW[1]!, this.d[1]!, this.W[1]!, L[2]!, this.a[0]!, this.d[0]!, this.dW[0]!, this.db[0]!, sparseAdd, this.spec.hidden);
      if (this.through) {
        colSumsWasm(this.arena, this.db[1]!, this.d[1]!, n, L[2]!);
        return;
      }
    }
    if (l === 0 && sparseAdd !== null) {
      colSumsWasm(this.arena, this.db[0]!, this.d[0]!, n, L[1]!);
      this.sparse!.backward(this.dW[0]!, this.db[0]!, this.d[0]!, sparseAdd);
      return;
    }
    const inp = l === 0 ? this.x! : this.a[l - 1]!;
    denseBackward(l === 0 ? null : this.d[l - 1]!, this.dW[l]!, this.db[l]!, this.d[l]!, inp, this.W[l]!, n, L[l]!, L[l + 1]!, this.gemm);
  }

  outputClasses(out: Int32Array, n: number): void {
    const arena = this.arena;
    arena.fn.argmax_rows(this.classes, arena.ptr(this.a[this.depth - 1]!), n, this.L[this.depth]!);
    out.set(arena.i32(this.classes, n));
  }

  sgdStep(lr: number, mu: number, l2: number, velocity: FloatArray[] | null): void {
    if (velocity !== null && velocity !== this.slots) throw new RangeError("sgdStep: a wasm network steps with its own momentumBuffers()");
    this.refreshViews();
    const v = velocity === null ? null : this.slots;
    for (let l = 0; l < this.depth; l++) {
      this.update(this.W[l]!, this.dW[l]!, v ? v[2 * l]! : null, lr, mu, l2);
      this.update(this.b[l]!, this.db[l]!, v ? v[2 * l + 1]! : null, lr, mu, 0);
    }
  }

  /** One parameter's update on the kernels; the first layer's weights through the sparse layer (it may hold them transposed). */
  private update(w: Float32Array, g: Float32Array, v: Float32Array | null, lr: number, mu: number, l2: number): void {
    const arena = this.arena;
    if (w === this.W[0]) this.sparse!.update(w, g, v, lr, mu, l2);
    else if (v) arena.fn.sgd_momentum(arena.ptr(w), arena.ptr(g), arena.ptr(v), w.length, lr, mu, l2);
    else arena.fn.sgd_plain(arena.ptr(w), arena.ptr(g), w.length, lr, l2);
  }

  momentumBuffers(): FloatArray[] {
    return this.slots;
  }

  optimizerStep(args: StepArgs, state: FloatArray[][]): void {
    const sets = args.rule === 'adam' ? 2 : args.mu > 0 ? 1 : 0;
    const own = this.stateBuffers(sets);
    if (state.length < sets || state.some((set, k) => set !== own[k])) throw new RangeError('optimizerStep: a wasm network steps with its own stateBuffers()');
    this.refreshViews();
    const arena = this.arena;
    const { rule, lr, mu, l2, wd, scale } = args;
    for (let k = 0; k < 2 * this.depth; k++) {
      const l = k >> 1;
      const [w, g, decay] = k % 2 === 0 ? [this.W[l]!, this.dW[l]!, true] : [this.b[l]!, this.db[l]!, false];
      const p = (set: number) => (sets > set ? arena.ptr(own[set]![k]!) : 0);
      const keep = decay ? 1 - lr * wd : 1;
      // The first layer's weights may be held transposed: the sparse layer steps W with the gradient formed, split by threads.
      if (k === 0) this.sparse!.stepOnW(w, g, own[0]?.[0] ?? null, own[1]?.[0] ?? null, args);
      else if (rule === 'adam') arena.fn.opt_adam(arena.ptr(w), arena.ptr(g), p(0), p(1), w.length, lr, args.beta1, args.beta2, args.eps, decay ? l2 : 0, keep, scale, args.c1, args.c2);
      else arena.fn.opt_sgd(arena.ptr(w), arena.ptr(g), p(0), w.length, lr, mu, decay ? l2 : 0, keep, scale, rule === 'nesterov' ? 1 : 0);
    }
  }

  stateBuffers(sets: number): Float32Array[][] {
    this.refreshViews();
    if (sets >= 2 && this.slots2.length === 0) {
      this.slots2 = this.slots.map((s) => this.arena.floats(s.length));
      this.refreshViews();
    }
    return [this.slots, this.slots2].slice(0, sets);
  }

  dropoutMask(l: number): Float32Array {
    this.refreshViews();
    this.masks[l] ??= this.arena.floats(this.capacity * this.L[l + 1]!);
    this.refreshViews(); // the allocation may have grown the memory
    return this.masks[l]!;
  }
  dropoutForward(l: number, n: number): void {
    const arena = this.arena;
    arena.fn.dropout_forward(arena.ptr(this.a[l]!), arena.ptr(this.masks[l]!), n * this.L[l + 1]!);
  }
  dropoutBackward(l: number, n: number, back: number): void {
    const arena = this.arena;
    arena.fn.dropout_backward(arena.ptr(this.d[l]!), arena.ptr(this.a[l]!), arena.ptr(this.masks[l]!), n * this.L[l + 1]!, back);
  }

  gradientSquares(): number {
    this.refreshViews();
    this.sparse!.gradient(); // formed from the batch's δ and row table, if not yet
    return sumOfSquares(this.dW.flatMap((dW, l) => [dW, this.db[l]!]));
  }

  maxNorm(l: number, c: number): void {
    this.refreshViews();
    if (l === 0) this.sparse!.weights(this.W[0]!);
    if (maxNormRows(this.W[l]!, this.L[l + 1]!, this.L[l]!, c) && l === 0) this.sparse!.weightsWritten();
  }

  readWeightsInto(l: number, out: FloatArray): void {
    this.refreshViews();
    if (l === 0) this.sparse!.weights(this.W[0]!); // from the transposed copy, if steps went there
    out.set(this.W[l]!);
  }
  readBiasesInto(l: number, out: FloatArray): void {
    this.refreshViews();
    out.set(this.b[l]!);
  }
  readGradientsInto(l: number, dW: FloatArray, db: FloatArray): void {
    this.refreshViews();
    if (l === 0) this.sparse!.gradient(); // formed from the batch's δ and row table, if not yet
    dW.set(this.dW[l]!);
    db.set(this.db[l]!);
  }
  writeWeights(l: number, values: ArrayLike<number>): void {
    this.refreshViews();
    this.W[l]!.set(values);
    if (l === 0) this.sparse!.weightsWritten(); // the transposed copy is made again before it is used
  }
  writeBiases(l: number, values: ArrayLike<number>): void {
    this.refreshViews();
    this.b[l]!.set(values);
  }

  dispose(): void {
    this.sparse?.dispose();
  }

  /** The layers after the first that the sparse first layer's forward tasks can take too: up to the first activation the kernels do not apply. */
  private nextLayers(): NextLayer[] {
    const ptr = (v: Float32Array) => this.arena.ptr(v);
    const out: NextLayer[] = [];
    // The first layer's own activation must be a kernel's too (one applied in JS comes after the tasks).
    if (kernelActivation(this.act(0)) < 0) return out;
    for (let l = 1; l < this.depth; l++) {
      const act = kernelActivation(this.act(l));
      if (act < 0) break;
      out.push({ z: ptr(this.z[l]!), a: ptr(this.a[l]!), W: ptr(this.W[l]!), b: ptr(this.b[l]!), inF: this.L[l]!, outF: this.L[l + 1]!, act });
    }
    return out;
  }

  /** After the memory grew: view every buffer on the new memory, in place in the same arrays. */
  private refreshViews(): void {
    const arena = this.arena;
    if (arena.generation === this.generation) return;
    for (const list of [this.W, this.b, this.dW, this.db, this.z, this.a, this.d, this.slots, this.slots2, this.masks]) {
      for (let i = 0; i < list.length; i++) list[i] = arena.refresh(list[i]!);
    }
    if (this.xbuf) this.xbuf = arena.refresh(this.xbuf);
    if (this.x) this.x = arena.ptr(this.x) < 0 ? this.xbuf : this.x;
    this.generation = arena.generation;
  }
}
