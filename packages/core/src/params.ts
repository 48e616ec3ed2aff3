// A network's parameters and the backend that holds them: building the backend from the config, the parameters' names
// and shapes, and the sync points (copies out, values in, copies between networks). MLP (mlp.ts) extends it with the
// algorithm; no arithmetic here, and nothing that hands out a live view: every read is a copy.
import { type BackendName, getThreads, resolveBackend } from './backend.js';
import { jsBackend } from './backends/js/index.js';
import { naiveBackend } from './backends/naive/index.js';
import type { Backend } from './backends/types.js';
import { wasmBackend } from './backends/wasm/index.js';
import { checkOut, checkValues } from './check.js';
import { type FullConfig, type MLPConfig, type MLPOptions, type ParamInfo, resolveConfig } from './config.js';
import type { FloatArray } from './tensor.js';

const BACKEND_FACTORIES = { naive: naiveBackend, js: jsBackend, wasm: wasmBackend };

/** The parameters W[l], b[l] of a network of `config`'s widths, held by its backend, with checked copies in and out. */
export class ModelParams {
  /** The network's description with every default filled in. */
  readonly config: FullConfig;
  /** Storage type of every tensor. */
  readonly dtype: 'float32' | 'float64';
  /** The kernels in use ('wasm', 'js' or 'naive'). */
  readonly backend: BackendName;
  /** Threads the wasm kernels may use (1 or 2; 2 only where SharedArrayBuffer and workers exist). */
  readonly threads: number;
  /** The backend: every tensor and every kernel of this network (backends/types.ts). */
  protected readonly engine: Backend;

  /** A backend for `config` as `options` ask (dtype, backend, threads), its parameters zero. */
  constructor(config: MLPConfig, options: MLPOptions = {}) {
    this.config = resolveConfig(config);
    if (typeof options !== 'object' || options === null) throw new TypeError(`MLP options must be an object, got ${options}`);
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') throw new RangeError(`MLP options: dtype must be float32 or float64, got ${this.dtype}`);
    if (options.rng !== undefined && typeof options.rng?.normal !== 'function') throw new TypeError('MLP options: rng must be an Rng (new Rng(seed))');
    const threads = options.threads ?? getThreads();
    if (threads !== 1 && threads !== 2) throw new RangeError(`MLP options: threads must be 1 or 2, got ${threads}`);
    this.backend = resolveBackend(options.backend, this.dtype);
    const { layers, hidden, output, loss } = this.config;
    this.engine = BACKEND_FACTORIES[this.backend]({ layers, hidden, output, loss, dtype: this.dtype, threads });
    this.threads = this.engine.threads;
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
  readGradients(l: number): {
    /** ∂loss/∂W[l], (layers[l+1], layers[l]) row-major. */
    dW: FloatArray;
    /** ∂loss/∂b[l], (layers[l+1]). */
    db: FloatArray;
  } {
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
  /** Copy all weights and biases from a model of the same architecture. */
  copyWeightsFrom(other: ModelParams): void {
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

  /** A zeroed buffer of n values in the model's dtype. */
  protected floats(n: number): FloatArray {
    return this.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }
}

const size = (p: ParamInfo): number => p.shape.reduce((a, d) => a * d, 1);
