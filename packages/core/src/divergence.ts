// When a training run has diverged although its loss is finite: the rule (README, "Divergence") as a pure function
// of the epoch history, and the error a run ends with. The Trainer measures the start and calls it after each epoch.
import type { EpochReport } from './train.js';

/**
 * Thrown when the loss becomes NaN or ±Infinity (parameters are left as they were before the failing batch's
 * update), or, with divergenceCheck, at the end of an epoch that shows a finite blow-up (the epoch is recorded first).
 * `seen` says what was seen; the message adds the advice.
 */
export class DivergenceError extends Error {
  constructor(
    /** The epoch in which it was seen, as the trainer counts them. */
    readonly epoch: number,
    /** The batch within that epoch at which it was seen, as the trainer counts them. */
    readonly batch: number,
    /** The loss that was seen (NaN, ±Infinity, or the finite epoch loss that blew up). */
    readonly loss: number,
    lr: number,
    seen = `the loss became ${loss}`,
  ) {
    super(`Training diverged at epoch ${epoch}, batch ${batch}: ${seen}. Try a lower learning rate (it was ${lr}).`);
    this.name = 'DivergenceError';
  }
}

/** The rule's thresholds, relative to the start: the untrained network's mean loss. */
export const DIVERGENCE = {
  /** 1. An epoch whose mean training loss is above this many times the start has blown up. */
  blowUp: 10,
  /** 2 and 3 look at this many epochs in a row, each at chance accuracy. */
  epochs: 3,
  /** 2. …with the mean training loss above this many times the start. */
  worse: 2,
  /** Accuracy counts as chance up to this far above always guessing the most common label. */
  chanceMargin: 0.02,
  /** The start is measured on the run's first examples, at most this many. */
  startExamples: 1000,
} as const;

/**
 * What shows that the run whose epochs are `history` (the last one just finished) has diverged, as a phrase for
 * DivergenceError; null when nothing does. `start`: the untrained network's mean loss (undefined: rules 1 and 2 are
 * off); `chance`: the accuracy of always guessing the most common training label.
 */
export function divergence(history: readonly EpochReport[], start: number | undefined, chance: number): string | null {
  const last = history[history.length - 1];
  if (!last) return null;
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const at = `training accuracy ${pct(last.trainAccuracy)} (chance is ${pct(chance)})`;
  if (start !== undefined && !(start > 0)) start = undefined; // a perfect untrained network is no reference
  if (start !== undefined && last.loss > DIVERGENCE.blowUp * start) {
    return `the mean training loss rose from ${sig(start)} (untrained) to ${sig(last.loss)}, more than ${DIVERGENCE.blowUp}× with ${at}`;
  }
  const recent = history.slice(-DIVERGENCE.epochs);
  if (recent.length < DIVERGENCE.epochs || !recent.every((h) => h.trainAccuracy <= chance + DIVERGENCE.chanceMargin)) return null;
  if (start !== undefined && recent.every((h) => h.loss > DIVERGENCE.worse * start)) {
    return `for ${DIVERGENCE.epochs} epochs the mean training loss stayed above ${DIVERGENCE.worse}× the untrained network's (it rose from ${sig(start)} to ${sig(last.loss)}) with ${at}`;
  }
  const first = recent[0]!;
  if (recent.every((h) => h.oneClass !== undefined && h.oneClass === last.oneClass) && last.loss >= first.loss) {
    return `for ${DIVERGENCE.epochs} epochs the network predicted class ${last.oneClass} for every training example and its loss stopped falling (${sig(first.loss)}, then ${sig(last.loss)}), with ${at}`;
  }
  return null;
}

/** Four significant digits, for losses in messages. */
function sig(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
