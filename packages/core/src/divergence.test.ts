// The finite-divergence rule: a run that blew up (finite loss far above the untrained network's, or worse than it at
// chance accuracy for several epochs) ends with a DivergenceError; the seed and best recipes never trip it.
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './format.js';
import { MLP, type MLPConfig } from './mlp.js';
import { sparseImages } from './testing/datasets.js';
import { DIVERGENCE, DivergenceError, divergence } from './divergence.js';
import { type EpochReport, type TrainOptions, Trainer } from './train.js';
import { paramsOf } from './testing/params.js';

// MNIST-like sparse 784-byte images of 10 classes, 100 each: 10 batches of 100 per epoch.
const pixels = sparseImages(10, 784, 100, 0.2, 5);
const minus1to1 = pixels; // scaled to [-1, 1], as the seed recipe reads MNIST
const zeroTo1 = { ...pixels, scaling: { mul: 1 / 255, add: 0 } }; // as the best recipe does
const seed: MLPConfig = { layers: [784, 50, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' };
const best: MLPConfig = { layers: [784, 300, 100, 10], hidden: 'relu', output: 'softmax', loss: 'ce', init: 'he' };
const seedOpts: TrainOptions = { epochs: 6, batchSize: 100, lr: 0.1, seed: 1 };
const bestOpts: TrainOptions = { epochs: 6, batchSize: 100, lr: 0.1, momentum: 0.9, l2: 1e-4, lrDecay: 0.9, seed: 1 };

async function failure(t: Trainer): Promise<DivergenceError> {
  const err = await t.run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DivergenceError);
  return err as DivergenceError;
}

describe('divergence beyond NaN and Infinity', () => {
  it('the seed recipe (784-50-10 sigmoid/MSE, lr 0.1) never trips it, though its first epochs move slowly', async () => {
    const t = new Trainer(new MLP(seed, { seed: 1 }), minus1to1, seedOpts);
    expect((await t.run()).status).toBe('done');
    expect(t.history[0]!.trainAccuracy).toBeLessThan(0.3); // slow: near chance after the first epoch
    expect(t.history.at(-1)!.loss).toBeLessThan(t.history[0]!.loss);
    expect(t.snapshot().startLoss).toBeGreaterThan(2);
  });

  it('a far too low learning rate (chance accuracy, loss falling slowly) is not divergence', async () => {
    const t = new Trainer(new MLP(seed, { seed: 1 }), minus1to1, { ...seedOpts, epochs: 5, lr: 1e-5 });
    expect((await t.run()).status).toBe('done');
    expect(t.history.every((h) => h.trainAccuracy < 0.15)).toBe(true);
  });

  it('the best recipe (784-300-100-10 ReLU/softmax/CE, momentum, decay) never trips it', async () => {
    const t = new Trainer(new MLP(best, { seed: 1 }), zeroTo1, bestOpts);
    expect((await t.run()).status).toBe('done');
    expect(t.history.at(-1)!.trainAccuracy).toBeGreaterThan(0.95);
  });

  it('lr 1000 with ReLU: a finite loss far above the start ends the run, saying what was seen; the switch turns it off', async () => {
    const cfg: MLPConfig = { ...seed, hidden: 'relu', output: 'softmax', loss: 'ce' };
    const err = await failure(new Trainer(new MLP(cfg, { seed: 1 }), minus1to1, { ...seedOpts, lr: 1000 }));
    expect(err.message).toMatch(
      /^Training diverged at epoch 1, batch 10: the mean training loss rose from 2\.\d+ \(untrained\) to \d+e?\+?\d*, more than 10× with training accuracy \d+\.\d% \(chance is 10\.0%\)\. Try a lower learning rate \(it was 1000\)\.$/,
    );
    expect(Number.isFinite(err.loss)).toBe(true);
    expect(err.loss).toBeGreaterThan(1000);
    const off = new Trainer(new MLP(cfg, { seed: 1 }), minus1to1, { ...seedOpts, lr: 1000, divergenceCheck: false });
    expect((await off.run()).status).toBe('done');
    expect(off.history.every((h) => h.loss > DIVERGENCE.blowUp * 2.3)).toBe(true);
    expect(off.snapshot().startLoss).toBeUndefined();
  });

  it(`a loss worse than the untrained network's at chance accuracy for ${DIVERGENCE.epochs} epochs ends the run, not fewer`, async () => {
    // Saturate every sigmoid output at 1 after the start is measured: loss ≈ 9 (the start ≈ 2.5), always class 0.
    const stuck = async (epochs: number) => {
      const m = new MLP(seed, { seed: 1 });
      const t = new Trainer(m, minus1to1, { ...seedOpts, epochs, lr: 1e-9 });
      t.step();
      m.writeBiases(1, m.readBiases(1).fill(1e4));
      return t;
    };
    expect((await (await stuck(DIVERGENCE.epochs - 1)).run()).status).toBe('done');
    const err = await failure(await stuck(DIVERGENCE.epochs + 2));
    expect(err.epoch).toBe(DIVERGENCE.epochs);
    expect(err.message).toMatch(
      /^Training diverged at epoch 3, batch 10: for 3 epochs the mean training loss stayed above 2× the untrained network's \(it rose from 2\.\d+ to 9\) with training accuracy 10\.0% \(chance is 10\.0%\)\./,
    );
  });

  it('keeps the start through checkpoints, so a resumed run checks against the same reference and ends bit-identically', async () => {
    const opts = { ...seedOpts, epochs: 3 };
    const ref = new Trainer(new MLP(seed, { seed: 1 }), minus1to1, opts);
    await ref.run();
    const t = new Trainer(new MLP(seed, { seed: 1 }), minus1to1, opts);
    for (let i = 0; i < 14; i++) t.step();
    const { snapshot } = loadCheckpoint(saveCheckpoint(t.snapshot()));
    expect(snapshot.startLoss).toBe(ref.snapshot().startLoss);
    expect(snapshot.options.divergenceCheck).toBe(true);
    const resumed = Trainer.restore(snapshot, minus1to1);
    await resumed.run();
    paramsOf(resumed.model).forEach((p, i) => expect(p.data, p.name).toEqual(paramsOf(ref.model)[i]!.data));
    // A checkpoint from before the rule (no divergenceCheck, no startLoss) restores with the check on.
    const { divergenceCheck: _d, ...older } = snapshot.options;
    const { startLoss: _s, ...old } = snapshot;
    const again = Trainer.restore({ ...old, options: older as typeof snapshot.options }, minus1to1);
    expect(again.options.divergenceCheck).toBe(true);
    again.step(); // a trained network is no reference: rules 1 and 2 stay off for this run
    expect(again.snapshot().startLoss).toBeUndefined();
    expect(() => Trainer.restore({ ...snapshot, startLoss: -1 }, minus1to1)).toThrow(/startLoss must be a finite number ≥ 0 when present, got -1/);
    expect(() => new Trainer(new MLP(seed), minus1to1, { ...opts, divergenceCheck: 'no' as never })).toThrow(/divergenceCheck must be true or false, got no/);
  });

  it('lr 1000 with ReLU into sigmoid/MSE: outputs saturate to one class at a bounded loss, and 3 such epochs end the run', async () => {
    const cfg: MLPConfig = { ...seed, hidden: 'relu' };
    const err = await failure(new Trainer(new MLP(cfg, { seed: 1 }), minus1to1, { ...seedOpts, lr: 1000 }));
    expect(err.message).toMatch(
      /^Training diverged at epoch [3-6], batch 10: for 3 epochs the network predicted class \d for every training example and its loss stopped falling \(1, then 1\), with training accuracy 10\.0% \(chance is 10\.0%\)\. Try a lower learning rate \(it was 1000\)\.$/,
    );
    const off = new Trainer(new MLP(cfg, { seed: 1 }), minus1to1, { ...seedOpts, lr: 1000, divergenceCheck: false });
    await off.run();
    expect(off.history.slice(2).every((h) => h.oneClass !== undefined)).toBe(true);
  });
});

describe('the rule as a function of the history', () => {
  const epoch = (e: number, loss: number, trainAccuracy: number, oneClass?: number): EpochReport => ({
    epoch: e,
    loss,
    trainAccuracy,
    seconds: 0,
    evalSeconds: 0,
    lr: 1,
    ...(oneClass === undefined ? {} : { oneClass }),
  });

  it('a plateau at chance with one class predicted but a falling loss is not divergence; a flat or rising one is', () => {
    const plateau = [epoch(1, 0.5, 0.5, 0), epoch(2, 0.499, 0.5, 0), epoch(3, 0.498, 0.5, 0)];
    expect(divergence(plateau, 0.5, 0.5)).toBeNull();
    const flat = [epoch(1, 1, 0.1, 3), epoch(2, 1, 0.1, 3), epoch(3, 1, 0.1, 3)];
    expect(divergence(flat, 2.5, 0.1)).toMatch(/^for 3 epochs the network predicted class 3 for every training example and its loss stopped falling \(1, then 1\)/);
    expect(divergence(flat.slice(1), 2.5, 0.1)).toBeNull();
    const switching = [epoch(1, 1, 0.1, 3), epoch(2, 1, 0.1, 4), epoch(3, 1, 0.1, 3)];
    expect(divergence(switching, 2.5, 0.1)).toBeNull();
    const learning = [epoch(1, 1, 0.1, 3), epoch(2, 1, 0.1, 3), epoch(3, 1, 0.5)];
    expect(divergence(learning, 2.5, 0.1)).toBeNull();
  });

  it('rule 1 needs one epoch above 10× the start; rule 2 three at chance above 2×; without a start only rule 3 applies', () => {
    expect(divergence([epoch(1, 25.1, 0.9)], 2.5, 0.1)).toMatch(/rose from 2\.5 \(untrained\) to 25\.1, more than 10×/);
    expect(divergence([epoch(1, 24.9, 0.1)], 2.5, 0.1)).toBeNull();
    const worse = [epoch(1, 5.1, 0.11), epoch(2, 5.2, 0.12), epoch(3, 5.1, 0.1)];
    expect(divergence(worse, 2.5, 0.1)).toMatch(/for 3 epochs the mean training loss stayed above 2× the untrained network's/);
    expect(divergence(worse, 2.5, 0.05)).toBeNull(); // 10% is not chance when chance is 5%
    expect(divergence(worse, undefined, 0.1)).toBeNull();
    expect(divergence([epoch(1, 1e9, 0.1)], undefined, 0.1)).toBeNull();
    expect(divergence([], 1, 0.1)).toBeNull();
    expect(divergence([epoch(1, 1e-9, 0.9)], 0, 0.1)).toBeNull();
  });
});
