import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { loadCheckpoint, saveCheckpoint } from './format.js';
import { type MLPConfig, MLP } from './mlp.js';
import { blobs, xor } from './testing/datasets.js';
import { DivergenceError, type EpochReport, type TrainOptions, Trainer } from './train.js';

const blobCfg: MLPConfig = { layers: [8, 16, 4], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' };
const blobOpts: TrainOptions = { epochs: 6, batchSize: 10, lr: 0.5, seed: 9 };
const { train, valid } = blobs(4, 8, 60, 25, 1);

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
    let batches = 0;
    const r = await new Trainer(model, train, { ...blobOpts, epochs: 20 }, valid).run({ onEpoch: (e) => epochs.push(e), onBatch: () => batches++ });
    expect(r.status).toBe('done');
    expect(batches).toBe(20 * 24);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const last = epochs.at(-1)!;
    expect(last.validationAccuracy).toBeGreaterThan(0.95);
    expect(last.loss).toBeLessThan(epochs[0]!.loss);
    expect(last.seconds).toBeGreaterThan(0);
    expect(typeof last.trainAccuracy).toBe('number');
  });

  it('is bit-identical for the same seed, and differs for another', async () => {
    const run = async (seed: number) => {
      const m = new MLP(blobCfg, { seed: 2 });
      await new Trainer(m, train, { ...blobOpts, epochs: 2, seed }).run();
      return m.W[0]!;
    };
    expect(await run(9)).toEqual(await run(9));
    expect(await run(9)).not.toEqual(await run(10));
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
    resumed.model.params().forEach((p, i) => expect(p.data, p.name).toEqual(ref.model.params()[i]!.data));
    const strip = (h: EpochReport[]) => h.map(({ seconds, evalSeconds, ...rest }) => rest);
    expect(strip(resumed.history)).toEqual(strip(ref.history));
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
    expect(m.W[1]).toEqual(ref.model.W[1]);
  });

  it('step() trains exactly one batch', () => {
    const t = new Trainer(new MLP(blobCfg, { seed: 2 }), train, blobOpts);
    const before = Float32Array.from(t.model.W[0]!);
    const r = t.step();
    expect(r.batch).toMatchObject({ epoch: 1, batch: 1, batches: 24, size: 10 });
    expect(t.model.W[0]).not.toEqual(before);
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
