// Which hidden units are stuck: a first-layer unit's activations over a sample of images, and the share of them where
// its activation's slope is nearly zero (a sigmoid near 0 or 1, a tanh near ±1, a ReLU below 0), so almost no gradient
// reaches its weights. Pure and batched on the UI thread from a weight snapshot; no drawing.
import type { ActivationName } from '@mlp/core';
import { forwardBatch } from './forward.js';
import type { Weights } from '../train/protocol.js';

/** Whether activation value `a` of `act` has a slope under ~0.02 (sigmoid: a(1−a) < 0.02; tanh: 1−a² < 0.08; ReLU: a ≤ 0). */
export function saturated(act: ActivationName, a: number): boolean {
  if (act === 'sigmoid') return a * (1 - a) < 0.02;
  if (act === 'tanh') return 1 - a * a < 0.08;
  if (act === 'relu') return a <= 0;
  return false;
}

/** For each first-layer unit, the share of the `n` images on which it is saturated (0..1). */
export function unitSaturation(net: Weights, pixels: ArrayLike<number>, n: number): Float32Array {
  const units = net.layers[1]!;
  const act = net.layers.length > 2 ? net.hidden : net.output;
  const a = forwardBatch({ ...net, layers: net.layers.slice(0, 2), W: net.W.slice(0, 1), b: net.b.slice(0, 1), output: act }, pixels, n)[0]!;
  const out = new Float32Array(units);
  for (let r = 0; r < n; r++) for (let u = 0; u < units; u++) if (saturated(act, a[r * units + u]!)) out[u]! += 1 / n;
  return out;
}
