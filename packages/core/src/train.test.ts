import { describe, expect, it } from 'vitest';
import { backendAvailable, getBackend } from './backend.js';
import { evaluate } from './evaluate.js';
import { loadCheckpoint, saveCheckpoint } from './format.js';
import { type MLPConfig, MLP } from './mlp.js';
import { Rng } from './rng.js';
import { blobs, xor } from './testing/datasets.js';
import { DivergenceError } from './divergence.js';
import { type BatchReport, type EpochReport, type TrainOptions, Trainer, type TrainerSnapshot } from './train.js';
import { paramsOf } from './testing/params.js';

const blobCfg: MLPConfig = { layers: [8, 16, 4], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' };
const blobOpts: TrainOptions = { epochs: 6, batchSize: 10, lr: 0.5, seed: 9 };
const { train, valid } = blobs(4, 8, 60, 25, 1);
/** Epoch reports without their timings, which differ from run to run. */
const strip = (h: EpochReport[]) => h.map(({ seconds, evalSeconds, ...rest }) => rest);

describe('Trainer', () => {
  it('learns XOR to 100% (sigmoid/MSE, the seed recipe on a tiny problem)', async () => {
    const model = new MLP({ layers: [2, 4, 2], initStd: 1 }, { seed: 1 }); // σ 0.1 starts on XOR's symmetric plateau
    const t = new Trainer(model, xor(), { epochs: 2000, batchSize: 4, lr: 2, seed: 1 });
    await t.run();
    expect(evaluate(model, xor()).accuracy).toBe(1);
  });

  it('learns XOR to 100% with tanh, softmax + cross-entropy and momentum', async () => {
    const model = new MLP({ layers: [2, 8, 2], hidden: 'tanh', output: 'softmax', loss: 'ce' }, { seed: 1 });
    await new Trainer(model, xor(), { epochs: 300, batchSize: 4, lr: 0.5, momentum: 0.9, seed: 1 }).run();
    expect(evaluate(model, xor()).accuracy).toBe(1);
  });

  it('learns a 4-class synthetic problem to > 95% validation accuracy, reporting each epoch', async () => {
    const model = new MLP(blobCfg, { seed: 2 });
    const epochs: EpochReport[] = [];
    const batches: BatchReport[] = [];
    const r = await new Trainer(model, train, { ...blobOpts, epochs: 20 }, valid).run({ onEpoch: (e) => epochs.push(e), onBatch: (b) => batches.push(b) });
    expect(r.status).toBe('done');
    expect(batches.length).toBe(20 * 24);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const last = epochs.at(-1)!;
    expect(last.validationAccuracy).toBeGreaterThan(0.95);
    expect(last.loss).toBeLessThan(epochs[0]!.loss);
    expect(last.seconds).toBeGreaterThan(0);
    // Train loss and accuracy are the running means of the epoch's batches, weighted by batch size.
    for (const e of epochs) {
      const mine = batches.filter((b) => b.epoch === e.epoch);
      const seen = mine.reduce((s, b) => s + b.size, 0);
      expect(seen).toBe(train.count);
      expect(e.trainAccuracy).toBeCloseTo(mine.reduce((s, b) => s + b.accuracy * b.size, 0) / seen, 12);
      expect(e.loss).toBeCloseTo(mine.reduce((s, b) => s + b.loss * b.size, 0) / seen, 12);
      expect(e.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.trainAccuracy).toBeLessThanOrEqual(1);
    }
    expect(last.trainAccuracy).toBeGreaterThan(0.9);
  });

  it("reports each batch's training time; they add up to the epoch's seconds", async () => {
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    await new Trainer(new MLP(blobCfg, { seed: 2 }), train, { ...blobOpts, epochs: 2 }, valid).run({ onBatch: (b) => batches.push(b), onEpoch: (e) => epochs.push(e) });
    for (const b of batches) {
      expect(Number.isFinite(b.seconds) && b.seconds >= 0, `batch ${b.epoch}.${b.batch}: ${b.seconds}`).toBe(true);
    }
    expect(batches.reduce((s, b) => s + b.seconds, 0)).toBeGreaterThan(0);
    for (const e of epochs) {
      expect(batches.filter((b) => b.epoch === e.epoch).reduce((s, b) => s + b.seconds, 0)).toBeCloseTo(e.seconds, 9);
    }
  });

  it('is bit-identical for the same seed (every parameter, every loss), and differs for another', async () => {
    const run = async (seed: number) => {
      const m = new MLP(blobCfg, { seed: 2 });
      const losses: number[] = [];
      const t = new Trainer(m, train, { ...blobOpts, epochs: 2, momentum: 0.5, seed }, valid);
      await t.run({ onBatch: (b) => losses.push(b.loss) });
      return { params: paramsOf(m).map((p) => Float32Array.from(p.data)), losses, history: strip(t.history) };
    };
    const [a, b, c] = [await run(9), await run(9), await run(10)];
    expect(a.params.map((p) => p.length)).toEqual([128, 16, 64, 4]);
    a.params.forEach((p, i) => expect(b.params[i], `param ${i}`).toEqual(p));
    expect(b.losses).toEqual(a.losses);
    expect(b.history).toEqual(a.history);
    expect(c.losses).not.toEqual(a.losses);
    expect(c.history).not.toEqual(a.history);
    a.params.forEach((p, i) => expect(c.params[i], `param ${i}`).not.toEqual(p));
  });

  it('reshuffles every epoch from the seeded Rng (and keeps the order with shuffle: false)', async () => {
    // Labels behind a Proxy log which example each read is for: the order the epoch visits them.
    const n = 20;
    const read: number[] = [];
    const labels = new Proxy(
      Array.from({ length: n }, (_, i) => i % 2),
      {
        get: (target, key, recv) => {
          if (typeof key === 'string' && /^\d+$/.test(key)) read.push(Number(key));
          return Reflect.get(target, key, recv);
        },
      },
    );
    const data = { inputs: Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)), labels, count: n, inputSize: 2 };
    const orders = async (shuffle: boolean) => {
      const epochs: number[][] = [];
      const t = new Trainer(new MLP({ layers: [2, 2] }), data, { epochs: 3, batchSize: n, lr: 0.1, seed: 5, shuffle });
      read.length = 0;
      await t.run({
        onEpoch: () => {
          epochs.push(read.slice(0, n)); // one batch per epoch; its first n reads are its examples in order
          read.length = 0;
        },
      });
      return epochs;
    };
    const shuffled = await orders(true);
    const ids = Array.from({ length: n }, (_, i) => i);
    for (const o of shuffled) expect([...o].sort((x, y) => x - y)).toEqual(ids);
    expect(shuffled[1]).not.toEqual(shuffled[0]);
    expect(shuffled[2]).not.toEqual(shuffled[1]);
    expect(shuffled[2]).not.toEqual(shuffled[0]);
    const rng = new Rng(5);
    expect(shuffled).toEqual([0, 1, 2].map(() => Array.from(rng.permutation(n))));
    expect(await orders(false)).toEqual([ids, ids, ids]);
  });

  const uninterrupted = async (opts: TrainOptions) => {
    const m = new MLP(blobCfg, { seed: 2 });
    const t = new Trainer(m, train, opts, valid);
    await t.run();
    return t;
  };

  it('pause mid-epoch, checkpoint to bytes, restore, resume: same final weights and history as uninterrupted', async () => {
    const opts = { ...blobOpts, epochs: 3, momentum: 0.9, l2: 1e-4, lrDecay: 0.9 };
    const ref = await uninterrupted(opts);

    const m = new MLP(blobCfg, { seed: 2 });
    const t = new Trainer(m, train, opts, valid);
    let count = 0;
    const r = await t.run({
      onBatch: () => {
        if (++count === 37) t.pause(); // epoch 2, batch 13
      },
    });
    expect(r.status).toBe('paused');
    expect([t.epoch, t.batch]).toEqual([1, 13]);
    const bytes = saveCheckpoint(t.snapshot());
    const resumed = Trainer.restore(loadCheckpoint(bytes).snapshot, train, valid);
    expect((await resumed.run()).status).toBe('done');
    paramsOf(resumed.model).forEach((p, i) => expect(p.data, p.name).toEqual(paramsOf(ref.model)[i]!.data));
    expect(strip(resumed.history)).toEqual(strip(ref.history));
  });

  it("restores the network's dtype, backend and threads from the snapshot (older snapshots get the defaults)", async () => {
    // With the naive backend, a resumed run is bit-identical only on the naive backend again.
    const opts = { ...blobOpts, epochs: 2, momentum: 0.9 };
    const ref = new Trainer(new MLP(blobCfg, { seed: 2, backend: 'naive' }), train, opts);
    await ref.run();
    const t = new Trainer(new MLP(blobCfg, { seed: 2, backend: 'naive' }), train, opts);
    for (let i = 0; i < 30; i++) t.step();
    const s = loadCheckpoint(saveCheckpoint(t.snapshot())).snapshot;
    expect([s.dtype, s.backend, s.threads]).toEqual(['float32', 'naive', 1]);
    const resumed = Trainer.restore(s, train);
    expect(resumed.model.backend).toBe('naive');
    await resumed.run();
    paramsOf(resumed.model).forEach((p, i) => expect(p.data, p.name).toEqual(paramsOf(ref.model)[i]!.data));

    expect(Trainer.restore(s, train, undefined, { backend: 'js' }).model.backend).toBe('js');
    const { dtype, backend, threads, ...old } = s;
    const fromOld = Trainer.restore(old, train);
    expect([fromOld.model.dtype, fromOld.model.backend]).toEqual(['float32', getBackend()]);

    const f64 = new Trainer(new MLP(blobCfg, { seed: 2, dtype: 'float64', backend: 'naive' }), train, opts);
    f64.step();
    const back = Trainer.restore(loadCheckpoint(saveCheckpoint(f64.snapshot())).snapshot, train);
    expect([back.model.dtype, back.model.backend]).toEqual(['float64', 'naive']);

    if (backendAvailable('wasm')) {
      const m = new MLP(blobCfg, { seed: 2, backend: 'wasm', threads: 2 }); // 2 where workers and shared memory exist
      const w = Trainer.restore(new Trainer(m, train, opts).snapshot(), train);
      expect([w.model.backend, w.model.threads]).toEqual(['wasm', m.threads]);
      expect(Trainer.restore(new Trainer(m, train, opts).snapshot(), train, undefined, { threads: 1 }).model.threads).toBe(1);
      m.dispose();
      w.model.dispose();
    }
  });

  it('restore rejects an inconsistent snapshot with a RangeError saying what is wrong', () => {
    const t = new Trainer(new MLP(blobCfg, { seed: 2 }), train, { ...blobOpts, momentum: 0.9 });
    t.step();
    const s = t.snapshot();
    const cases: [string, Partial<TrainerSnapshot> | Record<string, unknown>, RegExp][] = [
      ['bad epochRng', { epochRng: [0, 0, 0, 0] }, /shuffle generator state \(epochRng\) is invalid/],
      ['missing options', { options: undefined }, /options \(the training settings: epochs, batchSize, lr, …\) are missing/],
      ['bad options', { options: { ...s.options, batchSize: 0 } }, /training options are invalid: batch size must be a positive integer/],
      ['history not an array', { history: {} }, /history must be an array of epoch reports, got object/],
      ['history of non-reports', { epoch: 1, history: [{ epoch: 1, loss: 'low' }] }, /history\[0\].loss must be a finite number, got low/],
      ['batch 99', { batch: 99 }, /batch 99 is past the end of an epoch: this data makes 24 batches of 10/],
      ['epoch -5', { epoch: -5 }, /epoch must be an integer from 0 to 6 \(the options' epochs\), got -5/],
      ['missing running', { running: undefined }, /running sums .* are missing/],
      ['NaN running sum', { running: { ...s.running, lossSum: Number.NaN } }, /running.lossSum must be a finite number, got NaN/],
      ['short parameter', { params: [s.params[0]!.subarray(1), ...s.params.slice(1)] }, /tensor W0 has 127 values, shape \[16,8\] needs 128/],
      ['missing parameters', { params: s.params.slice(0, 2) }, /it has 2 parameter tensors, the network 8-16-4 needs 4/],
      ['short velocity', { velocity: [...s.velocity!.slice(0, 3), new Float32Array(3)] }, /tensor v_b1 has 3 values, shape \[4\] needs 4/],
    ];
    for (const [what, edit, message] of cases) {
      const err = (() => {
        try {
          Trainer.restore({ ...s, ...edit } as TrainerSnapshot, train);
        } catch (e) {
          return e;
        }
      })();
      expect(err, what).toBeInstanceOf(RangeError);
      expect((err as Error).message, what).toMatch(/^Trainer.restore: the snapshot is unusable: /);
      expect((err as Error).message, what).toMatch(message);
    }
    expect(Trainer.restore({ ...s, batch: 23 }, train).batch).toBe(23); // the last batch of the epoch is fine
  });

  it('stops on an AbortSignal after the current batch and can continue', async () => {
    const ref = await uninterrupted(blobOpts);
    const m = new MLP(blobCfg, { seed: 2 });
    const t = new Trainer(m, train, blobOpts, valid);
    const ac = new AbortController();
    let n = 0;
    const r = await t.run({ signal: ac.signal, onBatch: () => ++n === 50 && ac.abort() });
    expect(r.status).toBe('stopped');
    expect(t.epoch * t.batchesPerEpoch + t.batch).toBe(50);
    await t.run();
    expect(m.readWeights(1)).toEqual(ref.model.readWeights(1));
  });

  it('step() trains exactly one batch', () => {
    const t = new Trainer(new MLP(blobCfg, { seed: 2 }), train, blobOpts);
    const before = Float32Array.from(t.model.readWeights(0));
    const r = t.step();
    expect(r.batch).toMatchObject({ epoch: 1, batch: 1, batches: 24, size: 10 });
    expect(t.model.readWeights(0)).not.toEqual(before);
    expect(t.batch).toBe(1);
  });

  it('handles a last batch smaller than the batch size', async () => {
    const t = new Trainer(new MLP(blobCfg, { seed: 2 }), train, { ...blobOpts, batchSize: 100, epochs: 1 });
    const sizes: number[] = [];
    await t.run({ onBatch: (b) => sizes.push(b.size) });
    expect(sizes).toEqual([100, 100, 40]);
  });

  it('decays the learning rate per epoch and accepts a new one mid-run', async () => {
    const t = new Trainer(new MLP(blobCfg, { seed: 2 }), train, { ...blobOpts, epochs: 3, lrDecay: 0.5 });
    const lrs: number[] = [];
    await t.run({ onEpoch: (e) => lrs.push(e.lr) });
    expect(lrs).toEqual([0.5, 0.25, 0.125]);
    const t2 = new Trainer(new MLP(blobCfg, { seed: 2 }), train, blobOpts);
    t2.step();
    t2.setLearningRate(0.05);
    expect(t2.step().batch.lr).toBe(0.05);
    expect(() => t2.setLearningRate(-1)).toThrow(/learning rate/);
  });

  it('pause() before run() is honoured: run returns paused before training a batch', async () => {
    const t = new Trainer(new MLP(blobCfg, { seed: 2 }), train, { ...blobOpts, epochs: 1 });
    t.pause();
    let batches = 0;
    const r = await t.run({ onBatch: () => batches++ });
    expect(r.status).toBe('paused');
    expect([batches, t.epoch, t.batch]).toEqual([0, 0, 0]);
    expect((await t.run({ onBatch: () => batches++ })).status).toBe('done'); // the request was used up
    expect(batches).toBe(24);
    // A run that ends otherwise (here: stopped) drops a pending request instead of pausing the next run at once.
    const t2 = new Trainer(new MLP(blobCfg, { seed: 2 }), train, { ...blobOpts, epochs: 1 });
    t2.pause();
    const ac = new AbortController();
    ac.abort();
    expect((await t2.run({ signal: ac.signal })).status).toBe('stopped');
    expect((await t2.run()).status).toBe('done');
  });

  it('a DivergenceError leaves the parameters and the whole trainer state as they were before the failing batch', () => {
    const m = new MLP({ layers: [8, 16, 4], hidden: 'relu', output: 'linear', loss: 'mse' }, { seed: 2 });
    const t = new Trainer(m, train, { ...blobOpts, momentum: 0.9 });
    t.step();
    t.step();
    // Finite but huge output weights: the next batch's outputs overflow to Infinity.
    m.writeWeights(1, m.readWeights(1).fill(3e38));
    m.writeBiases(1, m.readBiases(1).fill(3e38));
    const before = t.snapshot();
    expect(before.params.every((p) => p.every(Number.isFinite))).toBe(true);
    expect(before.velocity).not.toBeNull();
    let err: unknown;
    try {
      t.step();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err).toMatchObject({ epoch: 1, batch: 3 });
    expect(t.snapshot()).toEqual(before);
    paramsOf(m).forEach((p, i) => expect(p.data, p.name).toEqual(before.params[i]));
  });

  it('stops with a DivergenceError naming epoch and batch and suggesting a lower learning rate', async () => {
    const m = new MLP({ layers: [8, 16, 4], hidden: 'relu', output: 'linear', loss: 'mse' }, { seed: 2 });
    const t = new Trainer(m, train, { ...blobOpts, lr: 1e6 });
    const err = await t.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/^Training diverged at epoch \d+, batch \d+: the loss became (NaN|Infinity)\. Try a lower learning rate \(it was 1000000\)\./);
  });

  it('rejects bad options and mismatched data with clear messages', () => {
    const m = new MLP(blobCfg);
    expect(() => new Trainer(m, train, { ...blobOpts, lr: 0 })).toThrow(/learning rate/);
    expect(() => new Trainer(m, train, { ...blobOpts, epochs: 0 })).toThrow(/epochs/);
    expect(() => new Trainer(m, train, { ...blobOpts, batchSize: 1.5 })).toThrow(/batch size/);
    expect(() => new Trainer(m, train, { ...blobOpts, momentum: 1 })).toThrow(/momentum/);
    expect(() => new Trainer(m, xor(), blobOpts)).toThrow(/2 features per example; the network's input layer has 8/);
    expect(() => new Trainer(m, { ...train, count: 0 }, blobOpts)).toThrow(/count/);
    expect(() => new Trainer(m, { ...train, scaling: { mul: new Float32Array(3), add: 0 } }, blobOpts)).toThrow(/scaling.mul/);
  });

  it('refuses to step past the end', async () => {
    const t = new Trainer(new MLP({ layers: [2, 2] }), xor(), { epochs: 1, batchSize: 4, lr: 0.1 });
    await t.run();
    expect(t.done).toBe(true);
    expect(() => t.step()).toThrow(/complete/);
  });
});
