// The index of a whole byte dataset's nonzeros, built once per dataset for the sparse first layer's loadRows: per row,
// the nonzeros' columns (u16) and bytes (u8), 3 bytes each, so a batch of any rows is gathered without copying them.
import type { WasmArena } from './wasm.js';

/** Above this share of nonzero bytes a batch takes the dense kernels instead (the sparse ones stop paying). */
export const MAX_SPARSE_DENSITY = 0.5;

/** Where a dataset's index lives in the arena, and for which dataset (source) it was built. */
export interface ByteIndex {
  source: Uint8Array | null;
  rows: number;
  entries: number;
  /** Byte offsets of each row's block in data (rows + 1 entries). */
  rowOff: number;
  /** Row blocks: the nonzeros' columns (u16), then their bytes (u8). */
  data: number;
}

/**
 * Index `inputs` ((count, F) bytes), staging them through `raw` (capacity rows) in chunks; column offsets are k·S.
 * Reuses `previous`'s region when the dataset fits in it. Returns null when over MAX_SPARSE_DENSITY of the bytes are
 * nonzero.
 */
export function buildIndex(arena: WasmArena, raw: number, capacity: number, F: number, S: number, inputs: Uint8Array, previous: ByteIndex | null): ByteIndex | null {
  const count = Math.floor(inputs.length / F);
  const chunks = (visit: (start: number, rows: number) => void) => {
    const staged = arena.u8(raw, capacity * F);
    for (let s = 0; s < count; s += capacity) {
      const rows = Math.min(capacity, count - s);
      staged.set(inputs.subarray(s * F, (s + rows) * F));
      visit(s, rows);
    }
  };
  let entries = 0;
  chunks((_, rows) => {
    entries += arena.fn.nnz_count(raw, rows * F);
  });
  if (entries > count * F * MAX_SPARSE_DENSITY) return null;
  // One index region per model, reused when the next dataset fits in it.
  let index = previous;
  if (!index || index.rows < count || index.entries < entries) {
    index = { source: null, rows: count, entries, rowOff: arena.alloc((count + 1) * 4), data: arena.alloc(entries * 3) };
  }
  let e = 0;
  chunks((s, rows) => {
    e = arena.fn.bytes_index(raw, rows, F, index.rowOff + s * 4, index.data, e, S);
  });
  index.source = inputs;
  return index;
}
