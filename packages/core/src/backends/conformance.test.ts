// The backends' conformance suite: every backend (js; wasm with one thread and with two) runs the same steps of the
// Backend interface as the naive reference on the same numbers, and must agree with it within float32 rounding:
// forward on floats, on byte batches and on dataset rows (the wasm sparse first layer), backward, the SGD step with
// and without momentum and L2, output classes, and the read/write sync points. Runs in Node and in Chromium.
import { describe, expect, it } from 'vitest';
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
  { layers: [37, 13, 3], hidden: 'sigmoid', output: 'softmax' }, // odd widths: the kernels' tails
  { layers: [37, 20, 9, 4], hidden: 'relu', output: 'sigmoid' }, // the sparse layer takes two layers along
  { layers: [37, 12, 5], hidden: 'tanh', output: 'linear' }, // an activation the wasm kernels leave to JS
  { layers: [37, 6], hidden: 'sigmoid', output: 'sigmoid' }, // one layer
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

/** One batch through the interface: forward, a seeded output δ, backward. Returns every layer's a and every gradient. */
function pass(b: Backend, spec: BackendSpec, input: BatchInput) {
  const L = spec.layers;
  const depth = L.length - 1;
  b.reserve(N);
  b.input(input, N);
  for (let l = 0; l < depth; l++) b.denseForward(l, N);
  const a = Array.from({ length: depth }, (_, l) => Float32Array.from(b.activations(l).subarray(0, N * L[l + 1]!)));
  const rng = new Rng(3);
  b.delta(depth - 1).set(Float32Array.from({ length: N * L[depth]! }, () => rng.normal() * 0.05));
  b.activationBackward(depth - 1, N);
  for (let l = depth - 1; l >= 0; l--) {
    b.denseBackward(l, N);
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
