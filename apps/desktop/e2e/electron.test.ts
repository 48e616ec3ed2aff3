// The real app under Electron, driven by playwright-core's _electron. Electron's binary comes from outside the
// package registries, so where it was never downloaded (our CI) this test is skipped with the reason printed.
// Native dialogs cannot be clicked from a test: where one would open, main's dialog function is replaced (through
// app.evaluate) by one that records the question and gives a chosen answer; everything else runs as the user's would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP, saveModel } from '@mlp/core';
import { type ElectronApplication, type Page, _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../scripts/electron-binary.mjs';
import { APP_DIR, SCREENSHOTS, mnistDir } from './helpers.js';

const bin = electronBinary();
if (!bin.path) console.log(`skipping the Electron end-to-end test: ${bin.reason}. Run pnpm --filter @mlp/desktop start once on a connected machine to fetch it.`);

const LINUX_ARGS = process.platform === 'linux' ? ['--no-sandbox'] : [];
const launch = (userData: string, extra: string[] = []) =>
  _electron.launch({ executablePath: bin.path!, args: [APP_DIR, ...LINUX_ARGS, ...extra], env: { ...process.env, MLP_DESKTOP_USER_DATA: userData } as Record<string, string> });
const windowTitle = (app: ElectronApplication) => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());

/** A small model file (any .mlp the core writes opens in the app). */
function modelFile(dir: string, name: string): string {
  const path = join(dir, name);
  const m = new MLP({ layers: [784, 8, 10] }, { seed: 3 });
  writeFileSync(path, saveModel(m));
  m.dispose();
  return path;
}

describe.skipIf(!bin.path)('the Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  const userData = mkdtempSync(join(tmpdir(), 'mlp-desktop-electron-'));

  beforeAll(async () => {
    app = await launch(userData);
    page = await app.firstWindow();
    await page.locator('#start').waitFor();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(userData, { recursive: true, force: true });
  });

  it('opens the app from app:// with the preload API and no Node in the page', async () => {
    expect(page.url()).toBe('app://desktop/index.html');
    expect(await page.title()).toBe('MLP workbench');
    const probe = await page.evaluate(() => ({
      api: document.documentElement.dataset.api,
      keys: Object.keys((window as unknown as { desktop: object }).desktop).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(probe).toEqual({
      api: 'electron',
      keys: ['exportModel', 'importDataset', 'kind', 'loadDataset', 'loadSettings', 'onCommand', 'openModel', 'reportState', 'saveModel', 'saveSettings'],
      require: 'undefined',
      process: 'undefined',
    });
    // Sandboxed: the preload could not reach Node either, and the page sees only the exposed functions.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'electron-window.png') });
  });

  it('answers bad IPC arguments with an error message, and main keeps running', async () => {
    const err = await page.evaluate(() =>
      (window as unknown as { desktop: { saveModel(b: unknown, n: unknown): Promise<unknown> } }).desktop.saveModel('not bytes', 5).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );
    expect(err).toMatch(/must be a Uint8Array/);
    expect(await page.evaluate(() => (window as unknown as { desktop: { loadSettings(): Promise<unknown> } }).desktop.loadSettings())).toBeNull();
  });

  it('remembers settings in the data folder', async () => {
    await page.fill('#epochs', '7');
    await page.press('#epochs', 'Tab');
    await expect.poll(() => page.evaluate(() => (window as unknown as { desktop: { loadSettings(): Promise<{ train: { epochs: number } } | null> } }).desktop.loadSettings().then((s) => s?.train.epochs))).toBe(7);
  });

  it('runs once per data folder: a second start exits, handing its model to the first, which keeps its one window', async () => {
    const model = modelFile(userData, 'forwarded.mlp');
    const second = spawn(bin.path!, [APP_DIR, ...LINUX_ARGS, model], {
      env: { ...process.env, MLP_DESKTOP_USER_DATA: userData },
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    expect(app.windows()).toHaveLength(1);
    await page.locator('#message').filter({ hasText: 'Loaded forwarded.mlp' }).waitFor();
    await expect.poll(() => windowTitle(app)).toBe('forwarded.mlp — MLP workbench');
  });

  it('is cross-origin isolated and trains with two threads where the machine has two cores', async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await expect.poll(() => page.locator('#threads').textContent()).toBe(availableParallelism() >= 2 ? '2 threads' : '1 thread');
  });

  it('has the application menu, without Reload or DevTools in a packaged build', async () => {
    const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.items.map((i) => i.label.replace('&', '')));
    expect(labels).toEqual(process.platform === 'darwin' ? ['MLP workbench', 'File', 'Edit', 'View', 'Window', 'Help'] : ['File', 'Edit', 'View', 'Help']);
    const file = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.items.find((i) => i.label.replace('&', '') === 'File')!.submenu!.items.map((i) => i.label));
    expect(file.slice(0, 2)).toEqual(['Open Model…', 'Save Model…']);
  });

  it('refuses to navigate away from the app or open windows', async () => {
    // Neither target is a web link, so nothing is handed to the system browser either.
    await page.evaluate(() => {
      window.open('file:///etc/hostname');
      location.href = 'file:///etc/hostname';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://desktop/index.html');
    expect(app.windows()).toHaveLength(1);
  });
});

describe.skipIf(!bin.path)('the Electron app given a model on the command line', () => {
  const userData = mkdtempSync(join(tmpdir(), 'mlp-desktop-electron-argv-'));
  const mnist = mnistDir();
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    app = await launch(userData, [modelFile(userData, 'from-argv.mlp')]);
    page = await app.firstWindow();
    await page.locator('#start').waitFor();
  });
  afterAll(async () => {
    await app?.close().catch(() => {});
    rmSync(userData, { recursive: true, force: true });
  });

  it('opens it, and titles the window with its name', async () => {
    await page.locator('#message').filter({ hasText: 'Loaded from-argv.mlp' }).waitFor();
    await expect.poll(() => windowTitle(app)).toBe('from-argv.mlp — MLP workbench');
  });

  it.skipIf(!mnist.dir)('asks before closing with an unsaved trained model: Cancel keeps the window, Don’t Save closes it', async () => {
    // Import the dataset from the real folder (the folder dialog answered with it), then train one batch.
    await app.evaluate(({ dialog }, dir) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [dir] })) as typeof dialog.showOpenDialog;
    }, mnist.dir!);
    await page.click('#import-dataset');
    await page.locator('#dataset-status[data-status="ready"]').waitFor();
    await page.click('#step');
    await page.locator('#run-state[data-state="paused"]').waitFor();
    await page.click('#stop'); // paused mid-run would ask "stop the run?"; stopped leaves an unsaved model
    await page.locator('#run-state[data-state="stopped"]').waitFor();
    await expect.poll(() => windowTitle(app)).toBe('• trained model — MLP workbench');

    const answer = (response: number) =>
      app.evaluate(({ dialog }, r) => {
        const g = globalThis as unknown as { asked: string[] };
        g.asked = [];
        dialog.showMessageBox = (async (...a: unknown[]) => {
          g.asked.push((a.at(-1) as { message: string }).message);
          return { response: r, checkboxChecked: false };
        }) as typeof dialog.showMessageBox;
      }, response);
    const asked = () => app.evaluate(() => (globalThis as unknown as { asked: string[] }).asked);

    await answer(2); // Cancel
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await expect.poll(asked).toEqual(['Save trained model before you close?']);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    await answer(1); // Don't Save
    const closed = app.waitForEvent('close');
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    if (process.platform === 'darwin') {
      await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
      await app.close();
    }
    await closed;
  });
});
