// The real app under Electron, driven by playwright-core's _electron. Electron's binary comes from outside the
// package registries, so where it was never downloaded (our CI) this test is skipped with the reason printed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ElectronApplication, type Page, _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../scripts/electron-binary.mjs';
import { APP_DIR, SCREENSHOTS } from './helpers.js';

const bin = electronBinary();
if (!bin.path) console.log(`skipping the Electron end-to-end test: ${bin.reason}. Run pnpm --filter @mlp/desktop start once on a connected machine to fetch it.`);

describe.skipIf(!bin.path)('the Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  const userData = mkdtempSync(join(tmpdir(), 'mlp-desktop-electron-'));

  beforeAll(async () => {
    app = await _electron.launch({
      executablePath: bin.path!,
      args: [APP_DIR, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, MLP_DESKTOP_USER_DATA: userData } as Record<string, string>,
    });
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
      keys: ['importDataset', 'kind', 'loadDataset', 'loadSettings', 'openModel', 'saveModel', 'saveSettings'],
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

  it('runs once per data folder: a second start exits and the first keeps its one window', async () => {
    const second = spawn(bin.path!, [APP_DIR, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])], {
      env: { ...process.env, MLP_DESKTOP_USER_DATA: userData },
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    expect(app.windows()).toHaveLength(1);
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
