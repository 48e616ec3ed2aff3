// How a network's output values are put in words, for every view that prints them (the pad, the inspector, the
// Mistakes tiles): softmax outputs are probabilities ("83%"), any other activation a plain number ("0.83"). No layout.
import type { ActivationName } from '@mlp/core';

/** An output value as text: "83%" for a softmax probability, "0.83" for any other activation (never "%"). */
export function formatOutput(v: number, output: ActivationName): string {
  if (output !== 'softmax') return v.toFixed(2);
  return Math.abs(v) >= 0.0995 ? `${(v * 100).toFixed(0)}%` : `${(v * 100).toFixed(1)}%`;
}

const RANGE: Record<ActivationName, string> = { sigmoid: ', 0 to 1', tanh: ', −1 to 1', relu: ', 0 or more', linear: '', softmax: '' };

/**
 * What the outputs are, as a phrase: "softmax probabilities (they sum to 1)", or for a sigmoid "sigmoid activations,
 * 0 to 1 — not probabilities (they need not sum to 1)".
 */
export function outputsMeaning(output: ActivationName): string {
  return output === 'softmax' ? 'softmax probabilities (they sum to 1)' : `${output} activations${RANGE[output]} — not probabilities (they need not sum to 1)`;
}
