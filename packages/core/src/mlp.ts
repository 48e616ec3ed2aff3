// The multilayer perceptron, the readable reference: a stack of dense layers with activations, its forward pass and
// backpropagation side by side. The arithmetic runs on the network's backend (backends/: naive, js or wasm), which
// owns the tensors and the batch buffers; the update rules are sgd.ts's and optim.ts's, the loop train.ts's.
//
//   forward, layer l = 0 .. L−1:    z[l] = a[l−1]·W[l]ᵀ + b[l]      a[l] = f(z[l])        (a[−1] = x, the input)
//   (training with dropout p:       a[l] ⊙= m[l] on hidden layers, m = 1/(1−p) or 0: dropout.ts)
//   backward, from the loss:        δ[L−1] = ∂loss/∂z[L−1]          (fused for softmax/sigmoid + cross-entropy)
//                 l = L−1 .. 0:     dW[l] = δ[l]ᵀ·a[l−1]            db[l] = Σ_rows δ[l]
//                                   δ[l−1] = (δ[l]·W[l]) ⊙ f'(a[l−1])        (with dropout: ⊙ m[l−1] first)
import { type BackendName, getThreads, resolveBackend } from './backend.js';
import { jsBackend } from './backends/js/index.js';
import { naiveBackend } from './backends/naive/index.js';
import type { Backend, BatchInput } from './backends/types.js';
import { wasmBackend } from './backends/wasm/index.js';
import { checkCount, checkInput, checkLength, checkOut, checkValues } from './check.js';
import { type FullConfig, type MLPConfig, type MLPOptions, type ParamInfo, resolveConfig } from './config.js';
import { fillNormal, initStd } from './init.js';
import { mseBackward, mseLoss, sigmoidCrossEntropyBackward, sigmoidCrossEntropyLoss, softmaxCrossEntropyBackward, softmaxCrossEntropyLoss } from './losses.js';
import { dropoutMask, dropoutRescale } from './dropout.js';
import type { StepArgs } from './optim.js';
import { Rng } from './rng.js';
import type { FloatArray } from './tensor.js';

export { type FullConfig, type MLPConfig, type MLPOptions, type ParamInfo, resolveConfig };
export type { BatchInput };

/** Dropout for one training forward pass: rate p in [0, 1) on every hidden layer, masks drawn from rng (it advances). */
export interface DropoutOptions {
  /** The rate: each hidden unit is dropped with probability p. */
  p: number;
  /** The masks' generator. */
  rng: Rng;
}

const BACKEND_FACTORIES = { naive: naiveBackend, js: jsBackend, wasm: wasmBackend };

/** A multilayer perceptron: config, parameters on its backend, forward pass, loss and backpropagation. */
export class MLP {
  /** The network's description with every default filled in. */
  readonly config: FullConfig;
  /** Storage type of every tensor. */
  readonly dtype: 'float32' | 'float64';
  /** The kernels in use ('wasm', 'js' or 'naive'). */
  readonly backend: BackendName;
  /** Threads the wasm kernels may use (1 or 2; 2 only where SharedArrayBuffer and workers exist). */
  readonly threads: number;
  private readonly engine: Backend;
  /** Rows of the last forward pass (0 before the first). */
  private rows = 0;
  /** The last forward pass's dropout rate (0: none); the masks are the backend's. */
  private dropP = 0;

  constructor(config: MLPConfig, options: MLPOptions = {}) {
    this.config = resolveConfig(config);
    if (typeof options !== 'object' || options === null) throw new TypeError(`MLP options must be an object, got ${options}`);
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') throw new RangeError(`MLP options: dtype must be float32 or float64, got ${this.dtype}`);
    if (options.rng !== undefined && typeof options.rng?.normal !== 'function') throw new TypeError('MLP options: rng must be an Rng (new Rng(seed))');
    const threads = options.threads ?? getThreads();
    if (threads !== 1 && threads !== 2) throw new RangeError(`MLP options: threads must be 1 or 2, got ${threads}`);
    this.backend = resolveBackend(options.backend, this.dtype);
    const { layers: L, hidden, output, init } = this.config;
    this.engine = BACKEND_FACTORIES[this.backend]({ layers: L, hidden, output, dtype: this.dtype, threads });
    this.threads = this.engine.threads;
    // Weights ~ N(0, σ) drawn layer by layer, biases zero.
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    for (let l = 0; l < this.depth; l++) {
      const W = this.dtype === 'float64' ? new Float64Array(L[l + 1]! * L[l]!) : new Float32Array(L[l + 1]! * L[l]!);
      fillNormal(W, initStd(init, L[l]!, L[l + 1]!, this.config.initStd), rng);
      this.engine.writeWeights(l, W);
    }
  }

  /** Width of the input layer. */
  get inputSize(): number {
    return this.config.layers[0]!;
  }
  /** Width of the output layer. */
  get outputSize(): number {
    return this.config.layers[this.depth]!;
  }
  /** Number of dense layers (weight matrices). */
  get depth(): number {
    return this.config.layers.length - 1;
  }
  /** Number of trainable values. */
  get parameterCount(): number {
    return this.paramInfo().reduce((s, p) => s + size(p), 0);
  }
  /** Multiply-adds of one example's forward pass (backward costs about twice that). */
  get macsPerExample(): number {
    return this.paramInfo().reduce((s, p) => s + (p.decay ? size(p) : 0), 0);
  }

  /**
   * The forward pass of n rows of a batch (floats, bytes, or rows of a byte dataset: see BatchInput), the one entry
   * point the Trainer and evaluate use. Returns the output activations (n, outputSize): a buffer overwritten by the
   * next pass. The backend keeps what backward() needs.
   */
  forwardBatch(input: BatchInput, n: number, dropout?: DropoutOptions): FloatArray {
    checkInput(input, n, this.inputSize);
    const p = dropout?.p ?? 0;
    if (!(p >= 0 && p < 1)) throw new RangeError(`dropout must be in [0, 1), got ${p}`);
    this.engine.reserve(n);
    this.engine.input(input, n, p > 0);
    for (let l = 0; l < this.depth; l++) {
      this.engine.denseForward(l, n); // z = x·Wᵀ + b, a = f(z)
      if (p > 0 && l < this.depth - 1) {
        dropoutMask(this.engine.dropoutMask(l), n * this.config.layers[l + 1]!, p, dropout!.rng);
        this.engine.dropoutForward(l, n); // a ⊙= m
      }
    }
    this.dropP = p;
    this.rows = n;
    return this.engine.activations(this.depth - 1);
  }

  /** Forward pass of n rows of floats x (n, inputSize) row-major: forwardBatch({ kind: 'floats', x }, n). */
  forward(x: FloatArray, n: number): FloatArray {
    return this.forwardBatch({ kind: 'floats', x }, n);
  }

  /** Forward pass of n rows of bytes scaled x = raw·mul + add (e.g. MNIST pixels): the same as forward on the floats. */
  forwardBytes(raw: Uint8Array, n: number, mul = 1, add = 0): FloatArray {
    return this.forwardBatch({ kind: 'bytes', raw, mul, add }, n);
  }

  /**
   * Forward pass of rows rows[start .. start+n) of a byte dataset `inputs` ((count, inputSize)), scaled u·mul + add.
   * The wasm backend indexes the dataset's nonzeros on first use (about 3 bytes each, kept while the model lives; the
   * bytes must not change afterwards) and gathers each batch from that index.
   */
  forwardRows(inputs: Uint8Array, rows: ArrayLike<number>, start: number, n: number, mul = 1, add = 0): FloatArray {
    return this.forwardBatch({ kind: 'rows', inputs, rows, start, mul, add }, n);
  }

  /** Mean loss of the last forward pass against targets y (n, outputSize). */
  loss(y: FloatArray, n: number): number {
    this.checkTargets('loss', y, n);
    const last = this.depth - 1;
    const a = this.engine.activations(last);
    if (this.config.loss === 'mse') return mseLoss(a, y, n, this.outputSize);
    // Cross-entropy recomputes the output from the logits with log-sum-exp, for stability.
    const f = this.config.output === 'softmax' ? softmaxCrossEntropyLoss : sigmoidCrossEntropyLoss;
    return f(a, this.engine.preActivations(last), y, n, this.outputSize);
  }

  /** Backpropagation after a forward pass of n rows: the gradients of the mean loss, read with readGradients. */
  backward(y: FloatArray, n: number): void {
    if (this.rows === 0) throw new Error('backward: call forward first');
    this.checkTargets('backward', y, n);
    if (n !== this.rows) throw new RangeError(`backward: n is ${n}, but the last forward pass had ${this.rows} rows`);
    const last = this.depth - 1;
    const a = this.engine.activations(last);
    const d = this.engine.delta(last);
    // δ of the output: the loss's gradient through the output activation (fused where they cancel).
    if (this.config.loss === 'mse') {
      mseBackward(d, a, y, n, this.outputSize);
      this.engine.activationBackward(last, n);
    } else if (this.config.output === 'softmax') softmaxCrossEntropyBackward(d, a, y, n, this.outputSize);
    else sigmoidCrossEntropyBackward(d, a, y, n, this.outputSize);
    for (let l = last; l >= 0; l--) {
      this.engine.denseBackward(l, n); // dW[l], db[l], and δ[l−1] = δ[l]·W[l]
      if (l === 0) break;
      // With dropout: δ[l−1] ⊙= m[l−1], and a[l−1] back to f(z) on the kept units for f'.
      if (this.dropP > 0) this.engine.dropoutBackward(l - 1, n, dropoutRescale(this.config.hidden, this.dropP));
      this.engine.activationBackward(l - 1, n); // δ[l−1] ⊙= f'(a[l−1])
    }
    this.dropP = 0; // a[l] now holds f(z): a second backward would apply the masks twice
  }

  /** forward + loss + backward for one batch of floats; returns the mean loss. */
  gradient(x: FloatArray, y: FloatArray, n: number): number {
    this.forward(x, n);
    const loss = this.loss(y, n);
    this.backward(y, n);
    return loss;
  }

  /**
   * out[r] = the predicted class of row r of the last forward pass, for its first n rows: the index of the largest
   * output (the first on ties; with one output, 1 when it is ≥ 0.5), as argmaxRows.
   */
  outputClasses(out: Int32Array, n: number): void {
    if (n > this.rows || n > out.length) throw new RangeError(`outputClasses: ${n} rows asked for, but the last forward pass had ${this.rows} and out holds ${out.length}`);
    this.engine.outputClasses(out, n);
  }

  /** Activations of layer l (0 = first hidden) from the last forward pass, rows 0..n-1 valid. For visualisation. */
  activations(l: number): FloatArray {
    if (this.rows === 0 || !(Number.isInteger(l) && l >= 0 && l < this.depth)) throw new RangeError(`activations: no layer ${l} (run forward first; depth is ${this.depth})`);
    return this.engine.activations(l);
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
    return Float32Array.from(this.forward(buf, n).subarray(0, n * this.outputSize));
  }

  /**
   * One SGD step of every parameter (W0, b0, W1, …) on the backend's kernels: g = dW + λW (biases: λ = 0); v = μv + g;
   * W −= lr·v (velocity null: W −= lr·g). SGD.step calls it with the learning rate it was given.
   */
  sgdStep(lr: number, mu: number, l2: number, velocity: FloatArray[] | null): void {
    if (velocity !== null && velocity.length !== 2 * this.depth) throw new RangeError(`sgdStep: velocity must be ${2 * this.depth} buffers, one per parameter`);
    this.engine.sgdStep(lr, mu, l2, velocity);
  }

  /** Momentum buffers in the backend's memory, one per paramInfo() entry (wasm), or null (the optimiser allocates). */
  momentumBuffers(): FloatArray[] | null {
    return this.engine.momentumBuffers();
  }

  /** Any optimiser's step of every parameter by optim.ts's rules, on the backend's kernels; Optimizer.step calls it. */
  optimizerStep(args: StepArgs, state: FloatArray[][]): void {
    const count = 2 * this.depth;
    if (state.some((set) => set.length !== count)) throw new RangeError(`optimizerStep: each state set must be ${count} buffers, one per parameter`);
    this.engine.optimizerStep(args, state);
  }

  /** `sets` optimiser state buffers per parameter in the backend's memory ([set][parameter]), or null (the optimiser allocates). */
  stateBuffers(sets: number): FloatArray[][] | null {
    return this.engine.stateBuffers(sets);
  }

  /** Σ of the squares of every gradient of the last backward pass: ‖g‖², the global norm that clipping uses. */
  gradientSquares(): number {
    return this.engine.gradientSquares();
  }

  /** Max-norm on every layer: each unit's incoming weight vector (a row of W[l]) longer than c is scaled to length c. */
  maxNorm(c: number): void {
    if (!(c > 0 && Number.isFinite(c))) throw new RangeError(`maxNorm must be a positive number, got ${c}`);
    for (let l = 0; l < this.depth; l++) this.engine.maxNorm(l, c);
  }

  /** Every parameter's name, shape and decay, weights then bias per layer: W0, b0, W1, b1, … */
  paramInfo(): ParamInfo[] {
    const L = this.config.layers;
    return Array.from({ length: 2 * this.depth }, (_, k): ParamInfo => {
      const l = k >> 1;
      return k % 2 === 0 ? { name: `W${l}`, shape: [L[l + 1]!, L[l]!], decay: true } : { name: `b${l}`, shape: [L[l + 1]!], decay: false };
    });
  }

  /** A copy of W[l], (layers[l+1], layers[l]) row-major, in the model's dtype: current now, never changed by training. */
  readWeights(l: number): FloatArray {
    return this.readWeightsInto(l, this.floats(this.size(l, 'W')));
  }
  /** Copy W[l] into `out` (at least layers[l+1]·layers[l] values) and return it: no allocation. */
  readWeightsInto<T extends FloatArray>(l: number, out: T): T {
    this.engine.readWeightsInto(l, checkOut('readWeightsInto', out, this.size(l, 'W')));
    return out;
  }
  /** A copy of b[l], (layers[l+1]), in the model's dtype. */
  readBiases(l: number): FloatArray {
    return this.readBiasesInto(l, this.floats(this.size(l, 'b')));
  }
  /** Copy b[l] into `out` (at least layers[l+1] values) and return it. */
  readBiasesInto<T extends FloatArray>(l: number, out: T): T {
    this.engine.readBiasesInto(l, checkOut('readBiasesInto', out, this.size(l, 'b')));
    return out;
  }
  /** Set W[l] from `values` ((layers[l+1], layers[l]) row-major); used from the next pass on. */
  writeWeights(l: number, values: ArrayLike<number>): void {
    this.engine.writeWeights(l, checkValues(`writeWeights: layer ${l}'s weights`, values, this.size(l, 'W')));
  }
  /** Set b[l] from `values` (layers[l+1] values). */
  writeBiases(l: number, values: ArrayLike<number>): void {
    this.engine.writeBiases(l, checkValues(`writeBiases: layer ${l}'s biases`, values, this.size(l, 'b')));
  }
  /** Copies of the gradients of W[l] and b[l] from the last backward(). */
  readGradients(l: number): { dW: FloatArray; db: FloatArray } {
    const g = { dW: this.floats(this.size(l, 'W')), db: this.floats(this.size(l, 'b')) };
    this.engine.readGradientsInto(l, g.dW, g.db);
    return g;
  }
  /** Copies of every parameter in paramInfo() order (W0, b0, W1, b1, …). */
  readParams(): FloatArray[] {
    return this.paramInfo().map((_, k) => (k % 2 === 0 ? this.readWeights(k >> 1) : this.readBiases(k >> 1)));
  }
  /** Set every parameter from `values`, in paramInfo() order (W0, b0, W1, b1, …). */
  writeParams(values: readonly ArrayLike<number>[]): void {
    if (!Array.isArray(values) || values.length !== 2 * this.depth) {
      throw new RangeError(`writeParams: expected ${2 * this.depth} tensors (W0, b0, …), got ${Array.isArray(values) ? values.length : values}`);
    }
    values.forEach((v, k) => (k % 2 === 0 ? this.writeWeights(k >> 1, v) : this.writeBiases(k >> 1, v)));
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
    const [a, b] = [this.config.layers.join(','), other.config.layers.join(',')];
    if (a !== b) throw new RangeError(`copyWeightsFrom: architectures differ (${a} vs ${b})`);
    this.writeParams(other.readParams());
  }

  /** Stop the model's helper thread now (it would otherwise stop when the model is garbage-collected). Idempotent. */
  dispose(): void {
    this.engine.dispose();
  }

  /** Values in W[l] or b[l]; throws for a layer that does not exist. */
  private size(l: number, what: 'W' | 'b'): number {
    if (!Number.isInteger(l) || l < 0 || l >= this.depth) throw new RangeError(`no layer ${l}: layers are 0 to ${this.depth - 1}`);
    const L = this.config.layers;
    return what === 'W' ? L[l]! * L[l + 1]! : L[l + 1]!;
  }

  private floats(n: number): FloatArray {
    return this.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  /** Targets y for the first n rows of the last forward pass: n within it, y holding n×outputSize values. */
  private checkTargets(where: string, y: FloatArray, n: number): void {
    checkCount(where, 'n (the number of rows)', n);
    if (n > this.rows) throw new RangeError(`${where}: n is ${n}, but the last forward pass had ${this.rows} rows (call forward first)`);
    checkLength(where, 'y', y, 'n×outputSize', n, this.outputSize);
  }
}

const size = (p: ParamInfo): number => p.shape.reduce((a, d) => a * d, 1);
