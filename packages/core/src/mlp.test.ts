import { describe, expect, it } from 'vitest';
import { type MLPConfig, MLP, resolveConfig } from './mlp.js';
import { SGD } from './sgd.js';
import { TOL } from './testing/expect-close.js';
import { gradCheck, randn64 } from './testing/gradcheck.js';

const n = 4;
function targets(out: number): Float64Array {
  const y = new Float64Array(n * out);
  for (let r = 0; r < n; r++) y[r * out + (r % out)] = 1;
  return y;
}

// Whole-network check: every parameter of a 3-layer MLP (two hidden layers) in float64.
function checkNetwork(cfg: MLPConfig, corrupt = false) {
  const m = new MLP({ ...cfg, initStd: 0.5 }, { seed: 3, dtype: 'float64' });
  for (let l = 0; l < m.depth; l++) m.writeBiases(l, randn64(m.config.layers[l + 1]!, m.config.layers[l + 1]!, 0.1));
  const x = randn64(n * m.inputSize, 9);
  const y = targets(m.outputSize);
  m.gradient(x, y, n);
  const results = m.paramInfo().map((p, k) => {
    const l = k >> 1;
    const weights = k % 2 === 0;
    const g = m.readGradients(l);
    const analytic = Float64Array.from(weights ? g.dW : g.db);
    if (corrupt && p.name === 'W0') analytic[3]! *= 1.02; // 2% off in one element
    const data = (weights ? m.readWeights(l) : m.readBiases(l)) as Float64Array;
    const write = () => (weights ? m.writeWeights(l, data) : m.writeBiases(l, data));
    const r = gradCheck(() => {
      write(); // the perturbed copy into the model
      m.forward(x, n);
      return m.loss(y, n);
    }, data, analytic, TOL.gradcheck);
    write(); // restored
    return { name: p.name, ...r };
  });
  return results;
}

describe('MLP backpropagation: whole-network gradient checks (float64, central differences)', () => {
  const configs: MLPConfig[] = [
    { layers: [6, 5, 4, 3], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' },
    { layers: [6, 5, 4, 3], hidden: 'tanh', output: 'softmax', loss: 'ce' },
    { layers: [6, 5, 4, 3], hidden: 'relu', output: 'softmax', loss: 'mse' },
    { layers: [6, 5, 4, 3], hidden: 'relu', output: 'sigmoid', loss: 'ce' },
    { layers: [6, 5, 4, 3], hidden: 'tanh', output: 'linear', loss: 'mse' },
    { layers: [6, 3], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' },
  ];
  for (const cfg of configs) {
    it(`${cfg.layers.join('-')} ${cfg.hidden}/${cfg.output}/${cfg.loss}`, () => {
      for (const r of checkNetwork(cfg)) expect(r.worst, `${r.name} worst excess at ${r.index}`).toBeLessThanOrEqual(0);
    });
  }
  it('rejects a gradient that is wrong in one element by 2%', () => {
    const r = checkNetwork(configs[0]!, true);
    expect(r.find((x) => x.name === 'W0')!.ok).toBe(false);
    expect(r.filter((x) => x.name !== 'W0').every((x) => x.ok)).toBe(true);
  });
});

describe('MLP', () => {
  it('fills config defaults: the seed network', () => {
    expect(resolveConfig({ layers: [784, 50, 10] })).toEqual({
      layers: [784, 50, 10],
      hidden: 'sigmoid',
      output: 'sigmoid',
      loss: 'mse',
      init: 'normal',
      initStd: 0.1,
    });
  });

  it('rejects configs that cannot train, saying why', () => {
    expect(() => new MLP({ layers: [784] })).toThrow(/at least an input and an output/);
    expect(() => new MLP({ layers: [784, 0, 10] })).toThrow(/positive integers/);
    expect(() => new MLP({ layers: [4, 2], hidden: 'softmax' })).toThrow(/hidden activation/);
    expect(() => new MLP({ layers: [4, 2], output: 'relu', loss: 'ce' })).toThrow(/softmax or sigmoid/);
    expect(() => new MLP({ layers: [4, 1], output: 'softmax' })).toThrow(/at least 2/);
    expect(() => new MLP({ layers: [4, 2], loss: 'hinge' as never })).toThrow(/mse or ce/);
    expect(() => new MLP({ layers: [4, 2], initStd: 0 })).toThrow(/initStd/);
  });

  it('initialises N(0, 0.1) weights and zero biases, identically per seed', () => {
    const a = new MLP({ layers: [784, 50, 10] }, { seed: 123 });
    const b = new MLP({ layers: [784, 50, 10] }, { seed: 123 });
    const c = new MLP({ layers: [784, 50, 10] }, { seed: 124 });
    expect(a.readWeights(0)).toEqual(b.readWeights(0));
    expect(a.readWeights(0)).not.toEqual(c.readWeights(0));
    const w = a.readWeights(0);
    let s = 0;
    let s2 = 0;
    for (const v of w) {
      s += v;
      s2 += v * v;
    }
    const mean = s / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.sqrt(s2 / w.length - mean * mean)).toBeCloseTo(0.1, 2);
    expect([0, 1].every((l) => a.readBiases(l).every((v) => v === 0))).toBe(true);
    expect(a.parameterCount).toBe(784 * 50 + 50 + 50 * 10 + 10);
  });

  it('scales He and Xavier initialisation with fan-in', () => {
    const std = (w: ArrayLike<number>) => Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0) / w.length);
    expect(std(new MLP({ layers: [800, 200], init: 'he' }).readWeights(0))).toBeCloseTo(Math.sqrt(2 / 800), 2);
    expect(std(new MLP({ layers: [800, 200], init: 'xavier' }).readWeights(0))).toBeCloseTo(Math.sqrt(2 / 1000), 2);
  });

  it('predicts probabilities that sum to 1 with a softmax output', () => {
    const m = new MLP({ layers: [3, 4, 5], output: 'softmax', loss: 'ce' }, { seed: 1 });
    const p = m.predict([0.1, -0.2, 0.3, 1, 2, 3], 2);
    expect(p.length).toBe(10);
    expect(p.subarray(0, 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('rejects an input that is too short', () => {
    const m = new MLP({ layers: [3, 2] });
    expect(() => m.forward(new Float32Array(5), 2)).toThrow('forward: x has 5 values, but n×inputSize = 2×3 needs 6');
    expect(() => new MLP({ layers: [3, 2] }).backward(new Float32Array(2), 1)).toThrow(/forward first/);
  });

  it('clones independently', () => {
    const m = new MLP({ layers: [3, 2] }, { seed: 5 });
    const c = m.clone();
    expect(c.readWeights(0)).toEqual(m.readWeights(0));
    c.writeWeights(0, c.readWeights(0).fill(42, 0, 1));
    expect(m.readWeights(0)[0]).not.toBe(42);
    expect(() => c.copyWeightsFrom(new MLP({ layers: [3, 3] }))).toThrow(/architectures differ/);
  });
});

describe('reading and writing weights', () => {
  it('readWeights and readBiases return copies that later training and writes never change', () => {
    const m = new MLP({ layers: [4, 3, 2] }, { seed: 2 });
    const W = m.readWeights(1);
    const kept = Float32Array.from(W);
    W.fill(7); // a copy: the model does not see it
    expect(m.readWeights(1)).toEqual(kept);
    const x = Float32Array.from({ length: 8 }, (_, i) => i / 8);
    m.gradient(x, Float32Array.of(1, 0, 0, 1), 2);
    new SGD().step(m, 0.5);
    expect(m.readWeights(1)).not.toEqual(kept);
    const into = new Float32Array(6);
    expect(m.readWeightsInto(1, into)).toBe(into);
    expect(into).toEqual(m.readWeights(1));
    m.writeBiases(0, [1, 2, 3]);
    expect(Array.from(m.readBiases(0))).toEqual([1, 2, 3]);
  });

  it('rejects a missing layer, a wrong length and a too small output with one sentence each', () => {
    const m = new MLP({ layers: [4, 3, 2] });
    expect(() => m.readWeights(2)).toThrow('no layer 2: layers are 0 to 1');
    expect(() => m.writeWeights(0, [1, 2])).toThrow("writeWeights: layer 0's weights need 12 values, got 2");
    expect(() => m.readWeightsInto(0, new Float32Array(3))).toThrow('readWeightsInto: out must be a Float32Array or Float64Array of at least 12 values');
    expect(() => m.writeParams([])).toThrow('writeParams: expected 4 tensors (W0, b0, …), got 0');
  });
});
