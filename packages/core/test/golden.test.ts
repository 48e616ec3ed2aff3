// Compares forward outputs, losses, gradients and two SGD steps with values computed independently by numpy
// (tools/golden/make_golden.py → test/golden.json). Float32 library vs float64 reference, TOL.golden.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MLP, type MLPConfig, SGD } from '../src/index.js';
import { TOL, expectClose } from '../src/testing/expect-close.js';

interface GoldenCase {
  name: string;
  config: MLPConfig;
  batch: number;
  sgd: { lr: number; momentum: number; l2: number; steps: number };
  W: number[][];
  b: number[][];
  x: number[];
  labels: number[];
  expected: { output: number[]; loss: number; dW: number[][]; db: number[][]; W_after: number[][]; b_after: number[][] };
}
const golden = JSON.parse(readFileSync(new URL('./golden.json', import.meta.url), 'utf8')) as { version: number; cases: GoldenCase[] };

function setup(c: GoldenCase) {
  const m = new MLP(c.config);
  c.W.forEach((w, l) => m.W[l]!.set(w));
  c.b.forEach((b, l) => m.b[l]!.set(b));
  const out = m.outputSize;
  const x = Float32Array.from(c.x);
  const y = new Float32Array(c.batch * out);
  c.labels.forEach((l, r) => {
    y[r * out + l] = 1;
  });
  return { m, x, y };
}

describe('golden values from numpy', () => {
  it('has the expected file version', () => expect(golden.version).toBe(1));

  for (const c of golden.cases) {
    it(`${c.name}: forward, loss, gradients`, () => {
      const { m, x, y } = setup(c);
      const loss = m.gradient(x, y, c.batch);
      expectClose(m.activations(m.depth - 1).subarray(0, c.batch * m.outputSize), c.expected.output, TOL.golden, 'output');
      expectClose([loss], [c.expected.loss], TOL.golden, 'loss');
      c.expected.dW.forEach((dw, l) => expectClose(m.dW[l]!, dw, TOL.golden, `dW${l}`));
      c.expected.db.forEach((db, l) => expectClose(m.db[l]!, db, TOL.golden, `db${l}`));
    });

    it(`${c.name}: two SGD steps with momentum and L2`, () => {
      const { m, x, y } = setup(c);
      const opt = new SGD(c.sgd);
      for (let s = 0; s < c.sgd.steps; s++) {
        m.gradient(x, y, c.batch);
        opt.step(m);
      }
      c.expected.W_after.forEach((w, l) => expectClose(m.W[l]!, w, TOL.golden, `W${l} after`));
      c.expected.b_after.forEach((b, l) => expectClose(m.b[l]!, b, TOL.golden, `b${l} after`));
    });
  }

  it('detects a wrong gradient (the comparison can fail)', () => {
    const c = golden.cases[0]!;
    const { m, x, y } = setup(c);
    m.gradient(x, y, c.batch);
    const bad = Float32Array.from(m.dW[0]!);
    bad[0]! *= 1.01;
    expect(() => expectClose(bad, c.expected.dW[0]!, TOL.golden, 'dW0')).toThrow(/element 0/);
  });
});
