// The optimiser the Trainer uses: SGD, momentum, Nesterov, Adam or AdamW (optim.ts's rules), with coupled L2,
// decoupled weight decay, clipping by global norm and max-norm. It keeps the state (moments, step count) and chooses
// the kernels' path; the arithmetic is the backend's. No schedule here: the learning rate is step()'s argument.
import type { MLP } from './mlp.js';
import { OPTIMIZERS, type OptimizerName, type StepArgs, clipScale, stateCount } from './optim.js';
import { SGD, checkLearningRate, checkSGDOptions } from './sgd.js';
import type { FloatArray } from './tensor.js';

/** The optimiser's fixed hyperparameters. Everything defaults to plain SGD. */
export interface OptimizerOptions {
  /** 'sgd' (with `momentum`: heavy ball), 'nesterov', 'adam' or 'adamw'. Default 'sgd'. */
  optimizer?: OptimizerName;
  /** Momentum μ in [0, 1) for sgd and nesterov. Default 0. */
  momentum?: number;
  /** Coupled L2 λ ≥ 0 added to the weights' gradients (not biases). Default 0. */
  l2?: number;
  /** Decoupled weight decay in [0, 1): w −= lr·wd·w each step (not biases). sgd, nesterov and adamw; default 0 (adamw: 0.01). */
  weightDecay?: number;
  /** Adam's β1 in [0, 1). Default 0.9. */
  beta1?: number;
  /** Adam's β2 in [0, 1). Default 0.999. */
  beta2?: number;
  /** Adam's ε > 0. Default 1e-8. */
  eps?: number;
  /** Clip the gradient to this global L2 norm (all parameters together); 0 = off. Default 0. */
  clipNorm?: number;
  /** Max-norm: after each step, scale every unit's incoming weight vector longer than this to this length; 0 = off. Default 0. */
  maxNorm?: number;
}

const nonNegative = (v: number, name: string): number => {
  if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`${name} must be a non-negative number, got ${v}`);
  return v;
};
const unitInterval = (v: number, name: string): number => {
  if (!(v >= 0 && v < 1)) throw new RangeError(`${name} must be in [0, 1), got ${v}`);
  return v;
};

/** OptimizerOptions with defaults, checked: a RangeError says what is wrong. */
export function checkOptimizerOptions(o: OptimizerOptions): Required<OptimizerOptions> {
  const optimizer = o.optimizer ?? 'sgd';
  if (!OPTIMIZERS.includes(optimizer)) throw new RangeError(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${optimizer}`);
  const full = {
    optimizer,
    ...checkSGDOptions(o),
    weightDecay: unitInterval(o.weightDecay ?? (optimizer === 'adamw' ? 0.01 : 0), 'weightDecay'),
    beta1: unitInterval(o.beta1 ?? 0.9, 'beta1'),
    beta2: unitInterval(o.beta2 ?? 0.999, 'beta2'),
    eps: o.eps ?? 1e-8,
    clipNorm: nonNegative(o.clipNorm ?? 0, 'clipNorm'),
    maxNorm: nonNegative(o.maxNorm ?? 0, 'maxNorm'),
  };
  if (!(full.eps > 0 && full.eps < 1)) throw new RangeError(`eps must be in (0, 1), got ${full.eps}`);
  if (optimizer === 'adam' && full.weightDecay > 0) throw new RangeError('adam takes no weightDecay (decoupled decay is adamw; coupled decay is l2)');
  if ((optimizer === 'adam' || optimizer === 'adamw') && full.momentum > 0) throw new RangeError(`${optimizer} takes no momentum (its β1 plays that part)`);
  if (optimizer === 'nesterov' && full.momentum === 0) throw new RangeError('nesterov needs a momentum in (0, 1)');
  return full;
}

/** Updates every parameter of a model from its last gradient, keeping the moments and the step count. */
export class Optimizer {
  /** The hyperparameters, defaults filled in. */
  readonly options: Required<OptimizerOptions>;
  /** Steps taken so far (Adam's t before the next step). */
  steps = 0;
  /** Plain or heavy-ball SGD without decay or clipping: the SGD class's path (the wasm backend's fused steps). */
  private readonly sgd: SGD | null;
  /** The other rules' state: [set][parameter] (velocity, or Adam's m and v), in the backend's memory where it has some. */
  private state: FloatArray[][] = [];

  constructor(options: OptimizerOptions = {}) {
    this.options = checkOptimizerOptions(options);
    const o = this.options;
    this.sgd = o.optimizer === 'sgd' && o.weightDecay === 0 && o.clipNorm === 0 ? new SGD(o) : null;
  }

  /** The state sets, [set][parameter]: none, the velocity, or Adam's m and v. Live buffers; copy to keep. */
  moments(): FloatArray[][] {
    if (this.sgd) return this.sgd.velocity ? [this.sgd.velocity] : [];
    return this.state;
  }

  /** Continue from saved state: `sets` as moments() returned them (copied into the optimiser's buffers) and the step count. */
  restore(sets: readonly ArrayLike<number>[][], steps: number): void {
    this.steps = steps;
    if (this.sgd) this.sgd.velocity = sets[0] ? sets[0].map((v) => Float32Array.from(v)) : null;
    else this.state = sets.map((set) => set.map((v) => Float32Array.from(v)));
  }

  /** One update of every parameter of `model` with learning rate `lr`, then max-norm when it is set. */
  step(model: MLP, lr: number): void {
    if (typeof (model as Partial<MLP> | null)?.optimizerStep !== 'function') throw new TypeError(`Optimizer.step needs an MLP, got ${model}`);
    checkLearningRate(lr);
    const o = this.options;
    this.steps++;
    if (this.sgd) this.sgd.step(model, lr);
    else {
      const rule = o.optimizer === 'adamw' ? 'adam' : o.optimizer;
      const t = this.steps;
      const args: StepArgs = {
        rule,
        lr,
        mu: o.momentum,
        l2: o.l2,
        wd: o.weightDecay,
        beta1: o.beta1,
        beta2: o.beta2,
        eps: o.eps,
        c1: 1 / (1 - o.beta1 ** t),
        c2: 1 / (1 - o.beta2 ** t),
        scale: o.clipNorm > 0 ? clipScale(model.gradientSquares(), o.clipNorm) : 1,
      };
      model.optimizerStep(args, this.buffers(model, stateCount(args)));
    }
    if (o.maxNorm > 0) model.maxNorm(o.maxNorm);
  }

  /** The state sets for `model`: the backend's own buffers where it has them (carrying over any state we held), else ours. */
  private buffers(model: MLP, sets: number): FloatArray[][] {
    if (sets === 0) return [];
    const own = model.stateBuffers(sets);
    if (own) {
      if (own[0] !== this.state[0]) own.forEach((set, k) => set.forEach((b, p) => (this.state[k] ? b.set(this.state[k]![p]!) : b.fill(0))));
      this.state = own;
    } else if (this.state.length < sets) {
      const make = (n: number) => (model.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
      this.state = Array.from({ length: sets }, () => model.paramInfo().map((p) => make(p.shape.reduce((a, d) => a * d, 1))));
    }
    return this.state;
  }
}
