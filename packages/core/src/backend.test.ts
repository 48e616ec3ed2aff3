import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, backendAvailable, getBackend, getThreads, setBackend, setThreads } from './backend.js';
import { evaluate } from './evaluate.js';
import { loadCheckpoint, saveCheckpoint } from './format.js';
import { threadsSupported } from './backends/wasm/threads.js';
import type { WasmArena } from './backends/wasm/wasm.js';
import { type MLPConfig, MLP } from './mlp.js';
import { argmaxRows } from './ops.js';
import { SGD } from './sgd.js';
import { sparseImages } from './testing/datasets.js';
import { TOL, expectClose } from './testing/expect-close.js';
import { type EpochReport, type TrainOptions, Trainer } from './train.js';
import { paramsOf } from './testing/params.js';

afterEach(() => {
  setBackend('auto');
  setThreads(1);
});

describe('backend selection', () => {
  it('defaults to wasm where SIMD is available, js for float64 models, and honours setBackend', () => {
    expect(backendAvailable('wasm')).toBe(true);
    expect(getBackend()).toBe('wasm');
    expect(new MLP({ layers: [3, 2] }).backend).toBe('wasm');
    expect(new MLP({ layers: [3, 2] }, { dtype: 'float64' }).backend).toBe('js');
    for (const name of BACKENDS) {
      setBackend(name);
      expect(getBackend()).toBe(name);
      expect(new MLP({ layers: [3, 2] }).backend).toBe(name);
    }
    setBackend('auto');
    expect(new MLP({ layers: [3, 2] }, { backend: 'naive' }).backend).toBe('naive');
    expect(new MLP({ layers: [3, 2] }, { backend: 'wasm' }).clone().backend).toBe('wasm');
  });

  it('rejects unknown backends, wasm for float64, and bad thread counts with clear messages', () => {
    expect(() => setBackend('gpu' as never)).toThrow(/unknown backend "gpu"/);
    expect(() => new MLP({ layers: [3, 2] }, { backend: 'fast' as never })).toThrow(/unknown backend/);
    expect(() => new MLP({ layers: [3, 2] }, { backend: 'wasm', dtype: 'float64' })).toThrow(/float32/);
    expect(() => setThreads(3)).toThrow(/1 or 2/);
    expect(() => new MLP({ layers: [3, 2] }, { threads: 0 })).toThrow(/threads must be 1 or 2/);
    expect(getThreads()).toBe(1);
  });
});

describe('wasm model buffers', () => {
  it('refreshes its views when a batch larger than its capacity grows the memory, keeping every value', () => {
    const m = new MLP({ layers: [30, 20, 4] }, { seed: 1, backend: 'wasm' });
    const before = paramsOf(m).map((p) => Float32Array.from(p.data));
    const x = Float32Array.from({ length: 600 * 30 }, (_, i) => Math.sin(i));
    const out = Float32Array.from(m.forward(x, 600).subarray(0, 600 * 4)); // 600 rows > the 512 reserved
    paramsOf(m).forEach((p, i) => expect(p.data, p.name).toEqual(before[i]));
    const ref = new MLP({ layers: [30, 20, 4] }, { seed: 1, backend: 'naive' });
    expectClose(out, ref.forward(x, 600).subarray(0, 600 * 4), TOL.f32, 'outputs after growth');
  });

  it.skipIf(!threadsSupported())('two threaded models train side by side when the other one\'s memory grows', () => {
    // V8 gives every shared memory of a thread a new buffer object whenever one of them grows; a model must still
    // recognise its own views (this once sent pointer −1 to a kernel: "memory access out of bounds").
    const small = sparseImages(10, 784, 20, 0.2, 8); // indexed without growing the memory
    const large = sparseImages(10, 784, 2000, 0.2, 9); // its index (~8 MB) grows the other model's memory
    const cfg: MLPConfig = { layers: [784, 30, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' };
    const opts: TrainOptions = { epochs: 1, batchSize: 50, lr: 0.1, seed: 4 };
    const run = (interleave: boolean) => {
      const a = new MLP(cfg, { seed: 5, backend: 'wasm', threads: 2 });
      const ta = new Trainer(a, small, opts);
      ta.step();
      let other: MLP | null = null;
      if (interleave) {
        other = new MLP(cfg, { seed: 6, backend: 'wasm', threads: 2 });
        const arena = (other as unknown as { engine: { arena: WasmArena } }).engine.arena; // private: only to prove the growth happened
        const generation = arena.generation;
        new Trainer(other, large, opts).step();
        expect(arena.generation, 'the other model grew its memory').toBeGreaterThan(generation);
      }
      ta.step();
      ta.step();
      const params = paramsOf(a).map((p) => Float32Array.from(p.data));
      a.dispose();
      other?.dispose();
      return params;
    };
    const alone = run(false);
    run(true).forEach((p, i) => expect(p).toEqual(alone[i]));
  });

  it('outputClasses is argmaxRows of the outputs on every backend: ties to the first, NaN rows to 0, one output at 0.5', () => {
    for (const outputs of [10, 1]) {
      const x = Float32Array.from({ length: 40 * 8 }, (_, i) => Math.sin(i * 1.7) * 3);
      x.fill(0, 8, 16); // row 1: all zeros, so every output ties
      x[16] = Number.NaN; // row 2: NaN reaches every output of the linear network
      for (const backend of ['wasm', 'js', 'naive'] as const) {
        const m = new MLP({ layers: [8, 6, outputs], hidden: 'tanh', output: 'linear', loss: 'mse' }, { seed: 2, backend });
        m.writeBiases(1, m.readBiases(1).fill(0.5)); // one output: values on both sides of 0.5
        const out = m.forward(x, 40);
        const want = new Int32Array(40);
        argmaxRows(want, out, 40, outputs);
        const got = new Int32Array(40).fill(-1);
        m.outputClasses(got, 40);
        expect(got, `${backend}, ${outputs} outputs`).toEqual(want);
        if (outputs === 10) expect(got[2], 'a NaN row').toBe(0);
        expect(new Set(got).size, 'not all one class').toBeGreaterThan(1);
        expect(() => m.outputClasses(got, 41)).toThrow(/41 rows/);
      }
    }
  });

  it('SGD keeps momentum in the model memory and carries over velocity assigned from outside', () => {
    const cfg: MLPConfig = { layers: [6, 5, 3], hidden: 'tanh', output: 'softmax', loss: 'ce' };
    const x = Float32Array.from({ length: 24 }, (_, i) => Math.cos(i));
    const y = new Float32Array(12);
    for (let r = 0; r < 4; r++) y[r * 3 + (r % 3)] = 1;
    const step = (m: MLP, opt: SGD) => {
      m.gradient(x, y, 4);
      opt.step(m, 0.1);
    };
    const w = new MLP(cfg, { seed: 3, backend: 'wasm' });
    const j = new MLP(cfg, { seed: 3, backend: 'js' });
    const ow = new SGD({ momentum: 0.9, l2: 0.01 });
    const oj = new SGD({ momentum: 0.9, l2: 0.01 });
    for (let s = 0; s < 3; s++) {
      step(w, ow);
      step(j, oj);
    }
    expect(ow.velocity).toBe(w.momentumBuffers());
    paramsOf(w).forEach((p, i) => expectClose(p.data, paramsOf(j)[i]!.data, TOL.f32, p.name));
    // A fresh optimiser given velocity copies (as Trainer.restore does) continues the same way.
    const ow2 = new SGD({ momentum: 0.9, l2: 0.01 });
    ow2.velocity = ow.velocity!.map((v) => Float32Array.from(v));
    const w2 = w.clone();
    step(w2, ow2);
    step(w, ow);
    paramsOf(w).forEach((p, i) => expect(paramsOf(w2)[i]!.data, p.name).toEqual(p.data));
  });
});

describe('plain SGD on the first layer\'s transposed weights (sgd_sparse, sgd_t)', () => {
  // Odd widths reach the kernel's single-column and partial-vector tails; both thread counts; with and without L2.
  const data = sparseImages(3, 37, 40, 0.3, 5);
  const order = Array.from({ length: data.count }, (_, i) => (i * 7) % data.count);
  const cfg: MLPConfig = { layers: [37, 13, 3], hidden: 'sigmoid', output: 'softmax', loss: 'ce' };

  /** Six steps; `peek` runs between steps (reading W or dW, which forms them from the transposed copies). */
  function train(threads: number, l2: number, peek: (m: MLP) => void, momentum = 0, backend: 'wasm' | 'naive' = 'wasm'): MLP {
    const m = new MLP(cfg, { seed: 3, backend, threads });
    const opt = new SGD({ l2, momentum });
    const y = new Float32Array(40 * 3);
    for (let step = 0; step < 6; step++) {
      const start = (step * 40) % 120;
      y.fill(0);
      for (let r = 0; r < 40; r++) y[r * 3 + data.labels[order[start + r]!]!] = 1;
      m.forward({ kind: 'rows', inputs: data.inputs as Uint8Array, rows: order, start, mul: 1 / 255, add: 0.1 }, 40);
      m.loss(y, 40);
      m.backward(y, 40);
      peek(m);
      opt.step(m, 0.3);
    }
    return m;
  }

  it.each([
    { threads: 1, l2: 0 },
    { threads: 1, l2: 1e-3 },
    { threads: 2, l2: 0 },
    { threads: 2, l2: 1e-3 },
  ])('reading W and dW between steps changes no bit: threads $threads, l2 $l2', ({ threads, l2 }) => {
    // Without L2 both take the step from the batch (sgd_sparse); with L2, one steps Wt from dWt (sgd_t) and the other W
    // from dW (sgd_plain), the same operations on the same numbers.
    const onWt = train(threads, l2, () => {});
    // Reading dW and W before each step forms them from dWt and Wt first; the step stays on Wt.
    const onW = train(threads, l2, (m) => {
      expect(m.readGradients(0).dW.some((g) => g !== 0)).toBe(true);
      expect(m.readWeights(0).length).toBe(13 * 37);
    });
    const a = paramsOf(onWt);
    paramsOf(onW).forEach((p, i) => expect(a[i]!.data, p.name).toEqual(p.data));
    expect(onWt.readGradients(0).dW).toEqual(onW.readGradients(0).dW); // the last gradient stays readable after a step that did not write it
    onWt.dispose();
    onW.dispose();
  });

  it('the step from the batch agrees with the naive kernels, and leaves dW readable after later batches', () => {
    const wasm = train(1, 0, () => {});
    const naive = train(1, 0, () => {}, 0, 'naive');
    paramsOf(wasm).forEach((p, i) => expectClose(p.data, paramsOf(naive)[i]!.data, TOL.f32, p.name));
    // The last gradient, read only now, after the step that did not form it, then after a forward pass of another
    // batch of the same data and one of other data (which replaces the model's index).
    const expected = Float32Array.from(naive.readGradients(0).dW);
    const other = sparseImages(3, 37, 40, 0.3, 6);
    wasm.forward({ kind: 'rows', inputs: data.inputs as Uint8Array, rows: order, start: 80, mul: 1 / 255, add: 0.1 }, 40);
    wasm.forward({ kind: 'rows', inputs: other.inputs as Uint8Array, rows: order, start: 0, mul: 1 / 255, add: 0.1 }, 40);
    expectClose(wasm.readGradients(0).dW, expected, TOL.f32, 'dW[0]');
    // The same bits as reading it right after backward.
    const early = train(1, 0, (m) => void m.readGradients(0).dW);
    expect(wasm.readGradients(0).dW).toEqual(early.readGradients(0).dW);
    for (const m of [wasm, early]) m.dispose();
  });

  it('with momentum steps W as before, and agrees with the naive kernels', () => {
    const wasm = train(2, 1e-3, () => {}, 0.9);
    const naive = train(1, 1e-3, () => {}, 0.9, 'naive');
    paramsOf(wasm).forEach((p, i) => expectClose(p.data, paramsOf(naive)[i]!.data, { atol: 1e-4, rtol: 1e-3 }, p.name));
    wasm.dispose();
  });

  it('uses weights set by writeWeights between steps, and shows stepped weights when read', () => {
    const wasm = train(1, 0, () => {});
    const naive = new MLP(cfg, { seed: 3, backend: 'naive' });
    naive.copyWeightsFrom(wasm); // readParams: the stepped weights
    const rows = Array.from({ length: 40 }, (_, i) => i);
    const same = () => {
      const a = Float32Array.from(wasm.forward({ kind: 'rows', inputs: data.inputs as Uint8Array, rows, start: 0, mul: 1 / 255, add: 0 }, 40).subarray(0, 120));
      expectClose(a, naive.forward({ kind: 'rows', inputs: data.inputs as Uint8Array, rows, start: 0, mul: 1 / 255, add: 0 }, 40).subarray(0, 120), TOL.f32, 'outputs');
    };
    same();
    for (const net of [wasm, naive]) {
      const W0 = net.readWeights(0);
      W0.fill(0.01, 0, 37); // unit 0 now sees every pixel the same
      W0[37 * 5 + 2] = -3;
      net.writeWeights(0, W0);
    }
    same();
    // The float path reads W[0] directly: it must see the stepped weights too.
    const x = Float32Array.from({ length: 40 * 37 }, (_, i) => Math.sin(i));
    new SGD().step(wasm, 0.5); // a step on Wt (the last gradient is still in dWt form)
    const got = Float32Array.from(wasm.forward(x, 40).subarray(0, 120)); // before anything reads W
    naive.copyWeightsFrom(wasm);
    expectClose(got, naive.forward(x, 40).subarray(0, 120), TOL.f32, 'float inputs after a step');
    wasm.dispose();
  });
});

describe('training with the wasm kernels', () => {
  const data = sparseImages(4, 150, 60, 0.2, 1);
  const valid = sparseImages(4, 150, 20, 0.2, 1);
  const cfg: MLPConfig = { layers: [150, 50, 4] };
  const opts: TrainOptions = { epochs: 4, batchSize: 40, lr: 0.3, seed: 2 };
  const train = async (backend: 'wasm' | 'js' | 'naive', threads = 1, options = opts) => {
    const m = new MLP(cfg, { seed: 3, backend, threads });
    const t = new Trainer(m, data, options, valid);
    await t.run();
    m.dispose();
    return t;
  };
  const strip = (h: EpochReport[]) => h.map(({ seconds, evalSeconds, ...rest }) => rest);

  it('learns the same curve as the naive kernels (losses within float32 noise, same accuracies)', async () => {
    const [w, n] = [await train('wasm'), await train('naive')];
    expect(w.history.length).toBe(4);
    w.history.forEach((e, i) => {
      const r = n.history[i]!;
      expectClose([e.loss, e.validationLoss!], [r.loss, r.validationLoss!], { atol: 1e-5, rtol: 1e-3 }, `epoch ${e.epoch}`);
      expect(Math.abs(e.trainAccuracy - r.trainAccuracy)).toBeLessThanOrEqual(0.01);
      expect(e.validationAccuracy).toBe(r.validationAccuracy);
    });
    expect(w.history.at(-1)!.validationAccuracy).toBeGreaterThan(0.9);
  });

  it('pauses, checkpoints and resumes bit-identically on sparse byte data', async () => {
    const o = { ...opts, epochs: 3, momentum: 0.9, l2: 1e-4, lrDecay: 0.9 };
    const ref = await train('wasm', 1, o);
    const m = new MLP(cfg, { seed: 3, backend: 'wasm' });
    const t = new Trainer(m, data, o, valid);
    let count = 0;
    const r = await t.run({ onBatch: () => ++count === 9 && t.pause() }); // epoch 2, batch 3
    expect(r.status).toBe('paused');
    const resumed = Trainer.restore(loadCheckpoint(saveCheckpoint(t.snapshot())).snapshot, data, valid);
    expect(resumed.model.backend).toBe('wasm');
    await resumed.run();
    paramsOf(resumed.model).forEach((p, i) => expect(p.data, p.name).toEqual(paramsOf(ref.model)[i]!.data));
    expect(strip(resumed.history)).toEqual(strip(ref.history));
  });

  it.skipIf(!threadsSupported())('trains bit-identically with a helper thread (skipped where SharedArrayBuffer is unavailable)', async () => {
    const big = { ...opts, batchSize: 64, momentum: 0.9, l2: 1e-4 };
    const [one, two] = [await train('wasm', 1, big), await train('wasm', 2, big)];
    paramsOf(two.model).forEach((p, i) => expect(p.data, p.name).toEqual(paramsOf(one.model)[i]!.data));
    expect(strip(two.history)).toEqual(strip(one.history));
  });

  it('evaluates byte datasets through the same path as training', () => {
    const m = new MLP(cfg, { seed: 3, backend: 'wasm' });
    const ref = new MLP(cfg, { seed: 3, backend: 'naive' });
    const a = evaluate(m, valid, { keepOutputs: true });
    const b = evaluate(ref, valid, { keepOutputs: true });
    expectClose(a.outputs!, b.outputs!, TOL.f32, 'outputs');
    expect(a.predictions).toEqual(b.predictions);
  });
});
