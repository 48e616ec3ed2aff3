// Input scaling modes ([-1,1], [0,1], standardised), one-hot targets, and the bridge from a Split to core's Dataset.
// Scaling is a description ({ mul, add }) applied per batch: nothing here makes a Float32 copy of the images.

import type { Dataset, InputScaling } from '@mlp/core';
import type { Split } from './mnist.js';

/** '-1,1': (x/255 - 0.5) * 2, the seed's choice. '0,1': x/255. 'standard': (x - mean)/std with the training split's global mean/std. */
export type ScaleMode = '-1,1' | '0,1' | 'standard';

/** Every ScaleMode, for menus and usage messages. */
export const SCALE_MODES: readonly ScaleMode[] = ['-1,1', '0,1', 'standard'];

/** Global mean and (population) standard deviation of a split's pixels, exact, via a 256-bin histogram. */
export function pixelStats(split: Split): {
  /** Mean pixel value, 0..255. */
  mean: number;
  /** Population standard deviation of the pixels. */
  std: number;
} {
  const hist = new Float64Array(256);
  const px = split.images;
  const n = split.count * split.rows * split.cols;
  if (n === 0) throw new RangeError('pixelStats: the split has no pixels');
  for (let i = 0; i < n; i++) hist[px[i]!]!++;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * hist[v]!;
  const mean = sum / n;
  let sq = 0;
  for (let v = 0; v < 256; v++) sq += (v - mean) * (v - mean) * hist[v]!;
  return { mean, std: Math.sqrt(sq / n) };
}

/**
 * The affine map x = raw * mul + add for a scale mode. 'standard' needs the TRAINING split (never validation
 * or test, so no information leaks from them); the same scaling is then used for every split.
 */
export function scaling(mode: ScaleMode, train?: Split): InputScaling {
  switch (mode) {
    case '-1,1':
      return { mul: 2 / 255, add: -1 };
    case '0,1':
      return { mul: 1 / 255, add: 0 };
    case 'standard': {
      if (!train) throw new TypeError("scaling('standard') needs the training split to compute mean and std from");
      const { mean, std } = pixelStats(train);
      if (!(std > 0)) throw new RangeError("scaling('standard'): every training pixel has the same value (std 0); use '0,1' instead");
      return { mul: 1 / std, add: -mean / std };
    }
    default:
      throw new RangeError(`unknown scale mode ${JSON.stringify(mode)}; use one of ${SCALE_MODES.join(', ')}`);
  }
}

/** View a Split as core's Dataset (no copy): inputs are the Uint8 pixels, scaled per batch by the trainer. */
export function toDataset(split: Split, scale: InputScaling): Dataset {
  return { inputs: split.images, labels: split.labels, count: split.count, inputSize: split.rows * split.cols, scaling: scale };
}

/** One-hot encode labels into `out` (labels.length, classes) row-major, allocated when absent. */
export function oneHot(labels: ArrayLike<number>, classes: number, out?: Float32Array): Float32Array {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`);
  const n = labels.length;
  if (out && out.length < n * classes) throw new RangeError(`oneHot: out holds ${out.length} values, need ${n * classes}`);
  const y = out ?? new Float32Array(n * classes);
  y.fill(0, 0, n * classes);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new RangeError(`oneHot: label ${c} at ${i} is outside 0..${classes - 1}`);
    y[i * classes + c] = 1;
  }
  return y;
}
