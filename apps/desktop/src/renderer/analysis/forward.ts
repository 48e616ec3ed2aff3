// The forward pass of a network snapshot (the worker's weight copies) on one image, on the UI thread: every layer's
// activations for the inspector and the drawing pad, composed from @mlp/core's own denseForward and activationForward.
// One example at a time; training and batch evaluation stay in the worker.
import { activationForward, denseForward, gemmJs } from '@mlp/core';
import type { Weights } from '../train/protocol.js';

export interface ForwardPass {
  /** The scaled input, (inputs). */
  input: Float32Array;
  /** Activations of each layer after the input: hidden layers first, the output last. */
  layers: Float32Array[];
}

/** Run `net` on one image of pixel bytes (0..255), scaled as the model was trained. */
export function forwardPass(net: Weights, pixels: ArrayLike<number>): ForwardPass {
  const L = net.layers;
  if (pixels.length < L[0]!) throw new RangeError(`forwardPass: ${pixels.length} pixels for a ${L[0]}-input network`);
  const input = new Float32Array(L[0]!);
  for (let i = 0; i < input.length; i++) input[i] = pixels[i]! * net.scaling.mul + net.scaling.add;
  const layers: Float32Array[] = [];
  let x = input;
  for (let l = 0; l < L.length - 1; l++) {
    const z = new Float32Array(L[l + 1]!);
    denseForward(z, x, net.W[l]!, net.b[l]!, 1, L[l]!, L[l + 1]!);
    const a = new Float32Array(z.length);
    activationForward(l === L.length - 2 ? net.output : net.hidden, a, z, 1, z.length);
    layers.push(a);
    x = a;
  }
  return { input, layers };
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Indices of `values` from largest to smallest (ties by index). */
export function rankDescending(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
}

/**
 * What each unit of the last hidden layer adds to output `cls`'s pre-activation: a_j · W[last][cls, j]. With the
 * output bias they sum to that output's z, so for a one-hidden-layer network these are the units' votes for cls.
 */
export function votes(net: Weights, lastHidden: ArrayLike<number>, cls: number): Float32Array {
  const W = net.W[net.W.length - 1]!;
  const n = net.layers[net.layers.length - 2]!;
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) out[j] = lastHidden[j]! * W[cls * n + j]!;
  return out;
}

/**
 * Hidden layer k's weights traced back to the pixels: the (layers[k+1], inputs) product W[k]·W[k−1]·…·W[0]. Row u is
 * what unit u of layer k would respond to if the layers below it were linear (no activation, no bias): a picture
 * of its preferred input for deeper layers, exact only for linear networks. Layer 0 is W[0] itself.
 */
export function tracedWeights(net: Weights, k: number): Float32Array {
  const L = net.layers;
  if (!(k >= 0 && k < L.length - 2)) throw new RangeError(`tracedWeights: layer ${k} is not a hidden layer of ${L.join('-')}`);
  let traced = net.W[0]!;
  for (let l = 1; l <= k; l++) {
    const next = new Float32Array(L[l + 1]! * L[0]!);
    gemmJs(next, net.W[l]!, traced, L[l + 1]!, L[0]!, L[l]!, false, false);
    traced = next;
  }
  return traced;
}

/** Every layer's activations, (n, layers[l+1]) each, for `n` images of pixel bytes ((n, inputs) row-major). */
export function forwardBatch(net: Weights, pixels: ArrayLike<number>, n: number): Float32Array[] {
  const L = net.layers;
  let x = new Float32Array(n * L[0]!);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i]! * net.scaling.mul + net.scaling.add;
  const out: Float32Array[] = [];
  for (let l = 0; l < L.length - 1; l++) {
    const z = new Float32Array(n * L[l + 1]!);
    denseForward(z, x, net.W[l]!, net.b[l]!, n, L[l]!, L[l + 1]!);
    const a = new Float32Array(z.length);
    activationForward(l === L.length - 2 ? net.output : net.hidden, a, z, n, L[l + 1]!);
    out.push(a);
    x = a;
  }
  return out;
}
