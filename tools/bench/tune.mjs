// Hyper-parameter trials on the VALIDATION split only: trains a preset with settings overridden from the command line
// and prints, per epoch, the validation accuracy and loss and the seconds so far. It never loads or scores the test
// set (prepareRun builds it; this script never reads it), so presets chosen with it are not tuned to MNIST's test set.
// Uses the built packages. Usage: node tools/bench/tune.mjs best '{"dropout":0.2,"epochs":10}' [--threads 2]
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.MNIST_DIR || resolve(root, '../shared/data/mnist');
const [preset = 'best', overrides = '{}'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt < 0 ? 2 : Number(process.argv[threadsAt + 1]);

const { presetSettings, prepareRun, checkTrainSettings } = await import('@mlp/recipe');
const { loadMnist } = await import('@mlp/mnist/node');
let mnist;
try {
  mnist = await loadMnist({ dir: dataDir });
} catch (e) {
  console.log(`tune: skipped, no MNIST at ${dataDir} (${e.message})`);
  process.exit(0);
}
const settings = checkTrainSettings({ ...presetSettings(preset), ...JSON.parse(overrides) });
const { trainer } = prepareRun(settings, mnist, { threads });
console.log(`${preset} ${overrides} threads ${trainer.model.threads}`);
let total = 0;
let best = 0;
await trainer.run({
  onEpoch: (e) => {
    total += e.seconds;
    best = Math.max(best, e.validationAccuracy);
    console.log(
      `epoch ${String(e.epoch).padStart(3)}  lr ${e.lr.toExponential(2)}  train loss ${e.loss.toFixed(4)}  valid acc ${(100 * e.validationAccuracy).toFixed(2)}%  loss ${e.validationLoss.toFixed(4)}  ${total.toFixed(1)} s`,
    );
  },
});
console.log(`done: best valid ${(100 * best).toFixed(2)}%, last ${(100 * trainer.history.at(-1).validationAccuracy).toFixed(2)}%, training ${total.toFixed(1)} s${trainer.keptEpoch ? `, kept epoch ${trainer.keptEpoch}` : ''}`);
trainer.model.dispose();
