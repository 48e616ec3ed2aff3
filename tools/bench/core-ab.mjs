// Interleaved A/B of two builds of @mlp/core on real MNIST: the same preset's run (from @mlp/recipe: split, scaling,
// config, optimiser) trained by both builds in ONE process, whole epochs alternating A, B, A, B, … (per thread count),
// so both see the same machine load (A, B in even rounds, B, A in odd ones). Prints seconds per epoch (median of the rounds after a warm-up), the B/A ratio,
// and each build's validation accuracy after every epoch (the learning curves must agree). Never asserts.
// Usage: node tools/bench/core-ab.mjs --a /path/to/old/core/dist/index.js [--b …] [--preset seed|best] [--rounds 6]
//        [--threads 1,2]. B defaults to this workspace's built @mlp/core.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
};
const aPath = arg('--a');
if (!aPath) {
  console.log('core-ab SKIPPED: pass --a /path/to/another/build/of/packages/core/dist/index.js (e.g. /work/main\'s)');
  process.exit(0);
}
const presetName = arg('--preset', 'seed');
const rounds = Number(arg('--rounds', presetName === 'seed' ? 8 : 3));
const threadCounts = arg('--threads', '1,2').split(',').map(Number);
const dataDir = process.env.MNIST_DIR || resolve(import.meta.dirname, '../../../shared/data/mnist');

const A = await import(pathToFileURL(resolve(aPath)).href);
const B = arg('--b') ? await import(pathToFileURL(resolve(arg('--b'))).href) : await import('@mlp/core');
const { PRESETS, prepareData } = await import('@mlp/recipe');
const { loadMnist } = await import('@mlp/mnist/node');
const s = PRESETS[presetName];
const mnist = await loadMnist({ dir: dataDir }).catch((e) => {
  console.log(`core-ab SKIPPED: no MNIST at ${dataDir} (${e.message})`);
  process.exit(0);
});
// A preset that trains on all 60,000 (best, long) is compared on the usual 55k/5k split: the curves need validation.
const { train, validation } = prepareData({ ...s, valid: s.valid || 5000 }, mnist);
const config = { layers: s.layers, hidden: s.hidden, output: s.output, loss: s.loss, init: s.init, initStd: s.initStd };
// The preset's whole recipe (optimiser, dropout, schedule), over the rounds the comparison runs; early stopping off.
const RECIPE = ['lr', 'momentum', 'l2', 'lrDecay', 'seed', 'optimizer', 'weightDecay', 'beta1', 'beta2', 'eps', 'clipNorm', 'maxNorm', 'dropout', 'schedule', 'stepEvery', 'warmup'];
const options = { ...Object.fromEntries(RECIPE.filter((k) => k in s).map((k) => [k, s[k]])), epochs: rounds + 1, batchSize: s.batch };

const runs = threadCounts.flatMap((threads) =>
  [
    ['A', A],
    ['B', B],
  ].map(([label, core]) => {
    const model = new core.MLP(config, { seed: s.seed, backend: 'wasm', threads });
    return { label, core, threads, model, trainer: new core.Trainer(model, train, options), seconds: [], accuracy: [] };
  }),
);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quiet = () => new Promise((r) => setTimeout(r, 100));
for (let round = 0; round <= rounds; round++) {
  // A, B in even rounds and B, A in odd ones, so neither build always follows the other.
  for (const r of round % 2 === 0 ? runs : [...runs].reverse()) {
    await quiet();
    let seconds = 0;
    for (let b = 0; b < r.trainer.batchesPerEpoch; b++) seconds += r.trainer.step().batch.seconds;
    if (round > 0) r.seconds.push(seconds);
    r.accuracy.push(r.core.evaluate(r.model, validation).accuracy);
  }
}
console.log(`${presetName} ${s.layers.join('-')}: ${rounds} interleaved epochs per run after one warm-up; A = ${aPath}, B = ${arg('--b') ?? '@mlp/core (this workspace)'}`);
for (const threads of threadCounts) {
  const [a, b] = runs.filter((r) => r.threads === threads);
  const [ma, mb] = [median(a.seconds), median(b.seconds)];
  const ratios = b.seconds.map((x, i) => x / a.seconds[i]);
  console.log(`  threads ${a.model.threads}: A ${ma.toFixed(3)} s/epoch, B ${mb.toFixed(3)} s/epoch, B/A ${(mb / ma).toFixed(3)}; per round B/A median ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
  console.log(`    A per epoch: ${a.seconds.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`    B per epoch: ${b.seconds.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`    validation accuracy A: ${a.accuracy.map((x) => (100 * x).toFixed(2)).join(' ')}`);
  console.log(`    validation accuracy B: ${b.accuracy.map((x) => (100 * x).toFixed(2)).join(' ')}`);
}
for (const r of runs) r.model.dispose();
