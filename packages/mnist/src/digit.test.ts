import { describe, expect, it } from 'vitest';
import { centerDigit, isInkOnPaper } from './digit.js';

/** A w×h canvas with a filled rectangle of ink (255 on 0, or 0 on 255 when paper). */
function canvas(w: number, h: number, rect: [number, number, number, number], paper = false): Uint8Array {
  const g = new Uint8Array(w * h).fill(paper ? 255 : 0);
  const [x0, y0, x1, y1] = rect;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) g[y * w + x] = paper ? 0 : 255;
  return g;
}
function stats(d: Uint8Array, size = 28) {
  let x0 = size;
  let x1 = -1;
  let y0 = size;
  let y1 = -1;
  let m = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = d[y * size + x]!;
      if (v > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
      m += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: cx / m, cy: cy / m, max: Math.max(...d) };
}

describe('centerDigit (MNIST-style preprocessing)', () => {
  it('scales the bounding box so its longer side is 20 px, keeping the aspect ratio', () => {
    const d = centerDigit(canvas(200, 200, [20, 30, 59, 129]), 200, 200); // a 40×100 bar, top-left
    const s = stats(d);
    expect(s.h).toBe(20);
    expect(s.w).toBe(8);
  });

  it('centres by centre of mass at (14, 14), wherever the drawing was', () => {
    for (const rect of [
      [0, 0, 30, 60],
      [150, 120, 199, 199],
    ] as [number, number, number, number][]) {
      const s = stats(centerDigit(canvas(200, 200, rect), 200, 200));
      expect(Math.abs(s.cx - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(s.cy - 14)).toBeLessThanOrEqual(0.5);
    }
  });

  it('outputs white ink on black in 0..255, inverting dark-on-light drawings automatically', () => {
    const light = centerDigit(canvas(100, 100, [40, 10, 60, 90], true), 100, 100);
    const dark = centerDigit(canvas(100, 100, [40, 10, 60, 90]), 100, 100);
    expect(light).toEqual(dark);
    expect(stats(dark).max).toBe(255);
    expect(dark[0]).toBe(0);
    expect(isInkOnPaper(canvas(10, 10, [4, 4, 5, 5], true), 10, 10)).toBe(true);
    expect(isInkOnPaper(canvas(10, 10, [4, 4, 5, 5]), 10, 10)).toBe(false);
  });

  it('antialiases: a thin diagonal stroke gives intermediate grey levels', () => {
    const w = 280;
    const g = new Uint8Array(w * w);
    for (let i = 20; i < 260; i++) for (let t = -3; t <= 3; t++) g[i * w + i + t] = 255;
    const d = centerDigit(g, w, w);
    const greys = Array.from(d).filter((v) => v > 0 && v < 255).length;
    expect(greys).toBeGreaterThan(10);
  });

  it('upscales a tiny drawing and returns zeros for an empty one', () => {
    expect(stats(centerDigit(canvas(10, 10, [4, 2, 5, 6]), 10, 10)).h).toBe(20);
    expect(centerDigit(new Uint8Array(100), 10, 10).every((v) => v === 0)).toBe(true);
    expect(() => centerDigit(new Uint8Array(5), 10, 10)).toThrow(/do not fill/);
  });
});
