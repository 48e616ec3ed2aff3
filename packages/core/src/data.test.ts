import { describe, expect, it } from 'vitest';
import { checkDataset, gatherInputs, gatherTargets } from './data.js';
import { evaluate } from './evaluate.js';
import { MLP } from './mlp.js';
import { TOL, expectClose } from './testing/expect-close.js';

const d = { inputs: Uint8Array.from([0, 255, 51, 102, 255, 0]), labels: [1, 0, 2], count: 3, inputSize: 2 };

describe('datasets', () => {
  it('gathers rows in the given order and scales them per batch ([-1, 1] pixels)', () => {
    const out = new Float32Array(4);
    gatherInputs({ ...d, scaling: { mul: 2 / 255, add: -1 } }, [2, 0], 0, 2, out);
    expect(Array.from(out)).toEqual([1, -1, -1, 1].map((v) => Math.fround(v)));
  });
  it('applies per-feature scaling arrays', () => {
    const out = new Float32Array(2);
    gatherInputs({ ...d, scaling: { mul: Float32Array.from([1, 2]), add: Float32Array.from([10, 0]) } }, [1], 0, 1, out);
    expect(Array.from(out)).toEqual([61, 204]);
  });
  it('makes one-hot targets from labels, or copies explicit targets', () => {
    const y = new Float32Array(9);
    gatherTargets(d, [0, 1, 2], 0, 3, 3, y);
    expect(Array.from(y)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    expect(() => gatherTargets(d, [2], 0, 1, 2, y)).toThrow(/label 2 of example 2 is outside 0..1/);
    const t = new Float32Array(2);
    gatherTargets({ ...d, targets: Float32Array.from([0.5, 0.25, 0.75]) }, [2, 1], 0, 2, 1, t);
    expect(Array.from(t)).toEqual([0.75, 0.25]);
  });
  it('rejects datasets whose sizes do not add up', () => {
    expect(() => checkDataset({ ...d, count: 4 })).toThrow(/need count\*inputSize = 8/);
    expect(() => checkDataset({ ...d, labels: [1] })).toThrow(/1 labels for 3 examples/);
    expect(() => checkDataset({ ...d, inputSize: 0 })).toThrow(/inputSize/);
  });
  it('evaluates a model over a dataset in batches, keeping outputs on request', () => {
    // Hand-set weights: z = (x0, x1, 0) for x = pixels / 255, so the classes and the loss can be worked out by hand.
    const m = new MLP({ layers: [2, 3], output: 'softmax', loss: 'ce' }, { seed: 1 });
    m.writeWeights(0, [1, 0, 0, 1, 0, 0]);
    m.writeBiases(0, [0, 0, 0]);
    const e = evaluate(m, { ...d, scaling: { mul: 1 / 255, add: 0 } }, { batchSize: 2, keepOutputs: true });
    expect(e.count).toBe(3);
    // Rows x = (0, 1), (0.2, 0.4), (1, 0) with labels 1, 0, 2: predicted 1, 1, 0, so one of three is right.
    const x = [0, 1, 0.2, 0.4, 1, 0];
    const out = m.predict(x, 3);
    const argmax = [0, 1, 2].map((r) => [0, 1, 2].reduce((best, k) => (out[r * 3 + k]! > out[r * 3 + best]! ? k : best), 0));
    expect(argmax).toEqual([1, 1, 0]);
    expect(Array.from(e.predictions)).toEqual(argmax);
    expect(e.accuracy).toBe(1 / 3);
    expectClose(e.outputs!, out, TOL.f32, 'outputs');
    // Cross-entropy −log softmax(z)[label], averaged: z rows (0, 1, 0), (0.2, 0.4, 0), (1, 0, 0).
    const E = Math.E;
    const expected = (-Math.log(E / (E + 2)) - Math.log(Math.exp(0.2) / (Math.exp(0.2) + Math.exp(0.4) + 1)) - Math.log(1 / (E + 2))) / 3;
    expectClose([e.loss], [expected], TOL.f32, 'loss');
    expect(() => evaluate(m, { ...d, inputSize: 1, inputs: new Uint8Array(3) })).toThrow(/expects 2/);
  });
});
