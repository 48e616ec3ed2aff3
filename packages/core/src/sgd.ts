// Minibatch stochastic gradient descent with optional momentum and L2 weight decay. Updates parameters in place.
// The update (PyTorch's form): g = dW + λW; v = μv + g; W −= lr·v (without momentum: W −= lr·g). Biases get no decay.
// The learning rate is an argument of every step (the Trainer passes the epoch's rate); momentum and λ are fixed.
import type { MLP } from './mlp.js';
import type { FloatArray } from './tensor.js';

/** SGD's fixed hyperparameters (the learning rate is step()'s argument). */
export interface SGDOptions {
  /** Momentum μ in [0, 1). Default 0. */
  momentum?: number;
  /** L2 weight decay λ ≥ 0 on weights (not biases). Default 0. The reported loss does not include it. */
  l2?: number;
}

/** Throws a RangeError unless lr is a positive finite number. */
export function checkLearningRate(lr: number): number {
  if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`learning rate must be a positive number, got ${lr}`);
  return lr;
}

/** SGDOptions with defaults, checked: momentum in [0, 1), l2 ≥ 0. */
export function checkSGDOptions(o: SGDOptions): Required<SGDOptions> {
  const momentum = o.momentum ?? 0;
  const l2 = o.l2 ?? 0;
  if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`l2 must be a non-negative number, got ${l2}`);
  return { momentum, l2 };
}

/**
 * The update of one parameter w from its gradient g, in place (the reference kernel; wasm has its own):
 * v = μv + g + λw; w −= lr·v, or without velocity (v null) w −= lr·(g + λw).
 */
export function sgdUpdate(w: FloatArray, g: FloatArray, v: FloatArray | null, lr: number, mu: number, l2: number): void {
  const n = w.length;
  if (v) {
    for (let i = 0; i < n; i++) {
      const vi = mu * v[i]! + g[i]! + l2 * w[i]!;
      v[i] = vi;
      w[i]! -= lr * vi;
    }
  } else if (l2 > 0) {
    for (let i = 0; i < n; i++) w[i]! -= lr * (g[i]! + l2 * w[i]!);
  } else {
    for (let i = 0; i < n; i++) w[i]! -= lr * g[i]!;
  }
}

/** Minibatch SGD: holds momentum, λ and the velocity; step(model, lr) updates every parameter of the model. */
export class SGD {
  /** Momentum μ in [0, 1). */
  readonly momentum: number;
  /** L2 weight decay λ on weights (not biases). */
  readonly l2: number;
  /** Velocity per parameter (model.paramInfo() order), allocated only with momentum > 0. */
  velocity: FloatArray[] | null = null;

  constructor(options: SGDOptions = {}) {
    const o = checkSGDOptions(options);
    this.momentum = o.momentum;
    this.l2 = o.l2;
  }

  /** One update of every parameter of `model` from its last gradient, with learning rate `lr` (the model's kernels). */
  step(model: MLP, lr: number): void {
    if (typeof (model as Partial<MLP> | null)?.sgdStep !== 'function') throw new TypeError(`SGD.step needs an MLP, got ${model}`);
    checkLearningRate(lr);
    const mu = this.momentum;
    if (mu > 0) {
      // A wasm model keeps momentum in its own memory: adopt those buffers, carrying over any velocity we had.
      const slots = model.momentumBuffers();
      if (slots && this.velocity !== slots) {
        const prev = this.velocity;
        slots.forEach((s, k) => (prev ? s.set(prev[k]!) : s.fill(0)));
        this.velocity = slots;
      } else if (!this.velocity) {
        const make = (n: number) => (model.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
        this.velocity = model.paramInfo().map((p) => make(p.shape.reduce((a, d) => a * d, 1)));
      }
    }
    model.sgdStep(lr, mu, this.l2, mu > 0 ? this.velocity : null);
  }
}
