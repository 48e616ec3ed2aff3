// The interface between the network (mlp.ts, the readable algorithm) and the engines that run it, in the manner of
// tfjs-core's kernel table: one backend object per network owns its tensors and batch buffers and runs each step of
// the algorithm with its own kernels. Implementations: naive/ (the reference), js/, wasm/. No kernels here.
import type { ActivationName } from '../activations.js';
import type { BackendName } from '../backend.js';
import type { LossName } from '../losses.js';
import type { StepArgs } from '../optim.js';
import type { FloatArray } from '../tensor.js';

/** What a backend is built for: the widths from input to output, the activations, the loss, the storage type and threads. */
export interface BackendSpec {
  /** Widths from input to output, e.g. [784, 50, 10]. */
  layers: readonly number[];
  /** Activation of every hidden layer. */
  hidden: ActivationName;
  /** Activation of the output layer. */
  output: ActivationName;
  /** The loss that lossForward and lossBackward compute ('ce': cross-entropy, on a softmax or sigmoid output). */
  loss: LossName;
  /** Storage type of every tensor (wasm: float32 only). */
  dtype: 'float32' | 'float64';
  /** 1, or 2 to let the wasm backend share work with a helper thread (others ignore it). */
  threads: number;
}

/** A batch's input: floats (n, in) row-major, n rows of bytes scaled u·mul + add, or rows of a byte dataset so scaled. */
export type BatchInput =
  | {
      /** Floats: the inputs as they are. */
      kind: 'floats';
      /** (n, in) row-major. */
      x: FloatArray;
    }
  | {
      /** Bytes: raw 0–255 inputs, scaled as they are read. */
      kind: 'bytes';
      /** (n, in) bytes, row-major. */
      raw: Uint8Array;
      /** Scale of each byte. */
      mul: number;
      /** Offset added after the scale. */
      add: number;
    }
  | {
      /** Rows: bytes picked from a whole dataset by row number (the path MNIST training takes). */
      kind: 'rows';
      /** The whole dataset, (count, in) bytes; indexed once by the wasm backend, so it must not change afterwards. */
      inputs: Uint8Array;
      /** Dataset row numbers; the batch is rows[start .. start + n). */
      rows: ArrayLike<number>;
      /** First entry of `rows` in the batch. */
      start: number;
      /** Scale of each byte. */
      mul: number;
      /** Offset added after the scale. */
      add: number;
    };

/**
 * One network's storage and kernels. Layer l has W[l] (layers[l+1], layers[l]) row-major and b[l] (layers[l+1]); the
 * batch buffers z[l], a[l] and δ[l] are (capacity, layers[l+1]). The network calls, per batch: reserve, input, then
 * denseForward for each layer in order; lossForward (the loss) and lossBackward (the output's δ); then denseBackward
 * from the last layer down, each followed by activationBackward of the layer below; then sgdStep or optimizerStep
 * (evaluation stops after lossForward, or after the forward pass, reading outputClasses). A backend may fuse steps
 * (the wasm sparse first layer does), as long as each call leaves what the interface promises. With dropout the
 * network fills each hidden layer's mask and calls dropoutForward and dropoutBackward between the layers' calls, so it
 * asks for `separate`.
 */
export interface Backend {
  /** Which backend this is. */
  readonly name: BackendName;
  /** Threads in use (1, or 2 with the wasm backend's helper). */
  readonly threads: number;
  /** Make the batch buffers hold at least n rows. */
  reserve(n: number): void;
  /**
   * Take the batch's input for the next denseForward(0). `separate`: the network acts on a[l] and δ[l] between layers
   * (dropout), so no call may compute another layer's a or δ ahead of its own call (no fusion across layers).
   */
  input(batch: BatchInput, n: number, separate?: boolean): void;
  /** z[l] = in·W[l]ᵀ + b[l] and a[l] = f(z[l]) for rows 0..n−1 (in: the input for l = 0, else a[l−1]). */
  denseForward(l: number, n: number): void;
  /** Views of a[l], z[l] and δ[l] (rows 0..n−1 of the last pass valid), for reading (and for tests to seed a δ). */
  activations(l: number): FloatArray;
  /** z[l], the pre-activations of layer l. */
  preActivations(l: number): FloatArray;
  /** δ[l], the loss's gradient with respect to z[l]. */
  delta(l: number): FloatArray;
  /** The mean loss of the last forward pass's first n rows against targets y (n, outputs) (cross-entropy also rewrites the output a from z). */
  lossForward(y: FloatArray, n: number): number;
  /** δ[L−1] = ∂loss/∂z[L−1] for rows 0..n−1: the loss's gradient through the output activation (fused for cross-entropy). */
  lossBackward(y: FloatArray, n: number): void;
  /** δ[l] ⊙= f'(a[l]), elementwise for rows 0..n−1 (f the layer's activation). */
  activationBackward(l: number, n: number): void;
  /** dW[l] = δ[l]ᵀ·in, db[l] = column sums of δ[l]; for l > 0 also δ[l−1] = δ[l]·W[l] (before f'). */
  denseBackward(l: number, n: number): void;
  /** out[r] = the index of the largest output of row r (the first on ties; one output: 1 when ≥ 0.5), r < n. */
  outputClasses(out: Int32Array, n: number): void;
  /** SGD on every parameter, W0, b0, W1, …: v = μv + g + λw; w −= lr·v (v null: w −= lr·(g + λw)); biases λ = 0. */
  sgdStep(lr: number, mu: number, l2: number, velocity: FloatArray[] | null): void;
  /** Momentum buffers in the backend's own memory (one per parameter), or null when the optimiser allocates them. */
  momentumBuffers(): FloatArray[] | null;
  /**
   * Any optimiser's step of every parameter, W0, b0, W1, …, by optim.ts's rules (biases: no L2, no weight decay), with
   * `state[k][p]` the k-th state buffer of parameter p (stateCount(args) sets: velocity, or Adam's m and v).
   */
  optimizerStep(args: StepArgs, state: FloatArray[][]): void;
  /** `sets` state buffers per parameter in the backend's own memory, zeroed when first made, or null (the optimiser allocates). */
  stateBuffers(sets: number): FloatArray[][] | null;
  /** Layer l's dropout mask for the batch, (capacity, layers[l+1]): the network fills it (dropout.ts) before dropoutForward. */
  dropoutMask(l: number): FloatArray;
  /** a[l] ⊙= mask[l] for rows 0..n−1. */
  dropoutForward(l: number, n: number): void;
  /** δ[l] ⊙= mask[l], and a[l] ⊙= back (dropout.ts dropoutBackward), for rows 0..n−1. */
  dropoutBackward(l: number, n: number, back: number): void;
  /** Σ of the squares of every gradient of the last backward pass (dW and db of every layer), for clipping. */
  gradientSquares(): number;
  /** Max-norm: rescale each row of W[l] (a unit's incoming weights) whose norm exceeds c to norm c (optim.ts maxNormRows). */
  maxNorm(l: number, c: number): void;
  /** Sync points: copy W[l], b[l] (and the last gradients) out, or parameters in. */
  readWeightsInto(l: number, out: FloatArray): void;
  /** Copy b[l] into out. */
  readBiasesInto(l: number, out: FloatArray): void;
  /** Copy the last backward pass's dW[l] and db[l] out. */
  readGradientsInto(l: number, dW: FloatArray, db: FloatArray): void;
  /** Set W[l]; the backend uses it from the next pass on. */
  writeWeights(l: number, values: ArrayLike<number>): void;
  /** Set b[l]. */
  writeBiases(l: number, values: ArrayLike<number>): void;
  /** Release threads now (idempotent). */
  dispose(): void;
}
