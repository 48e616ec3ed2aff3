// Which hidden units are stuck: a first-layer unit's activations over a sample of images, and the share of them where
// its activation's slope is nearly zero (a sigmoid near 0 or 1, a tanh near ±1, a ReLU below 0), so almost no gradient
// reaches its weights. Pure and batched on the UI thread from a weight snapshot; no drawing.
import { type ActivationName, activationForward, denseForward } from '@mlp/core';
import type { Weights } from '../train/protocol.js';

/** Whether activation value `a` of `act` has a slope under ~0.02 (sigmoid: a(1−a) < 0.02; tanh: 1−a² < 0.08; ReLU: a ≤ 0). */
export function saturated(act: ActivationName, a: number): boolean {
  if (act === 'sigmoid') return a * (1 - a) < 0.02;
  if (act === 'tanh') return 1 - a * a < 0.08;
  if (act === 'relu') return a <= 0;
  return false;
}

/** First hidden layer activations (n, units) of `n` images (pixel bytes, (n, 784) row-major), scaled as trained. */
export function firstLayer(net: Weights, pixels: ArrayLike<number>, n: number): Float32Array {
  const inputs = net.layers[0]!;
  const units = net.layers[1]!;
  const x = new Float32Array(n * inputs);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i]! * net.scaling.mul + net.scaling.add;
  const z = new Float32Array(n * units);
  denseForward(z, x, net.W[0]!, net.b[0]!, n, inputs, units);
  const a = new Float32Array(z.length);
  activationForward(net.layers.length > 2 ? net.hidden : net.output, a, z, n, units);
  return a;
}

/** For each first-layer unit, the share of the `n` images on which it is saturated (0..1). */
export function unitSaturation(net: Weights, pixels: ArrayLike<number>, n: number): Float32Array {
  const units = net.layers[1]!;
  const act = net.layers.length > 2 ? net.hidden : net.output;
  const a = firstLayer(net, pixels, n);
  const out = new Float32Array(units);
  for (let r = 0; r < n; r++) for (let u = 0; u < units; u++) if (saturated(act, a[r * units + u]!)) out[u]! += 1 / n;
  return out;
}
