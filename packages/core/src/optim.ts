// The optimisers' update rules, one parameter at a time (the naive reference kernels; wasm has its own): SGD with
// momentum, Nesterov momentum, Adam and AdamW, each with coupled L2, decoupled weight decay and a gradient scale (for
// clipping by global norm). No state or loop here: optimizer.ts keeps the moments and the step count.
//
//   every rule, first:   g' = s·g + λ·w              (s: the clipping scale, 1 without; λ: L2, weights only)
//                        w  = w − lr·wd·w            (decoupled weight decay, Loshchilov & Hutter; weights only)
//   sgd:                 v = μ·v + g';  w −= lr·v    (μ = 0 and no buffer: w −= lr·g')
//   nesterov:            v = μ·v + g';  w −= lr·(g' + μ·v)          (PyTorch's form of Sutskever et al.)
//   adam (Kingma & Ba):  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
//                        w −= lr · (m·c1) / (√(v·c2) + ε),   c1 = 1/(1−β1^t), c2 = 1/(1−β2^t), t = 1, 2, …
//   adamw:               adam with wd > 0 (and λ = 0 as the paper has it; both are allowed)
import type { FloatArray } from './tensor.js';

/** The optimisers. 'adamw' is Adam with decoupled weight decay; 'adam' refuses weightDecay (use L2 or adamw). */
export const OPTIMIZERS = ['sgd', 'nesterov', 'adam', 'adamw'] as const;
/** One of OPTIMIZERS. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The arguments of one step of every parameter (the backend's optimizerStep and the reference kernels). */
export interface StepArgs {
  /** Which rule: plain/momentum SGD, Nesterov, or Adam (AdamW is 'adam' with wd > 0). */
  rule: 'sgd' | 'nesterov' | 'adam';
  /** This step's learning rate (> 0). */
  lr: number;
  /** Momentum μ in [0, 1) (sgd, nesterov). */
  mu: number;
  /** Coupled L2 λ ≥ 0, added to the weights' gradients. */
  l2: number;
  /** Decoupled weight decay ≥ 0: w −= lr·wd·w before the update (weights only). */
  wd: number;
  /** Adam's β1, β2 in [0, 1) and ε > 0. */
  beta1: number;
  /** Adam's β2. */
  beta2: number;
  /** Adam's ε. */
  eps: number;
  /** Adam's 1/(1 − β1^t) and 1/(1 − β2^t), t the 1-based step number (bias correction). */
  c1: number;
  /** 1/(1 − β2^t). */
  c2: number;
  /** Scale of the gradient (clipping by global norm: min(1, maxNorm/‖g‖)); 1 without clipping. */
  scale: number;
}

/** How many state buffers per parameter a rule keeps: Adam two (m, v), momentum one, plain SGD none. */
export function stateCount(a: Pick<StepArgs, 'rule' | 'mu'>): number {
  return a.rule === 'adam' ? 2 : a.mu > 0 ? 1 : 0;
}

/**
 * One parameter's update in place (the reference kernel): w and its gradient g, state buffers s1 (velocity or m) and
 * s2 (Adam's v), `decay` false for biases (no L2, no weight decay). See the file header for the formulas.
 */
export function optimizerUpdate(w: FloatArray, g: FloatArray, s1: FloatArray | null, s2: FloatArray | null, a: StepArgs, decay: boolean): void {
  const n = w.length;
  const l2 = decay ? a.l2 : 0;
  const keep = decay ? 1 - a.lr * a.wd : 1;
  const { lr, mu, scale } = a;
  if (a.rule === 'adam') {
    const { beta1: b1, beta2: b2, eps, c1, c2 } = a;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      const gi = scale * g[i]! + l2 * wi;
      const m = b1 * s1![i]! + (1 - b1) * gi;
      const v = b2 * s2![i]! + (1 - b2) * gi * gi;
      s1![i] = m;
      s2![i] = v;
      w[i] = wi * keep - (lr * (m * c1)) / (Math.sqrt(v * c2) + eps);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    const gi = scale * g[i]! + l2 * wi;
    let step = gi;
    if (s1) {
      const v = mu * s1[i]! + gi;
      s1[i] = v;
      step = a.rule === 'nesterov' ? gi + mu * v : v;
    }
    w[i] = wi * keep - lr * step;
  }
}

/** Σ g² over the arrays (a double sum in order): the squared global norm that clipping uses. */
export function sumOfSquares(arrays: readonly FloatArray[]): number {
  let s = 0;
  for (const g of arrays) for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return s;
}

/** The clipping scale for a gradient of squared norm `squares`: min(1, maxNorm/‖g‖); 1 when maxNorm is 0 (off). */
export function clipScale(squares: number, maxNorm: number): number {
  if (maxNorm <= 0) return 1;
  const norm = Math.sqrt(squares);
  return norm > maxNorm ? maxNorm / norm : 1;
}

/**
 * Max-norm: every row of W (rows, cols) row-major, a unit's incoming weights, rescaled to norm c where it is longer
 * (Srivastava et al. 2014); a row within rounding of c (1 + 1e-6) is left alone, so a rescaled row stays put. Returns
 * whether any row changed. The reference, and the wasm backend's too (on its W).
 */
export function maxNormRows(W: FloatArray, rows: number, cols: number, c: number): boolean {
  let changed = false;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += W[o + j]! * W[o + j]!;
    if (s <= c * c * (1 + 1e-6)) continue;
    const k = c / Math.sqrt(s);
    for (let j = 0; j < cols; j++) W[o + j]! *= k;
    changed = true;
  }
  return changed;
}
