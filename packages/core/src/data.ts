// What the training loop consumes: compact raw inputs (Uint8 pixels stay Uint8) plus an affine per-batch scaling.
// No file formats here: @mlp/mnist (or your own code) builds these objects.

import type { FloatArray } from './tensor.js';

/**
 * Affine input scaling applied to each gathered batch: x = raw * mul + add.
 * `mul`/`add` are either one number for all features or a Float32Array of length inputSize
 * (per-feature standardisation). Examples: [-1,1] pixels: { mul: 2/255, add: -1 }; [0,1]: { mul: 1/255, add: 0 }.
 */
export interface InputScaling {
  mul: number | Float32Array;
  add: number | Float32Array;
}

/** A labelled classification dataset. Inputs are (count, inputSize) row-major. */
export interface Dataset {
  inputs: Uint8Array | Float32Array;
  /** Class index of each example, length count. */
  labels: ArrayLike<number>;
  count: number;
  inputSize: number;
  /** Applied per batch when inputs are gathered; identity when absent. */
  scaling?: InputScaling;
  /** Optional explicit float targets (count, outputSize); when absent targets are one-hot of `labels`. */
  targets?: Float32Array;
}

/** Throws a clear error when a dataset's declared sizes do not match its arrays. */
export function checkDataset(d: Dataset, name = 'dataset'): void {
  if (!Number.isInteger(d.count) || d.count < 1) throw new RangeError(`${name}: count must be a positive integer, got ${d.count}`);
  if (!Number.isInteger(d.inputSize) || d.inputSize < 1) throw new RangeError(`${name}: inputSize must be a positive integer, got ${d.inputSize}`);
  if (d.inputs.length < d.count * d.inputSize) {
    throw new RangeError(`${name}: inputs hold ${d.inputs.length} values, need count*inputSize = ${d.count * d.inputSize}`);
  }
  if (d.labels.length < d.count) throw new RangeError(`${name}: ${d.labels.length} labels for ${d.count} examples`);
  const s = d.scaling;
  if (s) {
    for (const [k, v] of [['mul', s.mul], ['add', s.add]] as const) {
      if (typeof v !== 'number' && v.length !== d.inputSize) {
        throw new RangeError(`${name}: scaling.${k} has ${v.length} entries, inputSize is ${d.inputSize}`);
      }
    }
  }
}

/**
 * Gather rows `index[start .. start+n)` of `d` into `out` (n, inputSize), scaled. Allocation-free.
 * This is the "per-batch transform": 60,000 MNIST images never need a 188 MB float copy.
 */
export function gatherInputs(d: Dataset, index: ArrayLike<number>, start: number, n: number, out: FloatArray): void {
  const F = d.inputSize;
  const src = d.inputs;
  const s = d.scaling;
  const mulS = s === undefined ? 1 : typeof s.mul === 'number' ? s.mul : 0;
  const addS = s === undefined ? 0 : typeof s.add === 'number' ? s.add : 0;
  const mulV = s !== undefined && typeof s.mul !== 'number' ? s.mul : null;
  const addV = s !== undefined && typeof s.add !== 'number' ? s.add : null;
  for (let r = 0; r < n; r++) {
    const base = index[start + r]! * F;
    const o = r * F;
    if (mulV === null && addV === null) {
      for (let j = 0; j < F; j++) out[o + j] = src[base + j]! * mulS + addS;
    } else {
      for (let j = 0; j < F; j++) out[o + j] = src[base + j]! * (mulV ? mulV[j]! : mulS) + (addV ? addV[j]! : addS);
    }
  }
}

/**
 * When the inputs are bytes with one scalar scaling (or none), that scaling: models can then take the raw bytes
 * (MLP.forwardRows / forwardBytes) instead of gathered floats. Null for float inputs or per-feature scaling.
 */
export function byteScaling(d: Dataset): { mul: number; add: number } | null {
  if (!(d.inputs instanceof Uint8Array)) return null;
  const s = d.scaling;
  if (!s) return { mul: 1, add: 0 };
  return typeof s.mul === 'number' && typeof s.add === 'number' ? { mul: s.mul, add: s.add } : null;
}

/** Gather the targets of the same rows into `out` (n, outputs): one-hot of labels unless explicit targets exist. */
export function gatherTargets(d: Dataset, index: ArrayLike<number>, start: number, n: number, outputs: number, out: FloatArray): void {
  if (d.targets) {
    for (let r = 0; r < n; r++) {
      const base = index[start + r]! * outputs;
      for (let j = 0; j < outputs; j++) out[r * outputs + j] = d.targets[base + j]!;
    }
    return;
  }
  out.fill(0, 0, n * outputs);
  for (let r = 0; r < n; r++) {
    const label = d.labels[index[start + r]!]!;
    if (outputs === 1) out[r] = label;
    else {
      if (!(label >= 0 && label < outputs && Number.isInteger(label))) {
        throw new RangeError(`label ${label} of example ${index[start + r]} is outside 0..${outputs - 1}`);
      }
      out[r * outputs + label] = 1;
    }
  }
}
