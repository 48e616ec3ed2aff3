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
// The helper's own program is helper-worker.ts (bundled into helper-source.ts); kernels and their argument types come
// from kernel-table.ts, generated from wasm/kernels.ts.
import { HELPER_SOURCE } from './helper-source.js';
import { CTL_INTS, MAX_TASKS, READY, TASKS } from './helper-protocol.js';
import { KERNEL_ARGS, KERNEL_NAMES, type KernelName, type WasmKernels, callKernel } from './kernel-table.js';
import type { WasmArena } from './wasm.js';

export { callKernel };
/** A kernel a task may call: any kernel of wasm/kernels.ts. */
export type HelperOp = KernelName;
const OP_INDEX = Object.fromEntries(KERNEL_NAMES.map((name, i) => [name, i])) as Record<HelperOp, number>;
/** How many arguments a task's kernel takes. */
export function opArity(op: HelperOp): number {
  return KERNEL_ARGS[op].length;
}
/** One kernel call. */
export type HelperCall = readonly [HelperOp, readonly number[]];
/** A task: kernel calls made in order by one thread. */
export type Task = readonly HelperCall[];

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
  if (node) return () => new node.Worker(HELPER_SOURCE, { eval: true });
  if (g.crossOriginIsolated !== true || !g.Worker || typeof Blob === 'undefined' || typeof URL === 'undefined') return null;
  const WorkerCtor = g.Worker;
  return () => {
    const url = URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
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

  /** Whether the helper's program is running (it says so once it has instantiated the kernels). */
  get started(): boolean {
    return Atomics.load(this.c, READY) === 1;
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
        const types = KERNEL_ARGS[op];
        if (args.length !== types.length || p + 2 + args.length > READY) throw new RangeError(`helper: bad call ${op}`);
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
