// `mlp info`: what a model file holds: architecture, parameter count, training settings and stored metrics.
// Metadata is untrusted: every value is shown as it is, of whatever type, escaped, and never followed.
import { readModelFile } from '../files.js';
import { type Output, pct, show } from '../output.js';

const fixed = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : show(v));
const percent = (v: unknown) => (v === undefined || (typeof v === 'number' && Number.isFinite(v)) ? pct(v as number | undefined) : show(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function infoCommand(file: string, out: Output): Promise<number> {
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
  out.record({ type: 'info', file, kind, config: c, parameters: model.parameterCount, meta });
  return 0;
}
