// Weight initialisation: N(0, σ) with a fixed σ (the seed's 0.1), Xavier/Glorot or He; biases are zero.
// Draws come from the seeded Rng in a fixed order (layer by layer, row-major), so a seed fixes every weight.
import { checkCount, checkFinite, checkLength } from './check.js';
import type { Rng } from './rng.js';
import type { FloatArray } from './tensor.js';

/** Weight initialisation: N(0, initStd), Xavier/Glorot N(0, √(2/(in+out))) or He N(0, √(2/in)). */
export type InitName = 'normal' | 'xavier' | 'he';
/** Every InitName, for menus and validation. */
export const INITS: readonly InitName[] = ['normal', 'xavier', 'he'];

/** Standard deviation used for a (fanOut, fanIn) weight matrix. */
export function initStd(init: InitName, fanIn: number, fanOut: number, sigma = 0.1): number {
  checkCount('initStd', 'fanIn', fanIn);
  checkCount('initStd', 'fanOut', fanOut);
  checkFinite('initStd', 'sigma', sigma);
  switch (init) {
    case 'normal':
      return sigma;
    case 'xavier':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'he':
      return Math.sqrt(2 / fanIn);
    default:
      throw new RangeError(`initStd: init must be one of ${INITS.join(', ')}, got ${JSON.stringify(init)}`);
  }
}

/** Fill W with N(0, std) draws. */
export function fillNormal(W: FloatArray, std: number, rng: Rng): void {
  checkLength('fillNormal', 'W', W, 'any length', 0);
  checkFinite('fillNormal', 'std', std);
  if (typeof rng?.normal !== 'function') throw new TypeError('fillNormal: rng must be an Rng (new Rng(seed))');
  for (let i = 0; i < W.length; i++) W[i] = rng.normal() * std;
}
