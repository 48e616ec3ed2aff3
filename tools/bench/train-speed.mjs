// Benchmark: training speed of @mlp/core on real MNIST for the seed, best and long presets' networks and recipes,
// per kernel backend: seconds per epoch (median of ≥ 3), GFLOP/s, examples/s, peak RSS, speedup over the naive kernel,
// per-epoch validation accuracy, and the same algorithm in numpy and in PyTorch for ratios. Prints; never asserts.
// Uses the BUILT @mlp/core, @mlp/mnist and @mlp/recipe (turbo's bench task builds them); the presets and the run
// construction (split, scaling, model, trainer) are @mlp/recipe's, as in the CLI and the desktop app. Each measurement runs in a fresh process.
// Options: --best 784,256,10 (other widths for the best network), --quick (fewer epochs), --no-numpy, --no-torch,
// --presets best,long.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
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
/** A preset's training settings without the Python-only keys. */
const settingsOf = ({ mul, add, ...settings }) => settings;
/** Pause before each interleaved epoch (see interleave()). */
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 200);

const PYTHON = '/usr/bin/python3';

/**
 * The Python twins of the interleaved run, the same algorithm in Debian's python3: the script, the module it needs, the
 * Debian packages that bring it and the flag that leaves it out. Each gets the threads that OpenBLAS takes by default
 * (one per core; train_torch.py passes them to torch.set_num_threads, numpy's OpenBLAS picks them itself).
 */
const TWINS = {
  numpy: { script: 'train_numpy.py', install: 'python3-numpy libopenblas0-pthread' },
  torch: { script: 'train_torch.py', install: 'python3-torch' },
};

/** Why a twin (numpy, torch) cannot run here, or null when Debian's python3 has its module and no flag left it out. */
function twinMissing(name) {
  if (process.argv.includes(`--no-${name}`)) return `--no-${name}`;
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  const check = spawnSync(PYTHON, ['-c', `import ${name}`], { encoding: 'utf8' });
  return check.status === 0 ? null : `${PYTHON} has no ${name} (apt-get install ${TWINS[name].install})`;
}

/** A twin's command line and environment for a preset's config (extra keys merged in). */
function twinCommand(name, preset, extra) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE; // let OpenBLAS pick its best kernel for this CPU, as a user's numpy would
  delete env.OPENBLAS_L2_SIZE;
  const cfg = { ...PRESETS[preset], dtype: 'float32', threads: availableParallelism(), ...extra };
  return { args: [join(here, TWINS[name].script), dataDir, JSON.stringify(cfg)], env };
}

/**
 * A twin in server mode (one epoch per line written to it): resolves once its data is ready, with its first line
 * (`hello`: versions, BLAS), `epoch()` (train one epoch, resolve with its JSON line) and `close()`.
 */
async function twinServer(name, preset, extra) {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const { args, env } = twinCommand(name, preset, { ...extra, serve: true });
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
    throw new Error(`${TWINS[name].script} stopped early: ${stderr.trim().split('\n').at(-1) || `exit ${py.exitCode}`}`);
  };
  const hello = await read();
  return {
    hello,
    epoch: () => {
      py.stdin.write('\n');
      return read();
    },
    close: () => py.stdin.end(),
  };
}

if (process.argv[2] === '--child') {
  // Child: one backend on one preset. mode 'epochs' trains whole epochs; 'batches' times N batches and extrapolates;
  // 'interleave' alternates whole wasm epochs (one model per thread count) with numpy's and torch's, for the ratios.
  const job = JSON.parse(process.argv[3]);
  const { prepareData, prepareRun } = await import('@mlp/recipe');
  const { loadMnist } = await import('@mlp/mnist/node');
  PRESETS = await loadPresets();
  const settings = settingsOf(PRESETS[job.preset]);
  const mnist = await loadMnist({ dir: dataDir });
  if (job.mode === 'interleave') {
    // A preset that trains on all 60,000 (best, long) is interleaved on the 55k/5k split, as core-ab.mjs compares it:
    // the learning curves need validation images. A twin's failure is reported, not thrown (see interleave()).
    const s = { ...settings, valid: settings.valid || 5000 };
    process.stdout.write(JSON.stringify(await interleave(prepareRun, job, s, mnist, prepareData(s, mnist))));
    process.exit(0);
  }
  const { split } = prepareData(settings, mnist);
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
 * Rounds of one training epoch per wasm model (threads 1, then 2), each followed by one float32 epoch of each twin
 * (numpy, torch: `job.twins`), so the twins and wasm share the machine's fast and slow spells (on a shared VM the same
 * epoch's time drifts by 1.5× within seconds, which made separate runs' ratios vary from 1.2× to 2.8×). Each twin runs
 * one server per wasm model, whose network follows that model's schedule epoch for epoch, so their learning curves
 * can be set side by side. The first round warms up (wasm indexes the data) and is left out of the seconds, which are
 * training time only, as elsewhere; validation accuracy is measured after every epoch, outside the timing. A twin that
 * fails is left out with its reason (`error`), the others go on.
 */
async function interleave(prepareRun, job, settings, mnist, { split, validation }) {
  const { evaluate } = await import('@mlp/core');
  const models = job.threads.map((threads) => {
    const options = { split, backend: 'wasm', threads, trackValidation: false };
    const { model, trainer } = prepareRun({ ...settings, epochs: job.rounds + 1 }, mnist, options);
    return { threads: model.threads, model, trainer, seconds: [], validationAccuracy: [] };
  });
  const start = async (name) => {
    const extra = { epochs: job.rounds + 1, valid: settings.valid };
    try {
      const servers = await Promise.all(models.map(() => twinServer(name, job.preset, extra)));
      return { name, ...servers[0].hello, servers, runs: servers.map(() => ({ seconds: [], validationAccuracy: [] })) };
    } catch (e) {
      return { name, error: e.message };
    }
  };
  const twins = await Promise.all(job.twins.map(start));
  // Each epoch starts on an idle machine. After numpy's last product, OpenBLAS's worker thread spins for ~0.11 s (its
  // thread timeout, 2^28 cycles; measured: the Python process uses 0.11 s of CPU in a 0.2 s sleep after a product) and
  // would take a core from most of the wasm epoch that follows. The same pause before every epoch keeps it even.
  const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));
  for (let round = 0; round <= job.rounds; round++) {
    for (const [m, w] of models.entries()) {
      await quiet();
      let seconds = 0;
      for (let b = 0; b < w.trainer.batchesPerEpoch; b++) seconds += w.trainer.step().batch.seconds;
      w.validationAccuracy.push(evaluate(w.model, validation).accuracy);
      if (round > 0) w.seconds.push(seconds);
      for (const t of twins.filter((x) => !x.error)) {
        await quiet();
        const epoch = await t.servers[m].epoch().catch((e) => ({ error: e.message }));
        if (epoch.error) t.error = epoch.error;
        t.runs[m].validationAccuracy.push(epoch.validationAccuracy);
        if (round > 0) t.runs[m].seconds.push(epoch.seconds);
      }
    }
  }
  for (const t of twins) for (const server of t.servers ?? []) server.close();
  for (const w of models) w.model.dispose();
  return {
    twins: twins.map(({ servers, ...t }) => t),
    wasm: models.map((w) => ({ threads: w.threads, seconds: w.seconds, validationAccuracy: w.validationAccuracy })),
  };
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
  const missing = twinMissing('numpy');
  if (missing) return { skipped: missing };
  const { args, env } = twinCommand('numpy', preset, { epochs, dtype });
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

/** One line per target, printed at the end: what this run measured against it. */
const verdicts = [];
const yes = (ok) => (ok ? 'met' : 'not met');

// --presets best,long: only those (the numpy runs of the wide networks take minutes each).
const twins = Object.keys(TWINS).map((name) => ({ name, missing: twinMissing(name) }));
const thread = (n) => `${n} thread${n > 1 ? 's' : ''}`;
const accs = (xs) => xs.slice(0, 5).map((a) => (a === null || a === undefined ? '-' : a.toFixed(4))).join(' ');
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
  console.table(rows);
  for (const t of twins.filter((x) => x.missing)) console.log(`${t.name}: skipped, ${t.missing}`);
  const present = twins.filter((x) => !x.missing).map((x) => x.name);
  /** Seconds per epoch of wasm runs, and whether the fastest meets the seed's target. */
  const speeds = (w) => `${w.map((x) => `${fmt(x.s)} s/epoch with ${thread(x.threads)}`).join(', ')} (≤ 0.15 s: ${yes(Math.min(...w.map((x) => x.s)) <= 0.15)})`;
  if (present.length === 0) {
    if (plan.preset === 'seed') verdicts.push(`seed: ${speeds(fastest)}; no numpy to compare with`);
    continue;
  }
  // The target's comparison: the twins' float32 epochs interleaved with wasm's in one run (see interleave()).
  const il = child({ preset: plan.preset, mode: 'interleave', threads: plan.threads ?? [1, 2], rounds: plan.rounds, twins: present });
  const wasm = il.wasm.map((w) => ({ ...w, s: median(w.seconds) }));
  const order = wasm.map((w) => [`wasm ${thread(w.threads)}`, ...present].join(', ')).join(', ');
  console.log(
    `interleaved, ${plan.rounds} round${plan.rounds > 1 ? 's' : ''} after a warm-up (${order}; ${QUIET_MS} ms idle before each epoch; ` +
      `${60000 - (p.valid || 5000)} training images): ${wasm.map((w) => `wasm ${thread(w.threads)} ${fmt(w.s)} s/epoch`).join(', ')}`,
  );
  console.log(`validation accuracy by epoch (the twins mirror the algorithm, not the random streams: initial weights, shuffles and masks differ):`);
  for (const [m, w] of wasm.entries()) {
    console.log(`  wasm ${thread(w.threads)}: ${accs(w.validationAccuracy)}`);
    for (const t of il.twins.filter((x) => x.runs)) console.log(`    ${t.name} beside it: ${accs(t.runs[m].validationAccuracy)}`);
  }
  const ratios = (sec, ws) => ws.map((w) => `${fmt(sec / w.s, 2)}× with ${thread(w.threads)}`).join(', ');
  for (const t of il.twins) {
    if (t.error) {
      console.log(`${t.name}: left out of the interleaved run (${t.error})`);
      continue;
    }
    const all = t.runs.flatMap((r) => r.seconds);
    const ts = median(all);
    console.log(`${t.name} ${t[t.name]} (${t.blas}): float32 ${fmt(ts)} s/epoch (median of ${all.length}); ${t.name} ÷ wasm: ${ratios(ts, wasm)}`);
    // Each wasm epoch against the twin's epoch right after it: both met the same spell of the host.
    const paired = wasm.map((w, m) => {
      const r = w.seconds.map((sec, i) => t.runs[m].seconds[i] / sec);
      return `${fmt(median(r), 2)}× with ${thread(w.threads)} (${fmt(Math.min(...r), 2)}–${fmt(Math.max(...r), 2)}×)`;
    });
    console.log(`  the same per round (${t.name}'s epoch ÷ the wasm epoch before it), median and range: ${paired.join(', ')}`);
  }
  if (plan.preset === 'seed') {
    // The faster thread count of the interleaved run, against both halves of the target.
    const w = wasm.reduce((a, b) => (b.s < a.s ? b : a));
    const np = il.twins.find((x) => x.name === 'numpy') ?? { error: twins.find((x) => x.name === 'numpy').missing };
    const nps = np.error ? NaN : median(np.runs.flatMap((r) => r.seconds));
    verdicts.push(
      np.error
        ? `seed: ${speeds([w])}, interleaved; no numpy comparison (${np.error})`
        : `seed: ${fmt(w.s)} s/epoch with ${thread(w.threads)}, interleaved (≤ 0.15 s: ${yes(w.s <= 0.15)}), ` +
            `${fmt(nps / w.s, 2)}× numpy float32 in the same run (≥ 2×: ${yes(nps / w.s >= 2)}; numpy took ${fmt(nps)} s/epoch here, ` +
            'against the 0.29–0.33 s from which the issue derived 0.15 s)',
    );
  }
  if (plan.numpy64Epochs) {
    // For context: numpy's default dtype, float64, which is what a plain numpy script (and the issue's 0.29–0.33 s) uses.
    const np64 = numpy(plan.preset, plan.numpy64Epochs, 'float64');
    const table = results.filter((x) => x.run.backend === 'wasm').map((x) => ({ threads: x.r.threads, s: steadyMedian(x.r) }));
    if (!np64.skipped) console.log(`numpy float64 (numpy's default dtype, for context; a run of its own): ${fmt(median(np64.seconds))} s/epoch (median of ${np64.seconds.length}); ÷ the table's wasm: ${ratios(median(np64.seconds), table)}`);
  }
}
console.log(`\ntargets: seed ≤ 0.15 s/epoch and ≥ 2× numpy in the same run; best's full ${PRESETS.best.epochs} epochs under 60 s; long's ${PRESETS.long.epochs} under 10 min`);
for (const v of verdicts) console.log(`  ${v}`);
