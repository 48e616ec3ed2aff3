import { describe, expect, it } from 'vitest';
import { MLP } from './mlp.js';
import { type StepArgs, clipScale, maxNormRows, optimizerUpdate } from './optim.js';
import { Optimizer, checkOptimizerOptions } from './optimizer.js';
import { TOL, expectClose } from './testing/expect-close.js';

const base: StepArgs = { rule: 'sgd', lr: 0.1, mu: 0, l2: 0, wd: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, c1: 10, c2: 1000, scale: 1 };
const w0 = [0.5, -1, 2, 0];
const g = [0.2, -0.4, 1e-3, 3];
const update = (a: StepArgs, decay = true, steps = 1) => {
  const w = Float64Array.from(w0);
  const [s1, s2] = [new Float64Array(4), new Float64Array(4)];
  for (let t = 1; t <= steps; t++) {
    const args = { ...a, c1: 1 / (1 - a.beta1 ** t), c2: 1 / (1 - a.beta2 ** t) };
    optimizerUpdate(w, Float64Array.from(g), a.rule === 'sgd' && a.mu === 0 ? null : s1, s2, args, decay);
  }
  return w;
};

describe('the update rules against values worked by hand', () => {
  it("Adam's first step is lr·sign(g) (bias correction makes m̂ = g, v̂ = g²), zero where g is zero", () => {
    const w = update({ ...base, rule: 'adam', eps: 0 });
    expectClose(w, w0.map((v, i) => v - 0.1 * Math.sign(g[i]!)), TOL.f64);
  });

  it('AdamW also shrinks weights by lr·wd·w, and leaves biases undecayed', () => {
    const a: StepArgs = { ...base, rule: 'adam', eps: 0, wd: 0.5 };
    expectClose(update(a), w0.map((v, i) => v * (1 - 0.05) - 0.1 * Math.sign(g[i]!)), TOL.f64);
    expectClose(update(a, false), w0.map((v, i) => v - 0.1 * Math.sign(g[i]!)), TOL.f64);
  });

  it('Nesterov: two steps, v₁ = g, w₁ = w − lr(1+μ)g; v₂ = (1+μ)g + …', () => {
    const mu = 0.9;
    const w1 = w0.map((v, i) => v - 0.1 * (1 + mu) * g[i]!);
    expectClose(update({ ...base, rule: 'nesterov', mu }), w1, TOL.f64);
    // Step 2 with the same g: v₂ = μg + g, w₂ = w₁ − lr(g + μv₂).
    expectClose(update({ ...base, rule: 'nesterov', mu }, true, 2), w1.map((v, i) => v - 0.1 * (g[i]! + mu * (1 + mu) * g[i]!)), TOL.f64);
  });

  it('L2 adds λw to the gradient; the scale multiplies the gradient before', () => {
    expectClose(update({ ...base, l2: 0.1, scale: 0.5 }), w0.map((v, i) => v - 0.1 * (0.5 * g[i]! + 0.1 * v)), TOL.f64);
  });

  it('clipping scales the gradient to the maximum norm only when it is longer', () => {
    expect(clipScale(25, 1)).toBeCloseTo(0.2, 15);
    expect(clipScale(0.25, 1)).toBe(1);
    expect(clipScale(25, 0)).toBe(1);
  });

  it('max-norm rescales only the rows longer than c', () => {
    const W = Float64Array.from([3, 4, 0.3, 0.4]);
    expect(maxNormRows(W, 2, 2, 1)).toBe(true);
    expectClose(W, [0.6, 0.8, 0.3, 0.4], TOL.f64);
    expect(maxNormRows(W, 2, 2, 1)).toBe(false);
  });
});

describe('Optimizer', () => {
  it('checks its options with one sentence each', () => {
    expect(() => checkOptimizerOptions({ optimizer: 'rmsprop' as never })).toThrow('optimizer must be one of sgd, nesterov, adam, adamw, got rmsprop');
    expect(() => checkOptimizerOptions({ optimizer: 'adam', weightDecay: 0.1 })).toThrow('adam takes no weightDecay (decoupled decay is adamw; coupled decay is l2)');
    expect(() => checkOptimizerOptions({ optimizer: 'adamw', momentum: 0.9 })).toThrow('adamw takes no momentum (its β1 plays that part)');
    expect(() => checkOptimizerOptions({ optimizer: 'nesterov' })).toThrow('nesterov needs a momentum in (0, 1)');
    expect(() => checkOptimizerOptions({ beta2: 1 })).toThrow('beta2 must be in [0, 1), got 1');
    expect(() => checkOptimizerOptions({ clipNorm: -1 })).toThrow('clipNorm must be a non-negative number, got -1');
    expect(checkOptimizerOptions({ optimizer: 'adamw' }).weightDecay).toBe(0.01);
  });

  it('keeps Adam state in the wasm memory and counts steps; restore() carries state into a fresh network', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const y = Float32Array.from([1, 0, 0, 1, 1, 0]);
    const train = (m: MLP, o: Optimizer, steps: number) => {
      for (let s = 0; s < steps; s++) {
        m.gradient(x, y, 3);
        o.step(m, 0.01);
      }
    };
    const [a, b] = [new MLP({ layers: [4, 5, 2], hidden: 'relu', output: 'softmax', loss: 'ce' }, { seed: 1 }), null];
    const oa = new Optimizer({ optimizer: 'adamw', clipNorm: 0.5 });
    train(a, oa, 3);
    expect(oa.steps).toBe(3);
    expect(oa.moments()).toHaveLength(2);
    const c = a.clone();
    const oc = new Optimizer({ optimizer: 'adamw', clipNorm: 0.5 });
    oc.restore(oa.moments(), oa.steps);
    train(a, oa, 2);
    train(c, oc, 2);
    expect(c.readParams()).toEqual(a.readParams());
    expect(b).toBeNull();
  });
});
