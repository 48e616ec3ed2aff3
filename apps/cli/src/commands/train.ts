// `mlp train`: the seed or best preset (or any flags) on MNIST, one line per epoch, test accuracy at the end.
// Ctrl-C writes a resumable checkpoint; every file is written atomically. The learning itself is @mlp/core's.
import { resolve } from 'node:path';
import { DivergenceError, type EpochReport, MLP, Trainer, evaluate, saveCheckpoint, saveModel, setThreads } from '@mlp/core';
import { SCALE_MODES, type ScaleMode, scaling, splitTrainValidation, toDataset } from '@mlp/mnist';
import { type DatasetName, descriptorFor, knownDataset, loadData } from '../data.js';
import { CliError, EXIT_INTERRUPTED, UsageError, mlpCommand } from '../errors.js';
import { readCheckpointFile } from '../files.js';
import { checkOutputs, rescueDirs, rescuedNote, writeOrRescue } from '../outputs.js';
import { type Output, median, pct, quoted, show } from '../output.js';
import { PRESETS, type PresetName, type TrainSettings } from '../presets.js';
import { SETTINGS } from '../values.js';

export interface TrainFlags extends Partial<TrainSettings> {
  preset?: PresetName;
  data?: string;
  cache?: string;
  dataset?: DatasetName;
  out?: string;
  checkpoint?: string;
  resume?: string;
  offline?: boolean;
  /** Not a setting: results are bit-identical with 1 or 2, so a resumed run may use either. */
  threads?: number;
  /** false with --no-divergence-check: a finite blow-up of the loss does not end the run (NaN/∞ always does). */
  divergenceCheck?: boolean;
}

/** Meta stored in model and checkpoint files: enough to evaluate, predict and resume the same way. */
export interface RunMeta {
  [key: string]: unknown;
  tool: 'mlp-cli';
  preset: PresetName | 'custom';
  dataset: DatasetName;
  dataDir: string | null;
  settings: TrainSettings;
  scaling: { mode: ScaleMode; mul: number; add: number };
  out: string;
}

const SETTING_KEYS = Object.keys(PRESETS.seed) as (keyof TrainSettings)[];

/** Preset values, overridden by each flag the user gave. */
export function resolveSettings(flags: TrainFlags): { settings: TrainSettings; preset: PresetName | 'custom' } {
  const base = PRESETS[flags.preset ?? 'seed'];
  const settings = { ...base, layers: [...base.layers] };
  let custom = false;
  for (const k of SETTING_KEYS) {
    if (flags[k] !== undefined) {
      (settings as Record<string, unknown>)[k] = flags[k];
      custom ||= k !== 'seed' && JSON.stringify(flags[k]) !== JSON.stringify(base[k]);
    }
  }
  return { settings, preset: custom ? 'custom' : (flags.preset ?? 'seed') };
}

export async function trainCommand(flags: TrainFlags, out: Output): Promise<number> {
  let meta: RunMeta;
  let trainer: Trainer | undefined;
  let checkpoint = null as Awaited<ReturnType<typeof readCheckpointFile>> | null;

  if (flags.resume !== undefined) {
    const given = SETTING_KEYS.filter((k) => flags[k] !== undefined).concat(flags.preset ? ['preset' as never] : []);
    if (given.length) throw new UsageError(`--resume continues with the checkpoint's own settings; drop ${given.map((k) => `--${k}`).join(', ')}.`);
    checkpoint = await readCheckpointFile(flags.resume);
    meta = resumeMeta(flags, checkpoint.meta, out);
  } else {
    const { settings, preset } = resolveSettings(flags);
    meta = {
      tool: 'mlp-cli',
      preset,
      dataset: flags.dataset?.endsWith('.json') ? resolve(flags.dataset) : (flags.dataset ?? 'mnist'),
      dataDir: flags.data ? resolve(flags.data) : null,
      settings,
      scaling: { mode: settings.scale, mul: 0, add: 0 },
      out: resolve(flags.out ?? 'model.mlp'),
    };
  }
  const s = meta.settings;
  const ckptPath = resolve(flags.checkpoint ?? flags.resume ?? `${meta.out}.ckpt`);
  const ckptFlag = flags.checkpoint ? '--checkpoint' : flags.resume ? '--resume' : '--checkpoint (default: --out + .ckpt)';
  const modelBytes = modelSize(s.layers, s.epochs);
  // Every output is checked before the data is loaded or a batch is trained.
  await checkOutputs([
    { path: meta.out, flag: '--out', what: 'the model', ...(modelBytes ? { bytes: modelBytes } : {}) },
    { path: ckptPath, flag: ckptFlag, what: 'the checkpoint' },
  ]);

  // Data: folder or cache (downloading with a bar per file when needed).
  const downloadBar = out.bar('{file} [{bar}] {percentage}% · {done}');
  let current = '';
  const mnist = await loadData({
    ...(meta.dataDir ? { data: meta.dataDir } : {}),
    ...(flags.cache ? { cache: flags.cache } : {}),
    dataset: meta.dataset,
    ...(flags.offline ? { offline: true } : {}),
    onProgress: (p) => {
      if (p.source === 'cache') return;
      if (p.source === 'lock') {
        out.note(`waiting for another download of ${p.file} (${p.waitingFor}) to finish…`);
        return;
      }
      if (p.file !== current) {
        downloadBar.stop();
        current = p.file;
        if (!out.interactive) out.note(`downloading ${p.file} from ${p.source}`);
        downloadBar.start(p.bytesTotal ?? 0, { file: p.file, done: '' });
      }
      downloadBar.update(p.bytesDone, { file: p.file, done: `${(p.bytesDone / 1e6).toFixed(1)} MB` });
    },
  });
  downloadBar.stop();

  const inputSize = mnist.train.rows * mnist.train.cols;
  if (s.layers[0] !== inputSize) {
    throw new UsageError(`--layers starts with ${s.layers[0]} inputs, but ${meta.dataset} images have ${inputSize} pixels; start the list with ${inputSize}.`);
  }
  const classes = descriptorFor(meta.dataset).classes;
  const outputs = s.layers.at(-1)!;
  if (outputs !== classes && outputs !== 1) {
    throw new UsageError(`--layers ends with ${outputs} outputs, but ${meta.dataset} has ${classes} classes; end the list with ${classes}.`);
  }
  if (s.valid >= mnist.train.count) throw new UsageError(`--valid ${s.valid} leaves no training data (the training set has ${mnist.train.count} images).`);
  const { train, validation } = splitTrainValidation(mnist.train, { validation: s.valid, seed: s.seed });
  if (s.batch > train.count) {
    throw new UsageError(`--batch ${s.batch} is larger than the ${train.count} training images (after --valid ${s.valid} held out); use --batch ${train.count} or less.`);
  }
  if (!checkpoint) {
    const sc = scaling(s.scale, train);
    meta.scaling = { mode: s.scale, mul: sc.mul as number, add: sc.add as number };
  }
  const sc = { mul: meta.scaling.mul, add: meta.scaling.add };
  const trainData = toDataset(train, sc);
  const validData = validation.count > 0 ? toDataset(validation, sc) : undefined;

  if (flags.threads !== undefined) setThreads(flags.threads);
  try {
    if (checkpoint) {
      // The run's own thread count unless --threads says otherwise (the results are the same bits either way).
      // The divergence check is a safety switch, not a training setting: --no-divergence-check turns it off on resume too.
      const snapshot = flags.divergenceCheck === false ? { ...checkpoint.snapshot, options: { ...checkpoint.snapshot.options, divergenceCheck: false } } : checkpoint.snapshot;
      trainer = Trainer.restore(snapshot, trainData, validData, flags.threads !== undefined ? { threads: flags.threads } : {});
      out.note(`resuming ${flags.resume} at epoch ${trainer.epoch + 1}, batch ${trainer.batch + 1}`);
    } else {
      const model = new MLP(
        { layers: s.layers, hidden: s.hidden, output: s.output, loss: s.loss, init: s.init, initStd: s.initStd },
        { seed: s.seed },
      );
      trainer = new Trainer(
        model,
        trainData,
        { epochs: s.epochs, batchSize: s.batch, lr: s.lr, momentum: s.momentum, l2: s.l2, lrDecay: s.lrDecay, seed: s.seed, divergenceCheck: flags.divergenceCheck !== false },
        validData,
      );
    }
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const t = trainer;

  out.note(
    `training ${s.layers.join('-')} ${s.hidden}/${s.output}/${s.loss} on ${train.count} ${meta.dataset} images ` +
      `(validation ${validation.count}), lr ${s.lr}${s.momentum ? `, momentum ${s.momentum}` : ''}, batch ${s.batch}, ${s.epochs} epochs` +
      (t.model.threads > 1 ? `, ${t.model.threads} threads` : ''),
  );

  // Ctrl-C: stop after the current batch, then checkpoint. A second Ctrl-C quits at once.
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT_INTERRUPTED);
    out.note('\nstopping after this batch (Ctrl-C again to quit without a checkpoint)…');
    stop.abort();
  };
  process.on('SIGINT', onSigint);

  const bar = out.bar('epoch {epoch} [{bar}] {value}/{total} · loss {loss} · {rate} ex/s');
  let barEpoch = -1;
  let rateStart = performance.now();
  let rateCount = 0;
  const started = performance.now();
  let status: string;
  try {
    const r = await t.run({
      signal: stop.signal,
      onBatch: (b) => {
        if (barEpoch !== b.epoch) {
          bar.stop();
          bar.start(b.batches, { epoch: `${b.epoch}/${s.epochs}`, loss: '-', rate: '-' });
          barEpoch = b.epoch;
          rateStart = performance.now();
          rateCount = 0;
        }
        rateCount += b.size;
        const rate = Math.round((rateCount * 1000) / Math.max(1, performance.now() - rateStart));
        bar.update(b.batch, { loss: b.loss.toFixed(4), rate });
      },
      onEpoch: (e) => {
        bar.stop();
        barEpoch = -1;
        printEpoch(out, e, s.epochs);
      },
    });
    status = r.status;
  } catch (e) {
    bar.stop();
    if (e instanceof DivergenceError) {
      const finite = Number.isFinite(e.loss) ? ' (To train on regardless, pass --no-divergence-check.)' : '';
      throw new CliError(`${e.message} Nothing was saved.${finite}`);
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }

  const rescue = rescueDirs(flags.cache);
  if (status === 'stopped') {
    const w = await writeOrRescue({ path: ckptPath, flag: ckptFlag, what: 'the checkpoint' }, saveCheckpoint(t.snapshot(), meta), rescue);
    if ('rescued' in w) out.note(rescuedNote('the checkpoint', w));
    out.note(`Stopped after batch ${t.batch} of epoch ${t.epoch + 1}. Checkpoint written to ${w.path}.`);
    const keepOut = modelBeside(w.path) === meta.out ? '' : ` --out ${meta.out}`;
    out.note(`Resume with: ${mlpCommand()} train --resume ${w.path}${keepOut}${dataFlags(meta)}`);
    out.record({ type: 'interrupted', epoch: t.epoch + 1, batch: t.batch, checkpoint: w.path });
    return EXIT_INTERRUPTED;
  }

  const test = evaluate(t.model, toDataset(mnist.test, sc));
  const history = t.history;
  const secPerEpoch = median(history.map((h) => h.seconds));
  const totalSec = (performance.now() - started) / 1000;
  const last = history.at(-1);
  const finalMeta = {
    ...meta,
    history,
    validationAccuracy: last?.validationAccuracy ?? null,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    secPerEpoch,
    trainedAt: new Date().toISOString(),
  };
  const w = await writeOrRescue({ path: meta.out, flag: '--out', what: 'the model' }, saveModel(t.model, finalMeta), rescue);
  out.result(
    `test accuracy ${pct(test.accuracy)} (${Math.round(test.accuracy * test.count)}/${test.count}) · ` +
      `${history.length} epochs, median ${secPerEpoch.toFixed(2)} s/epoch, ${totalSec.toFixed(1)} s in all · saved ${w.path}`,
  );
  if ('rescued' in w) out.note(rescuedNote('the model', w));
  out.record({
    type: 'final',
    test_acc: test.accuracy,
    test_loss: test.loss,
    val_acc: last?.validationAccuracy ?? null,
    epochs: history.length,
    sec_per_epoch: secPerEpoch,
    total_sec: totalSec,
    model: w.path,
    preset: meta.preset,
  });
  return 'rescued' in w ? 1 : 0;
}

function printEpoch(out: Output, e: EpochReport, epochs: number): void {
  const w = String(epochs).length;
  out.result(
    `epoch ${String(e.epoch).padStart(w)}/${epochs}  loss ${e.loss.toFixed(4)}  train ${pct(e.trainAccuracy)}  ` +
      `valid ${pct(e.validationAccuracy)}  ${e.seconds.toFixed(2)} s`,
  );
  out.record({
    type: 'epoch',
    epoch: e.epoch,
    loss: e.loss,
    train_acc: e.trainAccuracy,
    val_acc: e.validationAccuracy ?? null,
    val_loss: e.validationLoss ?? null,
    lr: e.lr,
    sec: e.seconds,
  });
}

/**
 * The run metadata of a resumed checkpoint. Paths stored in it (out, data folder, descriptor) are facts, never
 * followed: the model goes to --out, else beside the checkpoint; the data comes from --data/--dataset, else the cache.
 */
function resumeMeta(flags: TrainFlags, stored: Record<string, unknown>, out: Output): RunMeta {
  const file = flags.resume!;
  const isObj = (v: unknown) => typeof v === 'object' && v !== null;
  if (stored.tool !== 'mlp-cli' || !isObj(stored.settings) || !isObj(stored.scaling)) {
    throw new CliError(`Checkpoint ${file} was not written by mlp train; it lacks the dataset and scaling settings needed to resume.`);
  }
  const storedSet = typeof stored.dataset === 'string' ? stored.dataset : undefined;
  const dataset = flags.dataset ? (flags.dataset.endsWith('.json') ? resolve(flags.dataset) : flags.dataset) : knownDataset(stored.dataset);
  if (dataset === null) {
    throw new UsageError(`Checkpoint ${file} records its dataset as ${quoted(stored.dataset)}, which mlp does not follow from a file; pass --dataset mnist, fashion-mnist or the descriptor file you mean.`);
  }
  if (!flags.data && typeof stored.dataDir === 'string') {
    throw new UsageError(`Checkpoint ${file} was trained on files from ${quoted(stored.dataDir)}, and mlp does not follow folders named in a file: pass --data with the folder to use (the same one, if you mean it).`);
  }
  const meta = {
    ...stored,
    settings: checkedSettings(file, stored.settings as Record<string, unknown>),
    scaling: checkedScaling(file, stored.scaling as Record<string, unknown>),
    dataset,
    dataDir: flags.data ? resolve(flags.data) : null,
    out: resolve(flags.out ?? modelBeside(file)),
  } as RunMeta;
  if (typeof stored.out === 'string' && resolve(stored.out) !== meta.out) {
    out.note(`note: the checkpoint records ${quoted(stored.out)} as its run's --out; that is a record only, not followed.`);
  }
  if (storedSet !== undefined && storedSet !== dataset) out.note(`note: the checkpoint was trained on ${quoted(storedSet)}; resuming on ${dataset}.`);
  out.note(`the model will be written to ${meta.out}${flags.out ? '' : ' (beside the checkpoint; --out chooses another path)'}`);
  return meta;
}

/** A checkpoint's settings, each checked by its flag's own parser: an edited or foreign value is named, not used. */
function checkedSettings(file: string, stored: Record<string, unknown>): TrainSettings {
  const settings = {} as Record<string, unknown>;
  for (const k of SETTING_KEYS) {
    const value = stored[k];
    try {
      if (value === undefined || (typeof value === 'object' && !Array.isArray(value))) throw new Error('missing');
      settings[k] = SETTINGS[k](Array.isArray(value) ? value.join(',') : String(value));
    } catch (e) {
      throw new CliError(`Checkpoint ${file} has an unusable setting ${k}: ${show(value)} (${(e as Error).message.replace(/\.$/, '')}); it was edited or not written by mlp train.`);
    }
  }
  return settings as unknown as TrainSettings;
}

function checkedScaling(file: string, stored: Record<string, unknown>): RunMeta['scaling'] {
  const { mode, mul, add } = stored;
  if (!SCALE_MODES.includes(mode as ScaleMode) || !Number.isFinite(mul) || !Number.isFinite(add)) {
    throw new CliError(`Checkpoint ${file} has an unusable input scaling ${show(stored)}; it was edited or not written by mlp train.`);
  }
  return { mode: mode as ScaleMode, mul: mul as number, add: add as number };
}

/** X.mlp.ckpt → X.mlp, X.ckpt → X.mlp, X → X.mlp: where a resumed run writes its model without --out. */
export function modelBeside(checkpoint: string): string {
  const base = resolve(checkpoint).replace(/\.ckpt$/i, '');
  return /\.mlp$/i.test(base) ? base : `${base}.mlp`;
}

/** About how many bytes a model takes: float32 parameters, and metadata with a history line per epoch. */
function modelSize(layers: unknown, epochs: unknown): number | undefined {
  if (!Array.isArray(layers) || !layers.every((n) => Number.isSafeInteger(n) && n > 0)) return undefined;
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += layers[i - 1] * layers[i] + layers[i];
  return n * 4 + 4096 + 256 * (Number.isSafeInteger(epochs) ? (epochs as number) : 0);
}


/** The --data/--dataset flags a resume needs to find the same data. */
function dataFlags(meta: RunMeta): string {
  return `${meta.dataDir ? ` --data ${meta.dataDir}` : ''}${knownDataset(meta.dataset) === 'mnist' ? '' : ` --dataset ${meta.dataset}`}`;
}
