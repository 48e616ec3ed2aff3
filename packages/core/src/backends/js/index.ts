// The 'js' backend: the reference backend's plain arrays and kernels with the fast JS matrix product (gemmJs:
// cache-friendly loop orders, unrolled). For float64 networks and engines without WebAssembly SIMD. The loss and its
// gradient stay the reference's (losses.ts): n × outputs values per batch, where a faster kernel would gain nothing.
import { gemmJs } from '../../matmul.js';
import { ArrayBackend } from '../naive/array-backend.js';
import type { Backend, BackendSpec } from '../types.js';

/** A js backend for a network of this spec. */
export function jsBackend(spec: BackendSpec): Backend {
  return new ArrayBackend('js', spec, gemmJs);
}
