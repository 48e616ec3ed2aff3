// The sparse first layer's jobs (sparse-layer.ts): which kernels a task of each kind calls, and their argument arrays,
// made once and rewritten in place for every batch (no allocation per batch beyond put's argument list).
import type { KERNEL_ARGS, KernelName } from './kernel-table.js';
import { type HelperOp, opArity } from './threads.js';

/** A task: kernel calls made in order by one thread, their argument arrays reused. */
export type Calls = [HelperOp, number[]][];

/** A task's calls, their arguments zeroed. */
export function calls(...ops: HelperOp[]): Calls {
  return ops.map((op) => [op, new Array<number>(opArity(op)).fill(0)]);
}

/** One number per letter of a kernel's argument types: the arguments' tuple, its length the kernel's arity. */
type ArgTuple<S extends string> = S extends `${string}${infer R}` ? [number, ...ArgTuple<R>] : [];
/** The arguments of kernel K, as many as wasm/kernels.ts declares (through the generated table). */
export type KernelArgs<K extends KernelName> = ArgTuple<(typeof KERNEL_ARGS)[K]>;

/**
 * Overwrite the arguments of `call`, which must call kernel `op`: the compiler checks their count against the kernel's
 * signature, and a call of another kernel throws.
 */
export function put<K extends KernelName>(call: Calls[number] | undefined, op: K, ...args: KernelArgs<K>): void {
  if (call?.[0] !== op) throw new Error(`put: this task calls ${call?.[0]} here, not ${op}`);
  const a = call[1];
  for (let i = 0; i < args.length; i++) a[i] = args[i]!;
}

/**
 * How a job's tasks divide the work: by rows of Wt at the split (the forward pass's partial sums, always two; the
 * gradient's scatter and the updates on Wt, two with two threads), by the batch's rows (the partial sums added, the
 * activation and the next layers), or by unit slices (transposes, the second layer's gradients, dW, updates on W).
 * Task i of every job goes to the same thread while both are there, so each keeps its rows of Wt in its own cache.
 */
export type JobKind =
  | 'partial'
  | 'combine'
  | 'transpose'
  | 'through'
  | 'scatter'
  | 'gradient'
  | 'untranspose'
  | 'fused'
  | 'transposed'
  | 'momentum'
  | 'plain'
  | 'adam'
  | 'rule';
export const BY_SLICES: JobKind[] = ['transpose', 'through', 'gradient', 'untranspose', 'momentum', 'plain', 'adam', 'rule'];
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
  adam: ['opt_adam'],
  rule: ['opt_sgd'],
};
