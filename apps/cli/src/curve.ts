// The learning curve of a model's training history as a PNG: training and validation accuracy per epoch, the test
// accuracy as a line, and early stopping's kept epoch. A pure function of the numbers (testable without a screen);
// reading the model and writing the file are commands/curve.ts's. PNG encoding is pngjs's.
import { PNG } from 'pngjs';
import { GLYPH_H, drawText, textWidth } from './font.js';

/** One epoch's numbers, as a model file's history holds them. */
export interface CurvePoint {
  epoch: number;
  trainAccuracy: number;
  validationAccuracy?: number;
}

export interface CurveOptions {
  /** Drawn in the top line, e.g. the preset's name. */
  title?: string;
  /** The test accuracy, drawn as a horizontal line. */
  testAccuracy?: number;
  /** Early stopping's kept epoch, drawn as a vertical line. */
  keptEpoch?: number;
  width?: number;
  height?: number;
}

type RGB = [number, number, number];
export const CURVE_COLOURS: Record<'train' | 'valid' | 'test' | 'kept' | 'grid' | 'axis', RGB> = {
  train: [150, 150, 150],
  valid: [30, 90, 210],
  test: [210, 40, 40],
  kept: [30, 150, 60],
  grid: [228, 228, 228],
  axis: [60, 60, 60],
};

/** The plot's geometry: where epoch e and accuracy a land. Exported for the tests. */
export function curveFrame(points: readonly CurvePoint[], o: CurveOptions = {}) {
  const width = o.width ?? 720;
  const height = o.height ?? 420;
  const left = 60;
  const right = width - 20;
  const top = 50;
  const bottom = height - 46;
  const values = points.flatMap((p) => [p.trainAccuracy, p.validationAccuracy ?? 1]).concat(o.testAccuracy ?? 1);
  // From the lowest accuracy after the first epoch (the first is far below the rest), in whole percent, to 100%.
  const later = points.length > 2 ? values.slice(2) : values;
  const lo = Math.max(0, Math.min(99, Math.floor(Math.min(...later) * 100 - 0.2)));
  const epochs = Math.max(1, points.length);
  const x = (epoch: number) => left + ((epoch - 1) / Math.max(1, epochs - 1)) * (right - left);
  const y = (acc: number) => bottom - ((Math.min(1, Math.max(lo / 100, acc)) * 100 - lo) / (100 - lo)) * (bottom - top);
  return { width, height, left, right, top, bottom, lo, epochs, x, y };
}

/** The PNG bytes of the learning curve of `points` (one per epoch, in order). */
export function curvePng(points: readonly CurvePoint[], o: CurveOptions = {}): Buffer {
  const f = curveFrame(points, o);
  const png = new PNG({ width: f.width, height: f.height });
  png.data.fill(255);
  const put = (x: number, y: number, c: RGB) => {
    const [xi, yi] = [Math.round(x), Math.round(y)];
    if (xi < 0 || yi < 0 || xi >= f.width || yi >= f.height) return;
    const at = (yi * f.width + xi) * 4;
    [png.data[at], png.data[at + 1], png.data[at + 2], png.data[at + 3]] = [c[0], c[1], c[2], 255];
  };
  const text = (s: string, x: number, y: number, c: RGB, scale = 2) => drawText(s, Math.round(x), Math.round(y), scale, (px, py) => put(px, py, c));
  const hline = (y: number, c: RGB, dash = 0) => {
    for (let x = f.left; x <= f.right; x++) if (!dash || Math.floor((x - f.left) / dash) % 2 === 0) put(x, y, c);
  };
  const vline = (x: number, c: RGB) => {
    for (let y = f.top; y <= f.bottom; y++) put(x, y, c);
  };
  const line = (pts: [number, number][], c: RGB) => {
    for (let i = 1; i < pts.length; i++) {
      const [[x0, y0], [x1, y1]] = [pts[i - 1]!, pts[i]!];
      const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
      for (let s = 0; s <= steps; s++) for (const d of [-1, 0, 1]) put(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps + d * 0.5, c);
    }
    for (const [px, py] of pts) for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) put(px + dx, py + dy, c);
  };
  // Grid and labels: every whole percent (every other one when the range is wide), and epochs.
  const pctStep = 100 - f.lo > 10 ? 5 : 100 - f.lo > 5 ? 2 : 1;
  for (let p = Math.ceil(f.lo / pctStep) * pctStep; p <= 100; p += pctStep) {
    hline(f.y(p / 100), CURVE_COLOURS.grid);
    const label = `${p}%`;
    text(label, f.left - 8 - textWidth(label, 2), f.y(p / 100) - GLYPH_H, CURVE_COLOURS.axis);
  }
  const epochStep = f.epochs <= 20 ? 1 : f.epochs <= 60 ? 5 : 10;
  for (let e = 1; e <= f.epochs; e += e === 1 && epochStep > 1 ? epochStep - 1 : epochStep) {
    const label = String(e);
    text(label, f.x(e) - textWidth(label, 2) / 2, f.bottom + 8, CURVE_COLOURS.axis);
  }
  text('epoch', (f.left + f.right - textWidth('epoch', 2)) / 2, f.bottom + 26, CURVE_COLOURS.axis);
  hline(f.bottom, CURVE_COLOURS.axis);
  for (let y = f.top; y <= f.bottom; y++) put(f.left, y, CURVE_COLOURS.axis);
  if (o.keptEpoch !== undefined) vline(f.x(o.keptEpoch), CURVE_COLOURS.kept);
  if (o.testAccuracy !== undefined) hline(f.y(o.testAccuracy), CURVE_COLOURS.test, 6);
  line(points.map((p) => [f.x(p.epoch), f.y(p.trainAccuracy)]), CURVE_COLOURS.train);
  const valid = points.filter((p) => p.validationAccuracy !== undefined);
  line(valid.map((p) => [f.x(p.epoch), f.y(p.validationAccuracy!)]), CURVE_COLOURS.valid);
  // Title and legend on the top line.
  let at = f.left;
  if (o.title) {
    text(o.title, at, 12, CURVE_COLOURS.axis);
    at += textWidth(o.title, 2) + 24;
  }
  const last = valid.at(-1)?.validationAccuracy;
  const legend: [string, RGB][] = [
    ['train', CURVE_COLOURS.train],
    ...(last !== undefined ? [[`valid ${(100 * last).toFixed(2)}%`, CURVE_COLOURS.valid] as [string, RGB]] : []),
    ...(o.testAccuracy !== undefined ? [[`test ${(100 * o.testAccuracy).toFixed(2)}%`, CURVE_COLOURS.test] as [string, RGB]] : []),
    ...(o.keptEpoch !== undefined ? [[`kept ${o.keptEpoch}`, CURVE_COLOURS.kept] as [string, RGB]] : []),
  ];
  for (const [label, c] of legend) {
    for (let dx = 0; dx < 12; dx++) for (let dy = 0; dy < 12; dy++) put(at + dx, 13 + dy, c);
    text(label, at + 18, 12, c);
    at += 18 + textWidth(label, 2) + 24;
  }
  return PNG.sync.write(png);
}
