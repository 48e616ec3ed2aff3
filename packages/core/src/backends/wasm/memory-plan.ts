// How much WebAssembly memory a wasm network reserves up front, so that its views rarely move: parameters,
// gradients, momentum and the sparse layer's transposed copies, plus up to 512 rows of batch buffers within 32 MiB.

/** Rows of per-batch buffers a wasm network reserves up front (so its views rarely move), within RESERVE_BYTES. */
const ROWS = 512;
const RESERVE_BYTES = 32 << 20;

/** Bytes per batch row: z, a, δ per layer, input floats and bytes, sparse index room. */
function rowBytes(L: readonly number[]): number {
  let widths = 0;
  for (let l = 1; l < L.length; l++) widths += L[l]!;
  return 12 * widths + 5 * L[0]! + 16 * Math.ceil(L[0]! / 2) + 64;
}

/** Rows of batch buffers to reserve for layers L. */
export function plannedRows(L: readonly number[]): number {
  return Math.max(1, Math.min(ROWS, Math.floor(RESERVE_BYTES / rowBytes(L))));
}

/** Bytes a network with layers L needs before its first batch: parameters, gradients, momentum, and plannedRows rows. */
export function plannedBytes(L: readonly number[]): number {
  let params = 0;
  for (let l = 0; l + 1 < L.length; l++) params += (L[l]! + 1) * L[l + 1]!;
  const P = Math.ceil(L[1]! / 4) * 4;
  return 4 * (3 * params + 2 * L[0]! * P) + plannedRows(L) * rowBytes(L) + 64 * 1024;
}
