// mlp export end to end: the exported ONNX file run in ONNX Runtime gives the scores mlp eval computes (synthetic data
// always; all 10,000 real MNIST test images when present, skipped with the reason printed where absent), the
// safetensors file holds the model's weights, and each bad input is one sentence with the README's exit code.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, loadModel } from '@mlp/core';
import { toDataset } from '@mlp/mnist';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelScaling } from '../src/commands/eval.js';
import { loadTestData } from '../src/data.js';
import { Output } from '../src/output.js';
import { cleanup, mlp, tempDir, trainedModel } from './helpers.js';

afterAll(cleanup);

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');

/** The exported graph's scores and mlp eval's (core's evaluate with the model's stored scaling) on a test folder. */
async function bothScores(model: string, onnx: string, data: string) {
  const { test } = await loadTestData({ data, dataset: 'mnist' });
  const { model: net, meta } = loadModel(new Uint8Array(readFileSync(model)));
  const core = evaluate(net, toDataset(test, modelScaling(meta, new Output(true), model)), { keepOutputs: true });
  const session = await ort.InferenceSession.create(onnx);
  const px = test.rows * test.cols;
  const input = new ort.Tensor('float32', Float32Array.from(test.images), [test.count, px]);
  const scores = (await session.run({ pixels: input })).scores!.data as Float32Array;
  await session.release();
  let maxAbs = 0;
  let sameClasses = 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let j = 0; j < 10; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(scores[i * 10 + j]! - core.outputs![i * 10 + j]!));
      if (scores[i * 10 + j]! > scores[i * 10 + best]!) best = j;
    }
    if (best === core.predictions[i]) sameClasses++;
  }
  return { count: test.count, maxAbs, sameClasses, accuracy: core.accuracy };
}

describe('mlp export', () => {
  let work: string;
  let model: string;
  let data: string;
  beforeAll(async () => {
    ({ work, model, data } = await trainedModel());
  });

  it('writes model.onnx beside model.mlp by default; ONNX Runtime gives mlp eval scores within 1e-5', async () => {
    const r = await mlp(['export', model, '--format', 'onnx']);
    expect(r.code, r.stderr).toBe(0);
    const onnx = join(work, 'm.onnx');
    expect(r.stdout).toContain(`wrote ${onnx}: ONNX opset 13, 784-32-10`);
    const s = await bothScores(model, onnx, data);
    expect(s.maxAbs).toBeLessThan(1e-5);
    expect(s.sameClasses).toBe(s.count);
    const ev = await mlp(['eval', model, '--data', data, '--json']);
    expect(JSON.parse(ev.stdout).test_acc).toBe(s.accuracy);
  });

  it('writes safetensors to -o, creating its folder, atomically replacing a regular file there, leaving no temp file', async () => {
    const dir = join(tempDir(), 'out');
    const target = join(dir, 'w.safetensors');
    mkdirSync(dir);
    writeFileSync(target, 'old');
    const r = await mlp(['export', model, '--format', 'safetensors', '-o', target, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'export', format: 'safetensors', file: target, layers: [784, 32, 10] });
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    const bytes = new Uint8Array(readFileSync(target));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const { model: net } = loadModel(new Uint8Array(readFileSync(model)));
    expect(header['layers.1.weight']).toEqual({ dtype: 'F32', shape: [10, 32], data_offsets: expect.any(Array) });
    const [b, e] = header['layers.1.bias'].data_offsets;
    expect(new Float32Array(bytes.slice(8 + n + b, 8 + n + e).buffer)).toEqual(net.readBiases(1));
    expect(header.__metadata__.dataset).toBe('mnist');
  });

  it('refuses an unknown or missing format (exit 2), a corrupt or missing model and a non-regular target (exit 1), one sentence each', async () => {
    const unknown = await mlp(['export', model, '--format', 'tflite']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/argument 'tflite' is invalid\. format must be onnx or safetensors\./)]);
    expect((await mlp(['export', model])).code).toBe(2);
    const bad = join(tempDir(), 'bad.mlp');
    writeFileSync(bad, readFileSync(model).subarray(0, 500));
    const corrupt = await mlp(['export', bad, '--format', 'onnx']);
    expect([corrupt.code, corrupt.stderr]).toEqual([1, expect.stringMatching(/^mlp: Model file .*bad\.mlp is unreadable: model file is corrupt or truncated/)]);
    const text = join(dirname(bad), 'notes.mlp');
    writeFileSync(text, 'these are not weights\n');
    const unknown2 = await mlp(['export', text, '--format', 'safetensors']);
    expect([unknown2.code, unknown2.stderr]).toEqual([1, expect.stringMatching(/^mlp: Model file .*notes\.mlp is unreadable: not a model file: it starts with "thes", expected "MLPW"\.\n$/)]);
    expect(existsSync(join(dirname(bad), 'bad.onnx'))).toBe(false);
    const missing = await mlp(['export', join(work, 'nope.mlp'), '--format', 'onnx']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/nope\.mlp does not exist/)]);
    const dir = tempDir();
    const fifo = join(dir, 'p.onnx');
    spawnSync('mkfifo', [fifo]);
    const link = join(dir, 'l.onnx');
    symlinkSync(join(dir, 'elsewhere.onnx'), link);
    for (const [target, why] of [
      [fifo, /it is a FIFO \(named pipe\), and mlp only replaces regular files/],
      [link, /it is a symbolic link, which mlp never replaces/],
      [dir, /it is a folder; name a file inside it/],
      [model, /is the same file as the model file/],
    ] as const) {
      const r = await mlp(['export', model, '--format', 'onnx', '-o', target]);
      expect([r.code, r.stderr.trim().split('\n').length], r.stderr).toEqual([1, 1]);
      expect(r.stderr).toMatch(why);
    }
    expect(existsSync(join(dir, 'elsewhere.onnx'))).toBe(false);
  });

  it("the root README's JavaScript snippet, run as written beside model.onnx, prints the digit core predicts", async () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {2}/gm, ''));
    const snippet = blocks.find((b) => b.includes('onnxruntime-node'));
    expect(snippet?.trim().split('\n')).toHaveLength(5);
    const dir = tempDir();
    expect((await mlp(['export', model, '--format', 'onnx', '-o', join(dir, 'model.onnx')])).code).toBe(0);
    // Beside the CLI's package.json, so that 'onnxruntime-node' resolves from its node_modules; run where model.onnx is.
    const file = join(here, '..', `.readme-snippet.${process.pid}.mjs`);
    writeFileSync(file, snippet!);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const { model: net, meta } = loadModel(new Uint8Array(readFileSync(model)));
      const blank = { inputs: new Uint8Array(784), labels: [0], count: 1, inputSize: 784, scaling: modelScaling(meta, new Output(true), model) };
      expect(r.stdout).toBe(`digit ${evaluate(net, blank).predictions[0]}\n`);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('info, eval and predict do not read exports back, and say so in one sentence', async () => {
    const onnx = join(tempDir(), 'x.onnx');
    const st = join(dirname(onnx), 'x.safetensors');
    expect((await mlp(['export', model, '--format', 'onnx', '-o', onnx])).code).toBe(0);
    expect((await mlp(['export', model, '--format', 'safetensors', '-o', st])).code).toBe(0);
    for (const args of [['info', onnx], ['eval', onnx, '--data', data], ['predict', onnx, join(work, 'none.png')], ['info', st]]) {
      const r = await mlp(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^mlp: Model file .* is (an ONNX model, for ONNX Runtime|a safetensors file \(weights only\)), as mlp export writes, and mlp reads only its own \.mlp model files; give it the \.mlp file that was exported\.\n$/);
    }
  });
});

const mnist = process.env.MNIST_DIR ?? join(repo, '..', 'shared', 'data', 'mnist');
const present = existsSync(join(mnist, 't10k-images-idx3-ubyte.gz'));
if (!present) console.log(`skipping the real-MNIST export test: no MNIST files in ${mnist} (set MNIST_DIR to a folder with them)`);

describe.skipIf(!present)('mlp export on real MNIST', () => {
  // The two presets' networks as they are (one epoch each), and the seed's with the third scale mode.
  for (const [preset, layers, scale] of [['seed', '784,50,10', '-1,1'], ['best', '784,1024,10', '0,1'], ['seed', '784,50,10', 'standard']] as const) {
    it(`${preset} preset (${layers}, scale ${scale}), 1 epoch: ONNX Runtime's scores on the 10,000 test images match mlp eval's`, async () => {
      const work = tempDir();
      const model = join(work, `${preset}.mlp`);
      const t = await mlp(['train', '--preset', preset, '--data', mnist, '--scale', scale, '--epochs', '1', '--out', model]);
      expect(t.code, t.stderr).toBe(0);
      expect((await mlp(['export', model, '--format', 'onnx'])).code).toBe(0);
      const s = await bothScores(model, join(work, `${preset}.onnx`), mnist);
      console.log(`real MNIST, ${preset} ${layers} scale ${scale}: max |ONNX Runtime - mlp eval| = ${s.maxAbs.toExponential(2)} over ${s.count} images × 10 scores; same class on ${s.sameClasses}/${s.count}; accuracy ${(100 * s.accuracy).toFixed(2)}%`);
      expect(s.count).toBe(10_000);
      expect(s.maxAbs).toBeLessThan(1e-5);
      expect(s.sameClasses).toBe(10_000);
      expect(s.accuracy).toBeGreaterThan(0.6); // one epoch: the seed recipe is at ~68% then, the best one at ~94%
    });
  }
});
