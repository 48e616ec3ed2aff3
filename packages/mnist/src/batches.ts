// Minibatch iterator over a Split: Uint8 pixels → scaled Float32 one batch at a time, plus one-hot targets.
// Allocates its buffers once per call; every yielded batch reuses them. The gathering is core's; training is core's too.

import { type InputScaling, Rng, checkDataset, gatherInputs, gatherTargets } from '@mlp/core';
import type { Split } from './mnist.js';
import { toDataset } from './normalize.js';

/** How `batches` cuts a split: batch size, input scaling, order and target width. */
export interface BatchOptions {
  /** Examples per batch (the last batch may be smaller); a positive integer. */
  batchSize: number;
  /** Applied to every pixel: x = raw * mul + add (per-feature arrays allowed). Default identity. */
  scaling?: InputScaling;
  /** Visit the examples in a seeded random order. Default false (file order). */
  shuffle?: boolean;
  /** Seed for the shuffle (core's Rng); use a different seed per epoch. Default 0. Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw the shuffle from (it advances, so successive epochs differ). */
  rng?: Rng;
  /** Width of the one-hot targets `y`. Default 10. */
  classes?: number;
}

/**
 * One minibatch. `x` is (size, rows*cols) and `y` is (size, classes), both row-major; `labels` is (size).
 * All three are VIEWS INTO BUFFERS REUSED BY THE NEXT BATCH, and the Batch object itself is reused:
 * use (or copy) a batch before asking for the next one.
 */
/** One minibatch. Its buffers are reused by the next batch: copy what you keep. */
export interface Batch {
  /** Scaled inputs, (size, rows·cols) row-major. */
  x: Float32Array;
  /** One-hot targets, (size, classes) row-major. */
  y: Float32Array;
  /** The class of each example, (size). */
  labels: Uint8Array;
  /** Examples in this batch: batchSize, or fewer for the last one. */
  size: number;
}

/** Yield ceil(count / batchSize) batches covering every example once; the last one is smaller when needed. */
export function* batches(split: Split, options: BatchOptions): Generator<Batch, void, undefined> {
  const { batchSize: B, classes = 10 } = options;
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`batchSize must be a positive integer, got ${B}`);
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be an integer >= 2, got ${classes}`);
  const data = toDataset(split, options.scaling ?? { mul: 1, add: 0 });
  checkDataset(data, 'batches');
  const n = split.count;
  const F = data.inputSize;
  const order = options.shuffle ? (options.rng ?? new Rng(options.seed ?? 0)).permutation(n) : identity(n);

  const cap = Math.min(B, n);
  const xBuf = new Float32Array(cap * F); // (cap, F) row-major
  const yBuf = new Float32Array(cap * classes); // (cap, classes) one-hot
  const labelBuf = new Uint8Array(cap);
  const full: Batch = { x: xBuf, y: yBuf, labels: labelBuf, size: cap };
  const tail = n % B;
  const last: Batch = tail === 0 ? full : { x: xBuf.subarray(0, tail * F), y: yBuf.subarray(0, tail * classes), labels: labelBuf.subarray(0, tail), size: tail };

  for (let start = 0; start < n; start += B) {
    const batch = start + B <= n ? full : last;
    gatherInputs(data, order, start, batch.size, xBuf);
    gatherTargets(data, order, start, batch.size, classes, yBuf);
    for (let r = 0; r < batch.size; r++) labelBuf[r] = split.labels[order[start + r]!]!;
    yield batch;
  }
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
