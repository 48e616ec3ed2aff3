// The 'naive' backend: plain arrays, the library's JS kernels and gemmNaive, one element at a time. The truth every
// other backend is tested against (backends/conformance.test.ts).
import { gemmNaive } from '../../matmul.js';
import type { Backend, BackendSpec } from '../types.js';
import { ArrayBackend } from './array-backend.js';

/** A naive backend for a network of this spec. */
export function naiveBackend(spec: BackendSpec): Backend {
  return new ArrayBackend('naive', spec, gemmNaive);
}
