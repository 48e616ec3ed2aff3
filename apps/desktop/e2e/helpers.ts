// End-to-end helpers: a static server for the built renderer plus MNIST on 127.0.0.1, and Debian's Chromium driven
// by playwright-core (which never downloads a browser). Each helper returns a reason instead of failing when the
// machine lacks what it needs, so the tests can skip with a printed reason.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { serveRenderer } from '../scripts/serve.mjs';

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = join(APP_DIR, 'dist', 'renderer');
/** The built `mlp` command line (a devDependency, so turbo builds it before these tests). */
export const CLI = join(APP_DIR, '..', 'cli', 'dist', 'cli.js');
export const SCREENSHOTS = join(APP_DIR, 'test-results', 'screenshots');
export const MNIST_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** The real MNIST files: $MNIST_DIR, else ../shared/data/mnist beside the repository root. */
export function mnistDir(): { dir: string | null; reason: string } {
  const dir = process.env.MNIST_DIR ?? resolve(APP_DIR, '..', '..', '..', 'shared', 'data', 'mnist');
  const missing = MNIST_FILES.filter((f) => !existsSync(join(dir, f)));
  return missing.length === 0 ? { dir, reason: '' } : { dir: null, reason: `MNIST is not in ${dir} (missing ${missing.join(', ')}); set MNIST_DIR` };
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): { path: string | null; reason: string } {
  const list = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CHROMIUM_CANDIDATES;
  const path = list.find((p) => existsSync(p)) ?? null;
  return path ? { path, reason: '' } : { path: null, reason: `no Chromium at ${list.join(', ')} (apt-get install chromium, or set CHROMIUM_PATH)` };
}

/** Serve `root` at / and `dataDir` at /data/ on 127.0.0.1 (a random port); `isolated` adds COOP/COEP (two threads). */
export function serve(root: string, dataDir: string, options: { isolated?: boolean } = {}) {
  return serveRenderer({ root, dataDir, ...options });
}

/** Headless Chromium with a fresh profile that nothing outside the machine is contacted from. */
export async function launchChromium(executablePath: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mlp-desktop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1360, height: 880 },
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Load MNIST in the page and train the current preset for one epoch, to the end. */
export async function trainOneEpoch(page: Page): Promise<void> {
  await page.click('#load-dataset');
  await page.locator('#dataset-status[data-status="ready"]').waitFor();
  await page.fill('#epochs', '1');
  await page.press('#epochs', 'Tab');
  await page.click('#start');
  await page.locator('#run-state[data-state="done"]').waitFor();
}
