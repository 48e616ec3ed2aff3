// Node's zlib as the IDX parser's gunzip: one output buffer sized from the gzip trailer, within a sanity cap.
// Node-only (node:zlib); reached from node.ts, never from the isomorphic entry. No file or network access.

import { gunzipSync } from 'node:zlib';
import { gzipError, isGzip } from './idx.js';

/** A gzip stream inflates to at most this many times its own size before the trailer's ISIZE is distrusted. */
export const MAX_RATIO = 20;

/**
 * The zlib output chunk for `gz`: ISIZE (the trailer's inflated size mod 2^32) plus one spare byte, so a valid
 * file inflates into one buffer. A truncated file's "trailer" is compressed data, so ISIZE is capped at
 * MAX_RATIO × the input (and 1 GiB); past the cap zlib simply adds chunks. Never below 64 KiB.
 */
export function gunzipChunkSize(gz: Uint8Array): number {
  const isize = gz.length >= 18 ? new DataView(gz.buffer, gz.byteOffset + gz.length - 4, 4).getUint32(0, true) : 0;
  return Math.max(Math.min(isize + 1, MAX_RATIO * gz.length, 1 << 30), 64 * 1024);
}

/**
 * Inflate gzip with Node's zlib into one buffer sized from the gzip trailer (ISIZE), so a 47 MB file
 * costs 47 MB, not the chunks plus their concatenation. Non-gzip input is returned as is.
 */
export function gunzipNode(gz: Uint8Array, name?: string): Uint8Array {
  if (!isGzip(gz)) return gz;
  try {
    // The spare byte means zlib never fills the output exactly (which would make it allocate a second chunk).
    return gunzipSync(gz, { chunkSize: gunzipChunkSize(gz) });
  } catch (e) {
    throw gzipError(e, name);
  }
}
