// The multilayer perceptron: a stack of dense layers with activations, its forward pass and backpropagation.
// It owns parameters, gradients and per-batch buffers (reused between batches, in WebAssembly memory with the wasm
// backend); optimisers and loops live elsewhere.
import { ACTIVATIONS, type ActivationName, activationBackward, activationForward } from './activations.js';
import { type BackendName, getThreads, resolveBackend } from './backend.js';
import { checkCount, checkFinite, checkLength } from './check.js';
import { denseBackward, denseForward } from './dense.js';
import { INITS, type InitName, fillNormal, initStd } from './init.js';
import { type NextLayer, SparseFirstLayer } from './kernels/sparse-layer.js';
import { activationBackwardWasm, colSumsWasm, denseForwardWasm, kernelActivation } from './kernels/wasm-layers.js';
import { threadsSupported } from './kernels/threads.js';
import { WasmArena } from './kernels/wasm.js';
import { argmaxRows } from './ops.js';
import {
  LOSSES,
  type LossName,
  mseBackward,
  mseLoss,
  sigmoidCrossEntropyBackward,
  sigmoidCrossEntropyLoss,
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyLoss,
} from './losses.js';
import { type Gemm, gemmJs, gemmNaive } from './matmul.js';
import { Rng } from './rng.js';
import { sgdUpdate } from './sgd.js';
import type { FloatArray } from './tensor.js';

/** A plain, JSON-safe description of a network. */
export interface MLPConfig {
  /** Widths from input to output, e.g. [784, 50, 10]. Any depth ≥ 1 layer. */
  layers: number[];
  /** Activation of every hidden layer. Default 'sigmoid'. */
  hidden?: ActivationName;
  /** Activation of the output layer. Default 'sigmoid'. */
  output?: ActivationName;
  /** 'mse' (summed over outputs, averaged over the batch) or 'ce' (cross-entropy; softmax or sigmoid output). Default 'mse'. */
  loss?: LossName;
  /** Weight initialisation. Default 'normal' with initStd 0.1. */
  init?: InitName;
  /** σ of the 'normal' initialisation. Default 0.1. */
  initStd?: number;
}

export type FullConfig = Required<MLPConfig>;

/** Fill in defaults and reject anything that cannot train, with a message saying what to change. */
export function resolveConfig(c: MLPConfig): FullConfig {
  if (!c || !Array.isArray(c.layers) || c.layers.length < 2) {
    throw new RangeError('MLP config: layers must list at least an input and an output width, e.g. [784, 50, 10]');
  }
  for (const w of c.layers) {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`MLP config: layer widths must be positive integers, got ${w}`);
  }
  const full: FullConfig = {
    layers: [...c.layers],
    hidden: c.hidden ?? 'sigmoid',
    output: c.output ?? 'sigmoid',
    loss: c.loss ?? 'mse',
    init: c.init ?? 'normal',
    initStd: c.initStd ?? 0.1,
  };
  if (!ACTIVATIONS.includes(full.hidden) || full.hidden === 'softmax') {
    throw new RangeError(`MLP config: hidden activation must be one of sigmoid, tanh, relu, linear; got ${full.hidden}`);
  }
  if (!ACTIVATIONS.includes(full.output)) throw new RangeError(`MLP config: unknown output activation ${full.output}`);
  if (!LOSSES.includes(full.loss)) throw new RangeError(`MLP config: loss must be mse or ce, got ${full.loss}`);
  if (!INITS.includes(full.init)) throw new RangeError(`MLP config: init must be normal, xavier or he, got ${full.init}`);
  if (!(full.initStd > 0 && Number.isFinite(full.initStd))) throw new RangeError(`MLP config: initStd must be > 0, got ${full.initStd}`);
  const outputs = full.layers[full.layers.length - 1]!;
  if (full.loss === 'ce' && full.output !== 'softmax' && full.output !== 'sigmoid') {
    throw new RangeError(`MLP config: loss 'ce' needs a softmax or sigmoid output, got ${full.output}`);
  }
  if (full.output === 'softmax' && outputs < 2) throw new RangeError('MLP config: a softmax output needs at least 2 units');
  return full;
}

export interface MLPOptions {
  /** Seed of the initialisation draws (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Draw initial weights from this generator instead (it advances). */
  rng?: Rng;
  /** Float64 storage, for gradient checks against float64 finite differences. Default 'float32'. */
  dtype?: 'float32' | 'float64';
  /** Kernels: 'wasm' (SIMD), 'js' or 'naive'. Default: getBackend() (wasm where available; js for float64). */
  backend?: BackendName;
  /** wasm only: 2 lets training split the first layer's work with a helper thread (see setThreads). Default getThreads(). */
  threads?: number;
}

/** Rows of per-batch buffers a wasm model reserves up front (so its views rarely move), within WASM_RESERVE_BYTES. */
const WASM_ROWS = 512;
const WASM_RESERVE_BYTES = 32 << 20;

/** One parameter tensor's description (no data): read and write the values with readParams/writeParams. */
export interface ParamInfo {
  /** `W<l>` or `b<l>`. */
  name: string;
  /** W: [layers[l+1], layers[l]] (row-major); b: [layers[l+1]]. */
  shape: [number] | [number, number];
  /** Weights take L2 decay; biases do not. */
  decay: boolean;
}

export class MLP {
  readonly config: FullConfig;
  readonly dtype: 'float32' | 'float64';
  /** The kernels in use ('wasm', 'js' or 'naive'). */
  readonly backend: BackendName;
  /** Threads the wasm kernels may use (1 or 2; 2 only where SharedArrayBuffer and workers exist). */
  readonly threads: number;
  // Parameters and gradients: W[l] (layers[l+1], layers[l]) row-major, b[l] (layers[l+1]). Private: with wasm they are
  // views into the model's memory, and plain SGD steps the first layer's transposed copy, so users read copies
  // (readWeights, readParams) and write through writeWeights/writeParams.
  private readonly W: FloatArray[] = [];
  private readonly b: FloatArray[] = [];
  private readonly dW: FloatArray[] = [];
  private readonly db: FloatArray[] = [];

  // Per-batch buffers, (capacity, layers[l+1]) each: pre-activations, activations, and deltas (dL/dz).
  private capacity = 0;
  private z: FloatArray[] = [];
  private a: FloatArray[] = [];
  private delta: FloatArray[] = [];
  // The last forward's input: a float buffer, or the bytes loaded into `sparse` (then `input` is null).
  private input: FloatArray | null = null;
  private sparseAdd: number | null = null;
  // Input staging: floats (capacity, inputSize) for the byte paths (and, with wasm, for inputs from elsewhere).
  private xbuf: FloatArray | null = null;

  // wasm backend only: the memory everything lives in, its generation when views were last made, the first layer's
  // sparse scratch, and momentum buffers for SGD.
  private readonly arena: WasmArena | null;
  private generation = 0;
  private sparse: SparseFirstLayer | null = null;
  /** Room for one class index (i32) per batch row, for outputClasses. */
  private classes = 0;
  /** Rows of the last forward pass. */
  private rows = 0;
  private slots: FloatArray[] | null = null;
  private readonly gemm: Gemm;

  constructor(config: MLPConfig, options: MLPOptions = {}) {
    this.config = resolveConfig(config);
    if (typeof options !== 'object' || options === null) throw new TypeError(`MLP options must be an object, got ${options}`);
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') throw new RangeError(`MLP options: dtype must be float32 or float64, got ${this.dtype}`);
    if (options.rng !== undefined && typeof options.rng?.normal !== 'function') throw new TypeError('MLP options: rng must be an Rng (new Rng(seed))');
    this.backend = resolveBackend(options.backend, this.dtype);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const threads = options.threads ?? getThreads();
    if (threads !== 1 && threads !== 2) throw new RangeError(`MLP options: threads must be 1 or 2, got ${threads}`);
    this.threads = this.backend === 'wasm' && threads === 2 && threadsSupported() ? 2 : 1;
    if (this.backend === 'wasm') {
      const arena = new WasmArena(this.wasmPlanBytes(), this.threads > 1);
      this.arena = arena;
      this.gemm = (out, a, b, M, N, K, tA, tB) => {
        if (!arena.gemm(out, a, b, M, N, K, tA, tB)) gemmJs(out, a, b, M, N, K, tA, tB);
      };
    } else {
      this.arena = null;
      this.gemm = this.backend === 'naive' ? gemmNaive : gemmJs;
    }
    const L = this.config.layers;
    for (let l = 0; l + 1 < L.length; l++) {
      const fanIn = L[l]!;
      const fanOut = L[l + 1]!;
      const W = this.alloc(fanOut * fanIn);
      fillNormal(W, initStd(this.config.init, fanIn, fanOut, this.config.initStd), rng);
      this.W.push(W);
      this.b.push(this.alloc(fanOut));
      this.dW.push(this.alloc(fanOut * fanIn));
      this.db.push(this.alloc(fanOut));
    }
    if (this.arena) {
      this.slots = this.paramInfo().map((p) => this.alloc(p.shape.reduce((a, d) => a * d, 1)));
      this.reserve(this.wasmRows());
    }
  }

  get inputSize(): number {
    return this.config.layers[0]!;
  }
  get outputSize(): number {
    return this.config.layers[this.config.layers.length - 1]!;
  }
  get depth(): number {
    return this.W.length;
  }
  /** Number of trainable values. */
  get parameterCount(): number {
    return this.W.reduce((s, w) => s + w.length, 0) + this.b.reduce((s, b) => s + b.length, 0);
  }
  /** Multiply-adds of one example's forward pass (backward costs about twice that). */
  get macsPerExample(): number {
    return this.W.reduce((s, w) => s + w.length, 0);
  }

  /** Every parameter's name, shape and decay, weights then bias per layer: W0, b0, W1, b1, … */
  paramInfo(): ParamInfo[] {
    const L = this.config.layers;
    const out: ParamInfo[] = [];
    for (let l = 0; l < this.depth; l++) {
      out.push({ name: `W${l}`, shape: [L[l + 1]!, L[l]!], decay: true });
      out.push({ name: `b${l}`, shape: [L[l + 1]!], decay: false });
    }
    return out;
  }

  /** A copy of W[l], (layers[l+1], layers[l]) row-major, in the model's dtype: current now, never changed by training. */
  readWeights(l: number): FloatArray {
    return this.readWeightsInto(l, this.dtype === 'float64' ? new Float64Array(this.layerSize(l, 'W')) : new Float32Array(this.layerSize(l, 'W')));
  }

  /** Copy W[l] into `out` (at least layers[l+1]·layers[l] values; a Float32Array for the desktop's 10 reads a second) and return it. */
  readWeightsInto<T extends FloatArray>(l: number, out: T): T {
    return this.copyOut(this.weights(l), out, `readWeightsInto: out`);
  }

  /** A copy of b[l], (layers[l+1]), in the model's dtype. */
  readBiases(l: number): FloatArray {
    return this.readBiasesInto(l, this.dtype === 'float64' ? new Float64Array(this.layerSize(l, 'b')) : new Float32Array(this.layerSize(l, 'b')));
  }

  /** Copy b[l] into `out` (at least layers[l+1] values) and return it. */
  readBiasesInto<T extends FloatArray>(l: number, out: T): T {
    this.layerSize(l, 'b');
    this.syncViews();
    return this.copyOut(this.b[l]!, out, 'readBiasesInto: out');
  }

  /** Set W[l] from `values` ((layers[l+1], layers[l]) row-major); used from the next pass on. */
  writeWeights(l: number, values: ArrayLike<number>): void {
    this.layerSize(l, 'W');
    this.syncViews(); // W[l] is overwritten whole: no need to bring W[0] up to date first
    this.copyIn(this.W[l]!, values, `writeWeights: layer ${l}'s weights`);
    if (l === 0) this.sparse?.weightsWritten();
  }

  /** Set b[l] from `values` (layers[l+1] values). */
  writeBiases(l: number, values: ArrayLike<number>): void {
    this.layerSize(l, 'b');
    this.syncViews();
    this.copyIn(this.b[l]!, values, `writeBiases: layer ${l}'s biases`);
  }

  /** Copies of the gradients of W[l] and b[l] from the last backward(). */
  readGradients(l: number): { dW: FloatArray; db: FloatArray } {
    this.layerSize(l, 'W');
    this.syncViews();
    if (l === 0) this.sparse?.gradient();
    return { dW: this.dW[l]!.slice(), db: this.db[l]!.slice() };
  }

  /** Copies of every parameter in paramInfo() order (W0, b0, W1, b1, …). */
  readParams(): FloatArray[] {
    const out: FloatArray[] = [];
    for (let l = 0; l < this.depth; l++) out.push(this.readWeights(l), this.readBiases(l));
    return out;
  }

  /** Set every parameter from `values`, in paramInfo() order (W0, b0, W1, b1, …). */
  writeParams(values: readonly ArrayLike<number>[]): void {
    if (!Array.isArray(values) || values.length !== 2 * this.depth) {
      throw new RangeError(`writeParams: expected ${2 * this.depth} tensors (W0, b0, …), got ${Array.isArray(values) ? values.length : values}`);
    }
    for (let l = 0; l < this.depth; l++) {
      this.writeWeights(l, values[2 * l]!);
      this.writeBiases(l, values[2 * l + 1]!);
    }
  }

  /** W[l] itself, current (the first layer's transposed copy written back first). */
  private weights(l: number): FloatArray {
    this.layerSize(l, 'W');
    this.syncViews();
    if (l === 0) this.sparse?.weights(this.W[0] as Float32Array);
    return this.W[l]!;
  }

  /** Values in W[l] or b[l]; throws for a layer that does not exist. */
  private layerSize(l: number, what: 'W' | 'b'): number {
    if (!Number.isInteger(l) || l < 0 || l >= this.depth) throw new RangeError(`no layer ${l}: layers are 0 to ${this.depth - 1}`);
    const L = this.config.layers;
    return what === 'W' ? L[l]! * L[l + 1]! : L[l + 1]!;
  }

  private copyOut<T extends FloatArray>(src: FloatArray, out: T, what: string): T {
    if (!(out instanceof Float32Array || out instanceof Float64Array) || out.length < src.length) {
      throw new RangeError(`${what} must be a Float32Array or Float64Array of at least ${src.length} values`);
    }
    out.set(src);
    return out;
  }

  private copyIn(dst: FloatArray, values: ArrayLike<number>, what: string): void {
    if (values?.length !== dst.length) throw new RangeError(`${what} need ${dst.length} values, got ${values?.length}`);
    dst.set(values);
  }

  /** With wasm: views on the current memory (indexing a dataset may have grown it). */
  private syncViews(): void {
    if (this.arena) this.refreshViews();
  }

  /** Make the per-batch buffers hold at least n rows. Allocates only when n grows. */
  reserve(n: number): void {
    checkCount('reserve', 'n', n, 0);
    if (n <= this.capacity) return;
    if (this.sparse) {
      // The first layer about to be replaced may hold the current W[0] and dW[0] in transposed form.
      this.refreshViews();
      this.sparse.gradient();
      this.sparse.weights(this.W[0] as Float32Array);
    }
    this.z = [];
    this.a = [];
    this.delta = [];
    for (let l = 0; l < this.depth; l++) {
      const w = this.config.layers[l + 1]!;
      this.z.push(this.alloc(n * w));
      this.a.push(this.alloc(n * w));
      this.delta.push(this.alloc(n * w));
    }
    this.xbuf = null;
    if (this.arena) {
      this.xbuf = this.alloc(n * this.inputSize);
      this.sparse?.dispose();
      this.refreshViews(); // the buffers' pointers, for the layers the first one's tasks take along
      this.sparse = new SparseFirstLayer(this.arena, this.inputSize, this.config.layers[1]!, n, this.threads, this.nextLayers());
      this.classes = this.arena.alloc(4 * n);
      this.refreshViews();
    }
    this.capacity = n;
  }

  /**
   * Forward pass of n rows of x (n, inputSize). Returns the output activations buffer: rows 0..n-1 are valid,
   * and it is overwritten by the next call. Keeps a reference to x for backward (wasm: a copy in its memory).
   */
  forward(x: FloatArray, n: number): FloatArray {
    checkCount('forward', 'n (the number of rows)', n);
    checkLength('forward', 'x', x, 'n×inputSize', n, this.inputSize);
    this.reserve(n);
    if (this.arena && (this.arena.ptr(x) < 0 || !(x instanceof Float32Array))) {
      this.xbuf!.set(x.subarray(0, n * this.inputSize));
      x = this.xbuf!;
    }
    this.input = x;
    this.sparseAdd = null;
    this.sparse?.weights(this.W[0] as Float32Array); // the dense kernels read W[0] itself
    return this.forwardFrom(0, x, n);
  }

  /**
   * Forward pass of n rows of bytes, x = raw·mul + add (raw (n, inputSize) row-major, e.g. MNIST pixels): the same
   * result as forward() on the scaled floats. The wasm backend touches only the nonzero bytes in the first layer
   * (exact algebra: x·Wᵀ = mul·(u·Wᵀ) + add·(1·Wᵀ)) when at most half of them are nonzero.
   */
  forwardBytes(raw: Uint8Array, n: number, mul = 1, add = 0): FloatArray {
    const F = this.inputSize;
    checkCount('forwardBytes', 'n (the number of rows)', n);
    checkLength('forwardBytes', 'raw', raw, 'n×inputSize', n, F);
    checkFinite('forwardBytes', 'mul', mul);
    checkFinite('forwardBytes', 'add', add);
    this.reserve(n);
    if (!this.sparse) {
      const x = this.floatInput();
      for (let i = 0; i < n * F; i++) x[i] = raw[i]! * mul + add;
      return this.forward(x, n);
    }
    return this.forwardSparse(this.sparse.loadBytes(raw, n, mul), n, mul, add);
  }

  /**
   * Forward pass of rows rows[start .. start+n) of a byte dataset `inputs` ((count, inputSize) row-major), scaled
   * x = u·mul + add: what the Trainer calls each batch. Equals forward() on the gathered, scaled floats. The wasm
   * backend indexes the dataset's nonzeros on first use (about 3 bytes per nonzero, kept while the model lives; the
   * bytes must not change afterwards) and then gathers each batch from that index.
   */
  forwardRows(inputs: Uint8Array, rows: ArrayLike<number>, start: number, n: number, mul = 1, add = 0): FloatArray {
    const F = this.inputSize;
    checkCount('forwardRows', 'n (the number of rows)', n);
    checkCount('forwardRows', 'start', start, 0);
    checkLength('forwardRows', 'rows', rows, 'start + n', start + n);
    checkLength('forwardRows', 'inputs', inputs, 'inputSize', F);
    checkFinite('forwardRows', 'mul', mul);
    checkFinite('forwardRows', 'add', add);
    this.reserve(n);
    if (!this.sparse) {
      const x = this.floatInput();
      for (let r = 0; r < n; r++) {
        const base = rows[start + r]! * F;
        const o = r * F;
        for (let j = 0; j < F; j++) x[o + j] = inputs[base + j]! * mul + add;
      }
      return this.forward(x, n);
    }
    return this.forwardSparse(this.sparse.loadRows(inputs, rows, start, n, mul), n, mul, add);
  }

  /** The rest of forwardBytes/forwardRows with the wasm backend, once the batch is loaded (sparse or not). */
  private forwardSparse(sparse: boolean, n: number, mul: number, add: number): FloatArray {
    this.refreshViews(); // indexing a dataset may have grown the memory
    const x = this.xbuf as Float32Array;
    if (!sparse) {
      this.sparse!.expand(x, n, mul, add);
      return this.forward(x, n);
    }
    this.input = null;
    this.sparseAdd = add;
    const act = this.depth === 1 ? this.config.output : this.config.hidden;
    const first = this.sparse!;
    first.forward(this.z[0] as Float32Array, this.a[0] as Float32Array, this.W[0] as Float32Array, this.b[0] as Float32Array, add, act);
    // The layers the sparse layer's tasks took along are done too.
    const done = 1 + first.next.length;
    return this.forwardFrom(done, this.a[done - 1]!, n);
  }

  /** The layers after the first that the sparse first layer's forward tasks can take too: up to the first activation the kernels do not apply. */
  private nextLayers(): NextLayer[] {
    const arena = this.arena!;
    const L = this.config.layers;
    const out: NextLayer[] = [];
    // The first layer's own activation must be a kernel's too (one applied in JS comes after the tasks).
    if (kernelActivation(this.depth === 1 ? this.config.output : this.config.hidden) < 0) return out;
    for (let l = 1; l < this.depth; l++) {
      const act = kernelActivation(l === this.depth - 1 ? this.config.output : this.config.hidden);
      if (act < 0) break;
      const ptr = (v: FloatArray) => arena.ptr(v as Float32Array);
      out.push({ z: ptr(this.z[l]!), a: ptr(this.a[l]!), W: ptr(this.W[l]!), b: ptr(this.b[l]!), inF: L[l]!, outF: L[l + 1]!, act });
    }
    return out;
  }

  private floatInput(): FloatArray {
    if (!this.xbuf) this.xbuf = this.alloc(this.capacity * this.inputSize);
    return this.xbuf;
  }

  /** Layers l0.. of the forward pass on `inp`, the input of layer l0. */
  private forwardFrom(l0: number, inp: FloatArray, n: number): FloatArray {
    const L = this.config.layers;
    this.rows = n;
    for (let l = l0; l < this.depth; l++) {
      const act = l === this.depth - 1 ? this.config.output : this.config.hidden;
      if (this.arena) {
        denseForwardWasm(this.arena, this.z[l] as Float32Array, this.a[l] as Float32Array, inp as Float32Array, this.W[l] as Float32Array, this.b[l] as Float32Array, n, L[l]!, L[l + 1]!, act);
      } else {
        denseForward(this.z[l]!, inp, this.W[l]!, this.b[l]!, n, L[l]!, L[l + 1]!, this.gemm);
        activationForward(act, this.a[l]!, this.z[l]!, n, L[l + 1]!);
      }
      inp = this.a[l]!;
    }
    return inp;
  }

  /** Mean loss of the last forward pass against targets y (n, outputSize). */
  loss(y: FloatArray, n: number): number {
    this.checkTargets('loss', y, n);
    const last = this.depth - 1;
    const out = this.outputSize;
    if (this.config.loss === 'mse') return mseLoss(this.a[last]!, y, n, out);
    // Cross-entropy recomputes the output from the logits with log-sum-exp, for stability.
    const f = this.config.output === 'softmax' ? softmaxCrossEntropyLoss : sigmoidCrossEntropyLoss;
    return f(this.a[last]!, this.z[last]!, y, n, out);
  }

  /**
   * Backpropagation after forward(x, n): fills dW and db with the gradient of the mean loss over the n rows.
   * Fused loss/activation gradients where they cancel (softmax/sigmoid + cross-entropy).
   */
  backward(y: FloatArray, n: number): void {
    const x = this.input;
    const sparseAdd = this.sparseAdd;
    if (!x && sparseAdd === null) throw new Error('backward: call forward first');
    this.checkTargets('backward', y, n);
    if (n !== this.rows) throw new RangeError(`backward: n is ${n}, but the last forward pass had ${this.rows} rows`);
    this.sparse?.dropGradient(); // this pass writes every gradient again (dW[0] in dWt form on the sparse path)
    const L = this.config.layers;
    const last = this.depth - 1;
    const out = this.outputSize;
    const d = this.delta[last]!;
    if (this.config.loss === 'mse') {
      mseBackward(d, this.a[last]!, y, n, out);
      if (this.arena) activationBackwardWasm(this.arena, d as Float32Array, d as Float32Array, this.a[last] as Float32Array, n, out, this.config.output);
      else activationBackward(this.config.output, d, d, this.a[last]!, n, out);
    } else if (this.config.output === 'softmax') {
      softmaxCrossEntropyBackward(d, this.a[last]!, y, n, out);
    } else {
      sigmoidCrossEntropyBackward(d, this.a[last]!, y, n, out);
    }
    for (let l = last; l >= 0; l--) {
      // The sparse first layer takes the second layer's gradients too, split by units across its threads.
      if (
        l === 1 &&
        sparseAdd !== null &&
        this.sparse!.backwardThrough(
          this.dW[1] as Float32Array,
          this.delta[1] as Float32Array,
          this.W[1] as Float32Array,
          L[2]!,
          this.a[0] as Float32Array,
          this.delta[0] as Float32Array,
          this.dW[0] as Float32Array,
          this.db[0] as Float32Array,
          sparseAdd,
          this.config.hidden,
        )
      ) {
        colSumsWasm(this.arena!, this.db[1] as Float32Array, this.delta[1] as Float32Array, n, L[2]!);
        break;
      }
      if (l === 0 && sparseAdd !== null) {
        colSumsWasm(this.arena!, this.db[0] as Float32Array, this.delta[0] as Float32Array, n, L[1]!);
        this.sparse!.backward(this.dW[0] as Float32Array, this.db[0] as Float32Array, this.delta[0] as Float32Array, sparseAdd);
        break;
      }
      const inp = l === 0 ? x! : this.a[l - 1]!;
      const dx = l === 0 ? null : this.delta[l - 1]!;
      denseBackward(dx, this.dW[l]!, this.db[l]!, this.delta[l]!, inp, this.W[l]!, n, L[l]!, L[l + 1]!, this.gemm);
      if (!dx) continue;
      if (this.arena) activationBackwardWasm(this.arena, dx as Float32Array, dx as Float32Array, this.a[l - 1] as Float32Array, n, L[l]!, this.config.hidden);
      else activationBackward(this.config.hidden, dx, dx, this.a[l - 1]!, n, L[l]!);
    }
  }

  /** forward + loss + backward for one batch; returns the mean loss. */
  gradient(x: FloatArray, y: FloatArray, n: number): number {
    this.forward(x, n);
    const loss = this.loss(y, n);
    this.backward(y, n);
    return loss;
  }

  /**
   * out[r] = the predicted class of row r of the last forward pass, for its first n rows: the index of the largest
   * output (the first on ties; with one output, 1 when it is ≥ 0.5). The same as argmaxRows on the outputs; with
   * the wasm backend, a kernel does it.
   */
  outputClasses(out: Int32Array, n: number): void {
    const last = this.a[this.depth - 1];
    if (!last || n > this.rows || n > out.length) throw new RangeError(`outputClasses: ${n} rows asked for, but the last forward pass had ${this.rows} and out holds ${out.length}`);
    if (this.arena) {
      this.arena.fn.argmax_rows(this.classes, this.arena.ptr(last), n, this.outputSize);
      out.set(this.arena.i32(this.classes, n));
    } else argmaxRows(out, last, n, this.outputSize);
  }

  /** Activations of layer l (0 = first hidden) from the last forward pass, rows 0..n-1 valid. For visualisation. */
  activations(l: number): FloatArray {
    const a = this.a[l];
    if (!a) throw new RangeError(`activations: no layer ${l} (run forward first; depth is ${this.depth})`);
    return a;
  }

  /** Outputs for n rows of x, as a fresh Float32Array (n, outputSize). Convenient; not for hot loops. */
  predict(x: ArrayLike<number>, n = 1): Float32Array {
    checkCount('predict', 'n (the number of rows)', n);
    checkLength('predict', 'x', x, 'any length', 0);
    if (x.length !== n * this.inputSize) {
      throw new RangeError(`predict: x has ${x.length} values, but ${n} row${n === 1 ? '' : 's'} of ${this.inputSize} inputs need exactly ${n * this.inputSize}`);
    }
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new RangeError(`predict: x[${i}] is ${x[i]} (row ${Math.floor(i / this.inputSize)}, input ${i % this.inputSize}); inputs must be finite`);
    }
    const buf = x instanceof Float32Array || x instanceof Float64Array ? x : Float32Array.from(x);
    const out = this.forward(buf, n);
    return Float32Array.from(out.subarray(0, n * this.outputSize));
  }

  /** An independent copy (same config, backend, threads, weights copied, fresh buffers). */
  clone(): MLP {
    const m = new MLP(this.config, { dtype: this.dtype, backend: this.backend, threads: this.threads });
    m.copyWeightsFrom(this);
    return m;
  }

  /** Copy all weights and biases from a model of the same architecture. */
  copyWeightsFrom(other: MLP): void {
    if (typeof other?.readParams !== 'function') throw new TypeError('copyWeightsFrom: other must be an MLP');
    const a = this.config.layers.join(',');
    const b = other.config.layers.join(',');
    if (a !== b) throw new RangeError(`copyWeightsFrom: architectures differ (${a} vs ${b})`);
    this.writeParams(other.readParams());
  }

  /** Targets y for the first n rows of the last forward pass: n within it, y holding n×outputSize values. */
  private checkTargets(where: string, y: FloatArray, n: number): void {
    checkCount(where, 'n (the number of rows)', n);
    if (n > this.rows) throw new RangeError(`${where}: n is ${n}, but the last forward pass had ${this.rows} rows (call forward first)`);
    checkLength(where, 'y', y, 'n×outputSize', n, this.outputSize);
  }

  /** Stop the model's helper thread now (it would otherwise stop when the model is garbage-collected). Idempotent. */
  dispose(): void {
    this.sparse?.dispose();
  }

  /**
   * Momentum buffers for an optimiser, one per paramInfo() entry, zeroed at first; they live in the model's memory with
   * the wasm backend (null with the others: the optimiser allocates its own). The same array every call.
   */
  momentumBuffers(): FloatArray[] | null {
    return this.slots;
  }

  /**
   * One SGD step of every parameter (W0, b0, W1, …) with this backend's kernels: g = dW + λW (biases: λ = 0);
   * v = μv + g; W −= lr·v (velocity null: W −= lr·g). `velocity`: one buffer per parameter or null; a wasm model
   * takes only its own momentumBuffers(). SGD.step calls it with the learning rate it was given.
   */
  sgdStep(lr: number, mu: number, l2: number, velocity: FloatArray[] | null): void {
    if (velocity !== null && (velocity.length !== 2 * this.depth || (this.arena && velocity !== this.slots))) {
      throw new RangeError(`sgdStep: velocity must be ${this.arena ? "the model's momentumBuffers()" : `${2 * this.depth} buffers, one per parameter`}`);
    }
    this.syncViews();
    for (let l = 0; l < this.depth; l++) {
      this.sgdUpdate(this.W[l]!, this.dW[l]!, velocity ? velocity[2 * l]! : null, lr, mu, l2);
      this.sgdUpdate(this.b[l]!, this.db[l]!, velocity ? velocity[2 * l + 1]! : null, lr, mu, 0);
    }
  }

  /** The SGD update of one parameter: the wasm kernels (the first layer's through its sparse scratch), else sgdUpdate. */
  private sgdUpdate(w: FloatArray, g: FloatArray, v: FloatArray | null, lr: number, mu: number, l2: number): void {
    const arena = this.arena;
    if (!arena) sgdUpdate(w, g, v, lr, mu, l2);
    else if (w === this.W[0] && this.sparse) this.sparse.update(w as Float32Array, g as Float32Array, v as Float32Array | null, lr, mu, l2);
    else if (v) arena.fn.sgd_momentum(arena.ptr(w), arena.ptr(g), arena.ptr(v), w.length, lr, mu, l2);
    else arena.fn.sgd_plain(arena.ptr(w), arena.ptr(g), w.length, lr, l2);
  }

  private alloc(n: number): FloatArray {
    if (this.arena) return this.arena.floats(n);
    return this.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  /** Bytes a wasm model needs before its first batch: parameters, gradients, momentum, and WASM_ROWS rows of buffers. */
  private wasmPlanBytes(): number {
    const L = this.config.layers;
    let params = 0;
    for (let l = 0; l + 1 < L.length; l++) params += (L[l]! + 1) * L[l + 1]!;
    const P = Math.ceil(L[1]! / 4) * 4;
    return 4 * (3 * params + 2 * L[0]! * P) + this.wasmRows() * this.wasmRowBytes() + 64 * 1024;
  }

  /** Bytes per batch row with the wasm backend: z, a, δ per layer, input floats and bytes, sparse index room. */
  private wasmRowBytes(): number {
    const L = this.config.layers;
    let widths = 0;
    for (let l = 1; l < L.length; l++) widths += L[l]!;
    return 12 * widths + 5 * L[0]! + 16 * Math.ceil(L[0]! / 2) + 64;
  }

  private wasmRows(): number {
    return Math.max(1, Math.min(WASM_ROWS, Math.floor(WASM_RESERVE_BYTES / this.wasmRowBytes())));
  }

  /** After the wasm memory grew: view every buffer on the new memory, in place in the same arrays. */
  private refreshViews(): void {
    const arena = this.arena!;
    if (arena.generation === this.generation) return;
    for (const list of [this.W, this.b, this.dW, this.db, this.z, this.a, this.delta, this.slots ?? []]) {
      for (let i = 0; i < list.length; i++) list[i] = arena.refresh(list[i] as Float32Array);
    }
    if (this.xbuf) this.xbuf = arena.refresh(this.xbuf as Float32Array);
    this.generation = arena.generation;
  }
}
