// The one place the desktop reads a core model's parameters and gradients: copies, owned by the caller, through
// core's explicit sync points (readWeightsInto and friends); only this file follows that API. No drawing, no messaging.
import type { MLP } from '@mlp/core';

/** Copies of every layer's weights W[l]: (layers[l+1], layers[l]) row-major. */
export function readWeights(m: MLP): Float32Array[] {
  const L = m.config.layers;
  return L.slice(1).map((out, l) => m.readWeightsInto(l, new Float32Array(out * L[l]!)));
}

/** Copies of every layer's biases b[l]: (layers[l+1]). */
export function readBiases(m: MLP): Float32Array[] {
  return m.config.layers.slice(1).map((out, l) => m.readBiasesInto(l, new Float32Array(out)));
}

/** Copies of the last backward pass's weight gradients dW[l], same shapes as W. */
export function readGradients(m: MLP): Float32Array[] {
  return m.config.layers.slice(1).map((_, l) => Float32Array.from(m.readGradients(l).dW));
}
