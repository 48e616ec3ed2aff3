// The backends' conformance suite: every backend (js; wasm with one thread and with two) runs the same steps of the
// Backend interface as the naive reference on the same numbers, and must agree with it within float32 rounding:
// forward on floats, on byte batches and on dataset rows (the wasm sparse first layer), the loss and its gradient
// (mse, softmax and sigmoid cross-entropy), backward from it, the SGD step with
// and without momentum and L2, every optimiser's step (Nesterov, Adam, AdamW, decoupled decay, clipping's scale),
// the gradient's squared norm, max-norm, a pass with separate layers (dropout between them), output classes, and the
// read/write sync points. Runs in Node and in Chromium.
import { describe, expect, it } from 'vitest';
import { dropoutMask, dropoutRescale } from '../dropout.js';
import { type StepArgs, stateCount } from '../optim.js';
import { Rng } from '../rng.js';
import { sparseImages } from '../testing/datasets.js';
import { TOL, expectClose } from '../testing/expect-close.js';
import type { FloatArray } from '../tensor.js';
import { jsBackend } from './js/index.js';
import { naiveBackend } from './naive/index.js';
import type { Backend, BackendSpec, BatchInput } from './types.js';
import { wasmBackend } from './wasm/index.js';

const CANDIDATES: [string, (s: BackendSpec) => Backend, number][] = [
  ['js', jsBackend, 1],
  ['wasm', wasmBackend, 1],
  ['wasm, 2 threads', wasmBackend, 2],
];

const SPECS: Omit<BackendSpec, 'dtype' | 'threads'>[] = [
  { layers: [37, 13, 3], hidden: 'sigmoid', output: 'softmax', loss: 'ce' }, // odd widths: the kernels' tails
  { layers: [37, 20, 9, 4], hidden: 'relu', output: 'sigmoid', loss: 'ce' }, // the sparse layer takes two layers along
  { layers: [37, 12, 5], hidden: 'tanh', output: 'linear', loss: 'mse' }, // an activation the wasm kernels leave to JS
  { layers: [37, 6], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' }, // one layer
];

const N = 40;
const data = sparseImages(3, 37, 40, 0.3, 5);
const order = Array.from({ length: data.count }, (_, i) => (i * 7) % data.count);
const INPUTS: [string, BatchInput][] = [
  ['floats', { kind: 'floats', x: Float32Array.from({ length: N * 37 }, (_, i) => Math.sin(i) * 0.8) }],
  ['bytes', { kind: 'bytes', raw: (data.inputs as Uint8Array).subarray(0, N * 37), mul: 2 / 255, add: -1 }],
  ['dataset rows', { kind: 'rows', inputs: data.inputs as Uint8Array, rows: order, start: 40, mul: 1 / 255, add: 0.1 }],
];

/** A backend with seeded weights and biases (the same for every backend of a spec). */
function make(factory: (s: BackendSpec) => Backend, spec: BackendSpec): Backend {
  const b = factory(spec);
  const rng = new Rng(11);
  const L = spec.layers;
  for (let l = 0; l + 1 < L.length; l++) {
    b.writeWeights(l, Float32Array.from({ length: L[l]! * L[l + 1]! }, () => rng.normal() * 0.3));
    b.writeBiases(l, Float32Array.from({ length: L[l + 1]! }, () => rng.normal() * 0.1));
  }
  return b;
}

/**
 * One batch through the interface: forward, a seeded output δ, backward. Returns every layer's a and every gradient.
 * With `dropout`, the layers run separately and the hidden layers' a and δ are masked between them, as the network does.
 */
function pass(b: Backend, spec: BackendSpec, input: BatchInput, dropout = 0) {
  const L = spec.layers;
  const depth = L.length - 1;
  b.reserve(N);
  b.input(input, N, dropout > 0);
  const mrng = new Rng(9);
  for (let l = 0; l < depth; l++) {
    b.denseForward(l, N);
    if (dropout > 0 && l < depth - 1) {
      dropoutMask(b.dropoutMask(l), N * L[l + 1]!, dropout, mrng);
      b.dropoutForward(l, N);
    }
  }
  const a = Array.from({ length: depth }, (_, l) => Float32Array.from(b.activations(l).subarray(0, N * L[l + 1]!)));
  const rng = new Rng(3);
  b.delta(depth - 1).set(Float32Array.from({ length: N * L[depth]! }, () => rng.normal() * 0.05));
  b.activationBackward(depth - 1, N);
  for (let l = depth - 1; l >= 0; l--) {
    b.denseBackward(l, N);
    if (l > 0 && dropout > 0) b.dropoutBackward(l - 1, N, dropoutRescale(spec.hidden, dropout));
    if (l > 0) b.activationBackward(l - 1, N);
  }
  const grads = Array.from({ length: depth }, (_, l) => {
    const g = { dW: new Float32Array(L[l]! * L[l + 1]!), db: new Float32Array(L[l + 1]!) };
    b.readGradientsInto(l, g.dW, g.db);
    return g;
  });
  const classes = new Int32Array(N);
  b.outputClasses(classes, N);
  return { a, grads, classes };
}

function weights(b: Backend, spec: BackendSpec): FloatArray[] {
  return spec.layers.slice(1).flatMap((out, l) => {
    const W = new Float32Array(out * spec.layers[l]!);
    const bias = new Float32Array(out);
    b.readWeightsInto(l, W);
    b.readBiasesInto(l, bias);
    return [W, bias];
  });
}

describe.each(CANDIDATES)('backend %s against naive', (_, factory, threads) => {
  describe.each(SPECS)('$layers $hidden/$output', (shape) => {
    const spec: BackendSpec = { ...shape, dtype: 'float32', threads };
    it.each(INPUTS)('forward, backward and output classes on %s', (_label, input) => {
      const ref = make(naiveBackend, spec);
      const got = make(factory, spec);
      const [r, g] = [pass(ref, spec, input), pass(got, spec, input)];
      r.a.forEach((a, l) => expectClose(g.a[l]!, a, TOL.f32, `a[${l}]`));
      r.grads.forEach((d, l) => {
        expectClose(g.grads[l]!.dW, d.dW, TOL.f32, `dW[${l}]`);
        expectClose(g.grads[l]!.db, d.db, TOL.f32, `db[${l}]`);
      });
      expect(Array.from(g.classes)).toEqual(Array.from(r.classes));
      got.dispose();
    });

    it.each(INPUTS)('the loss and its gradient, then backward from it, on %s', (_label, input) => {
      const L = spec.layers;
      const depth = L.length - 1;
      const rng = new Rng(4);
      // Targets: one-hot rows for cross-entropy (softmax wants rows summing to 1), values in [0, 1] for mse.
      const y = Float32Array.from({ length: N * L[depth]! }, (_, i) => (spec.loss === 'ce' ? Number(i % L[depth]! === i % 3) : rng.float()));
      const run = (b: Backend) => {
        b.reserve(N);
        b.input(input, N);
        for (let l = 0; l < depth; l++) b.denseForward(l, N);
        const loss = b.lossForward(y, N);
        b.lossBackward(y, N);
        const delta = Float32Array.from(b.delta(depth - 1).subarray(0, N * L[depth]!));
        for (let l = depth - 1; l >= 0; l--) {
          b.denseBackward(l, N);
          if (l > 0) b.activationBackward(l - 1, N);
        }
        const dW = new Float32Array(L[0]! * L[1]!);
        b.readGradientsInto(0, dW, new Float32Array(L[1]!));
        return { loss, delta, dW };
      };
      const ref = make(naiveBackend, spec);
      const got = make(factory, spec);
      const [r, g] = [run(ref), run(got)];
      expect(Number.isFinite(r.loss) && r.loss > 0).toBe(true);
      expectClose([g.loss], [r.loss], TOL.f32, 'loss');
      expectClose(g.delta, r.delta, TOL.f32, `δ[${depth - 1}]`);
      expectClose(g.dW, r.dW, TOL.f32, 'dW[0]');
      got.dispose();
    });

    it.each([
      { mu: 0, l2: 0 },
      { mu: 0, l2: 1e-3 },
      { mu: 0.9, l2: 1e-3 },
    ])('three SGD steps on dataset rows, momentum $mu, l2 $l2', ({ mu, l2 }) => {
      const step = (b: Backend) => {
        const L = spec.layers;
        const v = mu > 0 ? (b.momentumBuffers() ?? L.slice(1).flatMap((out, l) => [new Float32Array(out * L[l]!), new Float32Array(out)])) : null;
        for (let s = 0; s < 3; s++) {
          pass(b, spec, { ...(INPUTS[2]![1] as BatchInput & { kind: 'rows' }), start: 40 * s });
          b.sgdStep(0.5, mu, l2, v);
        }
        return weights(b, spec);
      };
      const got = make(factory, spec);
      const r = step(make(naiveBackend, spec));
      step(got).forEach((w, k) => expectClose(w, r[k]!, { atol: 1e-4, rtol: 1e-3 }, `parameter ${k}`));
      got.dispose();
    });

    it.each(INPUTS)('a pass with separate layers and dropout 0.4 between them on %s', (_label, input) => {
      const ref = make(naiveBackend, spec);
      const got = make(factory, spec);
      const [r, g] = [pass(ref, spec, input, 0.4), pass(got, spec, input, 0.4)];
      r.a.forEach((a, l) => expectClose(g.a[l]!, a, TOL.f32, `a[${l}]`));
      r.grads.forEach((d, l) => {
        expectClose(g.grads[l]!.dW, d.dW, TOL.f32, `dW[${l}]`);
        expectClose(g.grads[l]!.db, d.db, TOL.f32, `db[${l}]`);
      });
      got.dispose();
    });

    const base: StepArgs = { rule: 'sgd', lr: 0.05, mu: 0, l2: 0, wd: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, c1: 1, c2: 1, scale: 1 };
    it.each([
      { ...base, rule: 'sgd', mu: 0, wd: 0.01, scale: 0.5 },
      { ...base, rule: 'sgd', mu: 0.9, l2: 1e-3, wd: 0.01 },
      { ...base, rule: 'nesterov', mu: 0.9, l2: 1e-3 },
      { ...base, rule: 'adam', lr: 0.01, l2: 1e-3, scale: 0.7 },
      { ...base, rule: 'adam', lr: 0.01, wd: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6 },
    ] as StepArgs[])('three optimiser steps on dataset rows: $rule, μ $mu, l2 $l2, wd $wd, scale $scale', (args) => {
      const L = spec.layers;
      const step = (b: Backend) => {
        const sets = stateCount(args);
        const state = b.stateBuffers(sets) ?? Array.from({ length: sets }, () => L.slice(1).flatMap((out, l) => [new Float32Array(out * L[l]!), new Float32Array(out)]));
        for (let s = 1; s <= 3; s++) {
          pass(b, spec, { ...(INPUTS[2]![1] as BatchInput & { kind: 'rows' }), start: 40 * (s - 1) });
          b.optimizerStep({ ...args, c1: 1 / (1 - args.beta1 ** s), c2: 1 / (1 - args.beta2 ** s) }, state);
        }
        return weights(b, spec);
      };
      const got = make(factory, spec);
      const r = step(make(naiveBackend, spec));
      step(got).forEach((w, k) => expectClose(w, r[k]!, { atol: 1e-4, rtol: 1e-3 }, `parameter ${k}`));
      got.dispose();
    });

    it('the gradient\'s squared norm, and max-norm on every layer (the first one also after a step on Wt)', () => {
      const ref = make(naiveBackend, spec);
      const got = make(factory, spec);
      for (const b of [ref, got]) pass(b, spec, INPUTS[2]![1]);
      expectClose([got.gradientSquares()], [ref.gradientSquares()], TOL.f32, '‖g‖²');
      for (const b of [ref, got]) {
        b.sgdStep(0.5, 0, 0, null);
        spec.layers.slice(1).forEach((_, l) => b.maxNorm(l, 0.9));
      }
      const w = weights(got, spec);
      weights(ref, spec).forEach((r, k) => expectClose(w[k]!, r, TOL.f32, `parameter ${k}`));
      const W0 = w[0]!;
      const cols = spec.layers[0]!;
      for (let r = 0; r < spec.layers[1]!; r++) expect(Math.hypot(...W0.subarray(r * cols, (r + 1) * cols))).toBeLessThan(0.9 + 1e-5);
      got.dispose();
    });

    it('reads back exactly what was written, also after a step on the transposed first layer', () => {
      const b = make(factory, spec);
      pass(b, spec, INPUTS[2]![1]);
      b.sgdStep(0.5, 0, 0, null);
      const W = Float32Array.from({ length: spec.layers[0]! * spec.layers[1]! }, (_, i) => i / 1000);
      b.writeWeights(0, W);
      expect(weights(b, spec)[0]).toEqual(W);
      b.dispose();
    });
  });
});

describe('the conformance comparison can fail', () => {
  it('rejects a backend whose activations are off in one element', () => {
    const spec: BackendSpec = { ...SPECS[0]!, dtype: 'float32', threads: 1 };
    const r = pass(make(naiveBackend, spec), spec, INPUTS[0]![1]);
    const bad = Float32Array.from(r.a[0]!);
    bad[5]! += 1e-3;
    expect(() => expectClose(bad, r.a[0]!, TOL.f32, 'a[0]')).toThrow(/a\[0\]: element 5/);
  });
});
