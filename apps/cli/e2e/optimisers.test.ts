// End-to-end tests of `mlp train`'s optimiser flags on a small generated dataset: AdamW with dropout, a cosine
// schedule, clipping, max-norm and early stopping trains and records the kept epoch; Ctrl-C and --resume give the
// uninterrupted run's bits; the combinations that do not go together exit 2; info --curve draws the learning curve.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@mlp/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK, cleanup, makeDataset, mlp, tempDir, trainInterrupted } from './helpers.js';

let data: string;
let work: string;
beforeAll(() => {
  data = makeDataset();
  work = tempDir();
});
afterAll(cleanup);

const FEATURES = ['--hidden', 'relu', '--output', 'softmax', '--loss', 'ce', '--init', 'he', '--optimizer', 'adamw', '--lr', '0.005', '--weight-decay', '0.02', '--dropout', '0.3', '--schedule', 'cosine', '--warmup', '0.5', '--clip-norm', '5', '--max-norm', '3'];

describe('mlp train with the optimiser flags', () => {
  it('trains AdamW with dropout, cosine warm-up, clipping, max-norm and early stopping; the model records the kept epoch', async () => {
    const out = join(work, 'adamw.mlp');
    const r = await mlp(['train', '--data', data, ...QUICK, ...FEATURES, '--epochs', '6', '--early-stop', 'accuracy', '--patience', '2', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/adamw, lr 0\.005 \(cosine\), dropout 0\.3/);
    expect(r.stdout).not.toBe('');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const final = lines.at(-1);
    expect(final.test_acc).toBeGreaterThan(0.9);
    const { meta } = loadModel(new Uint8Array(readFileSync(out)));
    const epochs = lines.filter((l) => l.type === 'epoch');
    const best = epochs.reduce((a, b) => (b.val_acc > a.val_acc ? b : a));
    expect(meta.keptEpoch).toBe(best.epoch);
    expect(final.kept_epoch).toBe(best.epoch);
    expect(meta.settings).toMatchObject({ optimizer: 'adamw', dropout: 0.3, schedule: 'cosine', earlyStop: 'accuracy' });
    // The rate per epoch is in the history: a warm-up of half an epoch, then the cosine falls.
    const lrs = epochs.map((e) => e.lr);
    expect(lrs[0]).toBeLessThanOrEqual(0.005);
    expect(lrs.at(-1)).toBeLessThan(lrs[1]);
    const info = await mlp(['info', out]);
    expect(info.stdout).toMatch(/optimiser {3}adamw, weight decay 0\.02, dropout 0\.3, schedule cosine, warm-up 0\.5, clip 5, max-norm 3, early stop accuracy/);
    expect(info.stdout).toContain(`kept epoch  ${best.epoch} (early stopping's best on validation)`);
  });

  it('Ctrl-C and --resume reach the uninterrupted run\'s bits with every feature on', async () => {
    const flags = [...QUICK, ...FEATURES, '--epochs', '20', '--batch', '10', '--early-stop', 'loss', '--patience', '50'];
    const full = join(work, 'full.mlp');
    expect((await mlp(['train', '--data', data, ...flags, '--out', full])).code).toBe(0);
    const cut = join(work, 'cut.mlp');
    expect((await trainInterrupted(['--data', data, ...flags, '--out', cut], 20)).code).toBe(130);
    const resumed = await mlp(['train', '--resume', `${cut}.ckpt`, '--threads', '2', '--data', data]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const a = loadModel(new Uint8Array(readFileSync(full)));
    const b = loadModel(new Uint8Array(readFileSync(cut)));
    const bp = b.model.readParams();
    a.model.readParams().forEach((p, i) => expect(bp[i]).toEqual(p));
    expect(b.meta.keptEpoch).toBe(a.meta.keptEpoch);
  });

  it('refuses settings that do not go together, and out-of-range values, with exit 2', async () => {
    const usage = async (args: string[], message: RegExp) => {
      const r = await mlp(['train', '--data', data, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    await usage(['--optimizer', 'adam', '--weight-decay', '0.1'], /--weight-decay must be 0 with adam/);
    await usage(['--optimizer', 'nesterov'], /--momentum must be above 0 with nesterov/);
    await usage(['--early-stop', 'loss', '--valid', '0'], /--early-stop loss needs a validation split/);
    await usage(['--dropout', '0.95'], /dropout must be a number in \[0, 0\.9\]/);
    await usage(['--schedule', 'linear'], /schedule must be one of exponential, step, cosine, onecycle/);
  });

  it('info --curve draws the learning curve as a PNG, and says so', async () => {
    const model = join(work, 'curve.mlp');
    expect((await mlp(['train', '--data', data, ...QUICK, '--out', model])).code).toBe(0);
    const png = join(work, 'curve.png');
    const r = await mlp(['info', model, '--curve', png]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote the learning curve of 3 epochs to ${png}`);
    const img = PNG.sync.read(readFileSync(png));
    expect([img.width, img.height]).toEqual([720, 420]);
    expect(existsSync(png)).toBe(true);
  });
});
