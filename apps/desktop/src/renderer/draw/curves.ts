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

/** One curve: points (x[i], y[i]) with x ascending. */
export interface Series {
  x: number[];
  y: number[];
}

/** uPlot AlignedData: one sorted x column shared by all series, then one column per series, null where it has no point. */
export type Columns = [number[], ...(number | null)[][]];

/** Merge curves with different x values onto one sorted x axis. */
export function alignSeries(series: readonly Series[]): Columns {
  const rows = new Map<number, (number | null)[]>();
  series.forEach((s, k) => {
    for (let i = 0; i < s.x.length; i++) {
      const row = rows.get(s.x[i]!) ?? new Array<number | null>(series.length).fill(null);
      row[k] = s.y[i]!;
      rows.set(s.x[i]!, row);
    }
  });
  const xs = [...rows.keys()].sort((a, b) => a - b);
  return [xs, ...series.map((_, k) => xs.map((x) => rows.get(x)![k] ?? null))];
}

/** A run's curves for one metric (accuracy in percent): the smoothed, thinned batch series and the per-epoch points. */
export function runSeries(batches: BatchSeries, history: readonly EpochReport[], metric: 'loss' | 'accuracy', smoothing = 0.9, maxPoints = 1500): { batch: Series; train: Series; valid: Series } {
  const scale = metric === 'accuracy' ? 100 : 1;
  const smooth = ema(metric === 'loss' ? batches.loss : batches.accuracy, smoothing);
  const idx = thinIndices(batches.x.length, maxPoints);
  const batch = { x: idx.map((i) => batches.x[i]!), y: idx.map((i) => smooth[i]! * scale) };
  const train: Series = { x: [], y: [] };
  const valid: Series = { x: [], y: [] };
  for (const h of history) {
    train.x.push(h.epoch);
    train.y.push((metric === 'loss' ? h.loss : h.trainAccuracy) * scale);
    const v = metric === 'loss' ? h.validationLoss : h.validationAccuracy;
    if (v !== undefined) {
      valid.x.push(h.epoch);
      valid.y.push(v * scale);
    }
  }
  return { batch, train, valid };
}

/** uPlot AlignedData: [x, batch (smoothed), epoch train, epoch validation]; null where a series has no point. */
export type CurveColumns = [number[], (number | null)[], (number | null)[], (number | null)[]];

/** The training charts' columns for the run in progress. `metric` picks loss or accuracy; accuracy is in percent. */
export function curveColumns(batches: BatchSeries, history: readonly EpochReport[], metric: 'loss' | 'accuracy', smoothing = 0.9, maxPoints = 1500): CurveColumns {
  const r = runSeries(batches, history, metric, smoothing, maxPoints);
  return alignSeries([r.batch, r.train, r.valid]) as CurveColumns;
}

/** A kept run's curves for the comparison charts. */
export interface RunCurves {
  batches: BatchSeries;
  history: readonly EpochReport[];
}

/**
 * The comparison charts' columns: for each run, its smoothed training batches and its per-epoch validation points
 * (series 2k+1 and 2k+2), thinned harder than a single run's so that many runs stay quick to draw.
 */
export function compareColumns(runs: readonly RunCurves[], metric: 'loss' | 'accuracy', maxPoints = 400): Columns {
  return alignSeries(
    runs.flatMap((r) => {
      const s = runSeries(r.batches, r.history, metric, 0.9, maxPoints);
      return [s.batch, s.valid];
    }),
  );
}

/**
 * The stretches a chart draws of one column: runs of consecutive non-null points as [first x, last x]. With
 * `spanGaps` a line is drawn over nulls (points of other series at other x values), so any points make one stretch.
 */
export function drawnStretches(xs: readonly number[], ys: readonly (number | null)[], spanGaps: boolean): [number, number][] {
  const out: [number, number][] = [];
  let start: number | null = null;
  let last: number | null = null;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      if (!spanGaps && start !== null) {
        out.push([start, last!]);
        start = null;
      }
      continue;
    }
    if (start === null) start = xs[i]!;
    last = xs[i]!;
  }
  if (start !== null) out.push([start, last!]);
  return out;
}

/** The loss's name for axes, titles and labels. */
export const LOSS_NAMES: Record<string, string> = { mse: 'MSE', ce: 'cross-entropy' };
export const lossName = (loss: string): string => LOSS_NAMES[loss] ?? loss;
