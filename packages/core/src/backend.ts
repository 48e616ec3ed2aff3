// Kernel backends: which implementation new MLPs use for their matrix products and training step, and the default.
// 'wasm' = WebAssembly SIMD kernels (float32), 'js' = the fast JS loops, 'naive' = the reference loops. No kernels here.
import { wasmModule } from './backends/wasm/wasm.js';

/** A backend's name: 'wasm' (WebAssembly SIMD, float32), 'js' (fast JS loops) or 'naive' (the reference loops). */
export type BackendName = 'wasm' | 'js' | 'naive';
/** Every backend name, fastest first. */
export const BACKENDS: readonly BackendName[] = ['wasm', 'js', 'naive'];

let preferred: BackendName | 'auto' = 'auto';
let threads = 1;

/** Whether a backend can run here: 'wasm' needs WebAssembly SIMD and a compiled module (see initWasm). */
export function backendAvailable(name: BackendName): boolean {
  return name === 'wasm' ? wasmModule() !== null : BACKENDS.includes(name);
}

/**
 * Choose the backend of MLPs created from now on (an MLP's own `backend` option wins). 'auto', the default, is
 * 'wasm' where available and 'js' otherwise. Throws when the named backend cannot run here.
 */
export function setBackend(name: BackendName | 'auto'): void {
  if (name !== 'auto' && !BACKENDS.includes(name)) throw new RangeError(`unknown backend ${JSON.stringify(name)}; use one of auto, ${BACKENDS.join(', ')}`);
  if (name !== 'auto' && !backendAvailable(name)) throw new Error(unavailable(name));
  preferred = name;
}

/** The backend a new float32 MLP gets: the one set with setBackend, or under 'auto' wasm when available, else js. */
export function getBackend(): BackendName {
  if (preferred !== 'auto') return preferred;
  return backendAvailable('wasm') ? 'wasm' : 'js';
}

/** The backend of a new MLP: an explicit request (checked), else the default; float64 models never use wasm. */
export function resolveBackend(requested: BackendName | undefined, dtype: 'float32' | 'float64'): BackendName {
  if (requested === undefined) {
    const name = getBackend();
    return name === 'wasm' && dtype === 'float64' ? 'js' : name;
  }
  if (!BACKENDS.includes(requested)) throw new RangeError(`unknown backend ${JSON.stringify(requested)}; use one of ${BACKENDS.join(', ')}`);
  if (requested === 'wasm' && dtype === 'float64') throw new RangeError("the wasm backend computes in float32; use backend 'js' for float64 models");
  if (!backendAvailable(requested)) throw new Error(unavailable(requested));
  return requested;
}

function unavailable(name: BackendName): string {
  return `the ${name} backend is unavailable here: it needs WebAssembly SIMD, and on a browser's main thread call await initWasm() first`;
}

/**
 * Threads new wasm models may use for their first layer on byte inputs: 1 (default) or 2 (a helper Worker sharing
 * the model's memory; needs SharedArrayBuffer, so cross-origin isolation in browsers, else it stays at 1). Results are
 * bit-identical either way.
 */
export function setThreads(n: number): void {
  if (n !== 1 && n !== 2) throw new RangeError(`threads must be 1 or 2, got ${n}`);
  threads = n;
}

/** The thread count new wasm models get (see setThreads). */
export function getThreads(): number {
  return threads;
}
