// Layer-level steps on the wasm kernels for a model whose buffers live in a WasmArena: dense forward with fused bias
// and activation, activation backward, column sums. The first layer on byte inputs is sparse-layer.ts.
import { type ActivationName, activationBackward, activationForward } from '../../activations.js';
import type { WasmArena } from './wasm.js';

/** Activation codes of the wasm kernels: 0 linear, 1 sigmoid, 2 relu, 3 none (applied in JS afterwards). */
export function actCode(name: ActivationName): number {
  return name === 'linear' ? 0 : name === 'sigmoid' ? 1 : name === 'relu' ? 2 : 3;
}

/** The wasm activation code of `act` when a kernel applies it (linear, sigmoid, relu), else -1. */
export function kernelActivation(act: ActivationName): number {
  const code = actCode(act);
  return code === 3 ? -1 : code;
}

/** z (n, outF) = x·Wᵀ + b and a = f(z), every buffer in `arena`. */
export function denseForwardWasm(
  arena: WasmArena,
  z: Float32Array,
  a: Float32Array,
  x: Float32Array,
  W: Float32Array,
  b: Float32Array,
  n: number,
  inF: number,
  outF: number,
  act: ActivationName,
): void {
  const pz = arena.ptr(z);
  arena.fn.gemm_nt(pz, arena.ptr(x), arena.ptr(W), n, outF, inF);
  biasActivation(arena, z, a, pz, n, outF, outF, arena.ptr(b), act);
}

function biasActivation(arena: WasmArena, z: Float32Array, a: Float32Array, src: number, n: number, outF: number, stride: number, b: number, act: ActivationName): void {
  const code = actCode(act);
  arena.fn.bias_act(arena.ptr(z), arena.ptr(a), src, n, outF, outF, stride, b, code);
  if (code === 3) activationForward(act, a, z, n, outF);
}

/** dz = dout ⊙ f'(z) from the forward output `out`, (n, cols); dz may be dout. */
export function activationBackwardWasm(arena: WasmArena, dz: Float32Array, dout: Float32Array, out: Float32Array, n: number, cols: number, act: ActivationName): void {
  const code = actCode(act);
  if (code === 1 || code === 2) arena.fn.act_backward(arena.ptr(dz), arena.ptr(dout), arena.ptr(out), n * cols, code);
  else activationBackward(act, dz, dout, out, n, cols);
}

/** out (cols) = column sums of x (n, cols), both in `arena`. */
export function colSumsWasm(arena: WasmArena, out: Float32Array, x: Float32Array, n: number, cols: number): void {
  arena.fn.col_sums(arena.ptr(out), arena.ptr(x), n, cols);
}
