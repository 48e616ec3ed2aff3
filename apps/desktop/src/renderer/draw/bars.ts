// A unit's outgoing weights as a bar chart (one bar per next-layer unit, coloured by the diverging map).
// Pure: it computes the bars; the view fills them on a canvas.
import { cssColor } from './colormap.js';

export interface Bar {
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
  label: string;
  value: number;
}

/** Bars for `values` in a width×height box with the zero line in the middle; |v| = scale reaches the box edge. */
export function bars(values: ArrayLike<number>, scale: number, width: number, height: number, labels?: string[]): Bar[] {
  const n = values.length;
  const mid = height / 2;
  const slot = width / Math.max(1, n);
  const out: Bar[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const len = Math.min(1, Math.abs(v) / (scale > 0 ? scale : 1)) * (mid - 2);
    out.push({
      x: i * slot + slot * 0.15,
      y: v >= 0 ? mid - len : mid,
      w: slot * 0.7,
      h: len,
      color: cssColor(v, scale),
      label: labels?.[i] ?? String(i),
      value: v,
    });
  }
  return out;
}

/** Column `unit` of a (rows, cols) row-major matrix: a hidden unit's weights into every unit of the next layer. */
export function column(W: ArrayLike<number>, rows: number, cols: number, unit: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = W[r * cols + unit]!;
  return out;
}
