// The helper thread's program: it instantiates the kernels on the shared memory, then claims tasks of each job from
// the front and runs their calls until the caller retires the block (job number −1). Built on its own by
// scripts/build-helper.mjs (tsup, IIFE) into helper-source.ts, whose text threads.ts starts as a worker; never
// imported by the library. Runs in Node's worker_threads and in browsers' Web Workers.
import { CTL_INTS, type HelperStart, READY, SPIN_MS } from './helper-protocol.js';
import { callFromBlock, type WasmKernels } from './kernel-table.js';

/** Serve jobs until told to stop: see threads.ts for the control block's layout and the claiming protocol. */
function serve({ module, memory, ctl }: HelperStart): void {
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmKernels;
  const c = new Int32Array(memory.buffer, ctl, CTL_INTS);
  const f = new Float32Array(memory.buffer, ctl, CTL_INTS);
  let seen = 0;
  Atomics.store(c, READY, 1);
  Atomics.notify(c, READY);
  for (;;) {
    const t0 = performance.now();
    let spins = 0;
    while (Atomics.load(c, 0) === seen) {
      if (++spins % 256 === 0 && performance.now() - t0 > SPIN_MS) Atomics.wait(c, 0, seen);
    }
    seen = Atomics.load(c, 0);
    if (seen < 0) return;
    for (;;) {
      const cur = Atomics.load(c, 1);
      const front = (cur >>> 8) & 0xff;
      if (cur >>> 16 !== (seen & 0x7fff) || front >= (cur & 0xff)) break;
      if (Atomics.compareExchange(c, 1, cur, cur + 256) !== cur) continue;
      const at = c[4 + front]!;
      for (let i = 0, p = at + 1; i < c[at]!; i++) {
        callFromBlock(k, c[p]!, c, f, p + 2);
        p += 2 + c[p + 1]!;
      }
      Atomics.add(c, 2, 1);
      Atomics.notify(c, 2);
    }
  }
}

interface NodePort {
  once(event: 'message', listener: (start: HelperStart) => void): void;
}
const scope = globalThis as unknown as {
  process?: { getBuiltinModule?: (id: string) => unknown };
  onmessage: ((e: { data: HelperStart }) => void) | null;
};
// Node: threads.ts starts helpers only where process.getBuiltinModule exists, so it is here too.
const port = (scope.process?.getBuiltinModule?.('node:worker_threads') as { parentPort: NodePort | null } | undefined)?.parentPort;
if (port) port.once('message', serve);
else scope.onmessage = (e) => serve(e.data);
