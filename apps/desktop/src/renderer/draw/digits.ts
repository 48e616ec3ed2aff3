// Digit images and per-class output bars as pixels: an MNIST image shown dark on light, and the small strip of ten
// bars drawn on every gallery tile. Pure: values in, RGBA out.
import { type Rgba, rgba } from './image.js';

export const BAR_RGB = { truth: [46, 139, 87], wrong: [192, 57, 43], other: [150, 160, 172] } as const;

/** A side×side digit from `pixels` (0..255 ink, starting at `offset`) as dark ink on white paper. */
export function digitImage(pixels: ArrayLike<number>, offset = 0, side = 28): Rgba {
  const img = rgba(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = 255 - pixels[offset + i]!;
    img.data[i * 4] = v;
    img.data[i * 4 + 1] = v;
    img.data[i * 4 + 2] = v;
  }
  return img;
}

/** Colour of class k's bar: the true class green, a wrong prediction red, the rest grey. */
export function barColour(k: number, truth: number | null, predicted: number): readonly [number, number, number] {
  if (k === truth) return BAR_RGB.truth;
  if (k === predicted) return truth === null ? BAR_RGB.truth : BAR_RGB.wrong;
  return BAR_RGB.other;
}

/**
 * Ten (classes) vertical bars in a width×height strip, bar k's height proportional to values[k] on [0, 1] (clamped),
 * at least one pixel so a class with nothing still shows where it is. Coloured by barColour.
 */
export function outputStrip(values: ArrayLike<number>, offset: number, classes: number, truth: number | null, predicted: number, width: number, height: number): Rgba {
  const img = rgba(width, height);
  const slot = Math.floor(width / classes);
  for (let k = 0; k < classes; k++) {
    const v = Math.min(1, Math.max(0, values[offset + k]! || 0));
    const h = Math.max(1, Math.round(v * height));
    const rgb = barColour(k, truth, predicted);
    for (let y = height - h; y < height; y++) {
      for (let x = k * slot; x < k * slot + slot - 1; x++) {
        const p = (y * width + x) * 4;
        img.data[p] = rgb[0];
        img.data[p + 1] = rgb[1];
        img.data[p + 2] = rgb[2];
      }
    }
  }
  return img;
}
