// The drawing pad's pure part: strokes rasterised into a square ink buffer with a round antialiased brush, then
// preprocessed the way MNIST was made (@mlp/mnist's centerDigit: bounding box → 20×20 → centre of mass in 28×28).
// No DOM: the view feeds pointer positions in and shows the buffers.
import { centerDigit } from '@mlp/mnist';

/** Side of the pad's ink buffer in pixels. */
export const PAD_SIZE = 280;
/**
 * Brush radius: a digit drawn across most of the pad is scaled by about 20/200, so a 24-pixel stroke becomes the
 * 2–3 pixels of an MNIST stroke.
 */
export const BRUSH_RADIUS = 12;

/**
 * Paint the segment (x0, y0)–(x1, y1) into `ink` (size×size, 0..255, light ink on dark) with a round brush of
 * `radius`, antialiased over one pixel at the edge; overlapping strokes keep the darker ink (max). Allocates nothing.
 */
export function stampSegment(ink: Uint8ClampedArray, size: number, x0: number, y0: number, x1: number, y1: number, radius = BRUSH_RADIUS): void {
  const r = radius + 1;
  const left = Math.max(0, Math.floor(Math.min(x0, x1) - r));
  const right = Math.min(size - 1, Math.ceil(Math.max(x0, x1) + r));
  const top = Math.max(0, Math.floor(Math.min(y0, y1) - r));
  const bottom = Math.min(size - 1, Math.ceil(Math.max(y0, y1) + r));
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      // Distance from the pixel centre to the segment.
      const px = x + 0.5 - x0;
      const py = y + 0.5 - y0;
      const t = len2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx;
      const ey = py - t * dy;
      const cover = Math.min(1, Math.max(0, radius + 0.5 - Math.sqrt(ex * ex + ey * ey)));
      if (cover > 0) {
        const p = y * size + x;
        const v = Math.round(cover * 255);
        if (v > ink[p]!) ink[p] = v;
      }
    }
  }
}

/** Strokes (each a list of [x, y] points in pad pixels) as a fresh ink buffer. A one-point stroke is a dot. */
export function rasterise(strokes: readonly (readonly [number, number])[][], size = PAD_SIZE, radius = BRUSH_RADIUS): Uint8ClampedArray {
  const ink = new Uint8ClampedArray(size * size);
  for (const s of strokes) {
    for (let i = 0; i < s.length; i++) {
      const a = s[Math.max(0, i - 1)]!;
      const b = s[i]!;
      stampSegment(ink, size, a[0], a[1], b[0], b[1], radius);
    }
  }
  return ink;
}

/** The pad's ink as an MNIST-style 28×28 digit (0..255, light on dark), or null when nothing is drawn. */
export function padDigit(ink: ArrayLike<number>, size = PAD_SIZE): Uint8Array | null {
  let any = false;
  for (let i = 0; i < ink.length && !any; i++) any = ink[i]! > 0;
  return any ? centerDigit(ink, size, size, { invert: false }) : null;
}
