import { describe, expect, it } from 'vitest';
import { BRUSH_RADIUS, PAD_SIZE, padDigit, rasterise, stampSegment } from './pad.js';

/** Bounding box and centre of mass of the nonzero pixels of a side×side image. */
function stats(img: ArrayLike<number>, side = 28) {
  let x0 = side;
  let y0 = side;
  let x1 = -1;
  let y1 = -1;
  let m = 0;
  let cx = 0;
  let cy = 0;
  let min = 255;
  let max = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = img[y * side + x]!;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      m += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: cx / m, cy: cy / m, min, max };
}

describe('the pad’s brush', () => {
  it('paints a round, antialiased, solid stroke and keeps the darker ink where strokes cross', () => {
    const ink = new Uint8ClampedArray(100 * 100);
    stampSegment(ink, 100, 20, 50.3, 80, 50.3, 5);
    expect(ink[50 * 100 + 50]).toBe(255); // on the line
    expect(ink[50 * 100 + 20]).toBe(255); // the round cap at the start
    expect(ink[44 * 100 + 50]).toBe(0); // 5.8 px from the line
    expect(ink[45 * 100 + 50]).toBeGreaterThan(0); // 5.3 px: the antialiased edge, between 0 and 255
    expect(ink[45 * 100 + 50]).toBeLessThan(255);
    expect(ink[50 * 100 + 90]).toBe(0); // beyond the end cap
    stampSegment(ink, 100, 50, 0, 50, 100, 1); // a thin crossing stroke does not lighten the thick one
    expect(ink[50 * 100 + 50]).toBe(255);
    expect(ink[45 * 100 + 50]).toBe(255);
    expect(ink[45 * 100 + 60]).toBeGreaterThan(0);
    expect(ink[45 * 100 + 60]).toBeLessThan(255);
  });

  it('clips strokes at the pad’s edges and draws a one-point stroke as a dot', () => {
    const ink = rasterise([[[-20, -20], [5, 5]], [[150, 150]]], 200, 4);
    expect(ink[0]).toBe(255);
    expect(ink[150 * 200 + 150]).toBe(255);
    expect(ink[150 * 200 + 156]).toBe(0);
    expect(ink.length).toBe(200 * 200);
  });
});

describe('a drawing preprocessed like MNIST (rasterise → centerDigit)', () => {
  it('gives no digit for an empty pad', () => {
    expect(padDigit(new Uint8ClampedArray(PAD_SIZE * PAD_SIZE))).toBeNull();
  });

  it('turns a vertical stroke (a "1") into a 20-pixel-tall, thin, centred 28×28 digit in 0..255', () => {
    const digit = padDigit(rasterise([[[140, 40], [141, 140], [142, 240]]]))!;
    expect(digit).toHaveLength(28 * 28);
    const s = stats(digit);
    expect(s.h).toBeGreaterThanOrEqual(20);
    expect(s.h).toBeLessThanOrEqual(21); // the 20-pixel box, plus at most one pixel of centring
    expect(s.w).toBeLessThanOrEqual(5); // a stroke of 2 × 12 px scaled by 20/224
    expect(s.min).toBe(0);
    expect(s.max).toBeLessThanOrEqual(255);
    expect(s.max).toBeGreaterThan(200); // a solid stroke stays nearly full ink after area-averaging
    expect(Math.abs(s.cx - 14)).toBeLessThan(1);
    expect(Math.abs(s.cy - 14)).toBeLessThan(1);
  });

  it('centres a small digit drawn in a corner by its centre of mass, scaled so its longer side is 20 pixels', () => {
    // An "L": down then right, in the top-left corner of the pad.
    const digit = padDigit(rasterise([[[30, 20], [30, 100], [70, 100]]]))!;
    const s = stats(digit);
    expect(Math.max(s.w, s.h)).toBeGreaterThanOrEqual(20);
    expect(Math.max(s.w, s.h)).toBeLessThanOrEqual(21);
    expect(s.w).toBeLessThan(s.h);
    expect(Math.abs(s.cx - 14)).toBeLessThan(1);
    expect(Math.abs(s.cy - 14)).toBeLessThan(1);
    expect(s.max).toBeGreaterThan(200);
  });

  it('uses a brush thick enough to look like MNIST strokes after scaling', () => {
    expect(BRUSH_RADIUS * 2 * (20 / 200)).toBeGreaterThanOrEqual(2);
    expect(BRUSH_RADIUS * 2 * (20 / 200)).toBeLessThanOrEqual(3.5);
  });
});
