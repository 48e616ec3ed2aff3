// `mlp train`: the seed or best preset (or any flags) on MNIST, one line per epoch, test accuracy at the end.
// Ctrl-C writes a resumable checkpoint; every file is written atomically. The learning itself is @mlp/core's.
import { resolve } from 'node:path';
import { DivergenceError, type EpochReport, evaluate, saveCheckpoint, saveModel, setThreads } from '@mlp/core';
import { SCALE_MODES, type ScaleMode } from '@mlp/mnist';
import { type PresetName, type PreparedRun, PRESETS, SETTING_KEYS, SettingError, type TrainSettings, checkTrainSettings, prepareRun, presetSettings } from '@mlp/recipe';
import { type DatasetName, descriptorFor, knownDataset, loadData } from '../data.js';
import { CliError, EXIT_INTERRUPTED, UsageError, mlpCommand } from '../errors.js';
import { readCheckpointFile } from '../files.js';
import { checkOutputs, rescueDirs, rescuedNote, writeOrRescue } from '../outputs.js';
import { type Output, median, pct, quoted, show } from '../output.js';
import { flagOf } from '../values.js';

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

/** Preset values, overridden by each flag the user gave. */
export function resolveSettings(flags: TrainFlags): { settings: TrainSettings; preset: PresetName | 'custom' } {
  const base = PRESETS[flags.preset ?? 'seed'];
  const settings = presetSettings(flags.preset ?? 'seed');
  let custom = false;
  for (const k of SETTING_KEYS) {
    if (flags[k] !== undefined) {
      (settings as unknown as Record<string, unknown>)[k] = flags[k];
      custom ||= k !== 'seed' && JSON.stringify(flags[k]) !== JSON.stringify(base[k]);
    }
  }
  return { settings, preset: custom ? 'custom' : (flags.preset ?? 'seed') };
}

export async function trainCommand(flags: TrainFlags, out: Output): Promise<number> {
  let meta: RunMeta;
  let checkpoint = null as Awaited<ReturnType<typeof readCheckpointFile>> | null;

  if (flags.resume !== undefined) {
    const given = SETTING_KEYS.filter((k) => flags[k] !== undefined).map(flagOf).concat(flags.preset ? ['--preset'] : []);
    if (given.length) throw new UsageError(`--resume continues with the checkpoint's own settings; drop ${given.join(', ')}.`);
    checkpoint = await readCheckpointFile(flags.resume);
    meta = resumeMeta(flags, checkpoint.meta, out);
  } else {
    const { settings, preset } = resolveSettings(flags);
    // Each flag passed its own bounds; this adds the pairs (--loss ce needs a softmax or sigmoid --output).
    try {
      checkTrainSettings(settings);
    } catch (e) {
      throw usageError(e);
    }
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

  const classes = descriptorFor(meta.dataset).classes;
  const outputs = s.layers.at(-1)!;
  if (outputs !== classes && outputs !== 1) {
    throw new UsageError(`--layers ends with ${outputs} outputs, but ${meta.dataset} has ${classes} classes; end the list with ${classes}.`);
  }

  if (flags.threads !== undefined) setThreads(flags.threads);
  // Split, scaling, model and trainer: @mlp/recipe's, as the desktop app builds them. A resumed run keeps the
  // checkpoint's scaling; its own thread count unless --threads says otherwise (the results are the same bits either
  // way). The divergence check is a safety switch, not a setting: --no-divergence-check turns it off on resume too.
  let run: PreparedRun;
  try {
    run = prepareRun(s, mnist, {
      ...(checkpoint ? { snapshot: checkpoint.snapshot, scaling: meta.scaling } : {}),
      ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
      divergenceCheck: flags.divergenceCheck !== false,
    });
  } catch (e) {
    throw usageError(e);
  }
  if (!checkpoint) meta.scaling = { mode: s.scale, mul: run.scaling.mul, add: run.scaling.add };
  else out.note(`resuming ${flags.resume} at epoch ${run.trainer.epoch + 1}, batch ${run.trainer.batch + 1}`);
  const t = run.trainer;

  out.note(
    `training ${s.layers.join('-')} ${s.hidden}/${s.output}/${s.loss} on ${run.split.train.count} ${meta.dataset} images ` +
      `(validation ${run.split.validation.count}), ${s.optimizer}, lr ${s.lr}${s.momentum ? `, momentum ${s.momentum}` : ''}` +
      `${s.schedule === 'exponential' ? '' : ` (${s.schedule})`}${s.dropout ? `, dropout ${s.dropout}` : ''}, batch ${s.batch}, ${s.epochs} epochs` +
      (t.model.threads > 1 ? `, ${t.model.threads} threads` : ''),
  );

  // Ctrl-C or SIGTERM: stop after the current batch, then checkpoint. A second Ctrl-C quits at once. A SIGTERM after a
  // Ctrl-C is the same request: `pnpm mlp` dies on the terminal's Ctrl-C and its cleanup then sends SIGTERM to us.
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT_INTERRUPTED);
    onStop();
  };
  const onStop = () => {
    if (stop.signal.aborted) return;
    out.note('\nstopping after this batch (Ctrl-C again to quit without a checkpoint)…');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onStop);

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
    // Once stopping, a late SIGTERM (pnpm's, after the run has already stopped) must not kill the checkpoint's writing:
    // the handler stays, a no-op, until the process exits.
    if (!stop.signal.aborted) process.off('SIGTERM', onStop);
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

  const test = evaluate(t.model, run.test);
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
    ...(t.keptEpoch !== undefined ? { keptEpoch: t.keptEpoch, stoppedEarly: t.stoppedEarly } : {}),
    secPerEpoch,
    trainedAt: new Date().toISOString(),
  };
  const w = await writeOrRescue({ path: meta.out, flag: '--out', what: 'the model' }, saveModel(t.model, finalMeta), rescue);
  out.result(
    `test accuracy ${pct(test.accuracy)} (${Math.round(test.accuracy * test.count)}/${test.count}) · ` +
      `${history.length} epochs, median ${secPerEpoch.toFixed(2)} s/epoch, ${totalSec.toFixed(1)} s in all · saved ${w.path}`,
  );
  if (t.keptEpoch !== undefined) {
    out.note(`early stopping kept epoch ${t.keptEpoch}'s weights (best validation ${s.earlyStop})${t.stoppedEarly ? `, stopping after epoch ${history.length}` : ''}`);
  }
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
    kept_epoch: t.keptEpoch ?? null,
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

/** A checkpoint's settings, checked by the recipe's validator: an edited or foreign value is named, not used. */
function checkedSettings(file: string, stored: Record<string, unknown>): TrainSettings {
  try {
    return checkTrainSettings(stored);
  } catch (e) {
    if (!(e instanceof SettingError)) throw e;
    throw new CliError(`Checkpoint ${file} has an unusable setting: ${e.message}; it was edited or not written by mlp train.`);
  }
}

/** A setting that does not fit, said with its flag (--lr must be …); core's own refusals as they are. */
function usageError(e: unknown): unknown {
  if (e instanceof SettingError) return new UsageError(`${flagOf(e.setting)} ${e.detail}.`);
  if (e instanceof RangeError) return new UsageError(e.message);
  return e;
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
