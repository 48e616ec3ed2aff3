// Compares forward outputs, losses, gradients and two SGD steps with values computed independently by numpy
// (tools/golden/make_golden.py → test/golden.json), on every backend (wasm with one and two threads). Float32 library
// vs float64 reference, TOL.golden. The byte cases take MNIST training's path: dataset rows of bytes through the wasm
// sparse first layer, and for the seed recipe the plain SGD step fused into the transposed weights.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKENDS, type BackendName, type BatchInput, MLP, type MLPConfig, SGD, backendAvailable, threadsSupported } from '../src/index.js';
import { TOL, expectClose } from '../src/testing/expect-close.js';

interface GoldenCase {
  name: string;
  config: MLPConfig;
  batch: number;
  sgd: { lr: number; momentum: number; l2: number; steps: number };
  W: number[][];
  b: number[][];
  x: number[];
  /** Byte cases: the dataset (count × layers[0] bytes), the batch's rows of it, and the scaling x = u·mul + add. */
  bytes?: { inputs: number[]; rows: number[]; mul: number; add: number };
  labels: number[];
  expected: { output: number[]; loss: number; dW: number[][]; db: number[][]; W_after: number[][]; b_after: number[][] };
}
const golden = JSON.parse(readFileSync(new URL('./golden.json', import.meta.url), 'utf8')) as { version: number; generator: string; cases: GoldenCase[] };
const generator = readFileSync(new URL('../../../tools/golden/make_golden.py', import.meta.url), 'utf8');

/** The cases this suite relies on, by name: each covers something the others do not. */
const CASES = [
  'seed-like sigmoid/sigmoid/mse',
  'relu/softmax/ce, two hidden layers',
  'tanh/sigmoid/ce (binary per output)',
  'tanh/softmax/mse',
  'relu/sigmoid/mse, L2 without momentum',
  'bytes, seed recipe: sigmoid/sigmoid/mse, [-1, 1], plain SGD',
  'bytes, best recipe: relu/softmax/ce, [0, 1], momentum + L2',
];
const engines: [BackendName, number][] = BACKENDS.filter((b) => backendAvailable(b)).flatMap((b): [BackendName, number][] =>
  b === 'wasm' && threadsSupported() ? [[b, 1], [b, 2]] : [[b, 1]],
);

/** The case's batch: its floats, or its byte dataset's rows (what the Trainer hands a model for MNIST). */
function input(c: GoldenCase, x: Float32Array): BatchInput {
  if (!c.bytes) return { kind: 'floats', x };
  return { kind: 'rows', inputs: Uint8Array.from(c.bytes.inputs), rows: c.bytes.rows, start: 0, mul: c.bytes.mul, add: c.bytes.add };
}

/** forward + loss + backward on the case's batch. */
function gradient(m: MLP, c: GoldenCase, batch: BatchInput, y: Float32Array): number {
  m.forward(batch, c.batch);
  const loss = m.loss(y, c.batch);
  m.backward(y, c.batch);
  return loss;
}

function setup(c: GoldenCase, backend: BackendName, threads = 1) {
  const m = new MLP(c.config, { backend, threads });
  c.W.forEach((w, l) => m.writeWeights(l, w));
  c.b.forEach((b, l) => m.writeBiases(l, b));
  const out = m.outputSize;
  const x = Float32Array.from(c.x);
  const y = new Float32Array(c.batch * out);
  c.labels.forEach((l, r) => {
    y[r * out + l] = 1;
  });
  return { m, x, y, batch: input(c, x) };
}

function sgdSteps(c: GoldenCase, backend: BackendName, threads = 1, sgd = c.sgd) {
  const { m, y, batch } = setup(c, backend, threads);
  const opt = new SGD(sgd);
  for (let s = 0; s < c.sgd.steps; s++) {
    gradient(m, c, batch, y);
    opt.step(m, sgd.lr);
  }
  return m;
}

describe('golden values from numpy', () => {
  it('golden.json is what the generator writes now: same version, the same cases in order, from numpy', () => {
    expect(golden.version).toBe(Number(/^VERSION = (\d+)$/m.exec(generator)?.[1]));
    expect(golden.cases.map((c) => c.name)).toEqual([...generator.matchAll(/^\s+case\("([^"]+)"/gm)].map((m) => m[1]));
    expect(golden.cases.map((c) => c.name)).toEqual(CASES);
    expect(golden.generator).toMatch(/^tools\/golden\/make_golden\.py \(numpy [\d.]+, float64\)$/);
    // Each case's arrays have the sizes its layers and batch imply (a half-written file fails here, not later).
    for (const c of golden.cases) {
      const L = c.config.layers;
      expect(c.x.length, c.name).toBe(c.batch * L[0]!);
      expect(c.labels.length, c.name).toBe(c.batch);
      expect(c.expected.output.length, c.name).toBe(c.batch * L.at(-1)!);
      for (const key of ['W', 'dW', 'W_after'] as const) {
        const list = key === 'W' ? c.W : c.expected[key];
        expect(list.map((w) => w.length), `${c.name} ${key}`).toEqual(L.slice(1).map((out, l) => out * L[l]!));
      }
    }
  });

  it('covers L2 decay without momentum (the plain update W −= lr·(g + λW)) as well as with it', () => {
    const byName = new Map(golden.cases.map((c) => [c.name, c]));
    expect(byName.get('relu/sigmoid/mse, L2 without momentum')!.sgd).toMatchObject({ momentum: 0, l2: 0.05 });
    expect(golden.cases.filter((c) => c.sgd.momentum > 0 && c.sgd.l2 > 0)).not.toHaveLength(0);
  });

  it('covers the MNIST path: byte rows with both presets\' scalings, and plain SGD without L2 (the fused step)', () => {
    const bytes = golden.cases.filter((c) => c.bytes);
    expect(bytes.map((c) => [c.bytes!.mul, c.bytes!.add])).toEqual([[2 / 255, -1], [1 / 255, 0]]);
    expect(bytes[0]!.sgd).toMatchObject({ momentum: 0, l2: 0 });
    for (const c of bytes) {
      expect(c.bytes!.inputs.filter((u) => u === 0).length / c.bytes!.inputs.length, 'mostly zero').toBeGreaterThan(0.6);
      c.bytes!.rows.forEach((row, r) => {
        const u = c.bytes!.inputs.slice(row * c.config.layers[0]!, (row + 1) * c.config.layers[0]!);
        expectClose(c.x.slice(r * u.length, (r + 1) * u.length), u.map((v) => v * c.bytes!.mul + c.bytes!.add), TOL.f32, 'x is the scaled rows');
      });
    }
    if (!backendAvailable('wasm')) return;
    const { m, batch } = setup(bytes[0]!, 'wasm');
    m.forward(batch, bytes[0]!.batch);
    expect((m as unknown as { engine: { sparseAdd: number | null } }).engine.sparseAdd, 'the sparse first layer took the batch').not.toBeNull();
  });

  for (const [backend, threads] of engines) {
    for (const name of CASES) {
      const c = golden.cases.find((k) => k.name === name)!;
      const label = threads === 1 ? backend : `${backend}, ${threads} threads`;
      it(`${name} [${label}]: forward, loss, gradients`, () => {
        const { m, y, batch } = setup(c, backend, threads);
        const loss = gradient(m, c, batch, y);
        expectClose(m.activations(m.depth - 1).subarray(0, c.batch * m.outputSize), c.expected.output, TOL.golden, 'output');
        expectClose([loss], [c.expected.loss], TOL.golden, 'loss');
        c.expected.dW.forEach((dw, l) => expectClose(m.readGradients(l).dW, dw, TOL.golden, `dW${l}`));
        c.expected.db.forEach((db, l) => expectClose(m.readGradients(l).db, db, TOL.golden, `db${l}`));
      });

      it(`${name} [${label}]: ${c.sgd.steps} SGD steps (lr ${c.sgd.lr}, momentum ${c.sgd.momentum}, l2 ${c.sgd.l2})`, () => {
        const m = sgdSteps(c, backend, threads);
        c.expected.W_after.forEach((w, l) => expectClose(m.readWeights(l), w, TOL.golden, `W${l} after`));
        c.expected.b_after.forEach((b, l) => expectClose(m.readBiases(l), b, TOL.golden, `b${l} after`));
      });
    }
  }

  it('detects a wrong gradient (the comparison can fail)', () => {
    const c = golden.cases[0]!;
    const { m, x, y } = setup(c, 'naive');
    m.gradient(x, y, c.batch);
    const bad = Float32Array.from(m.readGradients(0).dW);
    bad[0]! *= 1.01;
    expect(() => expectClose(bad, c.expected.dW[0]!, TOL.golden, 'dW0')).toThrow(/element 0/);
  });

  it('detects a missing L2 term or stray momentum in the plain update (the comparison can fail)', () => {
    const c = golden.cases.find((k) => k.name === 'relu/sigmoid/mse, L2 without momentum')!;
    for (const wrong of [{ ...c.sgd, l2: 0 }, { ...c.sgd, momentum: 0.5 }]) {
      const m = sgdSteps(c, 'naive', 1, wrong);
      expect(() => expectClose(m.readWeights(0), c.expected.W_after[0]!, TOL.golden, 'W0 after')).toThrow(/W0 after: element/);
    }
  });
});
