// Learning-rate schedules: the rate of every batch as a pure function of its position in the run, so a resumed run
// needs no schedule state beyond its epoch and batch. No optimiser here.
//
//   exponential:  lr·d^e                         (e the 0-based epoch, d = lrDecay; d = 1: constant; per epoch)
//   step:         lr·d^⌊e / k⌋                    (k = stepEvery epochs; per epoch)
//   cosine:       s < W: lr·(s+1)/W; then lr·½(1 + cos(π(s−W)/(S−W)))          (per batch, linear warm-up)
//   onecycle:     s < W: lr/25 → lr, then lr → lr/25/10⁴, both halves cosine     (per batch, Smith; PyTorch's defaults)
//   s: the 0-based batch of the run, S: batches in the run, W: warm-up batches (warmup epochs × batches per epoch;
//   one-cycle without warm-up takes 30% of the run).

/** The schedules' names. */
export const SCHEDULES = ['exponential', 'step', 'cosine', 'onecycle'] as const;
/** One of SCHEDULES. */
export type ScheduleName = (typeof SCHEDULES)[number];

/** What a schedule reads from the training options. */
export interface ScheduleOptions {
  /** Which schedule. */
  schedule: ScheduleName;
  /** The base (peak) rate. */
  lr: number;
  /** exponential and step: the factor per epoch or per step. */
  lrDecay: number;
  /** step: epochs between decays (≥ 1). */
  stepEvery: number;
  /** cosine and onecycle: warm-up length in epochs (may be fractional). */
  warmup: number;
  /** Epochs in the run. */
  epochs: number;
}

/** The learning rate of batch `batch` (0-based) of epoch `epoch` (0-based), with `batches` per epoch. Always > 0. */
export function scheduledRate(o: ScheduleOptions, epoch: number, batch: number, batches: number): number {
  const { lr } = o;
  switch (o.schedule) {
    case 'exponential':
      return lr * o.lrDecay ** epoch;
    case 'step':
      return lr * o.lrDecay ** Math.floor(epoch / o.stepEvery);
    case 'cosine': {
      const s = epoch * batches + batch;
      const S = o.epochs * batches;
      const W = Math.min(Math.round(o.warmup * batches), S - 1);
      if (s < W) return (lr * (s + 1)) / W;
      return lr * 0.5 * (1 + Math.cos((Math.PI * (s - W)) / (S - W)));
    }
    case 'onecycle': {
      const s = epoch * batches + batch;
      const S = o.epochs * batches;
      const W = Math.max(1, Math.min(o.warmup > 0 ? Math.round(o.warmup * batches) : Math.round(0.3 * S), S - 1));
      const start = lr / 25;
      const end = start / 1e4;
      const anneal = (from: number, to: number, f: number) => to + ((from - to) * (1 + Math.cos(Math.PI * f))) / 2;
      if (s < W) return anneal(start, lr, s / W);
      return anneal(lr, end, (s - W) / Math.max(1, S - 1 - W));
    }
  }
}
