// End-to-end tests of the built `mlp` binary on a small generated dataset: train → eval → predict → info, JSON
// output, Ctrl-C checkpoint and exact resume, and every bad-input case with its exit code and message.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@mlp/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK, cleanup, makeDataset, mlp, synthImage, trainInterrupted, trainedModel } from './helpers.js';
import { Rng } from '@mlp/core';
import { writeIdx } from '@mlp/mnist';

let data: string;
let work: string;
let model: string;

beforeAll(async () => {
  ({ data, work, model } = await trainedModel());
});
afterAll(cleanup);

describe('mlp train / eval / predict / info', () => {
  it('trains: one line per epoch, then test accuracy, and writes the model', async () => {
    const r = await mlp(['train', '--data', data, ...QUICK, '--out', join(work, 'again.mlp')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => /^epoch [1-3]\/3 {2}loss \d+\.\d{4} {2}train +\d+\.\d\d% {2}valid +\d+\.\d\d% {2}\d+\.\d\d s$/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^test accuracy (\d+\.\d\d)% \(\d+\/300\) · 3 epochs, median [\d.]+ s\/epoch, [\d.]+ s in all · saved .*again\.mlp$/);
    const acc = Number(/test accuracy ([\d.]+)%/.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThan(95);
    expect(existsSync(join(work, 'again.mlp'))).toBe(true);
  });

  it('is reproducible: the same flags and seed give a bit-identical model', async () => {
    const out = join(work, 'same.mlp');
    expect((await mlp(['train', '--data', data, ...QUICK, '--out', out])).code).toBe(0);
    const a = loadModel(new Uint8Array(readFileSync(model))).model;
    const b = loadModel(new Uint8Array(readFileSync(out))).model;
    expect(b.readWeights(0)).toEqual(a.readWeights(0));
  });

  it('--threads 2 shares the first layer with a helper thread and gives the same bits as one thread', async () => {
    const flags = [...QUICK, '--batch', '50'];
    const one = join(work, 'one-thread.mlp');
    const two = join(work, 'two-threads.mlp');
    expect((await mlp(['train', '--data', data, ...flags, '--threads', '1', '--out', one])).code).toBe(0);
    const r = await mlp(['train', '--data', data, ...flags, '--threads', '2', '--out', two]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/batch 50, 3 epochs, 2 threads/);
    const a = loadModel(new Uint8Array(readFileSync(one))).model;
    const b = loadModel(new Uint8Array(readFileSync(two))).model;
    for (let l = 0; l < a.depth; l++) {
      expect(b.readWeights(l)).toEqual(a.readWeights(l));
      expect(b.readBiases(l)).toEqual(a.readBiases(l));
    }
  });

  it('prints JSON lines with --json: one per epoch and a final one', async () => {
    const r = await mlp(['train', '--data', data, ...QUICK, '--epochs', '2', '--json', '--out', join(work, 'j.mlp')]);
    expect(r.code).toBe(0);
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objs.map((o) => o.type)).toEqual(['epoch', 'epoch', 'final']);
    expect(objs[0]).toMatchObject({ epoch: 1, loss: expect.any(Number), train_acc: expect.any(Number), val_acc: expect.any(Number), sec: expect.any(Number) });
    expect(objs[2]).toMatchObject({ test_acc: expect.any(Number), epochs: 2, sec_per_epoch: expect.any(Number), total_sec: expect.any(Number) });
    expect(objs[2].test_acc).toBeGreaterThan(0.9);
  });

  it('stores the settings and metrics: info shows them', async () => {
    const r = await mlp(['info', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('network     784-32-10  hidden sigmoid, output sigmoid, loss mse, init normal');
    expect(r.stdout).toContain('parameters  25,450');
    expect(r.stdout).toContain('preset      custom');
    expect(r.stdout).toMatch(/training {4}lr 0\.5, momentum 0, l2 0, lr decay 1, batch 20, epochs 3, seed 7, scale -1,1, validation 200/);
    expect(r.stdout).toMatch(/test {8}\d+\.\d\d%/);
    const j = JSON.parse((await mlp(['info', model, '--json'])).stdout);
    expect(j.meta.settings.layers).toEqual([784, 32, 10]);
  });

  it('evaluates: accuracy, confusion matrix, per-class table, confused pairs, JSON, misclassified PNG', async () => {
    const r = await mlp(['eval', model, '--data', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d% \(\d+\/300\)/);
    expect(r.stdout).toContain('confusion matrix (rows: true digit, columns: predicted)');
    expect(r.stdout).toMatch(/class {2}precision {2}recall/);
    const png = join(work, 'wrong.png');
    const j = await mlp(['eval', model, '--data', data, '--json', '--misclassified', png]);
    const o = JSON.parse(j.stdout);
    expect(o.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(300);
    const wrong = 300 - o.confusion.reduce((s: number, row: number[], i: number) => s + row[i]!, 0);
    expect(Math.round(o.test_acc * 300)).toBe(300 - wrong);
    expect(o.per_class).toHaveLength(10);
    const img = PNG.sync.read(readFileSync(png));
    expect(img.width).toBeGreaterThan(0);
    expect(j.stderr).toContain(`wrote ${Math.min(wrong, 100)} of ${wrong} misclassified`);
  });

  it('predicts PNG drawings (dark on light, any size) and IDX files', async () => {
    const rng = new Rng(99);
    const img3 = synthImage(3, rng);
    // A 28×28 dark-on-light PNG of class 3: the CLI must invert it. (The synthetic classes are positions, which
    // MNIST-style centring of other sizes would erase; that path is checked below for shape only.)
    const png = new PNG({ width: 28, height: 28 });
    for (let i = 0; i < 784; i++) {
      const v = 255 - img3[i]!;
      png.data.set([v, v, v, 255], i * 4);
    }
    const pngPath = join(work, 'three.png');
    writeFileSync(pngPath, PNG.sync.write(png));
    const idxPath = join(work, 'two.idx');
    const imgs = new Uint8Array(2 * 784);
    imgs.set(synthImage(7, rng), 0);
    imgs.set(synthImage(2, rng), 784);
    writeFileSync(idxPath, writeIdx({ dims: [2, 28, 28], data: imgs }));
    const r = await mlp(['predict', model, pngPath, idxPath, '--json']);
    expect(r.code).toBe(0);
    const preds = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(preds.map((p) => p.predicted)).toEqual([3, 7, 2]);
    expect(preds[1].image).toMatch(/two\.idx\[0\]$/);
    const big = new PNG({ width: 100, height: 80 });
    big.data.fill(255);
    for (let y = 10; y < 70; y++) for (let x = 45; x < 52; x++) big.data.set([0, 0, 0, 255], (y * 100 + x) * 4);
    const bigPath = join(work, 'stroke.png');
    writeFileSync(bigPath, PNG.sync.write(big));
    const b = JSON.parse((await mlp(['predict', model, bigPath, '--json'])).stdout);
    expect(b.outputs).toHaveLength(10);
    const plain = await mlp(['predict', model, pngPath]);
    expect(plain.stdout).toMatch(/three\.png: 3 {2}\(3: \d\.\d{3}, \d: \d\.\d{3}, \d: \d\.\d{3}\)/);
  });
});

describe('Ctrl-C and resume', () => {
  it('SIGINT stops after a batch, writes a checkpoint, and --resume reaches the same weights as an uninterrupted run', async () => {
    // Enough epochs that the run cannot finish between the first epoch line and the signal, even on a busy machine.
    const flags = [...QUICK, '--epochs', '20', '--batch', '10', '--momentum', '0.5', '--lr-decay', '0.9'];
    const full = join(work, 'full.mlp');
    expect((await mlp(['train', '--data', data, ...flags, '--out', full])).code).toBe(0);

    const cut = join(work, 'cut.mlp');
    const r = await trainInterrupted(['--data', data, ...flags, '--out', cut], 20);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stderr).toMatch(/Stopped after batch \d+ of epoch \d+\. Checkpoint written to .*cut\.mlp\.ckpt\./);
    expect(r.stderr).toContain(`Resume with: mlp train --resume ${cut}.ckpt`);
    expect(existsSync(cut)).toBe(false);

    expect(r.stderr).toContain(`Resume with: mlp train --resume ${cut}.ckpt --data ${data}\n`);

    // --threads may change on resume (a speed setting, not a training one): the same bits as the uninterrupted run.
    // The data folder recorded in the checkpoint is not followed: --data names it again.
    const resumed = await mlp(['train', '--resume', `${cut}.ckpt`, '--threads', '2', '--data', data]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .* at epoch \d+, batch \d+/);
    expect(resumed.stderr).toContain(`the model will be written to ${cut} (beside the checkpoint; --out chooses another path)`);
    const a = loadModel(new Uint8Array(readFileSync(full))).model;
    const b = loadModel(new Uint8Array(readFileSync(cut))).model;
    const bp = b.readParams();
    a.readParams().forEach((p, i) => expect(bp[i], a.paramInfo()[i]!.name).toEqual(p));
  });
});

describe('bad input', () => {
  const usage = async (args: string[], message: RegExp) => {
    const r = await mlp(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  };
  it('unknown flags and commands exit 2 with a usage message', async () => {
    await usage(['train', '--frobnicate'], /unknown option '--frobnicate'[\s\S]*--help/);
    await usage(['fly'], /unknown command 'fly'/);
    await usage([], /Usage: mlp/);
  });
  it('bad values exit 2 and say what is expected', async () => {
    await usage(['train', '--lr', 'fast'], /--lr <rate>.*'fast' is invalid\. lr must be a number in \(0, 100\]\./);
    await usage(['train', '--layers', '784,,10'], /comma-separated positive widths/);
    await usage(['train', '--hidden', 'softmax'], /hidden must be one of sigmoid, tanh, relu, linear/);
    await usage(['train', '--momentum', '1'], /momentum must be a number in \[0, 1\)/);
    await usage(['train', '--epochs', '2.5'], /epochs must be a whole number in \[1, 1000\]/);
    await usage(['train', '--scale', '0,255'], /scale must be one of -1,1, 0,1, standard/);
    await usage(['train', '--threads', '4'], /--threads <n>.*'4' is invalid\. expected 1 or 2/);
    await usage(['eval'], /missing required argument 'model'/);
  });
  it('settings the network cannot use exit 2', async () => {
    const r = await mlp(['train', '--data', data, '--layers', '100,10', '--epochs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--layers starts with 100 inputs, but .* images have 784 pixels/);
    const ce = await mlp(['train', '--data', data, '--valid', '200', '--output', 'relu', '--loss', 'ce', '--epochs', '1']);
    expect(ce.code).toBe(2);
    expect(ce.stderr).toMatch(/loss 'ce' needs a softmax or sigmoid output/);
  });
  it('a missing or corrupt data folder exits 1 with one sentence naming the file and --data', async () => {
    const missing = await mlp(['train', '--data', join(work, 'nope'), '--epochs', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mlp: Cannot use MNIST from .*nope: .*--data must name a folder/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(missing.stderr).toMatch(/train-images-idx3-ubyte\.gz \(or train-images-idx3-ubyte\) is not there.*drop --data to use the download cache/);
    const from = await mlp(['download', '--from', join(work, 'nope')]);
    expect(from.code).toBe(1);
    expect(from.stderr).toMatch(/^mlp: Cannot import MNIST from .*nope: train-images-idx3-ubyte\.gz is not there\. --from must name a folder/);
    const bad = makeDataset(50, 20);
    writeFileSync(join(bad, 't10k-images-idx3-ubyte.gz'), 'not gzip, not idx');
    const corrupt = await mlp(['train', '--data', bad, '--epochs', '1']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/t10k-images-idx3-ubyte\.gz/);
    const verbose = await mlp(['train', '--data', join(work, 'nope'), '--epochs', '1', '--verbose']);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
  it('an unreadable or missing model exits 1 naming the file', async () => {
    const junk = join(work, 'junk.mlp');
    writeFileSync(junk, 'PK\u0003\u0004 this is a zip, not a model');
    const r = await mlp(['eval', junk, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mlp: Model file .*junk\.mlp is unreadable: not a model file/);
    const gone = await mlp(['info', join(work, 'gone.mlp')]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/Model file .*gone\.mlp does not exist; check the path \(make one with: mlp train --out .*gone\.mlp\)/);
    const noCkpt = await mlp(['train', '--resume', join(work, 'gone.ckpt')]);
    expect(noCkpt.code).toBe(1);
    expect(noCkpt.stderr).toMatch(/Checkpoint .*gone\.ckpt does not exist; check the path \(a run stopped with Ctrl-C writes one/);
    const folder = await mlp(['info', work]);
    expect(folder.stderr).toMatch(/is a folder, not a file; name the file itself/);
    const trunc = join(work, 'trunc.mlp');
    writeFileSync(trunc, readFileSync(model).subarray(0, 500));
    expect((await mlp(['info', trunc])).stderr).toMatch(/truncated/);
  });
  it('no cache and no network: exits 1 listing each mirror and suggesting --data', async () => {
    const descriptor = join(work, 'offline.json');
    const mnist = JSON.parse(JSON.stringify((await import('@mlp/mnist/node')).MNIST));
    mnist.id = 'offline-test';
    mnist.mirrors = ['http://127.0.0.1:9/a/', 'http://127.0.0.1:9/b/'];
    delete mnist.mirrorEnv;
    writeFileSync(descriptor, JSON.stringify(mnist));
    const r = await mlp(['train', '--dataset', descriptor, '--epochs', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Could not download train-images-idx3-ubyte\.gz from any mirror/);
    expect(r.stderr).toContain('http://127.0.0.1:9/a/');
    expect(r.stderr).toContain('http://127.0.0.1:9/b/');
    expect(r.stderr).toMatch(/--data DIR/);
    const off = await mlp(['train', '--offline', '--epochs', '1']);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/^mlp: MNIST is not in the cache \(.*\): train-images-idx3-ubyte\.gz is missing, and --offline forbids downloading\. Run mlp download \(or mlp download --from DIR\), or pass --data DIR\./);
    expect(off.stderr).not.toMatch(/importFrom/);
    // Started by pnpm (`pnpm mlp …`, `pnpm exec mlp …`), hints name that command.
    const viaPnpm = await mlp(['train', '--offline', '--epochs', '1'], { env: { npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20', npm_command: 'run-script' } });
    expect(viaPnpm.stderr).toMatch(/Run pnpm mlp download \(or pnpm mlp download --from DIR\)/);
  });
  it('--resume with training flags is a usage error; a model file is not a checkpoint', async () => {
    const r = await mlp(['train', '--resume', model, '--lr', '0.3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/drop --lr/);
    const m = await mlp(['train', '--resume', model]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/cannot be resumed: this is a model file, not a resumable checkpoint/);
  });
  it('a diverging run exits 1, says so, and leaves the previous model untouched', async () => {
    const before = readFileSync(model);
    const r = await mlp(['train', '--data', data, '--layers', '784,16,10', '--hidden', 'relu', '--output', 'linear', '--lr', '100', '--epochs', '1', '--valid', '200', '--out', model]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Training diverged at epoch 1, batch \d+: .*Try a lower learning rate.*Nothing was saved\./);
    expect(readFileSync(model)).toEqual(before);
  });
  it('a finite blow-up (lr 100, ReLU) ends the run unsaved; --no-divergence-check trains on and saves', async () => {
    const before = readFileSync(model);
    const blowUp = ['train', '--data', data, '--layers', '784,32,10', '--hidden', 'relu', '--output', 'softmax', '--loss', 'ce', '--init', 'he', '--lr', '100', '--epochs', '3', '--valid', '200'];
    const r = await mlp([...blowUp, '--out', model]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Training diverged at epoch \d+, batch \d+: .*Try a lower learning rate \(it was 100\)\. Nothing was saved\. \(To train on regardless, pass --no-divergence-check\.\)/);
    expect(readFileSync(model)).toEqual(before);
    const onward = join(work, 'onward.mlp');
    const o = await mlp([...blowUp, '--no-divergence-check', '--out', onward]);
    expect(o.code, o.stderr).toBe(0);
    expect(existsSync(onward)).toBe(true);
  });
});
