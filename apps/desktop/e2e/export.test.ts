// Export from the app, checked by an outside runtime: train the seed preset for one epoch in Chromium, save the .mlp
// and export ONNX and safetensors from the Model buttons, then run the ONNX file in onnxruntime-web on a plain page
// (no app code) over the 10,000 real MNIST test images: its scores match @mlp/core's on the saved model within 1e-5,
// every class is the same, and its accuracy is the test accuracy the app shows. The safetensors file holds the weights.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Dataset, evaluate, loadModel } from '@mlp/core';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_DIR, SCREENSHOTS, chromiumPath, launchChromium, mnistDir, serve, trainOneEpoch } from './helpers.js';

const chrome = chromiumPath();
const mnist = mnistDir();
const skip = !chrome.path ? chrome.reason : !mnist.dir ? mnist.reason : '';
if (skip) console.log(`skipping the export end-to-end test: ${skip}`);

/** onnxruntime-web's browser build (ESM, WebAssembly only) and its folder, served to the check page. */
const ORT_DIST = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

/**
 * The check page: no CSP, no app code. Its module script (plain browser JavaScript, served as is) loads ONNX Runtime
 * (WebAssembly, one thread) and defines scoreTestSet(): the raw pixels of the official test set, run as one batch.
 */
const CHECK_PAGE = `<!doctype html><meta charset="utf-8"><title>onnxruntime-web check</title>
<script type="module">
import * as ort from './ort.wasm.min.mjs';
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '/ort/';
window.scoreTestSet = async () => {
  const gz = await (await fetch('/data/t10k-images-idx3-ubyte.gz')).arrayBuffer();
  const raw = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const count = new DataView(raw.buffer).getUint32(4);
  const pixels = Float32Array.from(raw.subarray(16, 16 + count * 784));
  const session = await ort.InferenceSession.create('/ort/model.onnx');
  const out = await session.run({ pixels: new ort.Tensor('float32', pixels, [count, 784]) });
  return { count, names: [session.inputNames, session.outputNames], scores: Array.from(out.scores.data) };
};
</script>`;

/** Parse an IDX file of unsigned bytes: skip the magic and the dimension sizes. */
function idxBody(bytes: Buffer): Uint8Array {
  const dims = bytes[3]!;
  return new Uint8Array(bytes.buffer, bytes.byteOffset + 4 + 4 * dims, bytes.length - 4 - 4 * dims);
}

describe.skipIf(Boolean(skip))('export from the renderer, run in onnxruntime-web', () => {
  let page: Page;
  let close: () => Promise<void>;
  let base = '';
  const files: Record<string, Uint8Array> = {};
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const server = await serve(RENDERER_DIR, mnist.dir!);
    base = server.url;
    const browser = await launchChromium(chrome.path!);
    close = async () => {
      await browser.close();
      await server.close();
    };
    // The check page and ONNX Runtime's files, under /ort/ on the same origin (the app's own files are never used).
    await browser.context.route(`${base}ort/**`, (route) => {
      const name = new URL(route.request().url()).pathname.slice('/ort/'.length);
      if (name === 'check.html') return route.fulfill({ contentType: 'text/html', body: CHECK_PAGE });
      if (name === 'model.onnx') return route.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(files.onnx!) });
      if (!/^[\w.-]+\.(mjs|wasm)$/.test(name)) return route.fulfill({ status: 404, body: 'not found' });
      const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      return route.fulfill({ contentType: type, body: readFileSync(join(ORT_DIST, name)) });
    });
    page = await browser.context.newPage();
    page.setDefaultTimeout(300_000);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(base);
    await page.locator('#start').waitFor();
  });
  afterAll(async () => {
    await close?.();
  });

  /** Click a Model button and take the file the page hands over as a download. */
  const download = async (button: string): Promise<{ name: string; bytes: Uint8Array }> => {
    const event = page.waitForEvent('download');
    await page.click(button);
    const d: Download = await event;
    const path = await d.path();
    return { name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
  };

  it('trains one epoch, then the Model buttons save the .mlp and export ONNX and safetensors', async () => {
    expect(await page.locator('#export-onnx').isDisabled()).toBe(true);
    await trainOneEpoch(page);
    await page.locator('#test-acc').filter({ hasText: '%' }).waitFor();

    const mlp = await download('#save-model');
    const onnx = await download('#export-onnx');
    const st = await download('#export-safetensors');
    expect(mlp.name).toMatch(/\.mlp$/);
    expect(onnx.name).toBe(mlp.name.replace(/\.mlp$/, '.onnx'));
    expect(st.name).toBe(mlp.name.replace(/\.mlp$/, '.safetensors'));
    files.mlp = mlp.bytes;
    files.onnx = onnx.bytes;
    files.safetensors = st.bytes;
    expect(await page.locator('#message').textContent()).toContain(`Exported ${st.name}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'export-done.png') });
  });

  it('the ONNX file in onnxruntime-web gives @mlp/core’s scores on all 10,000 test images and the app’s test accuracy', async () => {
    expect(files.onnx, 'the export step ran').toBeDefined();
    const check = await page.context().newPage();
    check.on('console', (m) => m.type() === 'error' && consoleErrors.push(`check page: ${m.text()}`));
    await check.goto(`${base}ort/check.html`);
    type Scored = { count: number; names: string[][]; scores: number[] };
    await check.waitForFunction(() => 'scoreTestSet' in window);
    const result = await check.evaluate(() => (window as unknown as { scoreTestSet(): Promise<Scored> }).scoreTestSet());
    await check.close();
    expect(result.names).toEqual([['pixels'], ['scores']]);
    expect(result.count).toBe(10_000);

    // The reference: @mlp/core on the .mlp the app saved, with the input scaling stored in it.
    const { model, meta } = loadModel(files.mlp!);
    const scaling = meta.scaling as { mul: number; add: number };
    const images = idxBody(gunzipSync(readFileSync(join(mnist.dir!, 't10k-images-idx3-ubyte.gz'))));
    const labels = idxBody(gunzipSync(readFileSync(join(mnist.dir!, 't10k-labels-idx1-ubyte.gz'))));
    const data: Dataset = { inputs: images, labels, count: 10_000, inputSize: 784, scaling: { mul: scaling.mul, add: scaling.add } };
    const core = evaluate(model, data, { keepOutputs: true });
    let maxAbs = 0;
    let same = 0;
    let right = 0;
    for (let i = 0; i < 10_000; i++) {
      let best = 0;
      for (let j = 0; j < 10; j++) {
        maxAbs = Math.max(maxAbs, Math.abs(result.scores[i * 10 + j]! - core.outputs![i * 10 + j]!));
        if (result.scores[i * 10 + j]! > result.scores[i * 10 + best]!) best = j;
      }
      if (best === core.predictions[i]) same++;
      if (best === labels[i]) right++;
    }
    console.log(`onnxruntime-web vs @mlp/core on 10,000 test images: max abs diff ${maxAbs.toExponential(2)}, ${same} same classes, accuracy ${(right / 100).toFixed(2)}%`);
    expect(maxAbs).toBeLessThan(1e-5);
    expect(same).toBe(10_000);
    expect(`${(right / 100).toFixed(2)}%`).toBe(await page.locator('#test-acc').textContent());
  });

  it('the safetensors file holds the saved model’s weights and biases, in its documented layout', () => {
    const bytes = files.safetensors!;
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const { model } = loadModel(files.mlp!);
    const body = bytes.slice(8 + n);
    for (let l = 0; l < model.config.layers.length - 1; l++) {
      const w = header[`layers.${l}.weight`]!;
      const b = header[`layers.${l}.bias`]!;
      expect(w.shape).toEqual([model.config.layers[l + 1], model.config.layers[l]]);
      expect(new Float32Array(body.slice(...w.data_offsets).buffer)).toEqual(model.readWeights(l));
      expect(new Float32Array(body.slice(...b.data_offsets).buffer)).toEqual(model.readBiases(l));
    }
  });

  it('logged no errors (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
