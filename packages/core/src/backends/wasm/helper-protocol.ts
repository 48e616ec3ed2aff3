// The helper thread's control block, shared by the caller's side (threads.ts) and the helper's program
// (helper-worker.ts): sizes and timings only; the layout is described in threads.ts.

/** Int32 words in the control block. */
export const CTL_INTS = 2048;
/** Tasks one job may hold (the claim word keeps front and back in 8 bits each). */
export const MAX_TASKS = 128;
/** The first word of the tasks' area: [0] job, [1] claims, [2] finished, [3] count, then MAX_TASKS task offsets. */
export const TASKS = 4 + MAX_TASKS;
/** The last word: the helper sets it to 1 once it runs (so a test can see the program started); tasks end before it. */
export const READY = CTL_INTS - 1;
/** How long the helper spins for the next job before sleeping (training sends one every ~100 µs). */
export const SPIN_MS = 2;

/** What the caller posts to a new helper: the compiled kernels, the shared memory, and where the control block is. */
export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: number;
}
