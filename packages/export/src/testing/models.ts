// Test-only: small seeded networks shaped like the seed and best presets, the three scaling modes as mlp train
// stores them, random pixels, and core's own outputs for them (what mlp eval computes). Not exported.
import { type MLP, type MLPConfig, MLP as Network, Rng, evaluate } from '@mlp/core';

/** meta.scaling as mlp train stores it, per mode ('standard' with MNIST's training mean 33.32 and std 78.57). */
export const SCALINGS = {
  '-1,1': { mode: '-1,1', mul: 2 / 255, add: -1 },
  '0,1': { mode: '0,1', mul: 1 / 255, add: 0 },
  standard: { mode: 'standard', mul: 1 / 78.567, add: -33.318 / 78.567 },
} as const;

export const CONFIGS: Record<string, MLPConfig> = {
  seed: { layers: [784, 16, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse', init: 'normal' },
  best: { layers: [784, 24, 12, 10], hidden: 'relu', output: 'softmax', loss: 'ce', init: 'he' },
  tanh: { layers: [784, 8, 10], hidden: 'tanh', output: 'linear', loss: 'mse', init: 'xavier' },
};

/** A seeded network whose biases are non-zero too (a freshly initialised one has zero biases). */
export function smallModel(config: MLPConfig, seed = 7): MLP {
  const model = new Network(config, { seed });
  const rng = new Rng(seed + 1);
  for (let l = 0; l < model.depth; l++) model.writeBiases(l, model.readBiases(l).map(() => 0.5 * rng.normal()));
  return model;
}

/** n rows of random 0-255 pixels (as integers), about a fifth of them lit like an MNIST digit. */
export function randomPixels(n: number, inputs = 784, seed = 3): Uint8Array {
  const rng = new Rng(seed);
  const u = new Uint8Array(n * inputs);
  for (let i = 0; i < u.length; i++) u[i] = rng.float() < 0.2 ? rng.int(256) : 0;
  return u;
}

/** The network's outputs for raw pixels under `scaling`, by @mlp/core's evaluate (the path of mlp eval). */
export function coreOutputs(model: MLP, pixels: Uint8Array, scaling: { mul: number; add: number }): Float32Array {
  const count = pixels.length / model.inputSize;
  const data = { inputs: pixels, labels: new Uint8Array(count), count, inputSize: model.inputSize, scaling };
  return evaluate(model, data, { keepOutputs: true }).outputs!;
}

/** Largest |a - b| over two equal-length arrays, and whether every row's argmax agrees (rows of width k). */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, k: number): { maxAbs: number; sameClasses: boolean } {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let maxAbs = 0;
  let sameClasses = true;
  for (let r = 0; r * k < a.length; r++) {
    let [ia, ib] = [0, 0];
    for (let j = 0; j < k; j++) {
      const i = r * k + j;
      maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
      if (a[i]! > a[r * k + ia]!) ia = j;
      if (b[i]! > b[r * k + ib]!) ib = j;
    }
    if (ia !== ib) sameClasses = false;
  }
  return { maxAbs, sameClasses };
}
