import { MLP } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { Weights } from '../train/protocol.js';
import { argmax, forwardPass, rankDescending, tracedWeights, votes } from './forward.js';

function snapshot(m: MLP, mul: number, add: number): Weights {
  return {
    layers: [...m.config.layers],
    W: m.readParams().filter((_, k) => k % 2 === 0).map((w) => Float32Array.from(w)),
    b: m.readParams().filter((_, k) => k % 2 === 1).map((b) => Float32Array.from(b)),
    hidden: m.config.hidden,
    output: m.config.output,
    scaling: { mul, add },
  };
}

const pixels = Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);

describe('the UI-thread forward pass', () => {
  for (const [hidden, output, layers] of [
    ['sigmoid', 'sigmoid', [784, 12, 10]],
    ['relu', 'softmax', [784, 16, 8, 10]],
  ] as const) {
    it(`equals @mlp/core's MLP.forward on a ${layers.join('-')} ${hidden}/${output} network, layer by layer`, () => {
      const m = new MLP({ layers: [...layers], hidden, output, init: 'xavier' }, { seed: 3 });
      for (let l = 0; l < m.depth; l++) m.writeBiases(l, m.readBiases(l).map((_, i) => ((i % 5) - 2) * 0.05));
      const net = snapshot(m, 2 / 255, -1);
      const pass = forwardPass(net, pixels);
      const x = Float32Array.from(pixels, (v) => v * (2 / 255) - 1);
      const out = m.forward(x, 1);
      expect(pass.layers).toHaveLength(layers.length - 1);
      for (let k = 0; k < 10; k++) expect(pass.layers.at(-1)![k]).toBeCloseTo(out[k]!, 5);
      for (let l = 0; l < layers.length - 2; l++) {
        const a = m.activations(l);
        for (let j = 0; j < layers[l + 1]!; j++) expect(pass.layers[l]![j]).toBeCloseTo(a[j]!, 5);
      }
      expect(pass.input[0]).toBeCloseTo(-1);
    });
  }

  it('splits an output into the hidden units’ votes: they sum with the bias to its pre-activation', () => {
    const m = new MLP({ layers: [784, 20, 10], hidden: 'sigmoid', output: 'sigmoid' }, { seed: 5 });
    const net = snapshot(m, 1 / 255, 0);
    const pass = forwardPass(net, pixels);
    const out = pass.layers[1]!;
    const cls = argmax(out);
    const v = votes(net, pass.layers[0]!, cls);
    const z = v.reduce((a, b) => a + b, 0) + net.b[1]![cls]!;
    expect(1 / (1 + Math.exp(-z))).toBeCloseTo(out[cls]!, 5);
    // A different class gets different votes.
    expect(votes(net, pass.layers[0]!, (cls + 1) % 10)).not.toEqual(v);
  });

  it('traces a deeper layer\'s weights back to the pixels: for a linear network without biases they give its units\' inputs', () => {
    const m = new MLP({ layers: [784, 16, 8, 10], hidden: 'linear', output: 'softmax', init: 'xavier' }, { seed: 9 });
    const net = snapshot(m, 1 / 255, 0);
    const pass = forwardPass(net, pixels);
    expect(tracedWeights(net, 0)).toBe(net.W[0]);
    const t = tracedWeights(net, 1);
    expect(t).toHaveLength(8 * 784);
    for (let u = 0; u < 8; u++) {
      let z = 0;
      for (let i = 0; i < 784; i++) z += t[u * 784 + i]! * pass.input[i]!;
      expect(z).toBeCloseTo(pass.layers[1]![u]!, 4);
    }
    expect(() => tracedWeights(net, 2)).toThrow(/not a hidden layer of 784-16-8-10/);
  });

  it('ranks values from largest to smallest and refuses too few pixels', () => {
    expect(rankDescending([0.2, 0.9, 0.2, 0.5])).toEqual([1, 3, 0, 2]);
    expect(argmax([1, 3, 3, 2])).toBe(1);
    const net = snapshot(new MLP({ layers: [784, 4, 10] }, { seed: 1 }), 1, 0);
    expect(() => forwardPass(net, new Uint8Array(10))).toThrow(RangeError);
  });
});
