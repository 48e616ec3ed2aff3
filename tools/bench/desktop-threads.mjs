// Benchmark: the seed run's training speed in the app's renderer (Chromium, cross-origin isolated, two threads, as the
// desktop app serves it) against the CLI's `mlp train --preset seed --threads 2`, and the plain (one-thread) page for
// context. Per run: the median of the per-epoch training seconds both record (@mlp/core's EpochReport.seconds: the
// CLI's JSON `sec`, the app's saved model's history), the first epoch left out. Prints the ratio app ÷ CLI (target:
// within 1.3×); never asserts. Needs the built renderer and CLI (turbo's bench task builds them), Chromium, real MNIST.
// Options: --epochs N (default 10), --rounds N (alternating CLI/app runs, default 2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadModel } from '@mlp/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const desktop = join(root, 'apps', 'desktop');
const renderer = join(desktop, 'dist', 'renderer');
const cli = join(root, 'apps', 'cli', 'dist', 'cli.js');
const dataDir = process.env.MNIST_DIR || resolve(root, '../shared/data/mnist');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? d : Number(process.argv[i + 1]);
};
const EPOCHS = arg('--epochs', 10);
const ROUNDS = arg('--rounds', 2);

const missing = [
  [existsSync(join(renderer, 'index.html')), `the renderer is not built (${renderer}): pnpm --filter @mlp/desktop build`],
  [existsSync(cli), `the CLI is not built (${cli}): pnpm --filter @mlp/cli build`],
  [existsSync(chromium), `no Chromium at ${chromium} (set CHROMIUM_PATH)`],
  [existsSync(join(dataDir, 'train-images-idx3-ubyte.gz')), `MNIST is not in ${dataDir} (set MNIST_DIR)`],
].find(([ok]) => !ok);
if (missing) {
  console.log(`skipping desktop-threads: ${missing[1]}`);
  process.exit(0);
}

// The desktop app's own server and playwright-core (its devDependency), so the page is served as its tests serve it.
const { serveRenderer } = await import(pathToFileURL(join(desktop, 'scripts', 'serve.mjs')).href);
const { chromium: pw } = createRequire(join(desktop, 'package.json'))('playwright-core');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const tmp = mkdtempSync(join(tmpdir(), 'mlp-bench-desktop-'));

function cliEpochs(threads) {
  const r = spawnSync(process.execPath, [cli, 'train', '--preset', 'seed', '--data', dataDir, '--epochs', String(EPOCHS), '--threads', String(threads), '--json', '--out', join(tmp, 'cli.mlp')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mlp train failed: ${r.stderr.trim().split('\n').at(-1)}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((o) => o.type === 'epoch')
    .map((o) => o.sec);
}

async function appEpochs(context, url, name) {
  const page = await context.newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(url);
  await page.locator('#start').waitFor();
  await page.click('#load-dataset');
  await page.locator('#dataset-status[data-status="ready"]').waitFor();
  await page.fill('#epochs', String(EPOCHS));
  await page.press('#epochs', 'Tab');
  await page.click('#start');
  await page.locator('#run-state[data-state="done"]').waitFor();
  const threads = await page.locator('#threads').textContent();
  const download = page.waitForEvent('download');
  await page.click('#save-model');
  const file = join(tmp, `${name}.mlp`);
  await (await download).saveAs(file);
  await page.close();
  const { model, meta } = loadModel(new Uint8Array(readFileSync(file)));
  model.dispose();
  return { threads, seconds: meta.history.map((h) => h.seconds) };
}

const isolated = await serveRenderer({ root: renderer, dataDir, isolated: true });
const plain = await serveRenderer({ root: renderer, dataDir });
const profile = mkdtempSync(join(tmpdir(), 'mlp-bench-chromium-'));
const context = await pw.launchPersistentContext(profile, {
  executablePath: chromium,
  headless: true,
  acceptDownloads: true,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const runs = { cli: [], cli1: [], app2: [], app1: [] };
let threadsSeen = '';
try {
  // Alternate the contenders, so a slow spell of a shared machine does not land on one of them only.
  for (let r = 0; r < ROUNDS; r++) {
    runs.cli.push(...cliEpochs(2).slice(1));
    runs.cli1.push(...cliEpochs(1).slice(1));
    const two = await appEpochs(context, isolated.url, `app2-${r}`);
    threadsSeen = two.threads;
    runs.app2.push(...two.seconds.slice(1));
    runs.app1.push(...(await appEpochs(context, plain.url, `app1-${r}`)).seconds.slice(1));
  }
} finally {
  await context.close();
  await isolated.close();
  await plain.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
}

const cliS = median(runs.cli);
const cli1 = median(runs.cli1);
const app2 = median(runs.app2);
const app1 = median(runs.app1);
const row = (label, s) => console.log(`  ${label.padEnd(44)} ${s.toFixed(3)} s  (${Math.round(55_000 / s).toLocaleString('en')} examples/s)`);
console.log(`seed preset (784-50-10), ${EPOCHS} epochs × ${ROUNDS} rounds, median training seconds per epoch (first epoch of each run left out)`);
row('CLI  mlp train --threads 2', cliS);
row(`app  Chromium, isolated (${threadsSeen})`, app2);
row('CLI  mlp train --threads 1', cli1);
row('app  Chromium, not isolated (1 thread)', app1);
console.log(`  ratio app (2 threads) ÷ CLI (2 threads): ${(app2 / cliS).toFixed(2)}×   (target: within 1.3×)`);
console.log(`  second thread's speed-up: CLI ${(cli1 / cliS).toFixed(2)}×, app ${(app1 / app2).toFixed(2)}× (below 1× when other work holds the second core)`);
