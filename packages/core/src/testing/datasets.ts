// Small synthetic datasets for tests: XOR and seeded Gaussian blobs. Test-only.
import type { Dataset } from '../data.js';
import { Rng } from '../rng.js';

export function xor(): Dataset {
  return { inputs: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), labels: Uint8Array.from([0, 1, 1, 0]), count: 4, inputSize: 2 };
}

/**
 * `classes` Gaussian blobs in `dim` dimensions as Uint8 "pixels" scaled to [-1, 1]: `perClass` points each for
 * training and `validPerClass` more from the same blobs for validation.
 */
export function blobs(classes: number, dim: number, perClass: number, validPerClass: number, seed: number): { train: Dataset; valid: Dataset } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => 60 + rng.float() * 135));
  return { train: sample(rng, centres, perClass), valid: sample(rng, centres, validPerClass) };
}

function sample(rng: Rng, centres: number[][], perClass: number): Dataset {
  return labelled(centres.length, perClass, centres[0]!.length, (c, j) => Math.max(0, Math.min(255, Math.round(centres[c]![j]! + rng.normal() * 25))));
}

/**
 * Sparse "images" like MNIST's: `classes` prototypes of `dim` bytes, about `density` of them ink (1..255) and the
 * rest 0, and noisy copies of them (ink pixels dropped or dimmed, a few stray ones) scaled to [-1, 1].
 */
export function sparseImages(classes: number, dim: number, perClass: number, density: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const protos = Array.from({ length: classes }, () => Array.from({ length: dim }, () => (rng.float() < density ? 1 + rng.int(255) : 0)));
  return labelled(classes, perClass, dim, (c, j) => {
    const p = protos[c]![j]!;
    if (p > 0) return rng.float() < 0.2 ? 0 : Math.max(1, Math.round(p * (0.5 + rng.float() / 2)));
    return rng.float() < 0.03 ? 1 + rng.int(255) : 0;
  });
}

/** perClass examples of each class, interleaved (example i has class i % classes), byte j of class c from pixel(c, j). */
function labelled(classes: number, perClass: number, dim: number, pixel: (c: number, j: number) => number): Dataset {
  const count = classes * perClass;
  const inputs = new Uint8Array(count * dim);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let j = 0; j < dim; j++) inputs[i * dim + j] = pixel(c, j);
  }
  return { inputs, labels, count, inputSize: dim, scaling: { mul: 2 / 255, add: -1 } };
}
