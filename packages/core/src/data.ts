// What the training loop consumes: compact raw inputs (Uint8 pixels stay Uint8) plus an affine per-batch scaling.
// No file formats here: @mlp/mnist (or your own code) builds these objects.

import { show } from './check.js';
import type { FloatArray } from './tensor.js';

/**
 * Affine input scaling applied to each gathered batch: x = raw * mul + add.
 * `mul`/`add` are either one number for all features or a Float32Array of length inputSize
 * (per-feature standardisation). Examples: [-1,1] pixels: { mul: 2/255, add: -1 }; [0,1]: { mul: 1/255, add: 0 }.
 */
export interface InputScaling {
  /** Multiplier: one number, or one per feature. */
  mul: number | Float32Array;
  /** Offset added after the multiplier: one number, or one per feature. */
  add: number | Float32Array;
}

/** A labelled classification dataset. Inputs are (count, inputSize) row-major. */
export interface Dataset {
  /** (count, inputSize) row-major: bytes (scaled per batch) or floats. */
  inputs: Uint8Array | Float32Array;
  /** Class index of each example, length count. */
  labels: ArrayLike<number>;
  /** Number of examples. */
  count: number;
  /** Features per example. */
  inputSize: number;
  /** Applied per batch when inputs are gathered; identity when absent. */
  scaling?: InputScaling;
  /** Optional explicit float targets (count, outputSize); when absent targets are one-hot of `labels`. */
  targets?: Float32Array;
}

/**
 * Throws a clear error when a dataset's declared sizes do not match its arrays, when a value is not finite (float
 * inputs, scaling, targets) or a label is not a class index; with `outputs`, also when its labels or targets do not
 * fit a network with that many outputs. One pass over the labels (and over float inputs and targets): call it once
 * per dataset, not per batch.
 */
export function checkDataset(d: Dataset, name = 'dataset', outputs?: number): void {
  if (typeof d !== 'object' || d === null) throw new TypeError(`${name} must be a Dataset object { inputs, labels, count, inputSize }, got ${d}`);
  if (!Number.isInteger(d.count) || d.count < 1) throw new RangeError(`${name}: count must be a positive integer, got ${d.count}`);
  if (!Number.isInteger(d.inputSize) || d.inputSize < 1) throw new RangeError(`${name}: inputSize must be a positive integer, got ${d.inputSize}`);
  if (!(d.inputs instanceof Uint8Array || d.inputs instanceof Float32Array)) {
    throw new TypeError(`${name}: inputs must be a Uint8Array or Float32Array, got ${show(d.inputs)}`);
  }
  const values = d.count * d.inputSize;
  if (d.inputs.length < values) throw new RangeError(`${name}: inputs hold ${d.inputs.length} values, need count*inputSize = ${values}`);
  if (typeof d.labels?.length !== 'number') throw new TypeError(`${name}: labels must be an array of class indices, got ${show(d.labels)}`);
  if (d.labels.length < d.count) throw new RangeError(`${name}: ${d.labels.length} labels for ${d.count} examples`);
  const s = d.scaling;
  if (s) {
    for (const [k, v] of [['mul', s.mul], ['add', s.add]] as const) {
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new RangeError(`${name}: scaling.${k} must be a finite number, got ${v}`);
        continue;
      }
      if (v?.length !== d.inputSize) throw new RangeError(`${name}: scaling.${k} has ${v?.length} entries, inputSize is ${d.inputSize}`);
      const bad = firstNonFinite(v, v.length);
      if (bad >= 0) throw new RangeError(`${name}: scaling.${k}[${bad}] is ${v[bad]}; scaling must be finite`);
    }
  }
  if (d.inputs instanceof Float32Array) {
    const bad = firstNonFinite(d.inputs, values);
    if (bad >= 0) {
      throw new RangeError(
        `${name}: inputs[${bad}] is ${d.inputs[bad]} (example ${Math.floor(bad / d.inputSize)}, feature ${bad % d.inputSize}); inputs must be finite`,
      );
    }
  }
  let maxLabel = 0;
  for (let i = 0; i < d.count; i++) {
    const label = d.labels[i]!;
    if (!Number.isInteger(label) || label < 0) throw new RangeError(`${name}: label ${label} of example ${i} is not a class index (an integer ≥ 0)`);
    if (label > maxLabel) maxLabel = label;
  }
  if (d.targets !== undefined) {
    if (!(d.targets instanceof Float32Array)) throw new TypeError(`${name}: targets must be a Float32Array, got ${show(d.targets)}`);
    if (outputs !== undefined && d.targets.length < d.count * outputs) {
      throw new RangeError(`${name}: targets hold ${d.targets.length} values, need count×outputs = ${d.count}×${outputs}`);
    }
    const bad = firstNonFinite(d.targets, d.targets.length);
    if (bad >= 0) throw new RangeError(`${name}: targets[${bad}] is ${d.targets[bad]}; targets must be finite`);
  } else if (outputs === 1 && maxLabel > 1) {
    throw new RangeError(`${name}: labels go up to ${maxLabel}, but a network with 1 output tells only classes 0 and 1 apart`);
  } else if (outputs !== undefined && maxLabel >= outputs) {
    throw new RangeError(
      `${name}: labels go up to ${maxLabel} (${maxLabel + 1} classes), but the network has ${outputs} outputs (classes 0 to ${outputs - 1})`,
    );
  }
}

/** Index of the first of the first n values that is not finite, or −1. */
function firstNonFinite(a: ArrayLike<number>, n: number): number {
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
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
 * (MLP.forward of a rows or bytes BatchInput) instead of gathered floats. Null for float inputs or per-feature scaling.
 */
export function byteScaling(d: Dataset): {
  /** The scalar multiplier. */
  mul: number;
  /** The scalar offset. */
  add: number;
} | null {
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
