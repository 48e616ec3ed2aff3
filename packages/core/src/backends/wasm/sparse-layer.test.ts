import { describe, expect, it } from 'vitest';
import { type MLPConfig, MLP } from '../../mlp.js';
import { Rng } from '../../rng.js';
import { SGD } from '../../sgd.js';
import { TOL, expectClose } from '../../testing/expect-close.js';
import { threadsSupported } from './threads.js';
import { WasmArena } from './wasm.js';
import { SparseFirstLayer } from './sparse-train.js';
import { paramsOf } from '../../testing/params.js';

const rng = new Rng(11);

/** n rows of F bytes, about `density` of them nonzero. */
function bytes(n: number, F: number, density: number): Uint8Array {
  return Uint8Array.from({ length: n * F }, () => (rng.float() < density ? 1 + rng.int(255) : 0));
}

function oneHot(n: number, k: number): Float32Array {
  const y = new Float32Array(n * k);
  for (let r = 0; r < n; r++) y[r * k + rng.int(k)] = 1;
  return y;
}

/** Outputs, loss and every gradient after one forward/backward, for comparing backends. */
function run(m: MLP, forward: (m: MLP) => Float32Array | Float64Array, y: Float32Array, n: number) {
  const out = Float32Array.from(forward(m).subarray(0, n * m.outputSize));
  const loss = m.loss(y, n);
  m.backward(y, n);
  return { out, loss, grads: m.paramInfo().map((p, k) => ({ name: p.name, g: Float32Array.from(m.readGradients(k >> 1)[k % 2 === 0 ? 'dW' : 'db']) })) };
}

function expectSame(a: ReturnType<typeof run>, b: ReturnType<typeof run>, label: string) {
  expectClose(a.out, b.out, TOL.f32, `${label}: output`);
  expectClose([a.loss], [b.loss], TOL.f32, `${label}: loss`);
  a.grads.forEach((g, i) => expectClose(g.g, b.grads[i]!.g, TOL.f32, `${label}: d${g.name}`));
}

// Widths reach every pass of the sparse kernels (13, 8, 4 and single vectors) and partial last vectors.
const configs: MLPConfig[] = [
  { layers: [37, 13, 5], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' },
  { layers: [64, 50, 10], hidden: 'relu', output: 'softmax', loss: 'ce' },
  { layers: [40, 61, 3], hidden: 'tanh', output: 'linear', loss: 'mse' },
  { layers: [29, 7], output: 'sigmoid', loss: 'ce' },
  { layers: [100, 103, 4, 6], hidden: 'linear', output: 'softmax', loss: 'ce' },
  // Under 8 inputs the forward pass's split of Wt's rows is at 0: the first partial sum is the constant part alone.
  { layers: [6, 9, 2], hidden: 'relu', output: 'sigmoid', loss: 'mse' },
];
const scalings = [
  { mul: 2 / 255, add: -1 },
  { mul: 1 / 255, add: 0 },
  { mul: 0.37, add: 0.11 },
];

describe('wasm first layer on byte inputs (sparse kernels) against the naive reference', () => {
  for (const cfg of configs) {
    it(`forward on bytes + backward agree: ${cfg.layers.join('-')} ${cfg.hidden ?? ''}/${cfg.output}/${cfg.loss}`, () => {
      for (const { mul, add } of scalings) {
        const n = 23;
        const raw = bytes(n, cfg.layers[0]!, 0.2);
        const y = oneHot(n, cfg.layers.at(-1)!);
        const ref = run(new MLP(cfg, { seed: 5, backend: 'naive' }), (m) => m.forward({ kind: 'bytes', raw: raw, mul: mul, add: add }, n), y, n);
        const got = run(new MLP(cfg, { seed: 5, backend: 'wasm' }), (m) => m.forward({ kind: 'bytes', raw: raw, mul: mul, add: add }, n), y, n);
        expectSame(got, ref, `mul ${mul} add ${add}`);
      }
    });
  }

  it('forward on dataset rows gathers them through the index and agrees with the naive gather', () => {
    const cfg = configs[1]!;
    const count = 300;
    const F = cfg.layers[0]!;
    const data = bytes(count, F, 0.15);
    const order = new Rng(3).permutation(count);
    const wasm = new MLP(cfg, { seed: 8, backend: 'wasm' });
    const naive = new MLP(cfg, { seed: 8, backend: 'naive' });
    for (const [start, n] of [
      [0, 64],
      [64, 17],
      [290, 10],
    ] as const) {
      const y = oneHot(n, 10);
      const ref = run(naive, (m) => m.forward({ kind: 'rows', inputs: data, rows: order, start: start, mul: 2 / 255, add: -1 }, n), y, n);
      const got = run(wasm, (m) => m.forward({ kind: 'rows', inputs: data, rows: order, start: start, mul: 2 / 255, add: -1 }, n), y, n);
      expectSame(got, ref, `rows ${start}..${start + n}`);
    }
  });

  it('takes the dense kernels for dense bytes (over half nonzero) and still agrees', () => {
    const cfg = configs[0]!;
    const n = 9;
    const raw = bytes(n, 37, 0.9);
    const y = oneHot(n, 5);
    const ref = run(new MLP(cfg, { seed: 2, backend: 'naive' }), (m) => m.forward({ kind: 'bytes', raw: raw, mul: 2 / 255, add: -1 }, n), y, n);
    const got = run(new MLP(cfg, { seed: 2, backend: 'wasm' }), (m) => m.forward({ kind: 'bytes', raw: raw, mul: 2 / 255, add: -1 }, n), y, n);
    expectSame(got, ref, 'dense');
    const data = bytes(50, 37, 0.9);
    const idx = Array.from({ length: 50 }, (_, i) => 49 - i);
    const ref2 = run(new MLP(cfg, { seed: 2, backend: 'naive' }), (m) => m.forward({ kind: 'rows', inputs: data, rows: idx, start: 5, mul: 2 / 255, add: -1 }, 40), oneHot(40, 5), 40);
    const got2 = run(new MLP(cfg, { seed: 2, backend: 'wasm' }), (m) => m.forward({ kind: 'rows', inputs: data, rows: idx, start: 5, mul: 2 / 255, add: -1 }, 40), oneHot(40, 5), 40);
    expectClose(got2.out, ref2.out, TOL.f32, 'dense dataset rows');
  });

  it('detects a wrong constant term (the comparison can fail)', () => {
    const cfg = configs[0]!;
    const raw = bytes(8, 37, 0.2);
    const a = new MLP(cfg, { seed: 4, backend: 'wasm' }).forward({ kind: 'bytes', raw: raw, mul: 2 / 255, add: -1 }, 8).slice(0, 40);
    const b = new MLP(cfg, { seed: 4, backend: 'naive' }).forward({ kind: 'bytes', raw: raw, mul: 2 / 255, add: -0.99 }, 8).slice(0, 40);
    expect(() => expectClose(a, b, TOL.f32)).toThrow(/element/);
  });

  // The blocks hold column offsets k·S in u16, S the parts' row stride in vectors, so (F − 1)·S ≤ 65535: 3001 inputs
  // split 120 units into two parts of 15 vectors even on one thread, 40,000 inputs split 13 units into four parts of
  // one, and past 65,536 inputs (no u16 offset fits) the layer takes the dense kernels.
  it.each([
    { F: 3001, hidden: 120 },
    { F: 40000, hidden: 13 },
    { F: 70000, hidden: 5 },
  ])('wide inputs, $F bytes and $hidden hidden units: three SGD steps agree with naive, one thread or two', ({ F, hidden }) => {
    const cfg: MLPConfig = { layers: [F, hidden, 3], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' };
    const count = 12;
    const data = bytes(count, F, 0.2);
    const order = new Rng(5).permutation(count);
    const n = 4;
    const targets = [0, 1, 2].map(() => oneHot(n, 3));
    const train = (backend: 'wasm' | 'naive', threads: number) => {
      const m = new MLP(cfg, { seed: 7, backend, threads });
      const opt = new SGD();
      const outs: Float32Array[] = [];
      for (let step = 0; step < 3; step++) {
        const y = targets[step]!;
        outs.push(Float32Array.from(m.forward({ kind: 'rows', inputs: data, rows: order, start: step * n, mul: 2 / 255, add: -1 }, n).subarray(0, n * 3)));
        m.loss(y, n);
        m.backward(y, n);
        opt.step(m, 0.5);
      }
      // And a batch of staged bytes (blocks built per batch rather than read from the dataset's index).
      outs.push(Float32Array.from(m.forward({ kind: 'bytes', raw: data, mul: 2 / 255, add: -1 }, 3).subarray(0, 9)));
      const params = paramsOf(m).map((p) => Float32Array.from(p.data));
      m.dispose();
      return { outs, params };
    };
    const ref = train('naive', 1);
    const one = train('wasm', 1);
    one.outs.forEach((o, i) => expectClose(o, ref.outs[i]!, TOL.f32, `outputs ${i}`));
    one.params.forEach((p, i) => expectClose(p, ref.params[i]!, TOL.f32, `param ${i}`));
    if (threadsSupported()) {
      const two = train('wasm', 2);
      two.outs.forEach((o, i) => expect(o).toEqual(one.outs[i]));
      two.params.forEach((p, i) => expect(p).toEqual(one.params[i]));
    }
  });

  it('takes the dense kernels for a layer that would need more than 32 parts (a helper job holds 128 tasks)', () => {
    const raw = bytes(2, 40000, 0.2);
    // 40,000 inputs allow one vector per part: 31 vectors fit, 35 do not.
    expect(new SparseFirstLayer(new WasmArena(0), 40000, 124, 2).loadBytes(raw, 2, 1 / 255)).toBe(true);
    expect(new SparseFirstLayer(new WasmArena(0), 40000, 140, 2).loadBytes(raw, 2, 1 / 255)).toBe(false);
  });

  // Hidden widths whose two threads' unit slices are 6 + 7, 1 + 1 (one real unit in the second), 2 + 2 and 15 + 15 vectors.
  it.skipIf(!threadsSupported()).each([50, 5, 13, 120])('two threads give the same bits as one, %i hidden units (skipped where SharedArrayBuffer is unavailable)', (hidden) => {
    const cfg: MLPConfig = { layers: [200, hidden, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' };
    const data = bytes(500, 200, 0.2);
    const order = new Rng(9).permutation(500);
    const y = oneHot(100, 10);
    const results = [1, 2].map((threads) => {
      const m = new MLP(cfg, { seed: 6, backend: 'wasm', threads });
      expect(m.threads).toBe(threads);
      const r = run(m, (mm) => mm.forward({ kind: 'rows', inputs: data, rows: order, start: 100, mul: 2 / 255, add: -1 }, 100), y, 100);
      m.dispose();
      return r;
    });
    expect(results[1]!.out).toEqual(results[0]!.out);
    results[1]!.grads.forEach((g, i) => expect(g.g, g.name).toEqual(results[0]!.grads[i]!.g));
  });

  // Plain SGD steps go from the batch straight into the transposed weights, split between threads by rows of Wt; the
  // forward pass's two partial sums split by rows of Wt too, and adding them (with the next layers) splits the batch's
  // rows (an even split, so gemm_nt pairs the same rows in the next layer).
  it.skipIf(!threadsSupported()).each<MLPConfig>([
    { layers: [200, 50, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' },
    { layers: [200, 37, 11, 10], hidden: 'relu', output: 'softmax', loss: 'ce' },
    { layers: [200, 5, 10], hidden: 'sigmoid', output: 'linear', loss: 'mse' },
    { layers: [6, 9, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' },
  ])('steps of plain SGD give the same bits on one thread or two, batches of odd sizes included: $layers', (cfg) => {
    const data = bytes(400, cfg.layers[0]!, 0.2);
    const order = new Rng(2).permutation(400);
    const sizes = [100, 77, 64, 33, 99];
    const targets = sizes.map((n) => oneHot(n, 10));
    const train = (threads: number, backend: 'wasm' | 'naive' = 'wasm') => {
      const m = new MLP(cfg, { seed: 9, backend, threads });
      const opt = new SGD();
      const outs: Float32Array[] = [];
      let start = 0;
      for (const [i, n] of sizes.entries()) {
        const y = targets[i]!;
        outs.push(Float32Array.from(m.forward({ kind: 'rows', inputs: data, rows: order, start: start, mul: 2 / 255, add: -1 }, n).subarray(0, n * 10)));
        m.loss(y, n);
        m.backward(y, n);
        opt.step(m, 0.5);
        start += n;
      }
      const params = paramsOf(m).map((p) => Float32Array.from(p.data));
      m.dispose();
      return { outs, params };
    };
    const one = train(1);
    const two = train(2);
    two.outs.forEach((o, i) => expect(o, `outputs ${i}`).toEqual(one.outs[i]));
    two.params.forEach((p, i) => expect(p, `param ${i}`).toEqual(one.params[i]));
    const ref = train(1, 'naive');
    one.outs.forEach((o, i) => expectClose(o, ref.outs[i]!, TOL.f32, `outputs ${i} against naive`));
    one.params.forEach((p, i) => expectClose(p, ref.params[i]!, TOL.f32, `param ${i} against naive`));
  });

  // The second layer's gradients are split across the threads too (each its columns of dW₁ and δ₀): every hidden
  // activation the fused path takes, a deeper network, and tanh, which takes the layer-by-layer path.
  it.skipIf(!threadsSupported()).each<MLPConfig>([
    { layers: [200, 50, 10], hidden: 'relu', output: 'softmax', loss: 'ce' },
    { layers: [200, 30, 20, 10], hidden: 'relu', output: 'softmax', loss: 'ce' },
    { layers: [200, 21, 10], hidden: 'linear', output: 'sigmoid', loss: 'mse' },
    { layers: [200, 21, 10], hidden: 'tanh', output: 'sigmoid', loss: 'mse' },
  ])('two threads give the same bits as one, and agree with the naive kernels: $layers $hidden', (cfg) => {
    const data = bytes(300, 200, 0.2);
    const order = new Rng(4).permutation(300);
    const y = oneHot(100, 10);
    const results = [1, 2].map((threads) => {
      const m = new MLP(cfg, { seed: 3, backend: 'wasm', threads });
      const r = run(m, (mm) => mm.forward({ kind: 'rows', inputs: data, rows: order, start: 50, mul: 2 / 255, add: -1 }, 100), y, 100);
      m.dispose();
      return r;
    });
    results[1]!.grads.forEach((g, i) => expect(g.g, g.name).toEqual(results[0]!.grads[i]!.g));
    const ref = run(new MLP(cfg, { seed: 3, backend: 'naive' }), (m) => m.forward({ kind: 'rows', inputs: data, rows: order, start: 50, mul: 2 / 255, add: -1 }, 100), y, 100);
    expectSame(results[1]!, ref, 'two threads against naive');
  });
});
