// The `mlp` command: argument parsing (commander), dispatch to commands/, and the mapping of failures to exit codes:
// 0 ok, 1 a problem with files/data/network (one sentence, stack with --verbose), 2 usage, 130 interrupted.
import { allowed } from '@mlp/recipe';
import { Command, CommanderError, Option } from 'commander';
import { downloadCommand } from './commands/download.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { CliError } from './errors.js';
import { Output } from './output.js';
import * as v from './values.js';

const VERSION = '0.1.0';

/** The command tree; `run` receives each action's promise (tests inspect the options without running anything). */
export function program(run: (p: Promise<number>) => void): Command {
  const cmd = new Command('mlp')
    .description('Train, evaluate and use multilayer perceptrons on MNIST, from scratch in TypeScript.')
    .version(VERSION)
    .option('--verbose', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const dataset = () => new Option('--dataset <name>', 'mnist, fashion-mnist, or a JSON dataset descriptor file').argParser(v.datasetName);

  cmd
    .command('download')
    .description('download a dataset into the verified cache (or import it from a folder)')
    .addOption(dataset())
    .option('--mirror <url>', 'try this mirror first (repeatable)', v.collect)
    .option('--from <dir>', 'import the four files (gzip, or uncompressed where checksums are published) from a folder instead of downloading')
    .option('--cache <dir>', 'cache folder (default: $MLP_CACHE_DIR or the platform cache)')
    .option('--verify', 're-hash every cached file first, report each (ok, mismatched, missing), remove bad ones and fetch them again')
    .action((o) => run(downloadCommand(o, new Output(false))));

  cmd
    .command('train')
    .description('train a network; prints one line per epoch and the test accuracy, saves the model')
    .addOption(new Option('--preset <name>', 'seed (the article), best (a minute) or long (ten minutes); flags override single settings').argParser(v.presetName))
    .option('--data <dir>', 'folder with the four IDX .gz files (default: the cache, downloading if needed)')
    .option('--cache <dir>', 'cache folder')
    .addOption(dataset())
    .option('--offline', 'never download: use --data or the cache only')
    .option('--layers <list>', 'widths from input to output, e.g. 784,50,10', v.SETTINGS.layers)
    .addOption(new Option('--hidden <fn>', `hidden activation: ${allowed('hidden')}`).argParser(v.SETTINGS.hidden))
    .addOption(new Option('--output <fn>', `output activation: ${allowed('output')}`).argParser(v.SETTINGS.output))
    .addOption(new Option('--loss <name>', `${allowed('loss')} (ce needs a softmax or sigmoid output)`).argParser(v.SETTINGS.loss))
    .addOption(new Option('--init <name>', allowed('init')).argParser(v.SETTINGS.init))
    .option('--init-std <σ>', `σ of the normal initialisation, ${allowed('initStd')}`, v.SETTINGS.initStd)
    .option('--lr <rate>', `learning rate, ${allowed('lr')}`, v.SETTINGS.lr)
    .option('--momentum <μ>', `momentum, ${allowed('momentum')}`, v.SETTINGS.momentum)
    .option('--l2 <λ>', `L2 weight decay, ${allowed('l2')}`, v.SETTINGS.l2)
    .option('--lr-decay <f>', `exponential: multiply the learning rate by f each epoch (step: every --step-every epochs), ${allowed('lrDecay')}`, v.SETTINGS.lrDecay)
    .addOption(new Option('--optimizer <name>', `${allowed('optimizer')} (adamw: decoupled weight decay)`).argParser(v.SETTINGS.optimizer))
    .option('--weight-decay <wd>', `decoupled weight decay w −= lr·wd·w (sgd, nesterov, adamw), ${allowed('weightDecay')}`, v.SETTINGS.weightDecay)
    .option('--beta1 <β1>', `Adam's first-moment decay, ${allowed('beta1')}`, v.SETTINGS.beta1)
    .option('--beta2 <β2>', `Adam's second-moment decay, ${allowed('beta2')}`, v.SETTINGS.beta2)
    .option('--eps <ε>', `Adam's ε, ${allowed('eps')}`, v.SETTINGS.eps)
    .option('--clip-norm <n>', `clip the gradient to this global norm (0: off), ${allowed('clipNorm')}`, v.SETTINGS.clipNorm)
    .option('--max-norm <c>', `max-norm on each unit's incoming weights (0: off), ${allowed('maxNorm')}`, v.SETTINGS.maxNorm)
    .option('--dropout <p>', `inverted dropout on the hidden layers while training, ${allowed('dropout')}`, v.SETTINGS.dropout)
    .addOption(new Option('--schedule <name>', `learning-rate schedule: ${allowed('schedule')}`).argParser(v.SETTINGS.schedule))
    .option('--step-every <n>', `step schedule: epochs between decays, ${allowed('stepEvery')}`, v.SETTINGS.stepEvery)
    .option('--warmup <epochs>', `cosine and onecycle: warm-up epochs (fractions allowed), ${allowed('warmup')}`, v.SETTINGS.warmup)
    .addOption(new Option('--early-stop <on>', `early stopping on the validation loss or accuracy (${allowed('earlyStop')}), keeping the best epoch's weights`).argParser(v.SETTINGS.earlyStop))
    .option('--patience <n>', `early stopping: epochs without improvement, ${allowed('patience')}`, v.SETTINGS.patience)
    .option('--batch <n>', `minibatch size, ${allowed('batch')}`, v.SETTINGS.batch)
    .option('--epochs <n>', `epochs, ${allowed('epochs')}`, v.SETTINGS.epochs)
    .option('--seed <n>', `seed for initialisation, split and shuffling, ${allowed('seed')}`, v.SETTINGS.seed)
    .addOption(new Option('--scale <mode>', `pixel scaling: ${allowed('scale')}`).argParser(v.SETTINGS.scale))
    .option('--valid <n>', `training images held out for validation, ${allowed('valid')}`, v.SETTINGS.valid)
    .option('--out <file>', 'where to save the model (default: model.mlp)')
    .option('--checkpoint <file>', 'where Ctrl-C writes a resumable checkpoint (default: <out>.ckpt)')
    .option('--threads <n>', '1, or 2 to share the first layer with a helper thread (same results, faster with a free core)', v.threads)
    .option('--no-divergence-check', 'train on even when the loss blows up (by default a finite blow-up ends the run, nothing saved; see the README)')
    .option('--resume <file>', 'continue from a checkpoint')
    .option('--json', 'print one JSON object per epoch and a final one')
    .action((o) => {
      const { json, ...flags } = o;
      run(trainCommand(flags, new Output(Boolean(json))));
    });

  cmd
    .command('eval')
    .description('test accuracy, confusion matrix, per-class precision/recall, most-confused pairs')
    .argument('<model>', 'model file')
    .option('--data <dir>', 'folder with the IDX files (default: the cache)')
    .option('--cache <dir>', 'cache folder')
    .addOption(dataset())
    .option('--offline', 'never download: use --data or the cache only')
    .option('--misclassified <png>', 'write a labelled grid of misclassified test images (true>predicted)')
    .option('--limit <n>', 'at most this many images in the grid', v.positiveInt, 100)
    .option('--json', 'print the results as one JSON object')
    .action((file, o) => {
      const { json, ...flags } = o;
      run(evalCommand(file, flags, new Output(Boolean(json))));
    });

  cmd
    .command('predict')
    .description('classify PNG images (any size, centred like MNIST) or IDX image files')
    .argument('<model>', 'model file')
    .argument('<images...>', 'PNG or IDX files')
    .option('--json', 'one JSON object per image')
    .action((file, images, o) => run(predictCommand(file, images, new Output(Boolean(o.json)))));

  cmd
    .command('export')
    .description('write a model as ONNX (raw pixels in, class scores out) or safetensors (weights and biases)')
    .argument('<model>', 'model file (.mlp)')
    .addOption(new Option('--format <format>', 'onnx or safetensors').argParser(v.exportFormat).makeOptionMandatory())
    .option('-o, --output <file>', 'where to write it (default: the model file with .onnx or .safetensors for .mlp)')
    .option('--json', 'print the result as one JSON object')
    .action((file, o) => {
      const { json, ...flags } = o;
      run(exportCommand(file, flags, new Output(Boolean(json))));
    });

  cmd
    .command('info')
    .description('architecture, training settings and metrics stored in a model file; --curve draws its learning curve')
    .argument('<model>', 'model file')
    .option('--curve <png>', 'also write the learning curve (train and validation accuracy per epoch, test accuracy, kept epoch) as a PNG')
    .option('--json', 'print as JSON')
    .action((file, o) => run(infoCommand(file, new Output(Boolean(o.json)), o.curve === undefined ? {} : { curve: o.curve })));

  return cmd;
}

/** Runs the CLI with `argv` (user arguments only) and resolves with the exit code. Never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | null = null;
  const cmd = program((p) => {
    pending = p;
  });
  const verbose = argv.includes('--verbose');
  try {
    await cmd.parseAsync(argv, { from: 'user' });
    if (!pending) {
      cmd.outputHelp();
      return 2;
    }
    return await pending;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`mlp: ${e.message}\n`);
      if (verbose) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    process.stderr.write(`mlp: ${(e as Error).message ?? String(e)}\n`);
    process.stderr.write(verbose ? `${(e as Error).stack}\n` : '(run with --verbose for details)\n');
    return 1;
  }
}

// Output piped into a reader that stops early (`mlp eval m.mlp | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
