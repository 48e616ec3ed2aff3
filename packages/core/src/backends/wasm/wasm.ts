// The WebAssembly SIMD kernels at run time: feature detection, compiling the embedded bytes, and WasmArena, one
// memory per user (a model) with a bump allocator. The kernels themselves live in wasm/kernels.ts, threads in threads.ts.
import type { Gemm } from '../../matmul.js';
import type { FloatArray } from '../../tensor.js';
import type { WasmKernels } from './kernel-table.js';
import { WASM_KERNELS_BASE64, WASM_KERNELS_SHARED_BASE64 } from './wasm-binary.js';

export type { WasmKernels };

// (module (func (result v128) v128.const i32x4 0 0 0 0)): valid only where WebAssembly SIMD is.
const SIMD_PROBE = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array<number>(16).fill(0), 11);

let simd: boolean | undefined;
/** True when this engine runs WebAssembly with fixed-width SIMD (Node ≥ 16.4, current browsers). */
export function wasmSimdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
  }
  return simd;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// Index 0: the module for a plain memory; 1: for a shared one (threads).
const compiled: [WebAssembly.Module | null, WebAssembly.Module | null] = [null, null];
const syncFailed = [false, false];
const SOURCES = [WASM_KERNELS_BASE64, WASM_KERNELS_SHARED_BASE64] as const;

/**
 * The compiled kernels (for a shared memory when `shared`), or null without SIMD. Compiles synchronously on first
 * use; a browser's main thread refuses that for modules over 4 KB, so there call `await initWasm()` once first
 * (workers and Node need nothing).
 */
export function wasmModule(shared = false): WebAssembly.Module | null {
  const i = shared ? 1 : 0;
  if (compiled[i] || syncFailed[i] || !wasmSimdSupported()) return compiled[i];
  try {
    compiled[i] = new WebAssembly.Module(decodeBase64(SOURCES[i]));
  } catch {
    syncFailed[i] = true;
  }
  return compiled[i];
}

/** Compile the kernels asynchronously (allowed everywhere). Resolves true when the wasm backend is available. */
export async function initWasm(): Promise<boolean> {
  if (!wasmSimdSupported()) return false;
  for (const i of [0, 1]) compiled[i] ??= await WebAssembly.compile(decodeBase64(SOURCES[i]!)).catch(() => null);
  return compiled[0] !== null;
}

/** Pages a shared memory may grow to (2 GiB); the shared module declares the same maximum. */
export const SHARED_MAX_PAGES = 32768;

const PAGE = 65536;
const ALIGN = 16;
/** Bytes left free after every allocation: kernels may read (never write) up to 3 floats past a row. */
const SLACK = 16;

/**
 * One WebAssembly memory with the kernels instantiated on it, and a bump allocator that never frees: owners allocate
 * once and reuse. Growing the memory replaces its buffer (a plain memory's old views are detached, a shared one's
 * keep their old length); `generation` counts growths and `refresh(view)` returns the same allocation viewed on the
 * current buffer. A shared arena (threads) needs SharedArrayBuffer. A shared memory's buffer object can also change
 * without it growing (V8 gives every shared memory of a thread a new buffer object when any one of them grows), and
 * views on any of its buffers stay valid (shared buffers are never detached), so the arena recognises them all.
 */
export class WasmArena {
  readonly fn: WasmKernels;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly shared: boolean;
  private top = 1024; // the first KiB stays unused, so pointer 0 is never a buffer
  private gen = 0;
  private readonly where = new WeakMap<ArrayBufferView, [number, number]>();
  /** Every buffer object a shared memory has shown (views on any of them are views of this memory). */
  private readonly seen = new WeakSet<ArrayBufferLike>();
  /** The buffer the last ptr() call accepted (dropped when the memory grows): most calls see the same one. */
  private last: ArrayBufferLike | null = null;

  constructor(initialBytes = 0, shared = false) {
    const module = wasmModule(shared);
    if (!module) throw new Error('WebAssembly SIMD kernels are unavailable here (no SIMD support, or call await initWasm() first)');
    const initial = Math.ceil((this.top + initialBytes) / PAGE) + 1;
    this.memory = new WebAssembly.Memory(shared ? { initial, maximum: SHARED_MAX_PAGES, shared: true } : { initial });
    this.module = module;
    this.shared = shared;
    this.fn = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as WasmKernels;
    this.buffer();
  }

  /** Increments whenever the memory grew (and earlier views were detached). */
  get generation(): number {
    return this.gen;
  }

  /** Reserve `bytes` (zeroed, 16-byte aligned, with slack after). Returns the byte offset. May grow the memory. */
  alloc(bytes: number): number {
    const ptr = Math.ceil(this.top / ALIGN) * ALIGN;
    this.top = ptr + bytes + SLACK;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const need = Math.ceil((this.top - have) / PAGE);
      const want = Math.ceil((Math.max(this.top, have * 1.5) - have) / PAGE);
      this.memory.grow(this.shared ? Math.max(need, Math.min(want, SHARED_MAX_PAGES - have / PAGE)) : want);
      this.gen++;
      this.last = null;
    }
    return ptr;
  }

  /** A Float32Array of n floats at ptr. */
  f32(ptr: number, n: number): Float32Array {
    const v = new Float32Array(this.buffer(), ptr, n);
    this.where.set(v, [ptr, n]);
    return v;
  }

  /** A Uint8Array of n bytes at ptr. */
  u8(ptr: number, n: number): Uint8Array {
    const v = new Uint8Array(this.buffer(), ptr, n);
    this.where.set(v, [ptr, n]);
    return v;
  }

  /** An Int32Array of n values at ptr (scratch: not refreshable). */
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.buffer(), ptr, n);
  }

  /** Allocate and view n zeroed floats. */
  floats(n: number): Float32Array {
    return this.f32(this.alloc(n * 4), n);
  }

  /** The memory's buffer now, remembered when shared. */
  private buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    if (this.shared) this.seen.add(b);
    return b;
  }

  /** Whether a view on `b` is a usable view of this memory: its current buffer, or any buffer a shared one showed. */
  private owns(b: ArrayBufferLike): boolean {
    return b === this.memory.buffer || (this.shared && this.seen.has(b));
  }

  /** The byte offset of a usable view into this memory, or -1 for any other buffer (or a detached one). */
  ptr(view: ArrayBufferView): number {
    const b = view.buffer;
    if (b === this.last) return view.byteOffset;
    if (!this.owns(b)) return -1;
    this.last = b;
    return view.byteOffset;
  }

  /** A usable view of a view's allocation: the view itself while it works (always, on a shared memory), else re-made. */
  refresh<T extends Float32Array | Uint8Array>(view: T): T {
    if (this.owns(view.buffer)) return view;
    const at = this.where.get(view);
    if (!at) throw new Error('WasmArena.refresh: not a view made by this arena');
    return (view instanceof Uint8Array ? this.u8(at[0], at[1]) : this.f32(at[0], at[1])) as T;
  }

  /**
   * out = op(a)·op(b) for buffers in this memory (the raw Gemm contract). Returns false, doing nothing, when a
   * buffer lives elsewhere or is not float32.
   */
  gemm(out: FloatArray, a: FloatArray, b: FloatArray, M: number, N: number, K: number, tA: boolean, tB: boolean): boolean {
    if (!(out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array)) return false;
    const po = this.ptr(out);
    const pa = this.ptr(a);
    const pb = this.ptr(b);
    if (po < 0 || pa < 0 || pb < 0) return false;
    if (M === 0 || N === 0) return true;
    if (!tA && tB) this.fn.gemm_nt(po, pa, pb, M, N, K);
    else if (!tA) this.fn.gemm_axpy(po, pa, pb, M, N, K, K, 1, N, N);
    else if (!tB) this.fn.gemm_axpy(po, pa, pb, M, N, K, 1, M, N, N);
    else this.fn.gemm_tt(po, pa, pb, M, N, K);
    return true;
  }
}

let scratch: { arena: WasmArena; ptr: number; bytes: number } | null = null;

/**
 * The wasm SIMD kernel under the raw Gemm signature, for buffers anywhere: operands are copied into a shared scratch
 * memory and the result copied out. Float64 buffers, or no SIMD, fall back to `fallback`. Models avoid the copies by
 * keeping their buffers in their own arena.
 */
export function makeGemmWasm(fallback: Gemm): Gemm {
  return (out, a, b, M, N, K, tA, tB) => {
    const module = wasmModule();
    if (!module || !(out instanceof Float32Array) || !(a instanceof Float32Array) || !(b instanceof Float32Array)) {
      fallback(out, a, b, M, N, K, tA, tB);
      return;
    }
    const na = M * K;
    const nb = K * N;
    const no = M * N;
    const bytes = (na + nb + no) * 4 + 64;
    if (!scratch || scratch.bytes < bytes) {
      const arena = scratch?.arena ?? new WasmArena(bytes);
      scratch = { arena, ptr: arena.alloc(bytes), bytes };
    }
    const { arena, ptr } = scratch;
    const va = arena.f32(ptr, na);
    const vb = arena.f32(ptr + ((na * 4 + 31) & ~15), nb);
    const vo = arena.f32(vb.byteOffset + ((nb * 4 + 31) & ~15), no);
    va.set(a.subarray(0, na));
    vb.set(b.subarray(0, nb));
    arena.gemm(vo, va, vb, M, N, K, tA, tB);
    out.set(vo);
  };
}
