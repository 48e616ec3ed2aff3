// Benchmark: training speed of @mlp/core on real MNIST for the seed, best and long presets' networks and recipes,
// per kernel backend: seconds per epoch (median of ≥ 3), GFLOP/s, examples/s, peak RSS, speedup over the naive kernel,
// per-epoch validation accuracy, and the same algorithm in numpy + OpenBLAS for a ratio. Prints; never asserts.
// Uses the BUILT @mlp/core, @mlp/mnist and @mlp/recipe (turbo's bench task builds them); the presets and the run
// construction (split, scaling, model, trainer) are @mlp/recipe's, as in the CLI and the desktop app. Each measurement runs in a fresh process.
// Options: --best 784,256,10 (other widths for the best network), --quick (fewer epochs), --no-numpy, --presets best,long.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
const root = resolve(here, '../..');
const dataDir = process.env.MNIST_DIR || resolve(root, '../shared/data/mnist');

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};

/**
 * @mlp/recipe's presets, `--best` replacing best's widths, each with its input scaling as numbers (mul, add) for
 * train_numpy.py. Imported when needed, so that a missing build is reported by the check below.
 */
async function loadPresets() {
  const recipe = await import('@mlp/recipe');
  const { scaling } = await import('@mlp/mnist');
  const withScaling = (p) => ({ ...p, layers: [...p.layers], ...scaling(p.scale) });
  const best = { ...recipe.PRESETS.best, layers: (arg('--best') ?? recipe.PRESETS.best.layers.join(',')).split(',').map(Number) };
  return { seed: withScaling(recipe.PRESETS.seed), best: withScaling(best), long: withScaling(recipe.PRESETS.long) };
}
/** Set by the child and by the parent (after the build check) before any use. */
let PRESETS;
/** A preset's training settings without the numpy-only keys. */
const settingsOf = ({ mul, add, ...settings }) => settings;
/** Pause before each interleaved epoch (see interleave()). */
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 200);

const PYTHON = '/usr/bin/python3';

/** Why numpy cannot run here, or null when Debian's python3 has numpy. */
function numpyMissing() {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  const check = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return check.status === 0 ? null : `${PYTHON} has no numpy (apt-get install python3-numpy libopenblas0-pthread)`;
}

/** train_numpy.py's command line and environment for a preset's config (extra keys merged in). */
function numpyCommand(preset, extra) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE; // let OpenBLAS pick its best kernel for this CPU, as a user's numpy would
  delete env.OPENBLAS_L2_SIZE;
  const cfg = { ...PRESETS[preset], dtype: 'float32', ...extra };
  return { args: [join(here, 'train_numpy.py'), dataDir, JSON.stringify(cfg)], env };
}

if (process.argv[2] === '--child') {
  // Child: one backend on one preset. mode 'epochs' trains whole epochs; 'batches' times N batches and extrapolates;
  // 'interleave' alternates whole wasm epochs (one model per thread count) with numpy's, for the ratio.
  const job = JSON.parse(process.argv[3]);
  const { prepareData, prepareRun } = await import('@mlp/recipe');
  const { loadMnist } = await import('@mlp/mnist/node');
  PRESETS = await loadPresets();
  const settings = settingsOf(PRESETS[job.preset]);
  const mnist = await loadMnist({ dir: dataDir });
  const { split } = prepareData(settings, mnist);
  if (job.mode === 'interleave') {
    // A numpy failure is reported, not thrown: the parent prints why the comparison is missing and goes on.
    const out = await interleave(prepareRun, job, settings, mnist, split).catch((e) => ({ error: e.message }));
    process.stdout.write(JSON.stringify(out));
    process.exit(0);
  }
  const engine = { split, backend: job.backend, threads: job.threads, trackValidation: job.mode === 'epochs' };
  const { model, trainer, train } = prepareRun({ ...settings, epochs: job.mode === 'epochs' ? job.epochs : 1 }, mnist, engine);
  const result = { threads: model.threads, examples: train.count, macs: model.macsPerExample, epochs: [] };
  if (job.mode === 'epochs') {
    await trainer.run({ yieldMs: 1e9, onEpoch: (e) => result.epochs.push({ seconds: e.seconds, validationAccuracy: e.validationAccuracy }) });
  } else {
    for (let i = 0; i < 3; i++) trainer.step(); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < job.batches; i++) trainer.step();
    const perBatch = (performance.now() - t0) / 1000 / job.batches;
    result.epochs.push({ seconds: perBatch * trainer.batchesPerEpoch, extrapolatedFrom: job.batches });
  }
  model.dispose();
  result.rssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

/**
 * Rounds of one training epoch per wasm model (threads 1, then 2), each followed by one numpy float32 epoch in a
 * train_numpy.py server, so numpy and wasm share the machine's fast and slow spells (on a shared VM the same epoch's
 * time drifts by 1.5× within seconds, which made separate runs' ratios vary from 1.2× to 2.8×). The first round warms
 * up (wasm indexes the data) and is left out. Seconds are training time only, as elsewhere.
 */
async function interleave(prepareRun, job, settings, mnist, split) {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const models = job.threads.map((threads) => {
    const options = { split, backend: 'wasm', threads, trackValidation: false };
    const { model, trainer } = prepareRun({ ...settings, epochs: job.rounds + 1 }, mnist, options);
    return { threads: model.threads, model, trainer, seconds: [] };
  });
  const { args, env } = numpyCommand(job.preset, { epochs: (job.rounds + 1) * models.length, serve: true });
  const py = spawn(PYTHON, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  py.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const read = async () => {
    const { value, done } = await lines.next();
    if (!done) return JSON.parse(value);
    await new Promise((r) => (py.exitCode === null ? py.once('close', r) : r()));
    throw new Error(`train_numpy.py stopped early: ${stderr.trim().split('\n').at(-1) || `exit ${py.exitCode}`}`);
  };
  const hello = await read();
  const numpy = { ...hello, seconds: [], validationAccuracy: [] };
  // Each epoch starts on an idle machine. After numpy's last product, OpenBLAS's worker thread spins for ~0.11 s (its
  // thread timeout, 2^28 cycles; measured: the Python process uses 0.11 s of CPU in a 0.2 s sleep after a product) and
  // would take a core from most of the wasm epoch that follows. The same pause before numpy's epochs keeps it even.
  const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));
  for (let round = 0; round <= job.rounds; round++) {
    for (const m of models) {
      await quiet();
      let seconds = 0;
      for (let b = 0; b < m.trainer.batchesPerEpoch; b++) seconds += m.trainer.step().batch.seconds;
      await quiet();
      py.stdin.write('\n');
      const np = await read();
      numpy.validationAccuracy.push(np.validationAccuracy);
      if (round === 0) continue;
      m.seconds.push(seconds);
      numpy.seconds.push(np.seconds);
    }
  }
  py.stdin.end();
  for (const m of models) m.model.dispose();
  return { numpy, wasm: models.map((m) => ({ threads: m.threads, seconds: m.seconds })) };
}

const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const missing = names.filter((n) => !existsSync(join(dataDir, n)));
if (missing.length > 0) {
  console.log(`train-speed: skipped, ${missing.join(', ')} not found in ${dataDir} (set MNIST_DIR to a folder with the four MNIST files)`);
  process.exit(0);
}
try {
  await import('@mlp/core');
  await import('@mlp/mnist/node');
  PRESETS = await loadPresets();
} catch (e) {
  console.error(`train-speed: cannot import the built packages (${e.message}); run \`pnpm turbo run bench --filter @mlp/bench\`, which builds them first`);
  process.exit(1);
}

const quick = process.argv.includes('--quick');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Median seconds per epoch; with more than 3 epochs the first is left out (it also indexes the dataset). */
const steadyMedian = (r) => median(r.epochs.length > 3 ? r.epochs.slice(1).map((e) => e.seconds) : r.epochs.map((e) => e.seconds));
const fmt = (x, d = 3) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(d));

function child(job) {
  const r = spawnSync(process.execPath, [self, '--child', JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${JSON.stringify(job)} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A whole numpy run of `epochs` epochs on its own (float64, for context). */
function numpy(preset, epochs, dtype) {
  const missing = numpyMissing();
  if (missing) return { skipped: missing };
  const { args, env } = numpyCommand(preset, { epochs, dtype });
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env });
  if (r.status !== 0) return { skipped: `numpy run failed: ${r.stderr.trim().split('\n').at(-1)}` };
  return JSON.parse(r.stdout);
}

const cpu = cpus();
console.log(`train-speed: Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}; MNIST ${60000 - PRESETS.seed.valid} train / ${PRESETS.seed.valid} validation`);
console.log('seconds/epoch = training time only (validation excluded), median; GFLOP/s counts 3 × MACs × 2 flops per example (dense-equivalent)');

const plans = [
  { preset: 'seed', runs: [
    // Ten epochs of each fast run: the first ones also warm up the JIT, and the reference run is 50 epochs long.
    { backend: 'wasm', threads: 1, mode: 'epochs', epochs: quick ? 3 : 10 },
    { backend: 'wasm', threads: 2, mode: 'epochs', epochs: quick ? 3 : 10 },
    { backend: 'js', threads: 1, mode: 'epochs', epochs: 3 },
    { backend: 'naive', threads: 1, mode: 'batches', batches: 30 },
  ], rounds: quick ? 3 : 10, numpy64Epochs: quick ? 3 : 10 },
  { preset: 'best', runs: [
    { backend: 'wasm', threads: 1, mode: 'epochs', epochs: quick ? 3 : PRESETS.best.epochs },
    { backend: 'wasm', threads: 2, mode: 'epochs', epochs: quick ? 3 : 5 },
    { backend: 'js', threads: 1, mode: 'batches', batches: 20 },
    { backend: 'naive', threads: 1, mode: 'batches', batches: 4 },
  ], rounds: quick ? 2 : 3 },
  // The ten-minute preset: a few epochs are enough for its seconds per epoch (its full run is the README's).
  { preset: 'long', runs: [
    { backend: 'wasm', threads: 2, mode: 'epochs', epochs: quick ? 2 : 3 },
    { backend: 'js', threads: 1, mode: 'batches', batches: 5 },
    { backend: 'naive', threads: 1, mode: 'batches', batches: 2 },
  ], rounds: 1, threads: [2] },
];

/** Why PyTorch is not compared: the bench has no PyTorch twin of train_numpy.py yet, and Debian's python3 may lack torch. */
function torchNote() {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  const check = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return check.status === 0 ? `${PYTHON} has torch, but this bench has no PyTorch run yet` : `${PYTHON} has no torch (Debian's python3-torch)`;
}

/** One line per target, printed at the end: what this run measured against it. */
const verdicts = [];
const yes = (ok) => (ok ? 'met' : 'not met');

// --presets best,long: only those (the numpy runs of the wide networks take minutes each).
const only = arg('--presets')?.split(',');
for (const plan of plans.filter((x) => !only || only.includes(x.preset))) {
  const p = PRESETS[plan.preset];
  const rows = [];
  const results = plan.runs.map((run) => ({ run, r: child({ ...run, preset: plan.preset }) }));
  const naive = results.find((x) => x.run.backend === 'naive');
  const naiveSec = steadyMedian(naive.r);
  for (const { run, r } of results) {
    const secs = r.epochs.map((e) => e.seconds);
    const s = steadyMedian(r);
    rows.push({
      backend: run.backend,
      threads: r.threads,
      's/epoch': fmt(s),
      measured: run.mode === 'epochs' ? `median of ${secs.length > 3 ? secs.length - 1 : secs.length} epochs` : `${run.batches} batches, extrapolated`,
      'GFLOP/s': fmt((3 * 2 * r.macs * r.examples) / s / 1e9, 1),
      'examples/s': Math.round(r.examples / s).toLocaleString('en-US'),
      'peak RSS MB': fmt(r.rssMB, 0),
      'vs naive': `${fmt(naiveSec / s, 0)}×`,
      'total s': run.mode === 'epochs' ? fmt(secs.reduce((a, b) => a + b, 0), 1) : '',
      'val acc by epoch': r.epochs.map((e) => (e.validationAccuracy === undefined ? '' : e.validationAccuracy.toFixed(4))).filter(Boolean).slice(0, 5).join(' '),
    });
  }
  const fastest = results.filter((x) => x.run.backend === 'wasm').map((x) => ({ threads: x.r.threads, s: steadyMedian(x.r), total: x.r.epochs.reduce((a, e) => a + e.seconds, 0), epochs: x.r.epochs.length }));
  if (plan.preset === 'long') {
    const two = fastest.find((w) => w.threads === 2) ?? fastest[0];
    if (two) verdicts.push(`long: ${fmt(two.s)} s/epoch with ${two.threads} thread${two.threads > 1 ? 's' : ''}, so its ${PRESETS.long.epochs} epochs take about ${fmt((two.s * PRESETS.long.epochs) / 60, 1)} min (under 10: ${yes(two.s * PRESETS.long.epochs < 600)})`);
  }
  if (plan.preset === 'best') {
    const one = fastest.find((w) => w.threads === 1);
    if (one && one.epochs === PRESETS.best.epochs) verdicts.push(`best: ${one.epochs} epochs in ${fmt(one.total, 1)} s on one thread (under 60 s: ${yes(one.total < 60)})`);
    else if (one) verdicts.push(`best: ${one.epochs} epochs only (--quick); ${fmt(one.s)} s/epoch on one thread`);
  }
  const recipe = `${p.optimizer}${p.dropout ? `, dropout ${p.dropout}` : ''}, ${p.schedule} schedule`;
  console.log(`\n${plan.preset}: ${p.layers.join('-')} ${p.hidden}/${p.output}/${p.loss}, ${recipe}, lr ${p.lr}${p.momentum ? `, momentum ${p.momentum}` : ''}, batch ${p.batch}, inputs × ${fmt(p.mul, 5)} + ${p.add}`);
  console.log(`PyTorch: not compared (${torchNote()})`);
  console.table(rows);
  const missing = process.argv.includes('--no-numpy') ? '--no-numpy' : numpyMissing();
  if (missing) {
    console.log(`numpy: skipped, ${missing}`);
    if (plan.preset === 'seed') verdicts.push(`seed: ${fastest.map((w) => `${fmt(w.s)} s/epoch with ${w.threads} thread${w.threads > 1 ? 's' : ''}`).join(', ')} (≤ 0.15 s: ${yes(Math.min(...fastest.map((w) => w.s)) <= 0.15)}); no numpy to compare with`);
    continue;
  }
  // The target's comparison: numpy float32 epochs interleaved with wasm's in one run (see interleave()).
  const il = child({ preset: plan.preset, mode: 'interleave', threads: plan.threads ?? [1, 2], rounds: plan.rounds });
  if (il.error) {
    console.log(`numpy: skipped, the interleaved run failed (${il.error})`);
    if (plan.preset === 'seed') verdicts.push('seed: no numpy comparison (the interleaved run failed)');
    continue;
  }
  const nps = median(il.numpy.seconds);
  console.log(`numpy ${il.numpy.numpy} (${il.numpy.blas}), val acc by epoch ${il.numpy.validationAccuracy.slice(0, 5).map((a) => (a === null ? '-' : a.toFixed(4))).join(' ')}`);
  console.log(
    `interleaved, ${plan.rounds} rounds after a warm-up (wasm 1 thread, numpy, wasm 2 threads, numpy; ${QUIET_MS} ms idle before each epoch): numpy float32 ${fmt(nps)} s/epoch (median of ${il.numpy.seconds.length}), ` +
      il.wasm.map((w) => `wasm ${w.threads} thread${w.threads > 1 ? 's' : ''} ${fmt(median(w.seconds))}`).join(', '),
  );
  const ratios = (sec, ws) => ws.map((w) => `${fmt(sec / w.s, 2)}× with ${w.threads} thread${w.threads > 1 ? 's' : ''}`).join(', ');
  console.log(`numpy float32 s/epoch ÷ wasm s/epoch (the target's comparison): ${ratios(nps, il.wasm.map((w) => ({ threads: w.threads, s: median(w.seconds) })))}`);
  // Each wasm epoch against the numpy epoch right after it: both met the same spell of the host.
  const paired = il.wasm.map((w, m) => {
    const r = w.seconds.map((sec, i) => il.numpy.seconds[i * il.wasm.length + m] / sec);
    return `${fmt(median(r), 2)}× with ${w.threads} thread${w.threads > 1 ? 's' : ''} (${fmt(Math.min(...r), 2)}–${fmt(Math.max(...r), 2)}×)`;
  });
  console.log(`the same per round (numpy's epoch ÷ the wasm epoch before it), median and range: ${paired.join(', ')}`);
  if (plan.preset === 'seed') {
    // The faster thread count of the interleaved run, against both halves of the target.
    const w = il.wasm.map((x) => ({ threads: x.threads, s: median(x.seconds) })).reduce((a, b) => (b.s < a.s ? b : a));
    verdicts.push(
      `seed: ${fmt(w.s)} s/epoch with ${w.threads} thread${w.threads > 1 ? 's' : ''}, interleaved (≤ 0.15 s: ${yes(w.s <= 0.15)}), ` +
        `${fmt(nps / w.s, 2)}× numpy float32 in the same run (≥ 2×: ${yes(nps / w.s >= 2)}; numpy took ${fmt(nps)} s/epoch here, ` +
        'against the 0.29–0.33 s from which the issue derived 0.15 s)',
    );
  }
  if (plan.numpy64Epochs) {
    // For context: numpy's default dtype, float64, which is what a plain numpy script (and the issue's 0.29–0.33 s) uses.
    const np64 = numpy(plan.preset, plan.numpy64Epochs, 'float64');
    const wasm = results.filter((x) => x.run.backend === 'wasm').map((x) => ({ threads: x.r.threads, s: steadyMedian(x.r) }));
    if (!np64.skipped) console.log(`numpy float64 (numpy's default dtype, for context; a run of its own): ${fmt(median(np64.seconds))} s/epoch (median of ${np64.seconds.length}); ÷ the table's wasm: ${ratios(median(np64.seconds), wasm)}`);
  }
}
console.log(`\ntargets: seed ≤ 0.15 s/epoch and ≥ 2× numpy in the same run; best's full ${PRESETS.best.epochs} epochs under 60 s; long's ${PRESETS.long.epochs} under 10 min`);
for (const v of verdicts) console.log(`  ${v}`);
