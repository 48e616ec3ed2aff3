// End-to-end helpers: a small generated MNIST-layout dataset (IDX gz files), and running the built `mlp` binary.
// The dataset is synthetic and easy (a bright block whose place encodes the class), so a few epochs learn it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Rng } from '@mlp/core';
import { writeIdx } from '@mlp/mnist';

export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

const temps: string[] = [];
const mounts: string[] = [];
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mlp-cli-'));
  temps.push(d);
  return d;
}
export function cleanup(): void {
  for (const m of mounts.splice(0)) spawnSync('umount', [m]);
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * A new tmpfs folder mounted with `options` (e.g. 'ro,size=64k'; unmounted by cleanup()), or null, with the reason
 * printed, where this sandbox does not allow mounting.
 */
export function tmpfs(options: string): string | null {
  const dir = tempDir();
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`skipping a tmpfs case (${options}): mount is not permitted here (${(r.stderr || r.error?.message || '').trim()})`);
    return null;
  }
  mounts.push(dir);
  return dir;
}

/** A 28×28 image of class c: a 6×6 bright block at a class-specific place, jittered, on noisy background. */
export function synthImage(c: number, rng: Rng): Uint8Array {
  const img = new Uint8Array(784);
  for (let i = 0; i < 784; i++) img[i] = rng.float() < 0.1 ? rng.int(60) : 0;
  const r0 = 3 + Math.floor(c / 5) * 12 + rng.int(3) - 1;
  const c0 = 1 + (c % 5) * 5 + rng.int(2);
  for (let r = r0; r < r0 + 6; r++) for (let k = c0; k < c0 + 6; k++) img[r * 28 + k] = 200 + rng.int(56);
  return img;
}

/** Write train/test IDX gz files (MNIST's names) with `train` and `test` examples into a new folder. */
export function makeDataset(train = 1200, test = 300, seed = 1): string {
  const dir = tempDir();
  const rng = new Rng(seed);
  const write = (count: number, imagesName: string, labelsName: string) => {
    const images = new Uint8Array(count * 784);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 10;
      images.set(synthImage(i % 10, rng), i * 784);
    }
    writeFileSync(join(dir, imagesName), gzipSync(writeIdx({ dims: [count, 28, 28], data: images })));
    writeFileSync(join(dir, labelsName), gzipSync(writeIdx({ dims: [count], data: labels })));
  };
  write(train, 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
  write(test, 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
  return dir;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `mlp args…` to completion (CI set, so no progress bars). */
export function mlp(args: string[], options: StartOptions = {}): Promise<RunResult> {
  return finish(start(args, options));
}

export interface StartOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Node flags before the CLI's path, e.g. ['-r', rssReporter()]. */
  node?: string[];
}

export function start(args: string[], options: StartOptions = {}): ChildProcess & { out: () => string; err: () => string } {
  const child = spawn(process.execPath, [...(options.node ?? []), CLI, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: { ...process.env, CI: 'true', MLP_CACHE_DIR: tempDir(), npm_command: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  return Object.assign(child, { out: () => out, err: () => err });
}

export function finish(child: ReturnType<typeof start>): Promise<RunResult> {
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout: child.out(), stderr: child.err() }));
  });
}

/** Start `mlp train` with `args` (which ask for `epochs` epochs), send SIGINT once its first epoch line is out, and wait for it to end. */
export async function trainInterrupted(args: string[], epochs: number): Promise<RunResult> {
  const child = start(['train', ...args]);
  await new Promise<void>((res) => {
    const first = new RegExp(`epoch +1/${epochs} `);
    const check = () => (first.test(child.out()) ? res() : setTimeout(check, 20));
    check();
  });
  child.kill('SIGINT');
  return finish(child);
}

/** Flags for a quick training run on the synthetic dataset. */
export const QUICK = ['--layers', '784,32,10', '--lr', '0.5', '--batch', '20', '--epochs', '3', '--valid', '200', '--seed', '7'];

/**
 * A preload (node -r FILE) that prints the process's peak resident memory, `maxRSS <KiB>`, to stderr at exit. It reads
 * VmHWM from /proc: getrusage's maxRSS survives exec, so a child would report its parent's peak (the test's own).
 */
export function rssReporter(): string {
  const file = join(tempDir(), 'rss.cjs');
  writeFileSync(
    file,
    `process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try { kb = Number(/VmHWM:\\s*(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
  process.stderr.write('maxRSS ' + kb + '\\n');
});
`,
  );
  return file;
}

/** Peak resident memory in MB from a run with rssReporter() preloaded. */
export function peakMb(r: RunResult): number {
  const m = /maxRSS (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no maxRSS line in: ${r.stderr}`);
  return Number(m[1]) / 1024;
}

/** Every suite's start: the built CLI, a generated dataset, and a model trained on it with QUICK at `work/m.mlp`. */
export async function trainedModel(): Promise<{ data: string; work: string; model: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (pnpm --filter @mlp/cli build)`);
  const data = makeDataset();
  const work = tempDir();
  const model = join(work, 'm.mlp');
  const r = await mlp(['train', '--data', data, ...QUICK, '--out', model]);
  if (r.code !== 0) throw new Error(`training failed (${r.code}): ${r.stderr}`);
  return { data, work, model };
}
