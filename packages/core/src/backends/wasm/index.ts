// The 'wasm' backend: WebAssembly SIMD kernels on buffers in the network's own memory, the sparse first layer for
// byte inputs (sparse-layer.ts), and an optional helper thread (threads.ts). Float32 only.
import type { Backend, BackendSpec } from '../types.js';
import { WasmBackend } from './wasm-backend.js';

/** A wasm backend for a network of this spec (threads 2: a helper thread where SharedArrayBuffer exists). */
export function wasmBackend(spec: BackendSpec): Backend {
  return new WasmBackend(spec);
}
