import { describe, expect, it } from 'vitest';
import { dropoutMask } from './dropout.js';
import { MLP } from './mlp.js';
import { Rng, type RngState } from './rng.js';
import { TOL } from './testing/expect-close.js';
import { gradCheck, randn64 } from './testing/gradcheck.js';

describe('dropout', () => {
  it('masks drop about p of the units and scale the rest by 1/(1−p); the same generator state gives the same mask', () => {
    const m = new Float32Array(20_000);
    dropoutMask(m, m.length, 0.3, new Rng(1));
    const kept = m.filter((v) => v !== 0);
    expect(kept.length / m.length).toBeGreaterThan(0.68);
    expect(kept.length / m.length).toBeLessThan(0.72);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
    const again = new Float32Array(m.length);
    dropoutMask(again, again.length, 0.3, new Rng(1));
    expect(again).toEqual(m);
  });

  // The network's gradient with a fixed mask (the same generator state for every evaluation of the loss) against
  // finite differences, for an activation whose derivative reads its output (sigmoid: f' = h(1−h), so a must be
  // scaled back to h) and for relu; then a backward that forgets the mask fails the same check.
  for (const hidden of ['sigmoid', 'relu', 'tanh'] as const) {
    describe(`${hidden} hidden layers, p = 0.4`, () => {
      const n = 5;
      const m = new MLP({ layers: [4, 6, 5, 3], hidden, output: 'softmax', loss: 'ce' }, { dtype: 'float64', backend: 'naive', seed: 3 });
      const x = randn64(n * 4, 7);
      const y = new Float64Array(n * 3);
      for (let r = 0; r < n; r++) y[r * 3 + (r % 3)] = 1;
      const state: RngState = new Rng(42).state();
      const loss = (l: number, W: Float64Array) => () => {
        m.writeWeights(l, W);
        m.forward({ kind: 'floats', x }, n, { p: 0.4, rng: Rng.fromState(state) });
        return m.loss(y, n);
      };
      for (const l of [0, 1, 2]) {
        it(`dW[${l}] matches finite differences with the mask fixed`, () => {
          const W = Float64Array.from(m.readWeights(l));
          m.forward({ kind: 'floats', x }, n, { p: 0.4, rng: Rng.fromState(state) });
          m.backward(y, n);
          const { dW } = m.readGradients(l);
          const r = gradCheck(loss(l, W), W, dW, TOL.gradcheck);
          expect(r.ok, `worst ${r.worst} at ${r.index}`).toBe(true);
        });
      }
      it('a backward pass without the masks fails the check (the check can fail)', () => {
        const W = Float64Array.from(m.readWeights(0));
        m.forward({ kind: 'floats', x }, n);
        m.backward(y, n);
        const { dW } = m.readGradients(0);
        expect(gradCheck(loss(0, W), W, dW, TOL.gradcheck).ok).toBe(false);
      });
    });
  }

  it('is off at evaluation: a forward pass without dropout options is the plain network, whatever came before', () => {
    const m = new MLP({ layers: [4, 8, 3], hidden: 'relu', output: 'softmax', loss: 'ce' }, { backend: 'naive', seed: 1 });
    const x = Float32Array.from(randn64(8, 2));
    const plain = Float32Array.from(m.forward(x, 2).subarray(0, 6));
    m.forward({ kind: 'floats', x }, 2, { p: 0.5, rng: new Rng(1) });
    expect(Float32Array.from(m.forward(x, 2).subarray(0, 6))).toEqual(plain);
    expect(() => m.forward({ kind: 'floats', x }, 2, { p: 1, rng: new Rng(1) })).toThrow('dropout must be in [0, 1), got 1');
  });
});
