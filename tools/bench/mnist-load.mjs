// Benchmark: wall time and peak RSS of loading all of MNIST (60k + 10k images, as Uint8Arrays) from the cache.
// Target on the 2-core dev machine: under 1 s and under 150 MB RSS. Prints numbers; never asserts on them.
// Uses the BUILT @mlp/mnist (turbo's bench task builds it first) and the real files in ../shared/data/mnist
// (or $MNIST_DIR); skips with a reason when they are absent. Each measurement runs in a fresh child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 3;
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  // Child: one load, then report what it cost. Module import is timed separately from the load itself.
  const t0 = performance.now();
  const { loadMnist } = await import('@mlp/mnist/node');
  const t1 = performance.now();
  const [, , , source, where] = process.argv;
  const m = source === 'dir' ? await loadMnist({ dir: where }) : await loadMnist({ cacheDir: where, download: false });
  const t2 = performance.now();
  const out = { importMs: t1 - t0, loadMs: t2 - t1, rssMB: (process.resourceUsage().maxRSS * 1024) / 1e6, images: m.train.count + m.test.count };
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dataDir = process.env.MNIST_DIR || resolve(root, '../shared/data/mnist');
const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const missing = names.filter((n) => !existsSync(join(dataDir, n)));
if (missing.length > 0) {
  console.log(`mnist-load: skipped, ${missing.join(', ')} not found in ${dataDir} (set MNIST_DIR to a folder with the four MNIST files)`);
  process.exit(0);
}

let mnist;
try {
  mnist = await import('@mlp/mnist/node');
} catch (e) {
  console.error(`mnist-load: cannot import the built @mlp/mnist (${e.message}); run \`pnpm turbo run bench --filter @mlp/bench\`, which builds it first`);
  process.exit(1);
}

const cacheDir = mkdtempSync(join(tmpdir(), 'mlp-bench-'));
function child(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return { wallMs, ...(r.stdout ? JSON.parse(r.stdout) : { rssMB: Number.NaN }) };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

try {
  await mnist.importFrom(dataDir, mnist.MNIST, { cacheDir });
  const removeMarkers = () => {
    const dir = mnist.datasetDir(cacheDir, mnist.MNIST);
    for (const f of readdirSync(dir)) if (f.endsWith('.verified')) rmSync(join(dir, f));
  };
  const scenarios = [
    ['node startup only (reference)', () => child(['-e', `process.stdout.write(JSON.stringify({rssMB: process.resourceUsage().maxRSS * 1024 / 1e6}))`])],
    ['cache hit, verified marker', () => child([self, '--child', 'cache', cacheDir])],
    [
      'cache hit, full sha256 re-check',
      () => {
        removeMarkers();
        return child([self, '--child', 'cache', cacheDir]);
      },
    ],
    ['folder of .gz (loadMnist({dir}))', () => child([self, '--child', 'dir', dataDir])],
  ];
  const rows = [];
  for (const [label, run] of scenarios) {
    const rs = Array.from({ length: RUNS }, run);
    rows.push({
      scenario: label,
      'load ms': rs[0].loadMs === undefined ? '' : median(rs.map((r) => r.loadMs)).toFixed(0),
      'import ms': rs[0].importMs === undefined ? '' : median(rs.map((r) => r.importMs)).toFixed(0),
      'process wall ms': median(rs.map((r) => r.wallMs)).toFixed(0),
      'peak RSS MB': median(rs.map((r) => r.rssMB)).toFixed(1),
    });
  }
  console.log(`mnist-load: median of ${RUNS} fresh processes each; Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs`);
  console.table(rows);
  console.log('target: load under 1000 ms and peak RSS under 150 MB (cache hit rows)');
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
