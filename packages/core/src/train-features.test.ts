// The Trainer's newer features end to end: early stopping keeps the best epoch's weights, and every feature together
// (Adam/AdamW, Nesterov, dropout, schedules, clipping, max-norm, early stopping) resumes bit for bit from a checkpoint
// file and gives the same bits with one thread and with two.
import { describe, expect, it } from 'vitest';
import { threadsSupported } from './backends/wasm/threads.js';
import { loadCheckpoint, saveCheckpoint } from './format.js';
import { type MLPConfig, MLP } from './mlp.js';
import { blobs, sparseImages } from './testing/datasets.js';
import { type EpochReport, type TrainOptions, Trainer } from './train.js';

const strip = (h: EpochReport[]) => h.map(({ seconds, evalSeconds, ...rest }) => rest);
const { train, valid } = blobs(4, 8, 60, 25, 1);
const cfg: MLPConfig = { layers: [8, 16, 4], hidden: 'relu', output: 'softmax', loss: 'ce', init: 'he' };

// Byte "images" that take the wasm backend's sparse first layer, with a batch large enough to split across threads.
const images = sparseImages(4, 64, 50, 0.3, 5);
const held = sparseImages(4, 64, 15, 0.3, 6);
const imageCfg: MLPConfig = { layers: [64, 40, 20, 4], hidden: 'relu', output: 'softmax', loss: 'ce', init: 'he' };

const ALL: TrainOptions[] = [
  { epochs: 5, batchSize: 40, lr: 0.01, seed: 4, optimizer: 'adamw', weightDecay: 0.05, dropout: 0.3, schedule: 'cosine', warmup: 1, clipNorm: 1, maxNorm: 2, earlyStop: 'accuracy', patience: 3 },
  { epochs: 5, batchSize: 40, lr: 0.05, seed: 4, optimizer: 'nesterov', momentum: 0.9, l2: 1e-4, dropout: 0.2, schedule: 'onecycle', earlyStop: 'loss', patience: 2 },
  { epochs: 5, batchSize: 40, lr: 0.01, seed: 4, optimizer: 'adam', l2: 1e-4, schedule: 'step', lrDecay: 0.5, stepEvery: 2, maxNorm: 1.5 },
];

describe('early stopping', () => {
  it('stops after `patience` epochs without a better validation loss and keeps the best epoch\'s weights', async () => {
    const opts: TrainOptions = { epochs: 40, batchSize: 10, lr: 0.3, momentum: 0.9, seed: 3, earlyStop: 'loss', patience: 2 };
    const t = new Trainer(new MLP(cfg, { seed: 1, backend: 'js' }), train, opts, valid);
    await t.run();
    const losses = t.history.map((h) => h.validationLoss!);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(t.keptEpoch).toBe(best);
    expect(t.stoppedEarly).toBe(true);
    expect(t.history).toHaveLength(best + 2);
    // The same run without early stopping, cut at the kept epoch, ends with the very same weights.
    const ref = new Trainer(new MLP(cfg, { seed: 1, backend: 'js' }), train, { ...opts, earlyStop: 'off', epochs: 40 }, valid);
    for (let e = 0; e < best; e++) while (!ref.step().epoch);
    expect(t.model.readParams()).toEqual(ref.model.readParams());
  });

  it('keeps the best weights also when the run ends before patience runs out, and needs validation data', async () => {
    const t = new Trainer(new MLP(cfg, { seed: 1, backend: 'js' }), train, { epochs: 4, batchSize: 10, lr: 0.05, seed: 3, earlyStop: 'accuracy', patience: 10 }, valid);
    await t.run();
    const acc = t.history.map((h) => h.validationAccuracy!);
    expect(t.keptEpoch).toBe(acc.indexOf(Math.max(...acc)) + 1);
    expect(t.stoppedEarly).toBe(false);
    expect(() => new Trainer(new MLP(cfg), train, { epochs: 2, batchSize: 10, lr: 0.1, earlyStop: 'loss' })).toThrow('early stopping on the validation loss needs validation data');
  });
});

describe.each(ALL)('every feature together: $optimizer, dropout $dropout, $schedule, early stop $earlyStop', (opts) => {
  const backends = ['js', 'wasm'] as const;
  it.each(backends)('%s: interrupt mid-epoch, checkpoint to bytes, restore, resume = uninterrupted, bit for bit', async (backend) => {
    const ref = new Trainer(new MLP(imageCfg, { seed: 2, backend, threads: 1 }), images, opts, held);
    await ref.run();
    const t = new Trainer(new MLP(imageCfg, { seed: 2, backend, threads: 1 }), images, opts, held);
    let count = 0;
    const r = await t.run({ onBatch: () => void (++count === 7 && t.pause()) }); // epoch 2, batch 2
    expect(r.status).toBe('paused');
    const { snapshot } = loadCheckpoint(saveCheckpoint(t.snapshot()));
    const resumed = Trainer.restore(snapshot, images, held);
    expect((await resumed.run()).status).toBe('done');
    expect(resumed.model.readParams()).toEqual(ref.model.readParams());
    expect(strip(resumed.history)).toEqual(strip(ref.history));
    expect(resumed.keptEpoch).toBe(ref.keptEpoch);
    expect(resumed.optimizer.steps).toBe(ref.optimizer.steps);
  });

  it.skipIf(!threadsSupported())('wasm: one thread and two give the same bits', async () => {
    const run = async (threads: number) => {
      const t = new Trainer(new MLP(imageCfg, { seed: 2, backend: 'wasm', threads }), images, opts, held);
      await t.run();
      expect(t.model.threads).toBe(threads);
      return { params: t.model.readParams(), history: strip(t.history) };
    };
    const [one, two] = [await run(1), await run(2)];
    expect(two.params).toEqual(one.params);
    expect(two.history).toEqual(one.history);
  });
});

it('a resumed run differs when the dropout generator is not restored (the test can fail)', async () => {
  const opts = ALL[0]!;
  const ref = new Trainer(new MLP(imageCfg, { seed: 2, backend: 'js' }), images, opts, held);
  await ref.run();
  const t = new Trainer(new MLP(imageCfg, { seed: 2, backend: 'js' }), images, opts, held);
  for (let i = 0; i < 7; i++) t.step();
  const { dropoutRng: _lost, ...snapshot } = t.snapshot();
  const resumed = Trainer.restore(snapshot, images, held);
  await resumed.run();
  expect(resumed.model.readParams()).not.toEqual(ref.model.readParams());
});

describe('restoring the optimiser’s state from an untrusted snapshot', () => {
  const adam: TrainOptions = { epochs: 3, batchSize: 20, lr: 0.01, seed: 4, optimizer: 'adam' };
  const stepped = (opts: TrainOptions, steps: number) => {
    const t = new Trainer(new MLP(cfg, { seed: 1, backend: 'js' }), train, opts, valid);
    for (let i = 0; i < steps; i++) t.step();
    return t.snapshot();
  };

  it('refuses a stepped snapshot whose moments are missing or impossible, naming what is wrong', () => {
    const s = stepped(adam, 3);
    const v = s.secondMoments!;
    const cases: [object, RegExp][] = [
      [{ ...s, secondMoments: null }, /its adam optimiser keeps the moments m and v, but it has 1 state tensor sets$/],
      [{ ...s, velocity: null, secondMoments: null }, /keeps the moments m and v, but it has 0 state tensor sets$/],
      [{ ...s, secondMoments: v.map((t, i) => (i === 1 ? Float32Array.from(t, (x) => -1 - x) : t)) }, /second moments .* hold negative values$/],
    ];
    for (const [snap, message] of cases) expect(() => Trainer.restore(snap as typeof s, train, valid)).toThrow(message);
    const heavy = stepped({ epochs: 3, batchSize: 20, lr: 0.05, seed: 4, momentum: 0.9 }, 2);
    expect(() => Trainer.restore({ ...heavy, velocity: null }, train, valid)).toThrow(/its sgd optimiser keeps the velocity, but it has 0 state tensor sets$/);
  });

  it('accepts a snapshot taken before the first step without state, and a whole one as it is', async () => {
    const fresh = stepped(adam, 0);
    expect(fresh.velocity ?? null).toBeNull();
    const a = Trainer.restore(fresh, train, valid);
    const b = Trainer.restore(stepped(adam, 3), train, valid);
    await a.run();
    await b.run();
    expect(a.history).toHaveLength(3);
    expect(b.history).toHaveLength(3);
  });
});
