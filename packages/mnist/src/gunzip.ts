// Node's zlib as the IDX parser's gunzip: streamed, within the bounds the IDX header and the caller's limits allow.
// Node-only (node:zlib); reached from node.ts, never from the isomorphic entry. No file or network access.

import { createGunzip } from 'node:zlib';
import { IdxError, type IdxLimits, isGzip } from './idx.js';
import { collectIdx, gzipError } from './inflate.js';

/**
 * Inflate gzip IDX bytes with Node's zlib into one buffer of the size the IDX header declares (checked against
 * `limits` before it is allocated); inflating stops as soon as the data runs past it. Non-gzip input is returned as is.
 */
export async function gunzipNode(gz: Uint8Array, name?: string, limits: IdxLimits = {}): Promise<Uint8Array> {
  if (!isGzip(gz)) return gz;
  // Output is pulled 256 KiB at a time; zlib inflates no further than the consumer reads.
  const z = createGunzip({ chunkSize: 256 * 1024 });
  z.on('error', () => {});
  z.end(gz);
  try {
    return await collectIdx(z, gz.length, limits, name);
  } catch (e) {
    throw e instanceof IdxError ? e : gzipError(e, name);
  } finally {
    z.destroy();
  }
}
