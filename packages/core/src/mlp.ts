// The multilayer perceptron: a stack of dense layers with activations, its forward pass and backpropagation.
// It owns parameters, gradients and per-batch buffers (reused between batches); optimisers and loops live elsewhere.
import { ACTIVATIONS, type ActivationName, activationBackward, activationForward } from './activations.js';
import { denseBackward, denseForward } from './dense.js';
import { INITS, type InitName, fillNormal, initStd } from './init.js';
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
import { Rng } from './rng.js';
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
}

export interface Param {
  name: string;
  shape: [number] | [number, number];
  data: FloatArray;
  grad: FloatArray;
  /** Weights take L2 decay; biases do not. */
  decay: boolean;
}

export class MLP {
  readonly config: FullConfig;
  readonly dtype: 'float32' | 'float64';
  /** W[l]: (layers[l+1], layers[l]) row-major. */
  readonly W: FloatArray[] = [];
  /** b[l]: (layers[l+1]). */
  readonly b: FloatArray[] = [];
  readonly dW: FloatArray[] = [];
  readonly db: FloatArray[] = [];

  // Per-batch buffers, (capacity, layers[l+1]) each: pre-activations, activations, and deltas (dL/dz).
  private capacity = 0;
  private z: FloatArray[] = [];
  private a: FloatArray[] = [];
  private delta: FloatArray[] = [];
  private input: FloatArray | null = null;

  constructor(config: MLPConfig, options: MLPOptions = {}) {
    this.config = resolveConfig(config);
    this.dtype = options.dtype ?? 'float32';
    const rng = options.rng ?? new Rng(options.seed ?? 0);
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

  /** Every parameter with its gradient, weights then bias per layer: W0, b0, W1, b1, … */
  params(): Param[] {
    const L = this.config.layers;
    const out: Param[] = [];
    for (let l = 0; l < this.depth; l++) {
      out.push({ name: `W${l}`, shape: [L[l + 1]!, L[l]!], data: this.W[l]!, grad: this.dW[l]!, decay: true });
      out.push({ name: `b${l}`, shape: [L[l + 1]!], data: this.b[l]!, grad: this.db[l]!, decay: false });
    }
    return out;
  }

  /** Make the per-batch buffers hold at least n rows. Allocates only when n grows. */
  reserve(n: number): void {
    if (n <= this.capacity) return;
    this.z = [];
    this.a = [];
    this.delta = [];
    for (let l = 0; l < this.depth; l++) {
      const w = this.config.layers[l + 1]!;
      this.z.push(this.alloc(n * w));
      this.a.push(this.alloc(n * w));
      this.delta.push(this.alloc(n * w));
    }
    this.capacity = n;
  }

  /**
   * Forward pass of n rows of x (n, inputSize). Returns the output activations buffer: rows 0..n-1 are valid,
   * and it is overwritten by the next call. Keeps a reference to x for backward.
   */
  forward(x: FloatArray, n: number): FloatArray {
    if (x.length < n * this.inputSize) throw new RangeError(`forward: x has ${x.length} values, need ${n}x${this.inputSize}`);
    this.reserve(n);
    this.input = x;
    const L = this.config.layers;
    let inp = x;
    for (let l = 0; l < this.depth; l++) {
      const last = l === this.depth - 1;
      denseForward(this.z[l]!, inp, this.W[l]!, this.b[l]!, n, L[l]!, L[l + 1]!);
      activationForward(last ? this.config.output : this.config.hidden, this.a[l]!, this.z[l]!, n, L[l + 1]!);
      inp = this.a[l]!;
    }
    return inp;
  }

  /** Mean loss of the last forward pass against targets y (n, outputSize). */
  loss(y: FloatArray, n: number): number {
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
    if (!x) throw new Error('backward: call forward first');
    const L = this.config.layers;
    const last = this.depth - 1;
    const out = this.outputSize;
    const d = this.delta[last]!;
    if (this.config.loss === 'mse') {
      mseBackward(d, this.a[last]!, y, n, out);
      activationBackward(this.config.output, d, d, this.a[last]!, n, out);
    } else if (this.config.output === 'softmax') {
      softmaxCrossEntropyBackward(d, this.a[last]!, y, n, out);
    } else {
      sigmoidCrossEntropyBackward(d, this.a[last]!, y, n, out);
    }
    for (let l = last; l >= 0; l--) {
      const inp = l === 0 ? x : this.a[l - 1]!;
      const dx = l === 0 ? null : this.delta[l - 1]!;
      denseBackward(dx, this.dW[l]!, this.db[l]!, this.delta[l]!, inp, this.W[l]!, n, L[l]!, L[l + 1]!);
      if (dx) activationBackward(this.config.hidden, dx, dx, this.a[l - 1]!, n, L[l]!);
    }
  }

  /** forward + loss + backward for one batch; returns the mean loss. */
  gradient(x: FloatArray, y: FloatArray, n: number): number {
    this.forward(x, n);
    const loss = this.loss(y, n);
    this.backward(y, n);
    return loss;
  }

  /** Activations of layer l (0 = first hidden) from the last forward pass, rows 0..n-1 valid. For visualisation. */
  activations(l: number): FloatArray {
    const a = this.a[l];
    if (!a) throw new RangeError(`activations: no layer ${l} (run forward first; depth is ${this.depth})`);
    return a;
  }

  /** Outputs for n rows of x, as a fresh Float32Array (n, outputSize). Convenient; not for hot loops. */
  predict(x: ArrayLike<number>, n = 1): Float32Array {
    const buf = x instanceof Float32Array || x instanceof Float64Array ? x : Float32Array.from(x);
    const out = this.forward(buf, n);
    return Float32Array.from(out.subarray(0, n * this.outputSize));
  }

  /** An independent copy (same config, weights copied, fresh buffers). */
  clone(): MLP {
    const m = new MLP(this.config, { dtype: this.dtype });
    m.copyWeightsFrom(this);
    return m;
  }

  /** Copy all weights and biases from a model of the same architecture. */
  copyWeightsFrom(other: MLP): void {
    const a = this.config.layers.join(',');
    const b = other.config.layers.join(',');
    if (a !== b) throw new RangeError(`copyWeightsFrom: architectures differ (${a} vs ${b})`);
    for (let l = 0; l < this.depth; l++) {
      this.W[l]!.set(other.W[l]!);
      this.b[l]!.set(other.b[l]!);
    }
  }

  private alloc(n: number): FloatArray {
    return this.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }
}
