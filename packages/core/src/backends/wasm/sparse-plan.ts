// How the sparse first layer (sparse-layer.ts) lays out its work: the parts its units are split into (each with its
// transposed weights and partial sums on cache lines of their own), their slices per thread, and the tasks of every
// job with their calls, made once per layer. Also the byte-scale tables. No arithmetic here.
import { BY_SLICES, type Calls, calls, type JobKind, OPS } from './layer-tasks.js';
import type { WasmArena } from './wasm.js';

/** The largest column offset a block can hold (u16). */
const OFFSET_LIMIT = 65535;
/** At most this many parts (two tasks each; a helper job holds at most 128); a layer that would need more takes the dense kernels. */
const MAX_PARTS = 32;

/** Rows of Wt per block of column sums (the kernels' BLOCK): rows are split between threads only at these edges. */
export const BLOCK = 16;

/** Units [u0, u0 + units) of a part (u0 a multiple of 4), padded to P: what one thread takes of a weight-side job. */
export interface Slice {
  u0: number;
  units: number;
  P: number;
}

/**
 * The first layer's units j0 .. j0+units, padded to P (a multiple of 4), with their own transposed weights Wt (F, T),
 * gradient dWt (F, T) (T ≥ P, the same for every part), Wt's column sums in blocks of 16 rows (nb, P), the forward
 * pass's two partial sums z0 and z1 (capacity, P) (rows of Wt below the split, with the constant part bias2 (P), and
 * from it). One part unless the inputs are too wide for one (the blocks' u16 offsets); threads split the work inside a
 * part instead.
 */
export interface Part {
  j0: number;
  units: number;
  P: number;
  Wt: number;
  dWt: number;
  blocks: number;
  z0: number;
  z1: number;
  bias2: number;
  slices: Slice[];
}

/** One task of a job: its part, which slice / row range / k-range of it (i), and its calls. */
export interface Task {
  part: Part;
  i: number;
  calls: Calls;
}

/**
 * A dense layer after the first whose forward pass the forward tasks also make, for their rows: z = x·Wᵀ + b (gemm_nt)
 * and a = f(z) with activation code `act` (0–2), every buffer a pointer into the arena; x is the previous layer's a.
 */
export interface NextLayer {
  z: number;
  a: number;
  W: number;
  b: number;
  inF: number;
  outF: number;
  act: number;
}

/** A layer's plan: see SparseFirstLayer's fields of the same names. */
export interface LayerPlan {
  parts: Part[];
  /** Whether the inputs are narrow enough for the blocks' u16 column offsets. */
  sparse: boolean;
  S: number;
  T: number;
  nb: number;
  kSplit: number;
  zeros: number;
  threaded: boolean;
  next: readonly NextLayer[];
  tasks: Record<JobKind, Task[]>;
  lists: Record<JobKind, Calls[]>;
  whole: Task[];
  wholeList: Calls[];
}

/** Allocate and plan the first layer's parts and tasks for `capacity` rows of F inputs and outF units. */
export function planParts(a: WasmArena, F: number, outF: number, capacity: number, threads: number, next: readonly NextLayer[]): LayerPlan {
  const parts: Part[] = [];
  // Parts of about equal width, each buffer on cache lines of its own. The blocks hold column offsets k·S (u16) with
  // every part's Wt and dWt rows T = 4·S floats apart, so (F − 1)·S ≤ 65535 bounds a part's width: a wide layer
  // takes several parts (rows of more than 13 vectors take several passes over their nonzeros anyway). Wider inputs
  // (F > 65536), or a layer that would need over MAX_PARTS parts, never take the sparse kernels.
  const V = Math.ceil(outF / 4);
  const maxS = Math.floor(OFFSET_LIMIT / Math.max(1, F - 1));
  const sparse = maxS >= 1 && Math.ceil(V / maxS) <= MAX_PARTS;
  const count = sparse ? Math.ceil(V / maxS) : 1;
  const S = Math.ceil(V / count);
  const T = 4 * S;
  const nb = Math.ceil(F / BLOCK);
  const threaded = threads > 1;
  const kSplit = Math.min(F, Math.round(F / 2 / BLOCK) * BLOCK);
  // The next layers ride along only when one part has every unit (each row's tasks then see the whole layer).
  const along = count === 1 ? next : [];
  const line = (bytes: number) => (a.alloc(bytes + 48) + 63) & ~63;
  const rowsT = sparse ? F : 0; // without the sparse kernels the parts only split the update of W
  const rowTasks = threaded ? 2 : 1;
  for (let i = 0, v0 = 0; i < count; i++) {
    const v1 = v0 + Math.floor(V / count) + (i < V % count ? 1 : 0);
    const j0 = 4 * v0;
    const P = 4 * (v1 - v0);
    const units = Math.min(outF, 4 * v1) - j0;
    v0 = v1;
    // Two unit slices with two threads (when the part has two vectors), else one.
    const h = threaded && P >= 8 ? 4 * Math.floor(P / 8) : P; // the helper's slice (the first) no wider
    const slices = h < P ? [{ u0: 0, units: h, P: h }, { u0: h, units: units - h, P: P - h }] : [{ u0: 0, units, P }];
    parts.push({
      j0, units, P, slices,
      Wt: line(rowsT * T * 4), dWt: line(rowsT * T * 4), blocks: line(nb * P * 4), z0: line(capacity * P * 4), z1: line(capacity * P * 4),
      bias2: line(P * 4),
    });
  }
  const zeros = line(T * 4);
  const make = (kind: JobKind, i: number, p: Part): Task => {
    let ops = OPS[kind];
    // Each partial sum's task touches the batch's blocks into its thread's cache first; the first also makes bias2.
    if (kind === 'partial') ops = [...(threaded ? ['rows_touch' as const] : []), ...(i === 0 ? ['bias_from_blocks' as const] : []), 'sparse_forward'];
    // The sums added for some rows, every part's columns, then the next layers for those rows.
    if (kind === 'combine') ops = [...parts.map(() => 'pair_act' as const), ...along.flatMap(() => ['gemm_nt' as const, 'bias_act' as const])];
    return { part: p, i, calls: calls(...ops) };
  };
  const kinds = Object.keys(OPS) as JobKind[];
  // Ordered by i (the helper claims from the front, this thread from the back).
  const per = (kind: JobKind, p: Part) =>
    kind === 'partial' ? 2 : kind === 'combine' ? (p === parts[0] ? rowTasks : 0) : BY_SLICES.includes(kind) ? p.slices.length : rowTasks;
  const tasks = Object.fromEntries(
    kinds.map((kind) => [kind, [0, 1].flatMap((i) => parts.filter((p) => i < per(kind, p)).map((p) => make(kind, i, p)))]),
  ) as Record<JobKind, Task[]>;
  const lists = Object.fromEntries(kinds.map((k) => [k, tasks[k].map((t) => t.calls)])) as Record<JobKind, Calls[]>;
  const whole = [make('combine', 0, parts[0]!)];
  const wholeList = whole.map((t) => t.calls);
  return { parts, sparse, S, T, nb, kSplit, zeros, threaded, next: along, tasks, lists, whole, wholeList };
}

/** A table of u·scale for every byte u, remade only when the scale changes. */
export class Table {
  readonly ptr: number;
  scale = Number.NaN;
  constructor(private readonly arena: WasmArena) {
    this.ptr = arena.alloc(256 * 4);
  }
  make(scale: number): void {
    if (Object.is(scale, this.scale)) return;
    this.arena.fn.scale_table(this.ptr, scale);
    this.scale = scale;
  }
}
