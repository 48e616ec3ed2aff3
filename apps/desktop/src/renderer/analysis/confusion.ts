// Pure selections over one set's predictions: the images of one confusion-matrix cell, the mistakes, confidence
// and its ordering, row shares for colouring, pages, and keyboard movement in a grid. No DOM here.
import type { ConfusionMatrix } from '@mlp/core';

/** Indices i (ascending) with labels[i] === t and predictions[i] === p: exactly the images behind cell (t, p). */
export function cellIndices(predictions: ArrayLike<number>, labels: ArrayLike<number>, t: number, p: number): number[] {
  if (predictions.length !== labels.length) throw new RangeError(`cellIndices: ${predictions.length} predictions for ${labels.length} labels`);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === t && predictions[i] === p) out.push(i);
  return out;
}

/** Indices (ascending) of the misclassified examples. */
export function mistakes(predictions: ArrayLike<number>, labels: ArrayLike<number>): number[] {
  if (predictions.length !== labels.length) throw new RangeError(`mistakes: ${predictions.length} predictions for ${labels.length} labels`);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== predictions[i]) out.push(i);
  return out;
}

/** Each cell's share of its row (of the true class's examples); 0 for an empty row. */
export function rowShares(cm: ConfusionMatrix): Float64Array {
  const k = cm.classes;
  const out = new Float64Array(k * k);
  for (let t = 0; t < k; t++) {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += cm.counts[t * k + p]!;
    if (sum > 0) for (let p = 0; p < k; p++) out[t * k + p] = cm.counts[t * k + p]! / sum;
  }
  return out;
}

/** The model's output for its predicted class on example i: how sure it was. */
export function confidence(outputs: ArrayLike<number>, classes: number, predictions: ArrayLike<number>, i: number): number {
  return outputs[i * classes + predictions[i]!]!;
}

/** `indices` ordered by confidence ('asc': least sure first), ties by index, as a new array. */
export function sortByConfidence(indices: readonly number[], outputs: ArrayLike<number>, classes: number, predictions: ArrayLike<number>, order: 'asc' | 'desc'): number[] {
  const sign = order === 'asc' ? 1 : -1;
  const conf = new Map(indices.map((i) => [i, confidence(outputs, classes, predictions, i)]));
  return [...indices].sort((a, b) => sign * (conf.get(a)! - conf.get(b)!) || a - b);
}

/** Page `page` (0-based, clamped) of `size` items, with the page count (at least 1). */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(pages - 1, Math.max(0, Math.floor(page)));
  return { items: items.slice(p * size, (p + 1) * size), page: p, pages };
}

/**
 * Where focus goes in a grid of `count` items laid out `cols` to a row when `key` is pressed at `index`: arrows move
 * one cell (up/down one row), Home/End go to the row's ends, ctrl+Home/End to the first/last item; null for other keys
 * or when the move would leave the grid.
 */
export function gridMove(index: number, key: string, cols: number, count: number, ctrl = false): number | null {
  const c = Math.max(1, cols);
  const rowStart = index - (index % c);
  let next: number;
  switch (key) {
    case 'ArrowLeft':
      next = index % c === 0 ? -1 : index - 1;
      break;
    case 'ArrowRight':
      next = index % c === c - 1 ? -1 : index + 1;
      break;
    case 'ArrowUp':
      next = index - c;
      break;
    case 'ArrowDown':
      next = index + c;
      break;
    case 'Home':
      next = ctrl ? 0 : rowStart;
      break;
    case 'End':
      next = ctrl ? count - 1 : Math.min(count - 1, rowStart + c - 1);
      break;
    default:
      return null;
  }
  return next >= 0 && next < count ? next : null;
}
