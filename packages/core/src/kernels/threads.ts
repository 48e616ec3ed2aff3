// A helper thread for the wasm kernels: one Worker (worker_threads in Node, a Web Worker in browsers) sharing a
// model's WebAssembly memory. A job is a list of independent tasks (each a few kernel calls on disjoint outputs);
// the caller and the helper both claim tasks until none are left, so a late or descheduled helper never holds the
// caller up by more than the one task it took. The helper claims tasks from the front of the list and the caller
// from the back, so with a job's tasks ordered by thread (as the first layer orders them), each thread keeps taking the
// same share of the weights, which then stay in its cache; a thread that runs out steals from the other end. Optional: it needs SharedArrayBuffer (cross-origin isolation in
// browsers); without it every task runs on the calling thread. Which thread runs a task never changes its result.
//
// Control block (CTL_INTS int32s in the shared memory at `ctl`): [0] job number, [1] claims (job number in the high 16
// bits, then the front and the back of the unclaimed tasks, 8 bits each), [2] tasks finished, [3] task count, [4 ..] per task its first word's
// index, [TASKS ..] the tasks: call count, then per call kernel, argument count, arguments (floats as float32 bits).
// A thread claims a task with compare-and-swap on [1] (front + 1, or back − 1), then reads its words. The caller retires [1] (a tag no job has)
// before rewriting the words for the next job, which it does only once every task has finished: a claim succeeds only
// on the current job, whose words stay put until the claimed task is done.
import type { WasmArena, WasmKernels } from './wasm.js';

/** Kernels a task may call, with argument types ('i' int, 'f' float). */
const OPS = {
  rows_touch: 'ii',
  bias_act: 'iiiiiiiii',
  wt_from_w: 'iiiiiiii',
  bias_from_blocks: 'iiiiiif',
  sgd_t: 'iiiifiiiffi',
  sgd_sparse: 'iiiiiiiiiiiifii',
  sparse_forward: 'iiiiiiiiiii',
  pair_act: 'iiiiiiiii',
  sparse_dwt: 'iiiiiiiiiii',
  dw_from_dwt: 'iiiiiif',
  sgd_momentum: 'iiiifff',
  sgd_plain: 'iiiff',
  gemm_axpy: 'iiiiiiiiii',
  gemm_nt: 'iiiiii',
  act_colsum: 'iiiiiii',
} as const satisfies Partial<Record<keyof WasmKernels, string>>;
export type HelperOp = keyof typeof OPS;
const OP_NAMES = Object.keys(OPS) as HelperOp[];
const OP_INDEX = Object.fromEntries(OP_NAMES.map((name, i) => [name, i])) as Record<HelperOp, number>;
/** How many arguments a task's kernel takes. */
export function opArity(op: HelperOp): number {
  return OPS[op].length;
}
/** One kernel call. */
export type HelperCall = readonly [HelperOp, readonly number[]];

/**
 * Make one call with its arguments spelled out: a spread call (`fn[op](...args)`) would go through the engine's
 * generic JS-to-wasm wrapper, several times slower than a direct call for kernels this short.
 */
export function callKernel(fn: WasmKernels, op: HelperOp, a: readonly number[]): void {
  switch (op) {
    case 'rows_touch':
      fn.rows_touch(a[0]!, a[1]!);
      return;
    case 'bias_act':
      return fn.bias_act(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!);
    case 'wt_from_w':
      return fn.wt_from_w(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!);
    case 'bias_from_blocks':
      return fn.bias_from_blocks(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!);
    case 'sgd_t':
      return fn.sgd_t(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!);
    case 'sgd_sparse':
      return fn.sgd_sparse(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!);

    case 'sparse_forward':
      return fn.sparse_forward(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!);
    case 'pair_act':
      return fn.pair_act(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!);
    case 'sparse_dwt':
      return fn.sparse_dwt(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!);
    case 'dw_from_dwt':
      return fn.dw_from_dwt(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!);
    case 'sgd_momentum':
      return fn.sgd_momentum(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!);
    case 'sgd_plain':
      return fn.sgd_plain(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 'gemm_nt':
      return fn.gemm_nt(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    case 'gemm_axpy':
      return fn.gemm_axpy(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!);
    case 'act_colsum':
      return fn.act_colsum(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!);
  }
}
/** A task: kernel calls made in order by one thread. */
export type Task = readonly HelperCall[];

const CTL_INTS = 2048;
const MAX_TASKS = 128;
const TASKS = 4 + MAX_TASKS;
/** How long the helper spins for the next job before sleeping (training sends one every ~100 µs). */
const SPIN_MS = 2;

// The helper's whole program (plain JS, the same text for Node's eval workers and for Blob-URL Web Workers).
const WORKER_SOURCE = `'use strict';
// Per kernel, a call with its arguments read from the control block at p (ints from c, floats from f).
const CALLS = [
${OP_NAMES.map((name) => `  (k, c, f, p) => k.${name}(${[...OPS[name]].map((t, j) => `${t === 'f' ? 'f' : 'c'}[p + ${j}]`).join(', ')}),`).join('\n')}
];
function serve(module, memory, ctl) {
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const c = new Int32Array(memory.buffer, ctl, ${CTL_INTS});
  const f = new Float32Array(memory.buffer, ctl, ${CTL_INTS});
  let seen = 0;
  for (;;) {
    const t0 = performance.now();
    let spins = 0;
    while (Atomics.load(c, 0) === seen) {
      if (++spins % 256 === 0 && performance.now() - t0 > ${SPIN_MS}) Atomics.wait(c, 0, seen);
    }
    seen = Atomics.load(c, 0);
    if (seen < 0) return;
    for (;;) {
      const cur = Atomics.load(c, 1);
      const front = (cur >>> 8) & 0xff;
      if (cur >>> 16 !== (seen & 0x7fff) || front >= (cur & 0xff)) break;
      if (Atomics.compareExchange(c, 1, cur, cur + 256) !== cur) continue;
      const at = c[4 + front];
      for (let i = 0, p = at + 1; i < c[at]; i++) {
        CALLS[c[p]](k, c, f, p + 2);
        p += 2 + c[p + 1];
      }
      Atomics.add(c, 2, 1);
      Atomics.notify(c, 2);
    }
  }
}
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', (d) => serve(d.module, d.memory, d.ctl));
else self.onmessage = (e) => serve(e.data.module, e.data.memory, e.data.ctl);
`;

interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref?: () => void;
}

type WorkerFactory = () => WorkerLike;

/** How to start a worker here, or null: Node's worker_threads, else a Web Worker from a Blob URL. */
function workerFactory(): WorkerFactory | null {
  if (typeof SharedArrayBuffer === 'undefined') return null;
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    crossOriginIsolated?: boolean;
    Worker?: new (url: string) => WorkerLike;
  };
  const node = g.process?.getBuiltinModule?.('node:worker_threads') as { Worker: new (src: string, o: { eval: true }) => WorkerLike } | undefined;
  if (node) return () => new node.Worker(WORKER_SOURCE, { eval: true });
  if (g.crossOriginIsolated !== true || !g.Worker || typeof Blob === 'undefined' || typeof URL === 'undefined') return null;
  const WorkerCtor = g.Worker;
  return () => {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    try {
      return new WorkerCtor(url);
    } finally {
      URL.revokeObjectURL(url);
    }
  };
}

/** True when a helper thread can run here (SharedArrayBuffer and a way to start workers). */
export function threadsSupported(): boolean {
  return workerFactory() !== null;
}

let blocking: boolean | undefined;
/** Whether this thread may sleep in Atomics.wait (a browser's main thread may not: it spins instead). */
function canBlock(): boolean {
  if (blocking === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

const registry = typeof FinalizationRegistry === 'undefined' ? null : new FinalizationRegistry<WorkerLike>((w) => void w.terminate());

/** How long the caller waits for a task the helper claimed before concluding the helper died. */
const STALL_MS = 30_000;

/** One helper thread bound to one shared arena. */
export class Helper {
  private readonly c: Int32Array;
  private readonly f: Float32Array;
  private readonly fn: WasmKernels;
  private readonly worker: WorkerLike;
  private seq = 0;

  private constructor(arena: WasmArena, start: WorkerFactory) {
    const ctl = arena.alloc(CTL_INTS * 4 + 64);
    this.c = new Int32Array(arena.memory.buffer, ctl, CTL_INTS);
    this.f = new Float32Array(arena.memory.buffer, ctl, CTL_INTS);
    this.fn = arena.fn;
    this.worker = start();
    this.worker.unref?.();
    this.worker.postMessage({ module: arena.module, memory: arena.memory, ctl });
    registry?.register(this, this.worker, this);
  }

  /** A helper for a shared arena, or null where threads are unavailable. */
  static create(arena: WasmArena): Helper | null {
    const start = arena.shared ? workerFactory() : null;
    return start ? new Helper(arena, start) : null;
  }

  /** Run every task, on this thread and the helper, and return when all have finished. Tasks must be independent. */
  run(tasks: readonly Task[]): void {
    const c = this.c;
    if (tasks.length > MAX_TASKS) throw new RangeError(`helper: ${tasks.length} tasks, at most ${MAX_TASKS}`);
    // Retire the last job's counter first (a tag no job has), so no claim can succeed while the words change.
    Atomics.store(c, 1, 0xffff << 16);
    let p = TASKS;
    for (let t = 0; t < tasks.length; t++) {
      const task = tasks[t]!;
      c[4 + t] = p;
      c[p++] = task.length;
      for (let k = 0; k < task.length; k++) {
        const [op, args] = task[k]!;
        const types = OPS[op];
        if (args.length !== types.length || p + 2 + args.length > CTL_INTS) throw new RangeError(`helper: bad call ${op}`);
        c[p] = OP_INDEX[op];
        c[p + 1] = args.length;
        for (let i = 0; i < args.length; i++) {
          if (types.charCodeAt(i) === 102) this.f[p + 2 + i] = args[i]!; // 'f'
          else c[p + 2 + i] = args[i]!;
        }
        p += 2 + args.length;
      }
    }
    this.seq = (this.seq + 1) & 0x7fff;
    c[3] = tasks.length;
    Atomics.store(c, 2, 0);
    Atomics.store(c, 1, (this.seq << 16) | tasks.length);
    Atomics.store(c, 0, this.seq);
    Atomics.notify(c, 0);
    // Claim tasks like the helper does, from the back, calling the kernels directly.
    for (;;) {
      const cur = Atomics.load(c, 1);
      const back = cur & 0xff;
      if (((cur >>> 8) & 0xff) >= back) break;
      if (Atomics.compareExchange(c, 1, cur, cur - 1) !== cur) continue;
      const t = back - 1;
      const task = tasks[t]!;
      for (let k = 0; k < task.length; k++) callKernel(this.fn, task[k]![0], task[k]![1]);
      Atomics.add(c, 2, 1);
    }
    this.waitFinished(tasks.length);
  }

  /** Spin (then sleep, where allowed) until `count` tasks have finished. */
  private waitFinished(count: number): void {
    const c = this.c;
    let done = Atomics.load(c, 2);
    if (done === count) return;
    const t0 = performance.now();
    let spins = 0;
    while (done !== count) {
      if (++spins % 256 === 0) {
        const waited = performance.now() - t0;
        if (waited > STALL_MS) throw new Error('the wasm helper thread stopped responding');
        if (waited > 0.5 && canBlock()) Atomics.wait(c, 2, done, 1);
      }
      done = Atomics.load(c, 2);
    }
  }

  /** Stop the helper thread. */
  dispose(): void {
    registry?.unregister(this);
    Atomics.store(this.c, 0, -1);
    Atomics.notify(this.c, 0);
    this.worker.terminate();
  }
}
