// The sparse first layer's jobs (sparse-layer.ts): which kernels a task of each kind calls, and their argument arrays,
// made once and rewritten in place for every batch (no allocation per batch).
import { type HelperOp, opArity } from './threads.js';

/** A task: kernel calls made in order by one thread, their argument arrays reused (no allocation per batch). */
export type Calls = [HelperOp, number[]][];

/** A task's calls, their arguments zeroed. */
export function calls(...ops: HelperOp[]): Calls {
  return ops.map((op) => [op, new Array<number>(opArity(op)).fill(0)]);
}

/** Overwrite a call's arguments (as many as the array holds, 2 to 15) in place. */
export function put(
  args: number[],
  v0: number,
  v1: number,
  v2 = 0,
  v3 = 0,
  v4 = 0,
  v5 = 0,
  v6 = 0,
  v7 = 0,
  v8 = 0,
  v9 = 0,
  v10 = 0,
  v11 = 0,
  v12 = 0,
  v13 = 0,
  v14 = 0,
): void {
  const n = args.length;
  args[0] = v0;
  args[1] = v1;
  if (n > 2) args[2] = v2;
  if (n > 3) args[3] = v3;
  if (n > 4) args[4] = v4;
  if (n > 5) args[5] = v5;
  if (n > 6) args[6] = v6;
  if (n > 7) args[7] = v7;
  if (n > 8) args[8] = v8;
  if (n > 9) args[9] = v9;
  if (n > 10) args[10] = v10;
  if (n > 11) args[11] = v11;
  if (n > 12) args[12] = v12;
  if (n > 13) args[13] = v13;
  if (n > 14) args[14] = v14;
}

/**
 * How a job's tasks divide the work: by rows of Wt at the split (the forward pass's partial sums, always two; the
 * gradient's scatter and the updates on Wt, two with two threads), by the batch's rows (the partial sums added, the
 * activation and the next layers), or by unit slices (transposes, the second layer's gradients, dW, updates on W).
 * Task i of every job goes to the same thread while both are there, so each keeps its rows of Wt in its own cache.
 */
export type JobKind = 'partial' | 'combine' | 'transpose' | 'through' | 'scatter' | 'gradient' | 'untranspose' | 'fused' | 'transposed' | 'momentum' | 'plain';
export const BY_SLICES: JobKind[] = ['transpose', 'through', 'gradient', 'untranspose', 'momentum', 'plain'];
export const OPS: Record<JobKind, HelperOp[]> = {
  partial: ['sparse_forward'],
  combine: [],
  transpose: ['wt_from_w'],
  through: ['gemm_axpy', 'gemm_axpy', 'act_colsum'],
  scatter: ['sparse_dwt'],
  gradient: ['dw_from_dwt'],
  untranspose: ['dw_from_dwt'],
  fused: ['sgd_sparse'],
  transposed: ['sgd_t'],
  momentum: ['sgd_momentum'],
  plain: ['sgd_plain'],
};
