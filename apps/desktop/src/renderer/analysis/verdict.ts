// What the pad says about a drawing: the top two outputs and whether the network is sure, by a documented margin.
// Values are printed by outputs.ts's formatOutput (sigmoid outputs as plain numbers, never "%"). Pure.
import type { ActivationName } from '@mlp/core';
import { formatOutput } from './outputs.js';

/**
 * Below this gap between the highest and the second-highest output the pad says "Not sure". It is in the outputs'
 * own units (a probability for softmax, an activation for sigmoid): 0.15, so 0.17 against 0.15 is not a verdict.
 */
export const SURE_MARGIN = 0.15;

export interface Verdict {
  top: number;
  second: number;
  margin: number;
  sure: boolean;
  text: string;
}

export function verdict(out: ArrayLike<number>, output: ActivationName): Verdict {
  let top = 0;
  for (let k = 1; k < out.length; k++) if (out[k]! > out[top]!) top = k;
  let second = top === 0 ? 1 : 0;
  for (let k = 0; k < out.length; k++) if (k !== top && out[k]! > out[second]!) second = k;
  const margin = out[top]! - out[second]!;
  const sure = margin >= SURE_MARGIN;
  const f = (k: number) => `${k} (${formatOutput(out[k]!, output)})`;
  const text = sure ? `It looks like a ${top}: ${f(top)}, then ${f(second)}.` : `Not sure: ${f(top)} or ${f(second)}? They are within ${SURE_MARGIN} of each other.`;
  return { top, second, margin, sure, text };
}
