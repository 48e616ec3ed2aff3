// Two training threads in Chromium: the renderer served cross-origin isolated (COOP/COEP, as the desktop app's
// app:// responses are) trains with @mlp/core's helper thread, the same renderer served plainly trains on one, and
// both end with the same weights bit for bit. Real MNIST, the seed preset, one epoch each, saved with Ctrl+S (which
// the page handles in a browser; in Electron the menu does), the title marking the model unsaved until then.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '@mlp/core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_DIR, SCREENSHOTS, chromiumPath, launchChromium, mnistDir, serve, trainOneEpoch } from './helpers.js';

const chrome = chromiumPath();
const mnist = mnistDir();
const skip = !chrome.path ? chrome.reason : !mnist.dir ? mnist.reason : '';
if (skip) console.log(`skipping the two-thread end-to-end test: ${skip}`);

/** Train the seed preset for one epoch on the page at `url`; return what the page says and the saved model's weights. */
async function trainOnce(context: BrowserContext, url: string, name: string) {
  const page = await context.newPage();
  page.setDefaultTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.locator('#start').waitFor();
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
  await trainOneEpoch(page);
  await page.locator('#fingerprint').filter({ hasText: '#' }).waitFor();
  const threads = await page.locator('#threads').textContent();
  await page.screenshot({ path: join(SCREENSHOTS, `threads-${name}.png`) });
  // The title marks the unsaved model; the page (no menu in a browser) saves on Ctrl+S, after which the mark goes.
  const titleBefore = await page.title();
  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+s');
  const d = await download;
  const file = join(SCREENSHOTS, '..', `threads-${name}.mlp`);
  await d.saveAs(file);
  await page.waitForFunction((want) => document.title === want, `${d.suggestedFilename()} — MLP workbench`);
  const model = loadModel(new Uint8Array(readFileSync(file))).model;
  const weights = model.readParams().map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64'));
  model.dispose();
  await page.close();
  return { isolated, threads, weights, errors, titleBefore };
}

describe.skipIf(Boolean(skip))('two training threads in the browser', () => {
  let context: BrowserContext;
  let close: () => Promise<void>;
  let isolatedUrl: string;
  let plainUrl: string;

  beforeAll(async () => {
    const isolated = await serve(RENDERER_DIR, mnist.dir!, { isolated: true });
    const plain = await serve(RENDERER_DIR, mnist.dir!);
    const browser = await launchChromium(chrome.path!);
    context = browser.context;
    isolatedUrl = isolated.url;
    plainUrl = plain.url;
    close = async () => {
      await browser.close();
      await isolated.close();
      await plain.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it('uses the helper thread when cross-origin isolated, one thread otherwise, and trains the same model bit for bit', async () => {
    const two = await trainOnce(context, isolatedUrl, 'isolated');
    const one = await trainOnce(context, plainUrl, 'plain');
    expect(two.errors).toEqual([]);
    expect(one.errors).toEqual([]);
    expect(two.isolated).toBe(true);
    expect(one.isolated).toBe(false);
    // Chromium reports this machine's cores as navigator.hardwareConcurrency.
    expect(two.threads).toBe(availableParallelism() >= 2 ? '2 threads' : '1 thread');
    expect(one.threads).toBe('1 thread');
    expect(two.weights.length).toBe(4); // W1, b1, W2, b2 of 784-50-10
    expect(two.weights).toEqual(one.weights);
    expect(two.titleBefore).toBe('• trained model — MLP workbench');
  });
});
