// The hidden-unit grid: each unit's incoming weights (one row of W[0]) as a side×side image, in a grid with 1-pixel
// gaps, all on one shared diverging scale. Pure: weights in, RGBA pixels out; the view scales it up on screen.
import { type Rgba, outline, paintValues, rgba } from './image.js';
import { sharedScale } from './scale.js';

export const GAP_RGB: [number, number, number] = [214, 218, 224];
export const SELECTED_RGB: [number, number, number] = [20, 20, 20];
/** The outline of a unit that barely changed (pointed out, with the reason, beside the grid). */
export const STILL_RGB: [number, number, number] = [242, 142, 43];

/** A colour scale per tile or one for all: `scale` is a number, or one value per unit. */
export type TileScale = number | ArrayLike<number>;
const scaleOf = (scale: TileScale, u: number): number => (typeof scale === 'number' ? scale : scale[u]!);

export interface GridLayout {
  units: number;
  cols: number;
  rows: number;
  /** Tile width and height in pixels. */
  tileW: number;
  tileH: number;
  width: number;
  height: number;
}

/** Tile shape for a unit with `inputs` weights: a square when inputs is a square number (784 → 28×28), else one row. */
export function tileShape(inputs: number): [number, number] {
  const s = Math.round(Math.sqrt(inputs));
  return s * s === inputs ? [s, s] : [inputs, 1];
}

/** A near-square grid (more columns than rows) with a 1-pixel gap around every tile. */
export function gridLayout(units: number, inputs: number): GridLayout {
  const [tileW, tileH] = tileShape(inputs);
  const cols = Math.max(1, Math.ceil(Math.sqrt(units)));
  const rows = Math.max(1, Math.ceil(units / cols));
  return { units, cols, rows, tileW, tileH, width: cols * (tileW + 1) + 1, height: rows * (tileH + 1) + 1 };
}

/** Which unit is at pixel (x, y) of the grid image, or -1 for a gap or an empty cell. */
export function unitAt(layout: GridLayout, x: number, y: number): number {
  const cx = Math.floor((x - 1) / (layout.tileW + 1));
  const cy = Math.floor((y - 1) / (layout.tileH + 1));
  const inX = (x - 1) % (layout.tileW + 1) < layout.tileW;
  const inY = (y - 1) % (layout.tileH + 1) < layout.tileH;
  if (x < 1 || y < 1 || cx >= layout.cols || cy >= layout.rows || !inX || !inY) return -1;
  const u = cy * layout.cols + cx;
  return u < layout.units ? u : -1;
}

/** Draw every row of W (units, inputs) as a tile; `selected` gets a dark outline, the `still` units an orange one. */
export function tileGrid(W: ArrayLike<number>, units: number, inputs: number, scale: TileScale, selected = -1, still: readonly number[] = []): Rgba {
  const L = gridLayout(units, inputs);
  const img = rgba(L.width, L.height, GAP_RGB);
  for (let u = 0; u < units; u++) {
    const x = 1 + (u % L.cols) * (L.tileW + 1);
    const y = 1 + Math.floor(u / L.cols) * (L.tileH + 1);
    paintValues(img, x, y, W, u * inputs, L.tileW, L.tileH, scaleOf(scale, u));
  }
  for (const u of still) if (u !== selected && u >= 0 && u < units) outline(img, 1 + (u % L.cols) * (L.tileW + 1), 1 + Math.floor(u / L.cols) * (L.tileH + 1), L.tileW, L.tileH, STILL_RGB);
  if (selected >= 0 && selected < units) {
    outline(img, 1 + (selected % L.cols) * (L.tileW + 1), 1 + Math.floor(selected / L.cols) * (L.tileH + 1), L.tileW, L.tileH, SELECTED_RGB);
  }
  return img;
}

/** One unit's tile alone (for the enlarged view). */
export function singleTile(W: ArrayLike<number>, unit: number, inputs: number, scale: TileScale): Rgba {
  const [w, h] = tileShape(inputs);
  const img = rgba(w, h);
  paintValues(img, 0, 0, W, unit * inputs, w, h, scaleOf(scale, unit));
  return img;
}

/** Each row's own colour scale: the q-quantile of |value| in that row (a faint tile gets full contrast). */
export function rowScales(W: ArrayLike<number>, units: number, inputs: number, q = 0.99): Float32Array {
  const out = new Float32Array(units);
  for (let u = 0; u < units; u++) out[u] = sharedScale(subarray(W, u * inputs, inputs), q);
  return out;
}

/** The Euclidean norm of every row of a (units, inputs) matrix, e.g. of each unit's change since initialisation. */
export function rowNorms(W: ArrayLike<number>, units: number, inputs: number): Float32Array {
  const out = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let i = u * inputs; i < (u + 1) * inputs; i++) s += W[i]! * W[i]!;
    out[u] = Math.sqrt(s);
  }
  return out;
}

/** Units whose row norm is under `fraction` of the median row norm (units that barely changed), in index order. */
export function stillUnits(norms: ArrayLike<number>, fraction = 0.25): number[] {
  const sorted = Float32Array.from(norms).sort();
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  if (!(median > 0)) return [];
  const out: number[] = [];
  for (let u = 0; u < norms.length; u++) if (norms[u]! < fraction * median) out.push(u);
  return out;
}

const subarray = (a: ArrayLike<number>, start: number, n: number): ArrayLike<number> =>
  ArrayBuffer.isView(a) ? (a as unknown as Float32Array).subarray(start, start + n) : Array.prototype.slice.call(a, start, start + n);

/** A (rows, cols) matrix as a heat map, one pixel per weight (e.g. hidden→output: rows = 10 digits, cols = hidden units). */
export function heatmap(W: ArrayLike<number>, rows: number, cols: number, scale: number): Rgba {
  const img = rgba(cols, rows);
  paintValues(img, 0, 0, W, 0, cols, rows, scale);
  return img;
}

/** W − W0 (what training changed), or null when the shapes differ (another network). */
export function weightChange(W: ArrayLike<number>, W0: ArrayLike<number> | undefined): Float32Array | null {
  if (!W0 || W0.length !== W.length) return null;
  const out = new Float32Array(W.length);
  for (let i = 0; i < W.length; i++) out[i] = W[i]! - W0[i]!;
  return out;
}
