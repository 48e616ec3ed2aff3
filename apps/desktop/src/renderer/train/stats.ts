// Why a network learns fast or slowly, measured: per layer, the distribution of its weights, of its activations on a
// fixed sample of held-out images (with the share of saturated units), and of the sizes of its last gradients. Pure
// functions of weight and gradient copies; the session takes a snapshot a few times an epoch. No drawing.
import { forwardBatch } from '../analysis/forward.js';
import { saturated } from '../analysis/saturation.js';
import type { Weights } from './protocol.js';

/** The quantiles every distribution is summarised by (TensorBoard's distribution bands, plus min and max). */
export const QUANTILES = [0, 0.07, 0.16, 0.31, 0.5, 0.69, 0.84, 0.93, 1] as const;

export interface LayerStats {
  /** Quantiles of W[l]'s values. */
  weights: number[];
  /** Quantiles of layer l+1's activations over the sample images and units. */
  activations: number[];
  /** Share of those activations where the activation's slope is almost 0 (sigmoid near 0 or 1, ReLU ≤ 0). */
  saturated: number;
  /** Quantiles of |dW[l]| from the last batch; null before the first batch. */
  gradients: number[] | null;
  /**
   * The root mean square of dW[l]: the typical size of a weight's gradient. Unlike the median it is not 0 when most
   * weights get none (background pixels, ReLU units that are off).
   */
  gradientRms: number | null;
}

export interface StatsSnapshot {
  /** Fractional epoch (0 before training). */
  x: number;
  layers: LayerStats[];
}

/** The QUANTILES of `values` (sorted copy; strided down to at most `sample` values). */
export function quantiles(values: ArrayLike<number>, sample = 8_000): number[] {
  const stride = Math.max(1, Math.ceil(values.length / sample));
  const a = new Float32Array(Math.ceil(values.length / stride));
  for (let i = 0, k = 0; i < values.length; i += stride) a[k++] = values[i]!;
  a.sort();
  return QUANTILES.map((q) => (a.length ? a[Math.min(a.length - 1, Math.round(q * (a.length - 1)))]! : 0));
}

/** A snapshot of every layer at fractional epoch x: `pixels` are n sample images, `grads` the last dW (or null). */
export function snapshot(x: number, net: Weights, pixels: ArrayLike<number>, n: number, grads: Float32Array[] | null): StatsSnapshot {
  const acts = forwardBatch(net, pixels, n);
  const layers = net.W.map((W, l) => {
    const a = acts[l]!;
    const act = l === net.W.length - 1 ? net.output : net.hidden;
    let sat = 0;
    for (let i = 0; i < a.length; i++) if (saturated(act, a[i]!)) sat++;
    const g = grads?.[l];
    return {
      weights: quantiles(W),
      activations: quantiles(a),
      saturated: a.length ? sat / a.length : 0,
      gradients: g ? quantiles(g.map(Math.abs)) : null,
      gradientRms: g ? rms(g) : null,
    };
  });
  return { x, layers };
}

/** sqrt(mean(v²)); 0 for no values. */
export function rms(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return v.length ? Math.sqrt(s / v.length) : 0;
}
