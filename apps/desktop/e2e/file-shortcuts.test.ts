// The browser build's file shortcuts, pressed as a user presses them: Ctrl+O opens the file chooser and loads the
// chosen model, Ctrl+S downloads the current model, and the downloaded file opens again with the same weights.
// The page handles both keys itself (a browser has no application menu) and keeps the browser's own Save Page / Open
// File from running. A small model made here with @mlp/core: no MNIST and no training needed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP, loadModel, saveModel } from '@mlp/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_DIR, SCREENSHOTS, chromiumPath, launchChromium, serve } from './helpers.js';

const chrome = chromiumPath();
if (!chrome.path) console.log(`skipping the file-shortcut end-to-end test: ${chrome.reason}`);

/** A model's parameters as base64 strings, to compare two files' weights bit for bit. */
const paramsOf = (bytes: Uint8Array) => {
  const { model } = loadModel(bytes);
  const out = { layers: model.config.layers, output: model.config.output, params: model.readParams().map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64')) };
  model.dispose();
  return out;
};

describe.skipIf(!chrome.path)('Ctrl+S and Ctrl+O in the browser', () => {
  const temp = mkdtempSync(join(tmpdir(), 'mlp-desktop-shortcuts-'));
  const original = join(temp, 'tiny.mlp');
  let page: Page;
  let close: () => Promise<void>;
  const errors: string[] = [];
  /** The page's Ctrl+key presses, and whether the page kept the browser from acting on them. */
  const presses = () => page.evaluate(() => (window as unknown as { fileKeys: { key: string; prevented: boolean }[] }).fileKeys);

  beforeAll(async () => {
    const model = new MLP({ layers: [784, 16, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' }, { seed: 17 });
    writeFileSync(original, saveModel(model, { tool: 'file-shortcuts.test' }));
    model.dispose();
    const data = join(temp, 'data'); // no MNIST: nothing here needs it
    mkdirSync(data);
    const server = await serve(RENDERER_DIR, data);
    const browser = await launchChromium(chrome.path!);
    close = async () => {
      await browser.close();
      await server.close();
    };
    page = await browser.context.newPage();
    page.setDefaultTimeout(300_000); // a hang detector, not a deadline
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url);
    await page.locator('#start').waitFor();
    // Listening after the app (same target, registered later), so this sees whether the app prevented the default.
    await page.evaluate(() => {
      const w = window as unknown as { fileKeys: { key: string; prevented: boolean }[] };
      w.fileKeys = [];
      addEventListener('keydown', (e) => e.ctrlKey && e.key !== 'Control' && w.fileKeys.push({ key: e.key, prevented: e.defaultPrevented }));
    });
  });
  afterAll(async () => {
    await close?.();
    rmSync(temp, { recursive: true, force: true });
  });

  it('Ctrl+S with no model says so in one sentence and downloads nothing', async () => {
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.keyboard.press('Control+s');
    await page.locator('#message.error', { hasText: 'There is no model to save yet: train or load one first.' }).waitFor();
    expect(downloads).toBe(0); // the error is the answer to this press: no download follows it
    expect(await presses()).toEqual([{ key: 's', prevented: true }]);
  });

  it('Ctrl+O opens the file chooser and loads the chosen model', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Control+o');
    const c = await chooser;
    expect(c.isMultiple()).toBe(false);
    await c.setFiles(original);
    await page.locator('#message', { hasText: 'Loaded tiny.mlp' }).waitFor();
    await page.locator('#run-state', { hasText: 'Opened model' }).waitFor();
    await page.locator('#unit-grid:not([hidden])').waitFor();
    expect(await page.title()).toBe('tiny.mlp — MLP workbench');
    expect((await presses()).at(-1)).toEqual({ key: 'o', prevented: true });
  });

  it('Ctrl+S downloads the opened model with the same weights, and the download opens again', async () => {
    const download = page.waitForEvent('download');
    await page.keyboard.press('Control+s');
    const d = await download;
    expect(d.suggestedFilename()).toBe('tiny.mlp');
    mkdirSync(SCREENSHOTS, { recursive: true });
    const saved = join(temp, 'saved', d.suggestedFilename());
    await d.saveAs(saved);
    await page.locator('#message', { hasText: 'Saved tiny.mlp' }).waitFor();
    expect((await presses()).at(-1)).toEqual({ key: 's', prevented: true });
    const want = paramsOf(new Uint8Array(readFileSync(original)));
    expect(want.params).toHaveLength(4); // W1, b1, W2, b2
    expect(paramsOf(new Uint8Array(readFileSync(saved)))).toEqual(want);

    // The saved file loads back through Ctrl+O: the Model tab shows its network.
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Control+o');
    await (await chooser).setFiles(saved);
    await page.locator('#message', { hasText: 'Loaded tiny.mlp' }).waitFor();
    await page.click('#tab-model');
    await page.locator('#model-summary', { hasText: '784 → 16 → 10' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'file-shortcuts.png') });
    expect(errors).toEqual([]);
  });
});
