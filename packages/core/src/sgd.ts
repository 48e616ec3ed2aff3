// Minibatch stochastic gradient descent with optional momentum and L2 weight decay. Updates parameters in place.
// The update (PyTorch's form): g = dW + λW; v = μv + g; W −= lr·v (without momentum: W −= lr·g). Biases get no decay.
import type { MLP } from './mlp.js';
import type { FloatArray } from './tensor.js';

export interface SGDOptions {
  /** Learning rate (> 0). */
  lr: number;
  /** Momentum μ in [0, 1). Default 0. */
  momentum?: number;
  /** L2 weight decay λ ≥ 0 on weights (not biases). Default 0. The reported loss does not include it. */
  l2?: number;
}

export function checkSGDOptions(o: SGDOptions): Required<SGDOptions> {
  const lr = o.lr;
  const momentum = o.momentum ?? 0;
  const l2 = o.l2 ?? 0;
  if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`learning rate must be a positive number, got ${lr}`);
  if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`l2 must be a non-negative number, got ${l2}`);
  return { lr, momentum, l2 };
}

export class SGD {
  lr: number;
  momentum: number;
  l2: number;
  /** Velocity per parameter (same order as model.params()), allocated only with momentum > 0. */
  velocity: FloatArray[] | null = null;

  constructor(options: SGDOptions) {
    const o = checkSGDOptions(options);
    this.lr = o.lr;
    this.momentum = o.momentum;
    this.l2 = o.l2;
  }

  /** One update of every parameter from its gradient (with the model's wasm kernel when it has one). */
  step(model: MLP): void {
    if (typeof (model as Partial<MLP> | null)?.params !== 'function') throw new TypeError(`SGD.step needs an MLP, got ${model}`);
    const mu = this.momentum;
    if (mu > 0) {
      // A wasm model keeps momentum in its own memory: adopt those buffers, carrying over any velocity we had.
      const slots = model.momentumBuffers();
      if (slots && this.velocity !== slots) {
        const prev = this.velocity;
        slots.forEach((s, k) => (prev ? s.set(prev[k]!) : s.fill(0)));
        this.velocity = slots;
      } else if (!this.velocity) {
        this.velocity = model.params().map((p) => (p.data instanceof Float64Array ? new Float64Array(p.data.length) : new Float32Array(p.data.length)));
      }
    }
    // With the wasm kernels the model steps itself, without handing its arrays out (see MLP.sgdStep).
    if (model.sgdStep(this.lr, mu, this.l2, mu > 0 ? this.velocity : null)) return;
    const params = model.params();
    const lr = this.lr;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const w = p.data;
      const g = p.grad;
      const l2 = p.decay ? this.l2 : 0;
      const v = mu > 0 ? this.velocity![k]! : null;
      if (model.sgdUpdate(w, g, v, lr, mu, l2)) continue;
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
  }
}
