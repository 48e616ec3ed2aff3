// `mlp info`: what a model file holds: architecture, parameter count, training settings and stored metrics.
import type { EpochReport } from '@mlp/core';
import { readModelFile } from '../files.js';
import { type Output, pct } from '../output.js';

export async function infoCommand(file: string, out: Output): Promise<number> {
  const { model, meta, kind } = await readModelFile(file);
  const c = model.config;
  const s = (meta.settings ?? {}) as Record<string, unknown>;
  const history = (meta.history ?? []) as EpochReport[];
  out.result(`${file} (${kind})`);
  out.result(`  network     ${c.layers.join('-')}  hidden ${c.hidden}, output ${c.output}, loss ${c.loss}, init ${c.init}`);
  out.result(`  parameters  ${model.parameterCount.toLocaleString('en-US')}`);
  if (meta.preset) out.result(`  preset      ${meta.preset}`);
  if (meta.dataset) out.result(`  dataset     ${meta.dataset}${meta.dataDir ? ` (${meta.dataDir})` : ''}`);
  if (Object.keys(s).length) {
    out.result(
      `  training    lr ${s.lr}, momentum ${s.momentum}, l2 ${s.l2}, lr decay ${s.lrDecay}, batch ${s.batch}, ` +
        `epochs ${s.epochs}, seed ${s.seed}, scale ${s.scale}, validation ${s.valid}`,
    );
  }
  if (history.length) {
    const last = history.at(-1)!;
    out.result(`  trained     ${history.length} epochs; last: loss ${last.loss.toFixed(4)}, train ${pct(last.trainAccuracy)}, valid ${pct(last.validationAccuracy)}`);
  }
  if (typeof meta.secPerEpoch === 'number') out.result(`  speed       ${meta.secPerEpoch.toFixed(2)} s/epoch (median)`);
  if (typeof meta.testAccuracy === 'number') out.result(`  test        ${pct(meta.testAccuracy)}`);
  if (meta.trainedAt) out.result(`  saved       ${meta.trainedAt}`);
  out.record({ type: 'info', file, kind, config: c, parameters: model.parameterCount, meta });
  return 0;
}
