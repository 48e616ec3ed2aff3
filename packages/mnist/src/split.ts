// Seeded train/validation split of a Split (plain or stratified by label), copied into compact new arrays.
// Never touches the official test split, and never shuffles the order within a part (batches() shuffles).

import { Rng } from '@mlp/core';
import type { Split } from './mnist.js';

/** How many examples `splitTrainValidation` moves to validation, and how it picks them. */
export interface SplitOptions {
  /** Examples moved to validation. Default 5000 (MNIST's 55,000/5,000). 0 gives an empty validation split. */
  validation?: number;
  /** Seed for core's Rng. Default 0. */
  seed?: number;
  /** Keep each class's share equal in both parts (largest-remainder rounding). Default false. */
  stratified?: boolean;
}

/** Split `split` into train and validation parts; both keep the original example order. */
export function splitTrainValidation(split: Split, options: SplitOptions = {}): {
  /** The examples kept for training. */
  train: Split;
  /** The examples moved to validation. */
  validation: Split;
} {
  const { validation = 5000, seed = 0, stratified = false } = options;
  const n = split.count;
  if (!Number.isInteger(validation) || validation < 0 || validation >= n) {
    throw new RangeError(`validation must be an integer in 0..${n - 1} (the split has ${n} examples), got ${validation}`);
  }
  const rng = new Rng(seed);
  const inValidation = new Uint8Array(n);
  if (stratified) {
    for (const idx of stratifiedPick(split.labels, n, validation, rng)) inValidation[idx] = 1;
  } else {
    const perm = rng.permutation(n);
    for (let i = 0; i < validation; i++) inValidation[perm[i]!] = 1;
  }
  return { train: gather(split, inValidation, 0, n - validation), validation: gather(split, inValidation, 1, validation) };
}

/** Per class, shuffle its examples and take its share of `k`; the shares sum to exactly k. */
function stratifiedPick(labels: Uint8Array, n: number, k: number, rng: Rng): number[] {
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = members.get(labels[i]!);
    if (list) list.push(i);
    else members.set(labels[i]!, [i]);
  }
  const groups = [...members.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => Uint32Array.from(list));
  const quota = groups.map((g) => (k * g.length) / n);
  const take = quota.map(Math.floor);
  let left = k - take.reduce((a, b) => a + b, 0);
  const byRemainder = groups.map((_, j) => j).sort((a, b) => quota[b]! - take[b]! - (quota[a]! - take[a]!) || a - b);
  for (const j of byRemainder) {
    if (left === 0) break;
    take[j]!++;
    left--;
  }
  const picked: number[] = [];
  groups.forEach((g, j) => {
    rng.shuffle(g);
    for (let i = 0; i < take[j]!; i++) picked.push(g[i]!);
  });
  return picked;
}

/** Copy the examples whose mark equals `want` (in order) into a new compact Split of `size` examples. */
function gather(split: Split, mark: Uint8Array, want: number, size: number): Split {
  const F = split.rows * split.cols;
  const images = new Uint8Array(size * F);
  const labels = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < split.count; i++) {
    if (mark[i] !== want) continue;
    images.set(split.images.subarray(i * F, (i + 1) * F), o * F);
    labels[o++] = split.labels[i]!;
  }
  return { images, labels, count: size, rows: split.rows, cols: split.cols };
}
