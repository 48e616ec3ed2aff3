// The optimisers against numpy: runs tools/golden/optim_golden.py with Debian's python3 (the rules written there from
// the papers) and compares the weights after three steps of Adam, AdamW, Nesterov, clipping and max-norm, on every
// backend (float32, TOL.golden-sized) and on a float64 network (to 1e-9: the same formulas, not just close ones).
// Skipped, saying why, where /usr/bin/python3 with numpy is absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKENDS, type BackendName, type BatchInput, MLP, type MLPConfig, Optimizer, type OptimizerOptions, backendAvailable, threadsSupported } from '../src/index.js';
import { expectClose } from '../src/testing/expect-close.js';

interface OptimCase {
  name: string;
  config: MLPConfig;
  optimizer: OptimizerOptions & { lr: number };
  steps: number;
  batch: number;
  W: number[][];
  b: number[][];
  x: number[];
  bytes?: { inputs: number[]; rows: number[]; mul: number; add: number };
  labels: number[];
  W_after: number[][];
  b_after: number[][];
}

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('../../../tools/golden/optim_golden.py', import.meta.url));

/** The script's cases, or why they cannot be had here. */
function load(): { cases: OptimCase[] } | { skip: string } {
  if (!existsSync(PYTHON)) return { skip: `${PYTHON} is absent` };
  const r = spawnSync(PYTHON, [script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && /No module named .?numpy/.test(r.stderr)) return { skip: `${PYTHON} has no numpy` };
  if (r.status !== 0) throw new Error(`optim_golden.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { cases: OptimCase[] };
}
const golden = load();
if ('skip' in golden) console.log(`optimiser golden values skipped: ${golden.skip}`);
const cases = 'cases' in golden ? golden.cases : [];

const engines: [BackendName, number][] = BACKENDS.filter((b) => backendAvailable(b)).flatMap((b): [BackendName, number][] =>
  b === 'wasm' && threadsSupported() ? [[b, 1], [b, 2]] : [[b, 1]],
);

function run(c: OptimCase, backend: BackendName, threads: number, dtype: 'float32' | 'float64' = 'float32'): MLP {
  const m = new MLP(c.config, { backend, threads, dtype });
  c.W.forEach((w, l) => m.writeWeights(l, w));
  c.b.forEach((b, l) => m.writeBiases(l, b));
  const out = m.outputSize;
  const x = dtype === 'float64' ? Float64Array.from(c.x) : Float32Array.from(c.x);
  const y = dtype === 'float64' ? new Float64Array(c.batch * out) : new Float32Array(c.batch * out);
  c.labels.forEach((l, r) => {
    y[r * out + l] = 1;
  });
  const batch: BatchInput = c.bytes
    ? { kind: 'rows', inputs: Uint8Array.from(c.bytes.inputs), rows: c.bytes.rows, start: 0, mul: c.bytes.mul, add: c.bytes.add }
    : { kind: 'floats', x };
  const opt = new Optimizer(c.optimizer);
  for (let s = 0; s < c.steps; s++) {
    m.forward(batch, c.batch);
    m.backward(y, c.batch);
    opt.step(m, c.optimizer.lr);
  }
  return m;
}

describe.skipIf(cases.length === 0)('optimiser golden values from numpy (tools/golden/optim_golden.py)', () => {
  it('covers every optimiser, both decays, clipping, max-norm and the byte path', () => {
    const o = cases.map((c) => c.optimizer);
    expect(new Set(o.map((x) => x.optimizer))).toEqual(new Set(['adam', 'adamw', 'nesterov', 'sgd']));
    expect(o.some((x) => (x.l2 ?? 0) > 0) && o.some((x) => (x.weightDecay ?? 0) > 0)).toBe(true);
    expect(o.some((x) => (x.clipNorm ?? 0) > 0) && o.some((x) => (x.maxNorm ?? 0) > 0)).toBe(true);
    expect(cases.some((c) => c.bytes)).toBe(true);
  });

  for (const c of cases) {
    it.skipIf(c.bytes !== undefined)(`${c.name}: float64 network equals numpy to 1e-9`, () => {
      const m = run(c, 'js', 1, 'float64');
      c.W_after.forEach((w, l) => expectClose(m.readWeights(l), w, { atol: 1e-9, rtol: 1e-9 }, `W${l}`));
      c.b_after.forEach((b, l) => expectClose(m.readBiases(l), b, { atol: 1e-9, rtol: 1e-9 }, `b${l}`));
    });
    for (const [backend, threads] of engines) {
      it(`${c.name}: ${backend}${threads > 1 ? ', 2 threads' : ''} within float32 rounding`, () => {
        const m = run(c, backend, threads);
        const tol = { atol: 2e-6, rtol: 2e-4 };
        c.W_after.forEach((w, l) => expectClose(m.readWeights(l), w, tol, `W${l}`));
        c.b_after.forEach((b, l) => expectClose(m.readBiases(l), b, tol, `b${l}`));
        m.dispose();
      });
    }
  }

  it('the comparison can fail: AdamW without its decay misses numpy', () => {
    const c = cases.find((x) => x.name === 'adamw')!;
    const m = run({ ...c, optimizer: { ...c.optimizer, weightDecay: 0 } }, 'js', 1, 'float64');
    expect(() => expectClose(m.readWeights(0), c.W_after[0]!, { atol: 1e-9, rtol: 1e-9 }, 'W0')).toThrow(/W0: element/);
  });
});
