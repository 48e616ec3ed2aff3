// The renderer end to end in Debian's Chromium, against the built files served on 127.0.0.1 with the real MNIST:
// load the dataset, train the seed preset, check accuracy, weight tiles, pause/resume and a responsive main thread;
// then what the trained network learned: the confusion matrix and its drill-down, the mistakes, a "1" drawn on the pad,
// the forward-pass inspector; save → open gives the same predictions; a second run compared with the first, and
// every tab at 1400×900 and 900×600. Screenshots of the views go to test-results/screenshots/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, RENDERER_DIR, SCREENSHOTS, chromiumPath, launchChromium, mnistDir, serve } from './helpers.js';

const chrome = chromiumPath();
const mnist = mnistDir();
const built = existsSync(join(RENDERER_DIR, 'index.html'));
const skip = !chrome.path ? chrome.reason : !mnist.dir ? mnist.reason : '';
if (skip) console.log(`skipping the browser end-to-end tests: ${skip}`);
if (!skip && !built) throw new Error(`${RENDERER_DIR} is missing: run pnpm --filter @mlp/desktop build first (turbo does it before test).`);

// The seed preset reaches only ~75-76% validation accuracy after one epoch (the textbook reports 76.02%; an independent
// numpy run of the same algorithm gives 75.6%), so "above 85%" needs more: ≈85% after 2 epochs, ≈88% after 3, ≈90% after 5.
const EPOCHS = 5;

describe.skipIf(Boolean(skip))('the renderer in Chromium', () => {
  let page: Page;
  let close: () => Promise<void>;
  const consoleErrors: string[] = [];
  let trained: { valid: string; test: string; fingerprint: string; file: string };
  /** The seed run's typical (RMS) gradient in layer 1 at its first snapshot (a tenth of an epoch in). */
  let seedEarlyGradient = 0;

  /**
   * Make the page click Pause itself, in the same task in which its progress line first matches `progress` while
   * Pause is enabled: no round trip from the test lies between seeing a batch and pausing, so a busy machine cannot let
   * a short run finish in between. Arm it before clicking Start; pauseClicked() resolves once it has clicked.
   */
  const armPause = (progress: RegExp) =>
    page.evaluate((source) => {
      const line = document.getElementById('epoch-progress')!;
      const pause = document.getElementById('pause') as HTMLButtonElement;
      (window as unknown as { pauseClicked: Promise<void> }).pauseClicked = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (pause.disabled || !new RegExp(source).test(line.textContent ?? '')) return;
          observer.disconnect();
          pause.click();
          resolve();
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
    }, progress.source);
  const pauseClicked = () => page.evaluate(() => (window as unknown as { pauseClicked: Promise<void> }).pauseClicked);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const server = await serve(RENDERER_DIR, mnist.dir!);
    const browser = await launchChromium(chrome.path!);
    close = async () => {
      await browser.close();
      await server.close();
    };
    page = await browser.context.newPage();
    // Count the batch points in each message the training worker sends (the page's own listener is untouched).
    await page.addInitScript(() => {
      const Original = window.Worker;
      const w = window as unknown as { batchMessages: number[] };
      w.batchMessages = [];
      window.Worker = class extends Original {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          this.addEventListener('message', (e: MessageEvent<{ type?: string; points?: { x: ArrayLike<number> } }>) => {
            if (e.data?.type === 'batches') w.batchMessages.push(e.data.points!.x.length);
          });
        }
      };
    });
    // Waits are for events, not deadlines: a busy machine may take minutes where a quiet one takes a second.
    page.setDefaultTimeout(300_000);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
    await page.locator('#start').waitFor();
  });
  afterAll(async () => {
    await close?.();
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  /** One element's picture, without the sticky top bar drawn over it where the capture scrolled. */
  // (Through the CSSOM: the page's CSP refuses the inline <style> that Playwright's `style` option would add.)
  const shotOf = async (selector: string, name: string) => {
    const sticky = (position: string) => page.evaluate((p) => (document.querySelector('.topbar') as HTMLElement).style.setProperty('position', p), position);
    await sticky('static');
    await page.locator(selector).screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    await sticky('');
  };
  const text = async (sel: string) => (await page.locator(sel).textContent()) ?? '';

  it('starts in the browser API with the seed preset and nothing enabled that needs data', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.api)).toBe('browser');
    expect(await page.locator('#preset').inputValue()).toBe('seed');
    expect(await text('#preset-hint')).toContain('784-50-10 sigmoid');
    expect(await page.locator('#hidden-layers').inputValue()).toBe('50');
    expect(await page.locator('#start').isDisabled()).toBe(true);
    // The first screen says what to do and what will appear.
    expect(await page.locator('#orientation li').allTextContents()).toEqual([expect.stringMatching(/^1\. Load /), expect.stringMatching(/^2\. Start /), expect.stringMatching(/^3\. Watch /)]);
    expect(await page.isVisible('#weights-empty')).toBe(true);
    expect(await text('#weights-empty')).toContain('Each hidden unit will appear here as a 28×28 tile');
    expect(await page.isVisible('#curves-empty')).toBe(true);
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
    await page.locator('#dataset-status[data-status="ready"]').waitFor({ timeout: 300_000 });
    expect(await text('#dataset-status')).toMatch(/55k train · 10k test|60k train · 10k test/);
    expect(seen.some((v) => v > 0 && v < 1)).toBe(true);
    expect(await page.locator('#start').isEnabled()).toBe(true);
    await page.locator('#orientation li.done[data-step="1"]').waitFor();
    // The run controls come early in the Tab order (after the tabs), and Start names its shortcut.
    await page.click('.app-header h1'); // start keyboard navigation from the top of the page
    let presses = 0;
    while (presses < 20 && (await page.evaluate(() => document.activeElement?.id)) !== 'start') {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(presses).toBeLessThanOrEqual(10);
    expect(await page.getAttribute('#start', 'title')).toContain('(Ctrl+Enter)');
    expect(await page.getAttribute('#step', 'title')).toContain('(Ctrl+Shift+Enter)');
    expect(await page.getAttribute('#pause', 'title')).toContain('(Ctrl+.)');
    expect(await page.getAttribute('#save-model', 'title')).toContain('(Ctrl+S)');
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
    // Record what each draw of the tile grid puts on screen: the share of tile pixels that are coloured (not the white
    // of "no change"), and the run's progress at that moment. The first draw is the initialisation.
    await page.evaluate(() => {
      const w = window as unknown as { gridDraws: { view: string; progress: string; coloured: number; distance: number }[] };
      w.gridDraws = [];
      const put = CanvasRenderingContext2D.prototype.putImageData;
      CanvasRenderingContext2D.prototype.putImageData = function (this: CanvasRenderingContext2D, ...args: [ImageData, number, number]) {
        const img = args[0];
        if (this.canvas.id === 'unit-grid') {
          const d = img.data;
          let coloured = 0;
          let distance = 0;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i] === 214 && d[i + 1] === 218 && d[i + 2] === 224) continue; // the gaps between tiles
            const far = Math.abs(d[i]! - 247) + Math.abs(d[i + 1]! - 247) + Math.abs(d[i + 2]! - 247);
            n++;
            distance += far;
            if (far > 30) coloured++;
          }
          w.gridDraws.push({ view: this.canvas.dataset.view ?? '', progress: document.getElementById('epoch-progress')!.textContent ?? '', coloured: coloured / n, distance: distance / n });
        }
        put.apply(this, args as unknown as Parameters<typeof put>);
      } as typeof put;
    });
    const t0 = await page.evaluate(() => performance.now());
    // Pause as soon as batches go by; nothing moves while paused; resume continues. An epoch takes well under a second,
    // so the page itself clicks Pause at the first batch it shows (a round trip from the test could miss all 5 epochs).
    await armPause(/epoch \d+\/\d+ · batch \d+\//);
    await page.click('#start');
    await pauseClicked();
    await page.locator('#run-state[data-state="paused"]').waitFor();
    const atPause = await text('#epoch-progress');
    await page.waitForTimeout(700);
    expect(await text('#epoch-progress')).toBe(atPause);
    expect(await page.locator('#resume').isEnabled()).toBe(true);
    await shot('1-paused');
    await page.click('#resume');
    await page.waitForFunction((before) => document.getElementById('epoch-progress')!.textContent !== before, atPause, { timeout: 300_000 });

    // Mid-training view (once the first epoch is done): tiles, heat map, curves, examples per second.
    await page.waitForFunction(() => /epoch [2-9]\//.test(document.getElementById('epoch-progress')!.textContent ?? ''), undefined, { timeout: 300_000 });
    // Both read in one task: between two separate reads a busy machine can finish the run (and clear the rate).
    const [state, rate] = await page.evaluate(() => ['#run-state', '#rate'].map((q) => document.querySelector(q)!.textContent));
    if (state === 'Training') expect(rate).toMatch(/examples\/s/);
    await shot('2-training');

    await page.locator('#run-state[data-state="done"]').waitFor({ timeout: 300_000 });
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
    // Frame rate and gaps are wall time, which a busy machine stretches: printed, never asserted. What must hold on
    // any machine is that the page drew frames while the worker trained.
    console.log(`trained ${EPOCHS} epochs in ${seconds.toFixed(1)} s: ${fps.toFixed(1)} frames/s on the main thread, longest frame gap ${maxGap.toFixed(0)} ms, validation ${valid}`);
    expect(frames.length).toBeGreaterThan(0);

    trained = { valid, test: await text('#test-acc'), fingerprint: await text('#fingerprint'), file: '' };
    // Every epoch is on the curves as soon as the run is done (the last one used to lag behind the chart's throttle).
    expect(await page.locator('#loss-chart').getAttribute('data-epochs')).toBe(String(EPOCHS));
    await shot('3-trained');
    // The default tiles show learning from the first epoch: at initialisation they are blank (nothing has changed
    // yet), after epoch 1 most tile pixels are coloured. Measured on the pixels drawn, not on a flag.
    const draws = await page.evaluate(() => (window as unknown as { gridDraws: { view: string; progress: string; coloured: number; distance: number }[] }).gridDraws);
    const init = draws[0]!;
    const epoch1 = draws.find((d) => /epoch [2-9]\//.test(d.progress))!;
    console.log(`default tiles: at initialisation ${(init.coloured * 100).toFixed(1)}% coloured (mean distance from white ${init.distance.toFixed(1)}); after epoch 1 ${(epoch1.coloured * 100).toFixed(1)}% (${epoch1.distance.toFixed(1)})`);
    expect(init.view).toBe('change/shared');
    expect(epoch1.view).toBe('change/shared');
    expect(init.coloured).toBeLessThan(0.01);
    expect(epoch1.coloured).toBeGreaterThan(0.3);
    expect(epoch1.distance).toBeGreaterThan(init.distance + 50);
    expect(await text('#weights-caption')).toMatch(/Red: the weight grew .* blue: it fell .* white: unchanged/);
    // The raw weights, and each tile on its own scale, are one click away.
    await page.selectOption('#weight-view', 'weights');
    await page.locator('#unit-grid[data-view="weights/shared"]').waitFor();
    await shotOf('.card.tiles', '3b-raw-weights');
    await page.check('#per-tile');
    await page.locator('#unit-grid[data-view="weights/tile"]').waitFor();
    await page.uncheck('#per-tile');
    await page.selectOption('#weight-view', 'change');
    await page.locator('#unit-grid[data-view="change/shared"]').waitFor();
  });

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
    await shotOf('.card.detail', '4-unit-detail');
    // The keyboard does the same: arrows move through the 8-column grid, Ctrl+End to the last unit.
    await page.focus('#unit-grid');
    await page.keyboard.press('ArrowRight');
    await page.locator('#unit-title', { hasText: 'Unit 10' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.locator('#unit-title', { hasText: 'Unit 18' }).waitFor();
    expect(await page.getAttribute('#unit-grid', 'aria-valuetext')).toBe('unit 18 of 50, row 3');
    await page.keyboard.press('Control+End');
    await page.locator('#unit-title', { hasText: 'Unit 49' }).waitFor();
    await page.keyboard.press('ArrowRight'); // the last unit: nowhere to go
    await page.keyboard.press('Home');
    await page.locator('#unit-title', { hasText: 'Unit 48' }).waitFor();
  });

  it('hides and shows a curve from the chart legend with the keyboard', async () => {
    const entry = page.locator('#loss-chart .u-legend tr.u-series th[role="button"]').first();
    expect(await page.locator('#loss-chart .u-legend th[role="button"]').count()).toBe(3);
    expect(await text('#loss-chart')).toContain('Loss (MSE)');
    expect(await text('#curves-caption')).toMatch(/running average.*mean over each epoch.*validation/);
    await page.click('#to-why');
    await page.locator('#panel-why:not([hidden])').waitFor();
    await page.click('#tab-train');
    // The log scale rebuilds the loss chart on a logarithmic axis, named as such.
    await page.check('#log-loss');
    await page.locator('#loss-chart[data-scale="log"]', { hasText: 'Loss (MSE, log scale)' }).waitFor();
    await page.uncheck('#log-loss');
    await page.locator('#loss-chart[data-scale="linear"]', { hasText: 'Loss (MSE)' }).waitFor();
    expect(await entry.getAttribute('aria-pressed')).toBe('true');
    await entry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => entry.getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('#loss-chart .u-legend tr.u-series.u-off').count()).toBe(1);
    await page.keyboard.press('Space');
    await expect.poll(() => entry.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#loss-chart .u-legend tr.u-series.u-off').count()).toBe(0);
  });

  it('shows the model tab: the network, its optimiser and one history row per epoch at the rate it used', async () => {
    await page.click('#tab-model');
    await page.locator('#history-table tbody tr').nth(EPOCHS - 1).waitFor();
    expect(await page.locator('#history-table tbody tr').count()).toBe(EPOCHS);
    expect(await text('#model-summary')).toContain('784 → 50 → 10');
    expect(await text('#model-summary')).toContain('SGD lr 0.1, momentum 0');
    expect(await page.$$eval('#history-table td.lr', (t) => t.map((e) => e.textContent))).toEqual(Array(EPOCHS).fill('0.1'));
    await shot('5-model-tab');
    await page.click('#tab-train');
  });

  it('shows why it learns: a live diagram and, per layer, weights, activations and gradient sizes over the run', async () => {
    await page.click('#tab-why');
    // 5 epochs × 10 snapshots, plus the initialisation for weights and activations (no gradient before a batch).
    await page.locator(`#why-weights-0[data-points="${EPOCHS * 10 + 1}"]`).waitFor();
    await page.locator(`#why-gradients-0[data-points="${EPOCHS * 10}"]`).waitFor();
    expect(await page.locator('.why-row').count()).toBe(2); // 784→50 and 50→10
    expect(await text('#why-story')).toMatch(/^With sigmoid outputs and MSE, the error signal is \(a − y\) · a\(1 − a\).*Now: a typical gradient \(root mean square\) is \d\.\de-\d in layer 1 .* of the first hidden layer’s activations are saturated/);
    const colours = await page.$eval('#network', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      const set = new Set<number>();
      for (let i = 0; i < d.length; i += 4) set.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return set.size;
    });
    expect(colours).toBeGreaterThan(200); // tiles and coloured edges, not an empty frame
    seedEarlyGradient = Number(await page.getAttribute('#why-gradients-0', 'data-early'));
    expect(seedEarlyGradient).toBeGreaterThan(0);
    await shot('13-why');
    await page.click('#tab-train');
  });

  // "After one epoch" in the issue: these reuse the run above (the seed preset, 5 epochs, because one epoch of it gives
  // only ~75%), so they cost no extra training.
  it('shows the confusion matrix; clicking a cell shows exactly its images, each with its outputs', async () => {
    await page.click('#tab-mistakes');
    await page.selectOption('#analysis-set', 'test');
    await page.locator('#analysis-when', { hasText: 'Test set, 10,000 images' }).waitFor();
    await page.locator('#confusion button.cell').nth(99).waitFor();
    const cells = await page.$$eval('#confusion button.cell', (bs) => bs.map((b) => ({ id: b.id, t: Number((b as HTMLElement).dataset.t), p: Number((b as HTMLElement).dataset.p), n: Number(b.textContent) })));
    expect(cells).toHaveLength(100);
    expect(cells.reduce((a, c) => a + c.n, 0)).toBe(10_000);
    const correct = cells.filter((c) => c.t === c.p).reduce((a, c) => a + c.n, 0);
    expect(`${((correct / 100).toFixed(2))}%`).toBe(trained.test);
    // The largest confusion that fits on one page of the drill-down.
    const cell = cells.filter((c) => c.t !== c.p && c.n >= 2 && c.n <= 100).sort((a, b) => b.n - a.n)[0]!;
    await page.click(`#${cell.id}`);
    await page.locator('#cell-tiles button.tile').nth(cell.n - 1).waitFor();
    expect(await page.locator('#cell-tiles button.tile').count()).toBe(cell.n);
    expect(await text('#cell-caption')).toContain(`${cell.n} images`);
    expect(await text('#cell-title')).toBe(`${cell.t}s taken for ${cell.p}s`);
    // Every tile says what it is and draws its ten outputs.
    const tiles = await page.$$eval('#cell-tiles button.tile', (bs) => bs.map((b) => b.querySelector('.tile-text')!.firstChild!.textContent));
    expect(new Set(tiles)).toEqual(new Set([`${cell.t} → ${cell.p}`]));
    expect(await page.locator('#cell-tiles canvas.strip').count()).toBe(cell.n);
    // …and its runner-up, the second-highest of the ten outputs, in words too.
    const labels = await page.$$eval('#cell-tiles button.tile', (bs) => bs.map((b) => b.getAttribute('aria-label')!));
    // The seed network's outputs are sigmoids, printed as the pad prints them: activations ("0.87"), never "%".
    for (const l of labels) expect(l).toMatch(new RegExp(`: a ${cell.t}, predicted ${cell.p} with output \\d\\.\\d\\d, then \\d with \\d\\.\\d\\d$`));
    expect(await page.locator('#cell-tiles .runner-up').count()).toBe(cell.n);
    // …and the tab says in the pad's words that they are not probabilities.
    expect(await text('#outputs-note')).toMatch(/sigmoid activations, 0 to 1 — not probabilities \(they need not sum to 1\)/);
    await shot('7-mistakes');

    // Keyboard: arrows move inside the matrix, Enter opens the focused cell.
    await page.focus(`#${cell.id}`);
    const move = cell.p < 9 ? ['ArrowRight', cell.t, cell.p + 1] : ['ArrowLeft', cell.t, cell.p - 1];
    await page.keyboard.press(move[0] as string);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`cell-${move[1]}-${move[2]}`);
    await page.keyboard.press('ArrowDown');
    const below = cells.find((c) => c.t === Math.min(9, (move[1] as number) + 1) && c.p === move[2])!;
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(below.id);
    await page.keyboard.press('Enter');
    await page.locator(`#${below.id}[aria-pressed="true"]`).waitFor();
    expect(await page.locator('#cell-tiles button.tile').count()).toBe(Math.min(100, below.n));
  });

  it('lists the misclassified images sorted by confidence, a page at a time', async () => {
    const wrong = Math.round(10_000 - Number.parseFloat(trained.test) * 100);
    expect(await text('#gallery-title')).toContain(`${wrong.toLocaleString('en')} of 10,000`);
    expect(await page.locator('#gallery-tiles button.tile').count()).toBe(Math.min(100, wrong));
    const confidences = async () => page.$$eval('#gallery-tiles .conf', (cs) => cs.map((c) => Number(c.textContent)));
    const desc = await confidences();
    // Sigmoid outputs are activations, not probabilities: no "%" anywhere in the gallery's tiles, said or shown.
    expect(desc.every((v) => v >= 0 && v <= 1)).toBe(true);
    const galleryText = await page.$$eval('#gallery-tiles button.tile', (bs) => bs.map((b) => `${b.textContent} ${b.getAttribute('title')} ${b.getAttribute('aria-label')}`).join('\n'));
    expect(galleryText).toMatch(/→/);
    expect(galleryText).not.toContain('%');
    expect(desc[0]).toBeGreaterThanOrEqual(desc.at(-1)!);
    await page.selectOption('#gallery-sort', 'asc');
    const asc = await confidences();
    expect(asc[0]).toBeLessThanOrEqual(asc.at(-1)!);
    expect(asc[0]).toBeLessThanOrEqual(desc.at(-1)!);
    if (wrong > 100) {
      await page.click('#gallery-next');
      expect(await text('#gallery .page-text')).toBe(`page 2 of ${Math.ceil(wrong / 100)}`);
      await page.click('#gallery-prev');
    }
    await shotOf('#gallery', '7b-gallery');
    // Enter on a tile opens that image in the inspector.
    await page.focus('#gallery-tiles button.tile');
    await page.keyboard.press('ArrowRight');
    const index = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.index);
    await page.keyboard.press('Enter');
    await page.locator('#panel-inspect:not([hidden])').waitFor();
    await page.locator('#inspect-caption', { hasText: `test image #${index}:` }).waitFor();
    expect(await text('#inspect-caption')).toContain('✗');
  });

  it('draws a "1" with pointer events and predicts it as you draw, showing the 28×28 input', async () => {
    await page.click('#tab-draw');
    await page.locator('#pad-prediction', { hasText: 'Draw a digit on the pad.' }).waitFor();
    const box = (await page.locator('#pad').boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + box.height * 0.15);
    await page.mouse.down();
    // A slightly slanted vertical stroke, in 20 moves, as a hand would make it.
    for (let i = 1; i <= 20; i++) await page.mouse.move(x + i * 0.4, box.y + box.height * (0.15 + (0.7 * i) / 20));
    await page.mouse.up();
    await page.locator('#pad-prediction[data-digit]:not([data-digit=""])').waitFor();
    const digit = await page.locator('#pad-prediction').getAttribute('data-digit');
    console.log(`the pad's "1" was read as ${digit}: ${(await page.$$eval('#pad-bars .value', (v) => v.map((e) => e.textContent))).join(' ')}`);
    expect(digit).toBe('1');
    expect(await page.locator('#pad-bars li').count()).toBe(10);
    expect(await page.locator('#pad-bars li.top').getAttribute('data-class')).toBe('1');
    // The verdict names the top two, and says "Not sure" within the margin; sigmoid outputs are never "%".
    expect(await text('#pad-prediction')).toMatch(/^(It looks like a 1: 1 \(0\.\d\d\), then \d \(0\.\d\d\)\.|Not sure: 1 \(0\.\d\d\) or \d \(0\.\d\d\)\? They are within 0\.15 of each other\.)$/);
    expect(await page.getAttribute('#pad-prediction', 'data-sure')).toMatch(/^(true|false)$/);
    for (const v of await page.$$eval('#pad-bars .value', (e) => e.map((x) => x.textContent))) expect(v).toMatch(/^\d\.\d\d$/);
    // The 28×28 input: a thin vertical stroke in the middle columns.
    const ink = await page.evaluate(() => {
      const c = document.getElementById('pad-input') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      const cols = new Set<number>();
      let rows = 0;
      for (let y = 0; y < 28; y++) {
        let any = false;
        for (let x = 0; x < 28; x++) {
          if (d[(y * 28 + x) * 4]! >= 128) continue;
          cols.add(x);
          any = true;
        }
        if (any) rows++;
      }
      return { rows, cols: [...cols] };
    });
    expect(ink.rows).toBeGreaterThanOrEqual(18);
    expect(Math.min(...ink.cols)).toBeGreaterThanOrEqual(11);
    expect(Math.max(...ink.cols)).toBeLessThanOrEqual(16);
    await shot('8-draw');

    // Clear empties the pad and the prediction; the keyboard pen draws too (Space down, arrows, Space up).
    await page.click('#pad-clear');
    await page.locator('#pad-prediction', { hasText: 'Draw a digit' }).waitFor();
    await page.focus('#pad');
    await page.keyboard.press('Space');
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.locator('#pad-prediction[data-digit]:not([data-digit=""])').waitFor();
  });

  it('inspects a chosen test image: input, hidden units with their weights and votes, outputs', async () => {
    await page.click('#tab-inspect');
    await page.locator('#inspect-caption', { hasText: 'test image #' }).waitFor();
    await page.selectOption('#inspect-source', 'test');
    await page.fill('#inspect-index', '7');
    await page.press('#inspect-index', 'Enter');
    await page.locator('#inspect-caption', { hasText: 'test image #7:' }).waitFor();
    expect(await page.locator('#inspect-units .unit').count()).toBe(40);
    await page.click('#inspect-all');
    await page.locator('#inspect-units .unit').nth(49).waitFor();
    // Sorted by activation, each with a weight tile and its votes for the ten digits.
    const acts = await page.$$eval('#inspect-units .unit-text', (u) => u.map((e) => Number(e.textContent!.split('a=')[1])));
    expect(acts).toEqual([...acts].sort((a, b) => b - a));
    expect(await page.locator('#inspect-units canvas.unit-tile').count()).toBe(50);
    expect(await page.locator('#inspect-units canvas.votes').count()).toBe(50);
    expect(await page.locator('#inspect-bars li').count()).toBe(10);
    expect(await page.locator('#inspect-layer').isVisible()).toBe(false); // one hidden layer: nothing to pick
    await page.click('#inspect-next');
    await page.locator('#inspect-caption', { hasText: 'test image #8:' }).waitFor();
    await page.click('#inspect-prev');
    await page.locator('#inspect-caption', { hasText: 'test image #7:' }).waitFor();
    await shot('9-inspect');
    // The drawn digit goes through the same pass.
    await page.selectOption('#inspect-source', 'drawn');
    await page.locator('#inspect-caption', { hasText: 'your drawing' }).waitFor();
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

    // The command-line trainer reads what the app wrote: `mlp eval` gets the test accuracy the app shows.
    const r = spawnSync(process.execPath, [CLI, 'eval', file, '--data', mnist.dir!, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const evaluated = JSON.parse(r.stdout) as { test_acc: number; count: number };
    expect(evaluated.count).toBe(10_000);
    expect(`${(evaluated.test_acc * 100).toFixed(2)}%`).toBe(trained.test);

    // A fresh page: nothing trained, dataset loaded again, then the model file opened.
    await page.reload();
    await page.locator('#start').waitFor();
    expect(await text('#test-acc')).toBe('—');
    const chooser = page.waitForEvent('filechooser');
    await page.click('#open-model');
    await (await chooser).setFiles(file);
    // The weights show at once, before any data is loaded, as their change since initialisation (drawn again from
    // the seed and initialisation the file keeps).
    await page.locator('#unit-grid:not([hidden])').waitFor();
    await page.locator('#unit-grid[data-view="change/shared"]').waitFor();
    expect(await text('#message')).toContain(`Loaded ${d.suggestedFilename()}`);
    await page.locator('#run-state', { hasText: 'Opened model' }).waitFor();
    await page.click('#load-dataset');
    await page.locator('#fingerprint').filter({ hasText: '#' }).waitFor({ timeout: 300_000 });
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

  it('changes the learning rate, keeps each run for comparison and overlays the selected ones', async () => {
    // A short second run of the seed network at learning rate 0.5, lowered to 0.25 while it runs (paused, as a learner
    // would, but the run stays live), then stopped after the next epoch. 50 epochs are set so that it cannot finish
    // before the pause lands; it is stopped after a few.
    await page.fill('#epochs', '50');
    await page.fill('#lr', '0.5');
    await page.press('#lr', 'Tab');
    await armPause(/epoch \d+\/50 · batch \d+\//);
    await page.click('#start');
    await pauseClicked();
    await page.locator('#run-state[data-state="paused"]').waitFor();
    const pausedIn = Number(/epoch (\d+)\//.exec(await text('#epoch-progress'))![1]);
    expect(await page.locator('#lr').isEnabled()).toBe(true);
    await page.fill('#lr', '0.25');
    await page.press('#lr', 'Tab');
    await page.click('#resume');
    await page.waitForFunction((p) => Number(/epoch (\d+)\/50/.exec(document.getElementById('epoch-progress')!.textContent ?? '')?.[1] ?? 0) >= p + 2, pausedIn, { timeout: 300_000 });
    await page.click('#stop');
    await page.locator('#run-state[data-state="stopped"]').waitFor();
    // The worker trained at each rate: every epoch report gives the rate its last batch used.
    await page.click('#tab-model');
    await page.locator('#history-table tbody tr').nth(pausedIn).waitFor();
    const rates = await page.$$eval('#history-table td.lr', (t) => t.map((e) => e.textContent));
    expect(rates.length).toBeGreaterThanOrEqual(pausedIn + 1);
    expect(rates).toEqual([...Array(pausedIn - 1).fill('0.5'), ...Array(rates.length - pausedIn + 1).fill('0.25')]);
    await page.click('#tab-compare');
    await page.locator('#runs-table tbody tr').nth(1).waitFor();
    const rows = await page.$$eval('#runs-table tbody tr', (r) => r.map((e) => e.textContent));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('.mlp');
    expect(rows[1]).toContain('lr 0.5');
    expect(await text('#panel-compare .card header .caption')).toContain('the latest 8 runs are kept');
    await page.locator('#compare-loss[data-runs="2"]').waitFor();
    expect(await page.locator('#compare-loss .u-legend .u-series').count()).toBe(2 * 2); // train and validation per run
    // What is drawn, not the legend: every series that has points is one unbroken line (each run is thinned at its
    // own stride, so without spanning the other run's x values the curves broke into pieces), and the live run's
    // training line runs from its first batches to its last epoch.
    await page.locator('#compare-loss .chart[data-stretches]').first().waitFor();
    for (const box of ['#compare-loss .chart[data-loss="mse"]', '#compare-accuracy']) {
      const series = JSON.parse((await page.getAttribute(box, 'data-stretches'))!) as { label: string; stretches: [number, number][] }[];
      expect(series).toHaveLength(4);
      for (const sr of series) if (!sr.label.includes('.mlp · ')) expect(sr.stretches, `${box}: ${sr.label}`).toHaveLength(1);
      const live = series.find((sr) => sr.label.includes('lr 0.5') && sr.label.endsWith('train'))!;
      expect(live.stretches[0]![0]).toBeLessThan(0.05);
      expect(live.stretches[0]![1]).toBeGreaterThanOrEqual(pausedIn + 1);
      // The opened model has no batches, only its per-epoch validation: one line over its 5 epochs.
      const opened = series.find((sr) => sr.label.includes('.mlp · ') && sr.label.endsWith('validation'))!;
      expect(opened.stretches).toEqual([[1, EPOCHS]]);
    }
    expect(await text('#compare-loss')).toContain('Loss (MSE)');
    await shot('10-compare');
    await page.uncheck('#runs-table tbody tr:first-child input');
    await page.locator('#compare-loss[data-runs="1"]').waitFor();
    await page.check('#runs-table tbody tr:first-child input');
    await page.locator('#compare-loss[data-runs="2"]').waitFor();
  });

  it('inspects each hidden layer of a deeper network: traced weight tiles, votes from the last one', async () => {
    // A typo is named in words, not "got null".
    await page.fill('#hidden-layers', '50, abc');
    await page.press('#hidden-layers', 'Tab');
    await page.locator('#settings-error', { hasText: 'Hidden layers: “abc” is not a number of units' }).waitFor();
    await page.fill('#hidden-layers', '40,20');
    await page.selectOption('#hidden', 'relu');
    await page.selectOption('#output', 'softmax');
    await page.selectOption('#loss', 'ce');
    await page.selectOption('#init', 'he');
    await page.locator('#init-std:disabled').waitFor(); // He chooses its own spread
    await page.fill('#epochs', '1');
    await page.fill('#lr', '0.1');
    await page.press('#lr', 'Tab');
    await page.click('#start');
    await page.locator('#run-state[data-state="done"]').waitFor({ timeout: 300_000 });
    await page.click('#tab-inspect');
    await page.selectOption('#inspect-source', 'test');
    await page.fill('#inspect-index', '7');
    await page.press('#inspect-index', 'Enter');
    await page.locator('#inspect-units-title', { hasText: 'Hidden layer 1 of 2 · 40 units' }).waitFor();
    expect(await page.locator('#inspect-layer option').count()).toBe(2);
    expect(await page.locator('#inspect-units canvas.unit-tile').count()).toBe(40);
    expect(await page.locator('#inspect-units canvas.votes').count()).toBe(0);
    expect(await text('#inspect-units-note')).toContain('feeds hidden layer 2');
    await page.selectOption('#inspect-layer', '1');
    await page.locator('#inspect-units-title', { hasText: 'Hidden layer 2 of 2 · 20 units' }).waitFor();
    expect(await page.locator('#inspect-units canvas.unit-tile').count()).toBe(20);
    expect(await page.locator('#inspect-units canvas.votes').count()).toBe(20);
    expect(await text('#inspect-units-note')).toContain('traced back to the pixels (W2·W1');
    expect(Number.parseFloat(await text('#valid-acc'))).toBeGreaterThan(85); // a ReLU network learns in one epoch
    // The traced tiles are pictures, not blanks: many distinct colours in the first one.
    const colours = await page.$eval('#inspect-units canvas.unit-tile', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
      return new Set(Array.from({ length: 784 }, (_, i) => `${d[i * 4]},${d[i * 4 + 1]},${d[i * 4 + 2]}`)).size;
    });
    expect(colours).toBeGreaterThan(50);
    await shot('9b-inspect-deeper');
    // Its outputs are softmax probabilities: the Mistakes gallery prints them as "%", as the pad does.
    await page.click('#tab-mistakes');
    await page.locator('#analysis-when', { hasText: 'model after epoch 1 of 1' }).waitFor();
    await page.locator('#gallery-tiles button.tile').first().waitFor();
    expect(await text('#outputs-note')).toContain('softmax probabilities (they sum to 1)');
    for (const c of await page.$$eval('#gallery-tiles .conf', (cs) => cs.map((e) => e.textContent))) expect(c).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.locator('#gallery-tiles button.tile').first().getAttribute('aria-label')).toMatch(/with output \d+(\.\d)?%, then \d with \d+(\.\d)?%$/);
    // Why this one learned in an epoch what the seed run needed five for: no slope factor in its error signal, so its
    // first gradients are larger than the sigmoid/MSE network's.
    await page.click('#tab-why');
    await page.locator('#why-gradients-2[data-points="10"]').waitFor();
    expect(await text('#why-story')).toMatch(/^With softmax and cross-entropy, the error signal is simply p − y/);
    const reluEarly = Number(await page.getAttribute('#why-gradients-0', 'data-early'));
    console.log(`RMS gradient of layer 1 a tenth of an epoch in: sigmoid/MSE ${seedEarlyGradient.toExponential(2)}, ReLU/softmax/cross-entropy ${reluEarly.toExponential(2)}`);
    expect(reluEarly).toBeGreaterThan(seedEarlyGradient);
    await shot('13b-why-relu');
    // Compared with the MSE runs, the cross-entropy run gets its own loss axis; accuracy is shared.
    await page.click('#tab-compare');
    await page.locator('#compare-loss[data-losses="mse,ce"]').waitFor();
    expect(await page.locator('#compare-loss .chart').count()).toBe(2);
    expect(await text('#compare-loss')).toContain('Loss (cross-entropy)');
    const labels = await page.$$eval('#runs-table .run-label', (r) => r.map((e) => e.textContent));
    expect(labels.at(-1)).toContain('784-40-20-10 relu→softmax/cross-entropy');
    expect(labels[1]).toContain('sigmoid/MSE');
    await shot('10b-compare-losses');
    expect(await text('#valid-loss-label')).toBe('Validation loss (cross-entropy)');
    await page.click('#tab-train');
  });

  it('steps one batch and shows what it changed; at a slow pace every batch lands on screen one by one', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.click('#tab-train');
    await page.selectOption('#preset', 'seed');
    await page.fill('#epochs', '1');
    await page.press('#epochs', 'Tab');
    await page.keyboard.press('Control+Shift+Enter'); // Step
    await page.locator('#run-state[data-state="paused"]').waitFor();
    await page.locator('#unit-grid[data-view="step/shared"]').waitFor();
    expect(await text('#step-change')).toMatch(/^Step: batch 1 of epoch 1\. Loss on 1,000 held-out images \d\.\d{4} → \d\.\d{4} \([−+]\d\.\d{4}\); this batch’s own loss before the update \d\.\d{4}\.$/);
    expect(await text('#weights-caption')).toContain('what this one step (one batch) changed');
    // The update's tiles are drawn: most tile pixels coloured (one batch's gradient, on its own scale).
    const coloured = await page.$eval('#unit-grid', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let n = 0;
      let k = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === 214 && d[i + 1] === 218 && d[i + 2] === 224) continue;
        n++;
        if (Math.abs(d[i]! - 247) + Math.abs(d[i + 1]! - 247) + Math.abs(d[i + 2]! - 247) > 30) k++;
      }
      return k / n;
    });
    expect(coloured).toBeGreaterThan(0.1);
    await page.screenshot({ path: join(SCREENSHOTS, '12-step.png') });

    // At 10 batches a second the worker trains one batch, reports it at once, then waits: every message of batch
    // points it sends carries exactly one batch (at full speed they carry dozens).
    await page.selectOption('#pace', '10');
    await page.evaluate(() => {
      (window as unknown as { batchMessages: number[] }).batchMessages = [];
    });
    await page.click('#resume');
    await page.locator('#step-change').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => (window as unknown as { batchMessages: number[] }).batchMessages.length >= 6);
    await page.keyboard.press('Control+.'); // Pause
    await page.locator('#run-state[data-state="paused"]').waitFor();
    const sizes = await page.evaluate(() => (window as unknown as { batchMessages: number[] }).batchMessages);
    expect(new Set(sizes), `points per message: ${sizes.join(', ')}`).toEqual(new Set([1]));
    await page.selectOption('#pace', '0');
    await page.click('#stop');
    await page.locator('#run-state[data-state="stopped"]').waitFor();
  });

  it('trains with AdamW, dropout, a cosine schedule and early stopping chosen in the closed Optimiser section', async () => {
    await page.selectOption('#preset', 'seed');
    expect(await page.locator('#optimiser').getAttribute('open')).toBeNull();
    expect(await text('#optimiser-summary')).toBe('plain SGD');
    await page.click('#optimiser summary');
    // Only the chosen optimiser's, schedule's and stopping rule's own settings are enabled.
    expect(await page.locator('#beta1').isDisabled()).toBe(true);
    expect(await page.locator('#warmup').isDisabled()).toBe(true);
    expect(await page.locator('#patience').isDisabled()).toBe(true);
    await page.fill('#momentum', '0.9');
    await page.press('#momentum', 'Tab');
    // Choosing Adam(W) never leaves an error the learner did not cause: the momentum it has no use for goes to 0.
    await page.selectOption('#optimizer', 'adamw');
    await page.locator('#momentum:disabled').waitFor();
    expect(await page.locator('#momentum').inputValue()).toBe('0');
    expect(await page.locator('#beta1').isEnabled()).toBe(true);
    expect(await text('#settings-error')).toBe('');
    await page.selectOption('#hidden', 'relu');
    await page.selectOption('#output', 'softmax');
    await page.selectOption('#loss', 'ce');
    await page.selectOption('#init', 'he');
    await page.fill('#lr', '0.002');
    await page.fill('#dropout', '0.2');
    await page.press('#dropout', 'Tab');
    await page.selectOption('#schedule', 'cosine');
    await page.locator('#lr-decay:disabled').waitFor();
    await page.fill('#warmup', '0.5');
    await page.selectOption('#early-stop', 'loss');
    await page.fill('#patience', '1');
    await page.fill('#epochs', '3');
    await page.press('#epochs', 'Tab');
    // The store draws on the next animation frame: wait for the form to show the last change.
    await page.locator('#optimiser-summary', { hasText: /^AdamW · dropout 0\.2 · cosine · early stop on loss$/ }).waitFor();
    await expect.poll(() => page.locator('#preset').inputValue()).toBe('custom');
    await page.screenshot({ path: join(SCREENSHOTS, '14-optimiser.png') });
    await page.click('#start');
    await page.locator('#run-state[data-state="done"]').waitFor({ timeout: 300_000 });
    // Early stopping watched the validation loss: the best epoch is named, or the one kept when it ended the run.
    expect(await text('#epoch-progress')).toMatch(/best so far: epoch [1-3]$|^stopped early after epoch [12]\/3 · kept epoch 1’s weights$/);
    expect(Number.parseFloat(await text('#valid-acc'))).toBeGreaterThan(90);
    await page.click('#tab-model');
    await page.locator('#model-summary', { hasText: 'AdamW lr 0.002' }).waitFor();
    const summary = await text('#model-summary');
    for (const part of ['AdamW lr 0.002, β1 0.9, β2 0.999', 'cosine to 0 after 0.5 warm-up epochs', 'dropout 0.2', 'on validation loss, patience 1 epoch (the best']) expect(summary).toContain(part);
    // The learning rate each epoch ended at follows the cosine: falling after the warm-up.
    const rates = (await page.$$eval('#history-table td.lr', (t) => t.map((e) => Number(e.textContent)))) as number[];
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThan(rates[i - 1]!);
    await page.click('#tab-train');
  });

  // Every view at the largest and the smallest supported window: no horizontal scrolling, and the run controls on
  // screen even when the page is scrolled to its end. Screenshots: view-<tab>-<width>x<height>.png.
  for (const [width, height] of [
    [1400, 900],
    [900, 600],
  ] as const) {
    it(`works at ${width}×${height}: every tab without horizontal scrolling, the run controls always in view`, async () => {
      await page.setViewportSize({ width, height });
      for (const tab of ['train', 'why', 'mistakes', 'draw', 'inspect', 'compare', 'model']) {
        await page.click(`#tab-${tab}`);
        await page.locator(`#panel-${tab}:not([hidden])`).waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        // No visible text under 12 px.
        const small = await page.evaluate(() => {
          const out: string[] = [];
          for (const e of document.querySelectorAll<HTMLElement>('body *')) {
            const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
            if (!own || e.offsetParent === null) continue;
            const size = Number.parseFloat(getComputedStyle(e).fontSize);
            if (size < 12) out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className}: ${size}px "${e.textContent!.trim().slice(0, 30)}"`);
          }
          return out;
        });
        expect(small, `text under 12 px on the ${tab} tab`).toEqual([]);
        expect(scrollWidth, `the ${tab} tab is ${scrollWidth} px wide`).toBeLessThanOrEqual(width);
        await page.screenshot({ path: join(SCREENSHOTS, `view-${tab}-${width}x${height}.png`) });
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        const go = (await page.isVisible('#start')) ? 'start' : 'resume';
        for (const id of [go, 'pause', 'step', 'stop', 'save-model', 'open-model']) {
          const box = await page.locator(`#${id}`).boundingBox();
          expect(box, `#${id} on the ${tab} tab`).not.toBeNull();
          expect(box!.y, `#${id} on the ${tab} tab, scrolled to the end`).toBeGreaterThanOrEqual(0);
          expect(box!.y + box!.height).toBeLessThanOrEqual(height);
          expect(box!.x + box!.width).toBeLessThanOrEqual(width);
        }
      }
      await page.evaluate(() => window.scrollTo(0, 0));
    });
  }

  it('logged no errors (CSP violations included)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
