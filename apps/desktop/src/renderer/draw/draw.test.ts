import type { EpochReport } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { bars, column } from './bars.js';
import { DIVERGING_LUT, cssColor, divergingRgb, lutIndex, sequentialRgb, textOn } from './colormap.js';
import { alignSeries, compareColumns, curveColumns, drawnStretches, ema, thinIndices } from './curves.js';
import { BAR_RGB, barColour, digitImage, outputStrip } from './digits.js';
import { scaleLabel } from './labels.js';
import { sharedScale } from './scale.js';
import { networkLayout, strongestEdges } from './network.js';
import { GAP_RGB, SELECTED_RGB, STILL_RGB, gridLayout, heatmap, rowNorms, rowScales, singleTile, stillUnits, tileGrid, tileShape, unitAt } from './tiles.js';

const px = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) => {
  const i = (y * img.width + x) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
};

describe('the diverging colour map', () => {
  it('goes blue → white → red, symmetric around zero, saturating beyond the scale', () => {
    const [r0, , b0] = divergingRgb(0);
    const [r1, , b1] = divergingRgb(1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(divergingRgb(0.5)).toEqual([247, 247, 247]);
    expect(lutIndex(0, 1)).toBe(128);
    expect(lutIndex(-1, 1)).toBe(0);
    expect(lutIndex(1, 1)).toBe(255);
    expect(lutIndex(-50, 1)).toBe(0);
    expect(lutIndex(50, 1)).toBe(255);
    expect(lutIndex(0.5, 1) - 128).toBe(128 - lutIndex(-0.5, 1) - 1);
    expect(lutIndex(Number.NaN, 1)).toBe(128);
    expect(lutIndex(1, 0)).toBe(128);
    expect(DIVERGING_LUT.length).toBe(768);
    expect(cssColor(1, 1)).toBe('rgb(178, 24, 43)');
  });
});

describe('sharedScale', () => {
  it('is a high quantile of |w|, so one outlier does not wash the layer out', () => {
    const w = new Float32Array(10_000).map((_, i) => ((i % 200) - 100) / 1000); // |w| up to 0.1
    w[5] = 1000;
    const s = sharedScale(w);
    expect(s).toBeGreaterThan(0.09);
    expect(s).toBeLessThanOrEqual(0.1);
    expect(sharedScale(w, 1)).toBe(1000);
    expect(sharedScale(new Float32Array(10))).toBe(1e-6);
    expect(sharedScale([])).toBe(1e-6);
  });
});

describe('the tile grid', () => {
  it('lays out 28×28 tiles in a near-square grid with 1-pixel gaps', () => {
    expect(tileShape(784)).toEqual([28, 28]);
    expect(tileShape(10)).toEqual([10, 1]);
    expect(gridLayout(50, 784)).toMatchObject({ cols: 8, rows: 7, width: 8 * 29 + 1, height: 7 * 29 + 1 });
    expect(gridLayout(256, 784)).toMatchObject({ cols: 16, rows: 16 });
    expect(gridLayout(1, 784)).toMatchObject({ cols: 1, rows: 1, width: 30 });
  });

  it('finds the unit under a pixel, and none on gaps or empty cells', () => {
    const L = gridLayout(50, 784);
    expect(unitAt(L, 1, 1)).toBe(0);
    expect(unitAt(L, 28, 28)).toBe(0);
    expect(unitAt(L, 29, 10)).toBe(-1); // the gap after the first tile
    expect(unitAt(L, 30, 1)).toBe(1);
    expect(unitAt(L, 1 + 29 + 5, 1 + 29 + 5)).toBe(9);
    expect(unitAt(L, 1 + 2 * 29, 1 + 6 * 29)).toBe(-1); // row 7 holds units 48 and 49 only
    expect(unitAt(L, 0, 0)).toBe(-1);
    expect(unitAt(L, L.width + 5, 1)).toBe(-1);
  });

  it('draws each unit’s weights as its tile: row-major, one colour per weight, on the shared scale', () => {
    const units = 3;
    const W = new Float32Array(units * 784);
    W[0] = 1; // unit 0, pixel (0, 0): most positive
    W[784 + 27] = -1; // unit 1, pixel (27, 0): most negative
    W[2 * 784 + 28 * 27 + 27] = 0.5; // unit 2, pixel (27, 27)
    const img = tileGrid(W, units, 784, 1);
    expect(img.width).toBe(2 * 29 + 1);
    expect(px(img, 0, 0)).toEqual(GAP_RGB);
    expect(px(img, 1, 1)).toEqual(divergingRgb(1));
    expect(px(img, 2, 1)).toEqual(divergingRgb(128 / 255));
    expect(px(img, 30 + 27, 1)).toEqual(divergingRgb(0));
    expect(px(img, 1 + 27, 30 + 27)).toEqual(divergingRgb(lutIndex(0.5, 1) / 255));
    // The empty fourth cell stays gap-coloured; a selected unit gets an outline in the gaps around it.
    expect(px(img, 30 + 10, 30 + 10)).toEqual(GAP_RGB);
    const sel = tileGrid(W, units, 784, 1, 1);
    expect(px(sel, 29, 10)).toEqual(SELECTED_RGB);
    expect(px(sel, 30 + 10, 0)).toEqual(SELECTED_RGB);
    expect(px(sel, 0, 10)).toEqual(GAP_RGB);
    expect(singleTile(W, 1, 784, 1).width).toBe(28);
    expect(px(singleTile(W, 1, 784, 1), 27, 0)).toEqual(divergingRgb(0));
  });

  it('gives each tile its own contrast on request, and outlines units that barely changed', () => {
    const W = new Float32Array(2 * 784);
    W[0] = 0.01; // unit 0: faint
    W[784] = 1; // unit 1: strong
    const scales = rowScales(W, 2, 784, 1);
    expect([...scales]).toEqual([Math.fround(0.01), 1]);
    // On the shared scale unit 0's weight is nearly white; on its own it is full red like unit 1's.
    expect(px(tileGrid(W, 2, 784, 1), 1, 1)).not.toEqual(divergingRgb(1));
    expect(px(tileGrid(W, 2, 784, scales), 1, 1)).toEqual(divergingRgb(1));
    expect(px(tileGrid(W, 2, 784, scales), 30, 1)).toEqual(divergingRgb(1));
    expect(px(tileGrid(W, 2, 784, 1, -1, [0]), 0, 10)).toEqual(STILL_RGB);
    // Norms and the units under a quarter of the median.
    expect([...rowNorms(Float32Array.from([3, 4, 0, 0]), 2, 2)]).toEqual([5, 0]);
    expect(stillUnits(Float32Array.from([1, 1.1, 0.2, 0.9, 0.22]))).toEqual([2, 4]);
    expect(stillUnits(Float32Array.from([0, 0, 0]))).toEqual([]);
  });

  it('draws a matrix as a heat map, one pixel per weight', () => {
    const W = Float32Array.from([1, 0, -1, 0.5, -0.5, 0]);
    const img = heatmap(W, 2, 3, 1);
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(px(img, 0, 0)).toEqual(divergingRgb(1));
    expect(px(img, 2, 0)).toEqual(divergingRgb(0));
    expect(px(img, 1, 1)).toEqual(divergingRgb(lutIndex(-0.5, 1) / 255));
  });
});

describe('output-weight bars', () => {
  it('takes a unit’s column and draws bars up for positive, down for negative, clipped to the box', () => {
    const W = Float32Array.from([1, 2, 3, 4, 5, 6]); // (2, 3)
    expect([...column(W, 2, 3, 1)]).toEqual([2, 5]);
    const b = bars([1, -0.5, 4], 1, 300, 100);
    expect(b).toHaveLength(3);
    expect(b[0]).toMatchObject({ y: 2, h: 48, label: '0' });
    expect(b[1]).toMatchObject({ y: 50, h: 24 });
    expect(b[2]!.h).toBe(48);
    expect(b[1]!.x).toBeCloseTo(100 + 15);
  });
});

describe('curve data', () => {
  it('smooths with a bias-corrected EMA', () => {
    expect(ema([1, 1, 1], 0.9)).toEqual([1, 1, 1].map(() => expect.closeTo(1, 12)));
    const e = ema([0, 10], 0.5);
    expect(e[0]).toBe(0);
    expect(e[1]).toBeCloseTo((0.5 * 0 * 0.5 + 0.5 * 10) / 0.75);
  });

  it('thins long series and keeps the last point', () => {
    expect(thinIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const t = thinIndices(1000, 100);
    expect(t.length).toBeLessThanOrEqual(101);
    expect(t.at(-1)).toBe(999);
  });

  it('merges batch points and epoch reports on one sorted x axis, accuracy in percent', () => {
    const batches = { x: [0.5, 1, 1.5, 2], loss: [2, 1, 1, 1], accuracy: [0.5, 0.6, 0.7, 0.8] };
    const history = [
      { epoch: 1, loss: 1.5, trainAccuracy: 0.55, validationLoss: 1.2, validationAccuracy: 0.65 },
      { epoch: 2, loss: 1, trainAccuracy: 0.75 },
    ] as EpochReport[];
    const [x, batch, train, valid] = curveColumns(batches, history, 'accuracy', 0);
    expect(x).toEqual([0.5, 1, 1.5, 2]);
    const close = (v: (number | null)[]) => v.map((a) => (a === null ? null : expect.closeTo(a, 9)));
    expect(batch).toEqual(close([50, 60, 70, 80]));
    expect(train).toEqual(close([null, 55, null, 75]));
    expect(valid).toEqual(close([null, 65, null, null]));
    const loss = curveColumns({ x: [], loss: [], accuracy: [] }, history, 'loss');
    expect(loss).toEqual([[1, 2], [null, null], [1.5, 1], [1.2, null]]);
  });

  it('aligns curves with different x values, and puts each compared run’s batches and validation side by side', () => {
    expect(alignSeries([{ x: [0.5, 1], y: [3, 2] }, { x: [1, 2], y: [9, 8] }])).toEqual([[0.5, 1, 2], [3, 2, null], [null, 9, 8]]);
    const a = { batches: { x: [0.5, 1], loss: [1, 1], accuracy: [0.5, 0.5] }, history: [{ epoch: 1, loss: 1, trainAccuracy: 0.5, validationAccuracy: 0.6, validationLoss: 0.9 }] as EpochReport[] };
    const b = { batches: { x: [0.25, 0.5, 0.75, 1], loss: [2, 2, 2, 2], accuracy: [0.1, 0.1, 0.1, 0.1] }, history: [] as EpochReport[] };
    const cols = compareColumns([a, b], 'accuracy');
    expect(cols).toHaveLength(5);
    expect(cols[0]).toEqual([0.25, 0.5, 0.75, 1]);
    expect(cols[2]).toEqual([null, null, null, expect.closeTo(60, 9)]); // run a's validation, at epoch 1 only
    expect(cols[3]).toEqual([10, 10, 10, 10].map((v) => expect.closeTo(v, 9)));
    expect(cols[4]).toEqual([null, null, null, null]);
    expect(compareColumns([], 'loss')).toEqual([[]]);
  });

  it('draws every run of a comparison without gaps where runs overlap: thinned at their own strides, spanned', () => {
    // A 5-epoch run of 550 batches a epoch and a 3-epoch run: thinned to 400 points each at different strides, so
    // most x values hold a point of one run only.
    const run = (epochs: number) => {
      const n = epochs * 550;
      const x = Array.from({ length: n }, (_, i) => (i + 1) / 550);
      return { batches: { x, loss: x.map(() => 1), accuracy: x.map(() => 0.5) }, history: [] as EpochReport[] };
    };
    const cols = compareColumns([run(5), run(3)], 'loss');
    const xs = cols[0];
    // Unspanned, the first run's line would break into hundreds of pieces (the missing curves)…
    expect(drawnStretches(xs, cols[1]!, false).length).toBeGreaterThan(100);
    // …spanned, each run is one unbroken line over its whole range.
    expect(drawnStretches(xs, cols[1]!, true)).toEqual([[expect.closeTo(1 / 550, 9), 5]]);
    expect(drawnStretches(xs, cols[3]!, true)).toEqual([[expect.closeTo(1 / 550, 9), 3]]);
    expect(drawnStretches([0, 1, 2, 3], [1, null, 2, null], false)).toEqual([
      [0, 0],
      [2, 2],
    ]);
    expect(drawnStretches([0, 1], [null, null], true)).toEqual([]);
  });

  it('labels scale ends compactly', () => {
    expect(scaleLabel(0.12345)).toBe('0.12');
    expect(scaleLabel(-0.0015)).toBe('-0.0015');
    expect(scaleLabel(0)).toBe('0');
    expect(scaleLabel(1234.5)).toBe('1235');
  });
});

describe('digits and output bars', () => {
  it('shows a digit dark on light, one pixel per MNIST pixel', () => {
    const pixels = new Uint8Array(2 * 784);
    pixels[784 + 28 + 1] = 255;
    const img = digitImage(pixels, 784);
    expect([img.width, img.height]).toEqual([28, 28]);
    expect(px(img, 0, 0)).toEqual([255, 255, 255]);
    expect(px(img, 1, 1)).toEqual([0, 0, 0]);
  });

  it('draws ten bars, the true class green, a wrong prediction red, heights proportional and clamped', () => {
    expect(barColour(3, 3, 3)).toBe(BAR_RGB.truth);
    expect(barColour(5, 3, 5)).toBe(BAR_RGB.wrong);
    expect(barColour(5, null, 5)).toBe(BAR_RGB.truth);
    expect(barColour(1, 3, 5)).toBe(BAR_RGB.other);
    const values = [0, 0, 0, 0.5, 0, 2, 0, 0, 0, 0];
    const img = outputStrip(values, 0, 10, 3, 5, 40, 20);
    expect(px(img, 3 * 4, 19)).toEqual([...BAR_RGB.truth]);
    expect(px(img, 3 * 4, 10)).toEqual([...BAR_RGB.truth]);
    expect(px(img, 3 * 4, 9)).toEqual([255, 255, 255]); // half height
    expect(px(img, 5 * 4, 0)).toEqual([...BAR_RGB.wrong]); // clamped to full height
    expect(px(img, 0, 19)).toEqual([...BAR_RGB.other]); // zero still shows one pixel
    expect(px(img, 0, 18)).toEqual([255, 255, 255]);
    expect(px(img, 3, 19)).toEqual([255, 255, 255]); // the gap between bars
  });

  it('colours confusion shares from near-white to deep blue, with readable text', () => {
    expect(sequentialRgb(0)).toEqual([247, 250, 253]);
    expect(sequentialRgb(1)).toEqual([12, 52, 110]);
    expect(sequentialRgb(0.04)[2]).toBeLessThan(sequentialRgb(0)[2]);
    expect(sequentialRgb(Number.NaN)).toEqual(sequentialRgb(0));
    expect(textOn(sequentialRgb(0))).toBe('#111');
    expect(textOn(sequentialRgb(1))).toBe('#fff');
  });
});

describe('the network diagram', () => {
  it('lays out one column per layer: the input box, hidden units in a grid of equal squares, one circle per output', () => {
    const L = networkLayout([784, 50, 10], 800, 320);
    expect(L.columns).toHaveLength(3);
    expect(L.columns[0]!.nodes).toHaveLength(1);
    expect(L.columns[1]!.nodes).toHaveLength(50);
    expect(L.columns[2]!.nodes).toHaveLength(10);
    const hidden = L.columns[1]!.nodes;
    expect(new Set(hidden.map((n) => n.size)).size).toBe(1);
    for (const n of [...hidden, ...L.columns[2]!.nodes]) {
      expect(n.x - n.size / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.size / 2).toBeLessThanOrEqual(800);
      expect(n.y + n.size / 2).toBeLessThanOrEqual(320);
    }
    // Columns run left to right; outputs top to bottom.
    expect(L.columns[0]!.x).toBeLessThan(L.columns[1]!.x);
    expect(L.columns[2]!.nodes[9]!.y).toBeGreaterThan(L.columns[2]!.nodes[0]!.y);
  });

  it('keeps the strongest connections, by |w|, largest first', () => {
    // W: 2 units above × 3 below.
    const e = strongestEdges(Float32Array.from([0.1, -0.9, 0.2, 0.5, 0, -0.3]), 2, 3, 3);
    expect(e.map((x) => [x.to, x.from])).toEqual([
      [0, 1],
      [1, 0],
      [1, 2],
    ]);
    expect(e[0]!.w).toBeCloseTo(-0.9, 6);
  });
});
