// The one place the desktop reads a core model's parameters and gradients: copies, owned by the caller. Core's way of
// reading weights may change (a getter today); only this file follows it. No drawing, no messaging.
import type { MLP } from '@mlp/core';

/** Copies of every layer's weights W[l]: (layers[l+1], layers[l]) row-major. */
export function readWeights(m: MLP): Float32Array[] {
  return m.W.map((w) => Float32Array.from(w));
}

/** Copies of every layer's biases b[l]: (layers[l+1]). */
export function readBiases(m: MLP): Float32Array[] {
  return m.b.map((v) => Float32Array.from(v));
}

/** Copies of the last backward pass's weight gradients dW[l], same shapes as W. */
export function readGradients(m: MLP): Float32Array[] {
  return m.dW.map((w) => Float32Array.from(w));
}
