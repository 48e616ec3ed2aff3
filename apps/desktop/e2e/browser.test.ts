// The renderer end to end in Debian's Chromium, against the built files served on 127.0.0.1 with the real MNIST:
// load the dataset, train the seed preset, check accuracy, weight tiles, pause/resume and a responsive main thread,
// then save → open gives the same predictions. Screenshots of the main views go to test-results/screenshots/.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_DIR, SCREENSHOTS, chromiumPath, launchChromium, mnistDir, serve } from './helpers.js';

const chrome = chromiumPath();
const mnist = mnistDir();
const built = existsSync(join(RENDERER_DIR, 'index.html'));
const skip = !chrome.path ? chrome.reason : !mnist.dir ? mnist.reason : '';
if (skip) console.log(`skipping the browser end-to-end tests: ${skip}`);
if (!skip && !built) throw new Error(`${RENDERER_DIR} is missing: run pnpm --filter @mlp/desktop build first (turbo does it before test).`);

// The seed preset reaches only ~75-76% validation accuracy after one epoch (the textbook reports 76.02%; an independent
// numpy run of the same algorithm gives 75.6%), so "above 85%" needs more: ≈86% after 2 epochs, ≈88% after 3.
const EPOCHS = 3;

describe.skipIf(Boolean(skip))('the renderer in Chromium', () => {
  let page: Page;
  let close: () => Promise<void>;
  const consoleErrors: string[] = [];
  let trained: { valid: string; test: string; fingerprint: string; file: string };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const server = await serve(RENDERER_DIR, mnist.dir!);
    const browser = await launchChromium(chrome.path!);
    close = async () => {
      await browser.close();
      await server.close();
    };
    page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
    await page.locator('#start').waitFor();
  });
  afterAll(async () => {
    await close?.();
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const text = async (sel: string) => (await page.locator(sel).textContent()) ?? '';

  it('starts in the browser API with the seed preset and nothing enabled that needs data', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.api)).toBe('browser');
    expect(await page.locator('#preset').inputValue()).toBe('seed');
    expect(await page.locator('#hidden-layers').inputValue()).toBe('50');
    expect(await page.locator('#start').isDisabled()).toBe(true);
    await shot('0-empty');
  });

  it('loads MNIST over HTTP with progress', async () => {
    const seen: number[] = [];
    await page.exposeFunction('reportProgress', (v: number) => seen.push(v));
    await page.evaluate(() => {
      const bar = document.getElementById('dataset-progress') as HTMLProgressElement;
      new MutationObserver(() => (window as unknown as { reportProgress(v: number): void }).reportProgress(bar.value)).observe(bar, { attributes: true });
      setInterval(() => (window as unknown as { reportProgress(v: number): void }).reportProgress(bar.value), 20);
    });
    await page.click('#load-dataset');
    await page.locator('#dataset-status[data-status="ready"]').waitFor({ timeout: 60_000 });
    expect(await text('#dataset-status')).toMatch(/55k train · 10k test|60k train · 10k test/);
    expect(seen.some((v) => v > 0 && v < 1)).toBe(true);
    expect(await page.locator('#start').isEnabled()).toBe(true);
  });

  it(`trains the seed preset for ${EPOCHS} epochs past 85% validation accuracy, pausing and resuming on the way, without freezing the page`, async () => {
    await page.fill('#epochs', String(EPOCHS));
    await page.press('#epochs', 'Tab');
    // Count animation frames on the main thread while the worker trains.
    await page.evaluate(() => {
      const w = window as unknown as { frames: number[] };
      w.frames = [];
      const tick = (t: number) => {
        w.frames.push(t);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const t0 = await page.evaluate(() => performance.now());
    await page.click('#start');
    await page.locator('#run-state[data-state="running"]').waitFor();

    // Pause in the first epoch once some batches went by; nothing moves while paused; resume continues.
    await page.waitForFunction(() => /epoch 1\/\d+ · batch (\d{3})\//.test(document.getElementById('epoch-progress')!.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.click('#pause');
    await page.locator('#run-state[data-state="paused"]').waitFor();
    const atPause = await text('#epoch-progress');
    await page.waitForTimeout(700);
    expect(await text('#epoch-progress')).toBe(atPause);
    expect(await page.locator('#resume').isEnabled()).toBe(true);
    await shot('1-paused');
    await page.click('#resume');
    await page.locator('#run-state[data-state="running"]').waitFor();
    await page.waitForFunction((before) => document.getElementById('epoch-progress')!.textContent !== before, atPause, { timeout: 10_000 });

    // Mid-training view (once the first epoch is done): tiles, heat map, curves, examples per second.
    await page.waitForFunction(() => /epoch [2-9]\//.test(document.getElementById('epoch-progress')!.textContent ?? ''), undefined, { timeout: 120_000 });
    if ((await text('#run-state')) === 'Training') expect(await text('#rate')).toMatch(/examples\/s/);
    await shot('2-training');

    await page.locator('#run-state[data-state="done"]').waitFor({ timeout: 150_000 });
    const t1 = await page.evaluate(() => performance.now());
    await page.locator('#fingerprint').filter({ hasText: '#' }).waitFor();

    const valid = await text('#valid-acc');
    expect(Number.parseFloat(valid)).toBeGreaterThan(85);
    expect(Number.parseFloat(await text('#test-acc'))).toBeGreaterThan(85);

    // The main thread kept rendering: frames throughout training, no long gap.
    const frames = await page.evaluate(([a, b]) => (window as unknown as { frames: number[] }).frames.filter((t) => t >= a! && t <= b!), [t0, t1]);
    const seconds = (t1 - t0) / 1000;
    let maxGap = 0;
    for (let i = 1; i < frames.length; i++) maxGap = Math.max(maxGap, frames[i]! - frames[i - 1]!);
    const fps = frames.length / seconds;
    console.log(`trained ${EPOCHS} epochs in ${seconds.toFixed(1)} s: ${fps.toFixed(1)} frames/s on the main thread, longest frame gap ${maxGap.toFixed(0)} ms, validation ${valid}`);
    expect(fps).toBeGreaterThan(20);
    expect(maxGap).toBeLessThan(750);

    trained = { valid, test: await text('#test-acc'), fingerprint: await text('#fingerprint'), file: '' };
    await shot('3-trained');
    // What training changed: the same tiles minus their random initialisation.
    await page.check('#show-change');
    await page.locator('.card.tiles h3', { hasText: 'change since start' }).waitFor();
    await page.locator('.card.tiles').screenshot({ path: join(SCREENSHOTS, '3b-change-since-start.png') });
    await page.uncheck('#show-change');
  }, 300_000);

  it('draws weight tiles and the output heat map with varying pixels', async () => {
    const stats = await page.evaluate(() => {
      const measure = (id: string) => {
        const c = document.getElementById(id) as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < d.length; i += 4) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
        return { width: c.width, height: c.height, colours: colours.size };
      };
      return { grid: measure('unit-grid'), map: measure('output-map'), detail: measure('unit-detail') };
    });
    expect(stats.grid).toMatchObject({ width: 8 * 29 + 1, height: 7 * 29 + 1 }); // 50 units: 8 columns × 7 rows of 28×28 tiles
    expect(stats.grid.colours).toBeGreaterThan(100);
    expect(stats.map).toMatchObject({ width: 50, height: 10 });
    expect(stats.map.colours).toBeGreaterThan(50);
    expect(stats.detail.colours).toBeGreaterThan(50);
  });

  it('enlarges a unit when clicked, with its weights into each output', async () => {
    const box = (await page.locator('#unit-grid').boundingBox())!;
    // Unit 9: second row, second column of the 8-column grid.
    await page.mouse.click(box.x + (1.5 * 29 * box.width) / (8 * 29 + 1), box.y + (1.5 * 29 * box.height) / (7 * 29 + 1));
    await page.locator('#unit-title', { hasText: 'Unit 9' }).waitFor();
    await page.locator('.card.detail').screenshot({ path: join(SCREENSHOTS, '4-unit-detail.png') });
  });

  it('changes the learning rate and shows the model tab', async () => {
    await page.click('#tab-model');
    await page.locator('#history-table tbody tr').nth(EPOCHS - 1).waitFor();
    expect(await page.locator('#history-table tbody tr').count()).toBe(EPOCHS);
    expect(await text('#model-summary')).toContain('784 → 50 → 10');
    await shot('5-model-tab');
    await page.click('#tab-train');
  });

  it('saves the model and opening it again gives the same predictions', async () => {
    const download = page.waitForEvent('download');
    await page.click('#save-model');
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/\.mlp$/);
    const file = join(SCREENSHOTS, '..', d.suggestedFilename());
    await d.saveAs(file);
    trained.file = file;

    // A fresh page: nothing trained, dataset loaded again, then the model file opened.
    await page.reload();
    await page.locator('#start').waitFor();
    expect(await text('#test-acc')).toBe('—');
    const chooser = page.waitForEvent('filechooser');
    await page.click('#open-model');
    await (await chooser).setFiles(file);
    // The weights show at once, before any data is loaded.
    await page.locator('#unit-grid:not([hidden])').waitFor();
    expect(await text('#message')).toContain(`Loaded ${d.suggestedFilename()}`);
    await page.click('#load-dataset');
    await page.locator('#fingerprint').filter({ hasText: '#' }).waitFor({ timeout: 60_000 });
    expect(await text('#fingerprint')).toBe(trained.fingerprint);
    expect(await text('#test-acc')).toBe(trained.test);
    expect(await text('#valid-acc')).toBe(trained.valid);
    await shot('6-loaded-model');
  });

  it('reports a damaged model file in one sentence and keeps going', async () => {
    const bad = join(SCREENSHOTS, '..', 'damaged.mlp');
    writeFileSync(bad, 'MLPW this is not a model');
    const chooser = page.waitForEvent('filechooser');
    await page.click('#open-model');
    await (await chooser).setFiles(bad);
    await page.locator('#message.error').waitFor();
    expect(await text('#message')).toMatch(/model file|bytes|version/i);
    expect(await text('#fingerprint')).toBe(trained.fingerprint);
  });

  it('logged no errors (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
