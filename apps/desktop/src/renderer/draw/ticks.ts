// Ticks for the charts' epoch axis: a step from the nice sequence 1, 2, 5 × 10^k, and labels with just enough decimals
// to tell every tick apart (uPlot's own labels stop at 3 decimals, so one Step's axis read 0.001, 0.001, 0.002).
// The axis starts at epoch 0, the start of training. Pure; no drawing.

/** The x range of an epoch axis: from 0 (training's start) to the last point, or 0–1 before there is any. */
export function epochRange(_min: number | null, max: number | null): [number, number] {
  return max !== null && Number.isFinite(max) && max > 0 ? [0, max] : [0, 1];
}

/** The smallest step of the form {1, 2, 5} × 10^k that puts at most `maxTicks` ticks on [min, max]. */
export function niceStep(min: number, max: number, maxTicks: number): number {
  const span = max - min;
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, maxTicks - 1);
  let mag = 10 ** Math.floor(Math.log10(raw));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * mag;
      if (Math.floor(max / step + 1e-9) - Math.ceil(min / step - 1e-9) + 1 <= maxTicks) return step;
    }
    mag *= 10;
  }
}

/** The tick values on [min, max]: every multiple of niceStep() in the range, in increasing order. */
export function epochTicks(min: number, max: number, maxTicks: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const step = niceStep(min, max, Math.max(2, maxTicks));
  const out: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) out.push(k === 0 ? 0 : k * step); // never -0
  return out;
}

/**
 * Labels for increasing tick values, all with the fewest decimals at which each label reads back as its value, so
 * they are distinct: [0, 0.0005, 0.001] → ["0", "0.0005", "0.0010"], [0, 10, 20] → ["0", "10", "20"]. Zero is "0".
 */
export function tickLabels(values: readonly (number | null)[]): string[] {
  const vs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < vs.length; i++) gap = Math.min(gap, Math.abs(vs[i]! - vs[i - 1]!));
  const scale = Math.max(...vs.map(Math.abs), Number.MIN_VALUE);
  const tol = (Number.isFinite(gap) && gap > 0 ? gap : scale) * 1e-6;
  let decimals = 0;
  while (decimals < 15 && vs.some((v) => Math.abs(Number(v.toFixed(decimals)) - v) > tol)) decimals++;
  return values.map((v) => (v === null || !Number.isFinite(v) ? '' : Math.abs(v) <= tol ? '0' : v.toFixed(decimals)));
}
