// A network's description: the JSON-safe config (widths, activations, loss, initialisation), its defaults, and the
// check that rejects anything that cannot train. No tensors here.
import { ACTIVATIONS, type ActivationName } from './activations.js';
import { INITS, type InitName } from './init.js';
import { LOSSES, type LossName } from './losses.js';
import type { BackendName } from './backend.js';
import type { Rng } from './rng.js';

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

/** An MLPConfig with every default filled in (what a model holds as `config`). */
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

/** How to build a network: initial weights, storage type, backend and threads. */
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

/** One parameter tensor's description (no data): read and write the values with readParams/writeParams. */
export interface ParamInfo {
  /** `W<l>` or `b<l>`. */
  name: string;
  /** W: [layers[l+1], layers[l]] (row-major); b: [layers[l+1]]. */
  shape: [number] | [number, number];
  /** Weights take L2 decay; biases do not. */
  decay: boolean;
}
