// `mlp info`: what a model file holds: architecture, parameter count, training settings and stored metrics, and with
// --curve its learning curve as a PNG. Metadata is untrusted: every value is shown as it is, of whatever type,
// escaped, and never followed; the curve draws only the history entries whose numbers are finite.
import { resolve } from 'node:path';
import { type CurvePoint, curvePng } from '../curve.js';
import { CliError } from '../errors.js';
import { readModelFile } from '../files.js';
import { type Output, pct, show } from '../output.js';
import { checkOutputs, describeFsError, writeAtomic } from '../outputs.js';

const fixed = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : show(v));
const percent = (v: unknown) => (v === undefined || (typeof v === 'number' && Number.isFinite(v)) ? pct(v as number | undefined) : show(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface InfoFlags {
  /** Write the learning curve here (PNG). */
  curve?: string;
}

const isFraction = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** The history entries a curve can draw: in order, with finite accuracies in [0, 1]. */
export function curvePoints(history: unknown[]): CurvePoint[] {
  return history
    .filter((h): h is Record<string, unknown> => isObject(h) && Number.isSafeInteger(h.epoch) && isFraction(h.trainAccuracy))
    .map((h) => ({ epoch: h.epoch as number, trainAccuracy: h.trainAccuracy as number, ...(isFraction(h.validationAccuracy) ? { validationAccuracy: h.validationAccuracy } : {}) }));
}

export async function infoCommand(file: string, out: Output, flags: InfoFlags = {}): Promise<number> {
  const curve = flags.curve === undefined ? undefined : resolve(flags.curve);
  if (curve) await checkOutputs([{ path: curve, flag: '--curve', what: 'the learning curve' }], [{ path: file, flag: 'the model file' }]);
  const { model, meta, kind } = await readModelFile(file);
  const c = model.config;
  const s = isObject(meta.settings) ? meta.settings : {};
  const history = Array.isArray(meta.history) ? meta.history : [];
  out.result(`${file} (${kind})`);
  out.result(`  network     ${c.layers.join('-')}  hidden ${c.hidden}, output ${c.output}, loss ${c.loss}, init ${c.init}`);
  out.result(`  parameters  ${model.parameterCount.toLocaleString('en-US')}`);
  if (meta.preset !== undefined) out.result(`  preset      ${show(meta.preset)}`);
  if (meta.dataset !== undefined) out.result(`  dataset     ${show(meta.dataset)}${meta.dataDir ? ` (from ${show(meta.dataDir)})` : ''}`);
  if (Object.keys(s).length) {
    out.result(
      `  training    lr ${show(s.lr)}, momentum ${show(s.momentum)}, l2 ${show(s.l2)}, lr decay ${show(s.lrDecay)}, batch ${show(s.batch)}, ` +
        `epochs ${show(s.epochs)}, seed ${show(s.seed)}, scale ${show(s.scale)}, validation ${show(s.valid)}`,
    );
  }
  // Files from before the optimisers were added lack these settings: they trained with plain SGD.
  if (s.optimizer !== undefined) {
    out.result(
      `  optimiser   ${show(s.optimizer)}, weight decay ${show(s.weightDecay)}, dropout ${show(s.dropout)}, schedule ${show(s.schedule)}, warm-up ${show(s.warmup)}, ` +
        `clip ${show(s.clipNorm)}, max-norm ${show(s.maxNorm)}, early stop ${show(s.earlyStop)}`,
    );
  }
  if (meta.keptEpoch !== undefined) out.result(`  kept epoch  ${show(meta.keptEpoch)} (early stopping's best on validation)`);
  if (history.length) {
    const last = isObject(history.at(-1)) ? (history.at(-1) as Record<string, unknown>) : {};
    out.result(
      `  trained     ${history.length} epochs; last: loss ${fixed(last.loss, 4)}, train ${percent(last.trainAccuracy)}, valid ${percent(last.validationAccuracy)}`,
    );
  }
  if (meta.secPerEpoch !== undefined) out.result(`  speed       ${fixed(meta.secPerEpoch, 2)} s/epoch (median)`);
  if (meta.testAccuracy !== undefined) out.result(`  test        ${percent(meta.testAccuracy)}`);
  if (meta.trainedAt !== undefined) out.result(`  saved       ${show(meta.trainedAt)}`);
  if (meta.out !== undefined) out.result(`  out         ${show(meta.out)} (as recorded when trained)`);
  if (curve) {
    const points = curvePoints(history);
    if (points.length === 0) throw new CliError(`${file} records no training history, so there is no learning curve to draw.`);
    const title = typeof meta.preset === 'string' && /^[a-z]+$/.test(meta.preset) ? meta.preset : undefined;
    const png = curvePng(points, {
      ...(title ? { title } : {}),
      ...(isFraction(meta.testAccuracy) ? { testAccuracy: meta.testAccuracy } : {}),
      ...(Number.isSafeInteger(meta.keptEpoch) ? { keptEpoch: meta.keptEpoch as number } : {}),
    });
    try {
      await writeAtomic(curve, png);
    } catch (e) {
      throw new CliError(`Could not write the learning curve to ${curve}: ${describeFsError(e)}; choose another path with --curve.`);
    }
    out.note(`wrote the learning curve of ${points.length} epochs to ${curve}`);
  }
  out.record({ type: 'info', file, kind, config: c, parameters: model.parameterCount, meta, ...(curve ? { curve } : {}) });
  return 0;
}
