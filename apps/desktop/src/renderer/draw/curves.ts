// Curve data for the loss and accuracy charts: per-batch training values smoothed (EMA) and thinned, plus the
// per-epoch train and validation points, merged onto one x axis (fractional epochs) as uPlot's aligned columns.
import type { EpochReport } from '@mlp/core';

/** Growing per-batch series: x (fractional epoch), loss and accuracy, appended as the worker reports them. */
export interface BatchSeries {
  x: number[];
  loss: number[];
  accuracy: number[];
}

/** Exponential moving average with bias correction (as TensorBoard's smoothing), so early points are not pulled to 0. */
export function ema(values: ArrayLike<number>, smoothing: number): number[] {
  const out: number[] = new Array(values.length);
  let m = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    m = smoothing * m + (1 - smoothing) * values[i]!;
    w = smoothing * w + (1 - smoothing);
    out[i] = m / w;
  }
  return out;
}

/** Every k-th index so that at most `max` points remain (always keeping the last). */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const k = Math.ceil(n / max);
  const idx: number[] = [];
  for (let i = 0; i < n; i += k) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

/** uPlot AlignedData: [x, batch (smoothed), epoch train, epoch validation]; null where a series has no point. */
export type CurveColumns = [number[], (number | null)[], (number | null)[], (number | null)[]];

/**
 * Merge the smoothed batch series with the epoch reports into sorted columns. `metric` picks loss or accuracy;
 * accuracy is in percent.
 */
export function curveColumns(batches: BatchSeries, history: readonly EpochReport[], metric: 'loss' | 'accuracy', smoothing = 0.9, maxPoints = 1500): CurveColumns {
  const scale = metric === 'accuracy' ? 100 : 1;
  const smooth = ema(metric === 'loss' ? batches.loss : batches.accuracy, smoothing);
  const rows = new Map<number, [number | null, number | null, number | null]>();
  for (const i of thinIndices(batches.x.length, maxPoints)) rows.set(batches.x[i]!, [smooth[i]! * scale, null, null]);
  for (const h of history) {
    const train = metric === 'loss' ? h.loss : h.trainAccuracy;
    const valid = metric === 'loss' ? h.validationLoss : h.validationAccuracy;
    const row = rows.get(h.epoch) ?? [null, null, null];
    row[1] = train * scale;
    row[2] = valid === undefined ? null : valid * scale;
    rows.set(h.epoch, row);
  }
  const xs = [...rows.keys()].sort((a, b) => a - b);
  const cols: CurveColumns = [xs, [], [], []];
  for (const x of xs) {
    const r = rows.get(x)!;
    cols[1].push(r[0]);
    cols[2].push(r[1]);
    cols[3].push(r[2]);
  }
  return cols;
}
