import { MLP, Rng, Trainer } from '@mlp/core';
import { type Mnist, type Split, scaling, splitTrainValidation, toDataset } from '@mlp/mnist';
import { describe, expect, it } from 'vitest';
import { SettingError } from './bounds.js';
import { prepareData, prepareRun } from './prepare.js';
import { PLAIN, PRESETS, type TrainSettings } from './settings.js';

/** A small MNIST-shaped dataset: 4×4 images of seeded noise, labels 0–9. */
function tinyMnist(train = 120, test = 30): Mnist {
  const rng = new Rng(5);
  const split = (count: number): Split => ({
    images: Uint8Array.from({ length: count * 16 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
    count,
    rows: 4,
    cols: 4,
  });
  return { train: split(train), test: split(test) };
}

/** The recipe of the first best preset (SGD with momentum, L2 and per-epoch decay) on the tiny dataset. */
const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({
  ...PRESETS.best,
  ...PLAIN,
  lr: 0.1,
  momentum: 0.9,
  l2: 1e-4,
  lrDecay: 0.9,
  layers: [16, 8, 10],
  batch: 10,
  epochs: 2,
  valid: 20,
  seed: 7,
  ...over,
});
const params = (m: MLP) => m.readParams().map((p) => Array.from(p));

/** The construction the CLI and the desktop worker each wrote out before this package: split, scaling, MLP, Trainer. */
function byHand(s: TrainSettings, mnist: Mnist): Trainer {
  const { train, validation } = splitTrainValidation(mnist.train, { validation: s.valid, seed: s.seed });
  const sc = scaling(s.scale, train);
  const model = new MLP({ layers: s.layers, hidden: s.hidden, output: s.output, loss: s.loss, init: s.init, initStd: s.initStd }, { seed: s.seed });
  const options = { epochs: s.epochs, batchSize: s.batch, lr: s.lr, momentum: s.momentum, l2: s.l2, lrDecay: s.lrDecay, seed: s.seed, divergenceCheck: true };
  return new Trainer(model, toDataset(train, sc), options, toDataset(validation, sc));
}

describe('prepareRun', () => {
  it('trains bit for bit as the hand-written construction did, for every scale mode', async () => {
    const mnist = tinyMnist();
    for (const scale of ['-1,1', '0,1', 'standard'] as const) {
      const s = settings({ scale });
      const run = prepareRun(s, mnist);
      const ref = byHand(s, mnist);
      expect(run.model).toBe(run.trainer.model);
      expect(params(run.model)).toEqual(params(ref.model));
      const a = await run.trainer.run();
      expect((await ref.run()).status).toBe('done');
      expect(a.status).toBe('done');
      expect(params(run.model)).toEqual(params(ref.model));
      expect(run.trainer.history.map((h) => [h.loss, h.validationAccuracy])).toEqual(ref.history.map((h) => [h.loss, h.validationAccuracy]));
      expect(run.trainer.history[0]!.validationAccuracy).toBeTypeOf('number');
    }
  });

  it('hands every optimiser setting to the trainer: the same bits as a Trainer given them by hand', async () => {
    const mnist = tinyMnist();
    const s = settings({ ...PRESETS.best, layers: [16, 8, 10], batch: 10, epochs: 3, valid: 20, clipNorm: 5, maxNorm: 3, earlyStop: 'loss', patience: 2 });
    const run = prepareRun(s, mnist);
    const picked = Object.fromEntries(Object.keys(PLAIN).map((k) => [k, s[k as keyof TrainSettings]]));
    expect(run.trainer.options).toMatchObject(picked);
    const { train, validation } = splitTrainValidation(mnist.train, { validation: s.valid, seed: s.seed });
    const sc = scaling(s.scale, train);
    const model = new MLP({ layers: s.layers, hidden: s.hidden, output: s.output, loss: s.loss, init: s.init, initStd: s.initStd }, { seed: s.seed });
    const ref = new Trainer(model, toDataset(train, sc), { epochs: s.epochs, batchSize: s.batch, lr: s.lr, seed: s.seed, ...picked }, toDataset(validation, sc));
    await run.trainer.run();
    await ref.run();
    expect(params(run.model)).toEqual(params(ref.model));
  });

  it('returns the split, the scaling as model files store it, and datasets that share it', () => {
    const mnist = tinyMnist();
    const run = prepareRun(settings({ scale: '-1,1' }), mnist);
    expect(run.scaling).toEqual({ mode: '-1,1', mul: 2 / 255, add: -1 });
    expect(run.split.train.count).toBe(100);
    expect(run.split.validation.count).toBe(20);
    expect(run.train.count).toBe(100);
    expect(run.validation?.count).toBe(20);
    expect(run.test.count).toBe(30);
    for (const d of [run.train, run.validation!, run.test]) expect(d.scaling).toEqual({ mul: 2 / 255, add: -1 });
    expect(prepareRun(settings({ valid: 0 }), mnist).validation).toBeUndefined();
  });

  it('uses a given scaling and split instead of computing them', () => {
    const mnist = tinyMnist();
    const split = splitTrainValidation(mnist.train, { validation: 20, seed: 7 });
    const d = prepareData(settings({ scale: 'standard' }), mnist, { scaling: { mode: 'custom', mul: 3, add: 1 }, split });
    expect(d.split).toBe(split);
    expect(d.scaling).toEqual({ mode: 'custom', mul: 3, add: 1 });
    expect(d.test.scaling).toEqual({ mul: 3, add: 1 });
  });

  it('resumes a snapshot bit for bit, and --no-divergence-check overrides the snapshot’s switch', async () => {
    const mnist = tinyMnist();
    const s = settings();
    const whole = prepareRun(s, mnist);
    await whole.trainer.run();
    const first = prepareRun(s, mnist);
    for (let i = 0; i < 13; i++) first.trainer.step();
    const snapshot = first.trainer.snapshot();
    const resumed = prepareRun(s, mnist, { snapshot, scaling: first.scaling });
    expect(resumed.trainer.options.divergenceCheck).toBe(true);
    await resumed.trainer.run();
    expect(params(resumed.model)).toEqual(params(whole.model));
    expect(prepareRun(s, mnist, { snapshot, divergenceCheck: false }).trainer.options.divergenceCheck).toBe(false);
    expect(snapshot.options.divergenceCheck).toBe(true);
    expect(prepareRun(s, mnist, { divergenceCheck: false }).trainer.options.divergenceCheck).toBe(false);
  });

  it('leaves validation out of training when asked, and still returns it', async () => {
    const run = prepareRun(settings({ epochs: 1 }), tinyMnist(), { trackValidation: false, backend: 'js' });
    await run.trainer.run();
    expect(run.trainer.history[0]!.validationAccuracy).toBeUndefined();
    expect(run.validation?.count).toBe(20);
  });

  it('refuses settings that do not fit the dataset, naming the setting', () => {
    const mnist = tinyMnist();
    const refusal = (s: TrainSettings) => {
      try {
        prepareRun(s, mnist);
      } catch (e) {
        return e as SettingError;
      }
      throw new Error('no refusal');
    };
    const cases: [Partial<TrainSettings>, string, RegExp][] = [
      [{ layers: [784, 8, 10] }, 'layers', /^layers starts with 784 inputs, but the images have 16 pixels; start the list with 16$/],
      [{ valid: 120 }, 'valid', /^valid 120 leaves no training data \(the training set has 120 images\)$/],
      [{ batch: 101 }, 'batch', /^batch 101 is larger than the 100 training images \(after 20 held out for validation\); use 100 or less$/],
      [{ lr: 0 }, 'lr', /^lr must be/],
    ];
    for (const [over, setting, message] of cases) {
      const e = refusal(settings(over));
      expect(e, JSON.stringify(over)).toBeInstanceOf(SettingError);
      expect(e.setting).toBe(setting);
      expect(e.message).toMatch(message);
    }
    expect(prepareRun(settings({ batch: 100 }), mnist).trainer.batchesPerEpoch).toBe(1);
  });
});
