// Classification metrics from predicted and true labels: accuracy, confusion matrix, per-class precision/recall,
// and the most-confused pairs. Pure functions of integer arrays; no model code here.
import { checkCount } from './check.js';

/** Fraction of i with predicted[i] === actual[i]. */
export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length) throw new RangeError(`accuracy: ${predicted.length} predictions for ${actual.length} labels`);
  if (predicted.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) ok++;
  return ok / predicted.length;
}

/** A (classes, classes) count matrix, row = true class, column = predicted class: counts[t * classes + p]. */
export interface ConfusionMatrix {
  /** Number of classes k. */
  classes: number;
  /** (k, k) counts, row = true class, column = predicted class. */
  counts: Uint32Array;
}

/** Count each (true, predicted) pair; a RangeError for a class outside 0..classes-1. */
export function confusionMatrix(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): ConfusionMatrix {
  if (predicted.length !== actual.length) throw new RangeError(`confusionMatrix: ${predicted.length} predictions for ${actual.length} labels`);
  checkCount('confusionMatrix', 'classes', classes);
  const counts = new Uint32Array(classes * classes);
  for (let i = 0; i < predicted.length; i++) {
    const t = actual[i]!;
    const p = predicted[i]!;
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) throw new RangeError(`confusionMatrix: class out of range at ${i} (true ${t}, predicted ${p})`);
    counts[t * classes + p]!++;
  }
  return { classes, counts };
}

/** Precision, recall and F1 of one class. */
export interface ClassReport {
  /** The class. */
  cls: number;
  /** Of those predicted as cls, the fraction truly cls (NaN when none were predicted). */
  precision: number;
  /** Of those truly cls, the fraction predicted cls (NaN when the class is absent). */
  recall: number;
  /** The harmonic mean of precision and recall (NaN when either is NaN). */
  f1: number;
  /** How many truly are cls. */
  support: number;
}

/** One report per class, in class order, from a confusion matrix. */
export function perClass(cm: ConfusionMatrix): ClassReport[] {
  const k = cm.classes;
  const out: ClassReport[] = [];
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < k; i++) {
      predicted += cm.counts[i * k + c]!;
      actual += cm.counts[c * k + i]!;
    }
    const tp = cm.counts[c * k + c]!;
    const precision = predicted ? tp / predicted : Number.NaN;
    const recall = actual ? tp / actual : Number.NaN;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : Number.NaN;
    out.push({ cls: c, precision, recall, f1, support: actual });
  }
  return out;
}

/** A cell off the confusion matrix's diagonal: how often `actual` was predicted as `predicted`. */
export interface ConfusedPair {
  /** The true class. */
  actual: number;
  /** The class predicted instead. */
  predicted: number;
  /** How many examples. */
  count: number;
}

/** Off-diagonal cells, largest first (ties: smaller actual, then smaller predicted), at most `top`. */
export function mostConfused(cm: ConfusionMatrix, top = 5): ConfusedPair[] {
  checkCount('mostConfused', 'top', top, 0);
  const k = cm.classes;
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const count = cm.counts[t * k + p]!;
      if (t !== p && count > 0) pairs.push({ actual: t, predicted: p, count });
    }
  }
  pairs.sort((x, y) => y.count - x.count || x.actual - y.actual || x.predicted - y.predicted);
  return pairs.slice(0, top);
}
