// The multilayer perceptron, the readable reference: a stack of dense layers with activations, its forward pass, loss
// and backpropagation side by side. The arithmetic runs on the network's backend (backends/: naive, js or wasm), which
// owns the tensors and the batch buffers; the parameters' reads and writes are params.ts's, the update rules sgd.ts's
// and optim.ts's, the loop train.ts's.
//
//   forward, layer l = 0 .. L−1:    z[l] = a[l−1]·W[l]ᵀ + b[l]      a[l] = f(z[l])        (a[−1] = x, the input)
//   (training with dropout p:       a[l] ⊙= m[l] on hidden layers, m = 1/(1−p) or 0: dropout.ts)
//   loss:                           mean over the rows of mse(a[L−1], y), or cross-entropy from z[L−1] (losses.ts)
//   backward, from the loss:        δ[L−1] = ∂loss/∂z[L−1]          (fused for softmax/sigmoid + cross-entropy)
//                 l = L−1 .. 0:     dW[l] = δ[l]ᵀ·a[l−1]            db[l] = Σ_rows δ[l]
//                                   δ[l−1] = (δ[l]·W[l]) ⊙ f'(a[l−1])        (with dropout: ⊙ m[l−1] first)
import type { BatchInput } from './backends/types.js';
import { checkInput, checkPredictInput, checkTargets, isBatchInput } from './check.js';
import type { MLPConfig, MLPOptions } from './config.js';
import { dropoutMask, dropoutRescale } from './dropout.js';
import { fillNormal, initStd } from './init.js';
import type { StepArgs } from './optim.js';
import { ModelParams } from './params.js';
import { Rng } from './rng.js';
import type { FloatArray } from './tensor.js';

export { type FullConfig, type MLPConfig, type MLPOptions, type ParamInfo, resolveConfig } from './config.js';
export type { BatchInput };

/** Dropout for one training forward pass: rate p in [0, 1) on every hidden layer, masks drawn from rng (it advances). */
export interface DropoutOptions {
  /** The rate: each hidden unit is dropped with probability p. */
  p: number;
  /** The masks' generator. */
  rng: Rng;
}

/** A multilayer perceptron: forward pass, loss and backpropagation, on parameters its backend holds (params.ts). */
export class MLP extends ModelParams {
  /** Rows of the last forward pass (0 before the first). */
  private rows = 0;
  /** The last forward pass's dropout rate (0: none); the masks are the backend's. */
  private dropP = 0;

  constructor(config: MLPConfig, options: MLPOptions = {}) {
    super(config, options);
    // Weights ~ N(0, σ) drawn layer by layer, biases zero.
    const { layers: L, init } = this.config;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    for (let l = 0; l < this.depth; l++) {
      const W = this.floats(L[l + 1]! * L[l]!);
      fillNormal(W, initStd(init, L[l]!, L[l + 1]!, this.config.initStd), rng);
      this.writeWeights(l, W);
    }
  }

  /**
   * The forward pass of n rows: floats x (n, inputSize) row-major, or any BatchInput (bytes scaled as they are read, or
   * rows of a byte dataset, which the wasm backend reads through its sparse kernels). Returns the output activations
   * (n, outputSize): a buffer overwritten by the next pass. The backend keeps what backward() needs.
   */
  forward(input: FloatArray | BatchInput, n: number, dropout?: DropoutOptions): FloatArray {
    const batch: BatchInput = isBatchInput(input) ? input : { kind: 'floats', x: input };
    checkInput(batch, n, this.inputSize);
    const p = dropout?.p ?? 0;
    if (!(p >= 0 && p < 1)) throw new RangeError(`dropout must be in [0, 1), got ${p}`);
    this.engine.reserve(n);
    this.engine.input(batch, n, p > 0);
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

  /** Mean loss of the last forward pass's first n rows against targets y (n, outputSize). */
  loss(y: FloatArray, n: number): number {
    checkTargets('loss', y, n, this.rows, this.outputSize);
    return this.engine.lossForward(y, n);
  }

  /** Backpropagation after a forward pass of n rows: the gradients of the mean loss, read with readGradients. */
  backward(y: FloatArray, n: number): void {
    if (this.rows === 0) throw new Error('backward: call forward first');
    checkTargets('backward', y, n, this.rows, this.outputSize);
    if (n !== this.rows) throw new RangeError(`backward: n is ${n}, but the last forward pass had ${this.rows} rows`);
    this.engine.lossBackward(y, n); // δ[L−1] = ∂loss/∂z[L−1]
    for (let l = this.depth - 1; l >= 0; l--) {
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
    checkPredictInput(x, n, this.inputSize);
    const buf = x instanceof Float32Array || x instanceof Float64Array ? x : Float32Array.from(x);
    return Float32Array.from(this.forward(buf, n).subarray(0, n * this.outputSize));
  }

  /** An independent copy (same config, backend, threads, weights copied, fresh buffers). */
  clone(): MLP {
    const m = new MLP(this.config, { dtype: this.dtype, backend: this.backend, threads: this.threads });
    m.copyWeightsFrom(this);
    return m;
  }
}
