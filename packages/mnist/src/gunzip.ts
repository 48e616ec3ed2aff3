// Node's zlib as the IDX parser's gunzip, within the bounds the IDX header and the caller's limits allow.
// Node-only (node:zlib); reached from node.ts, never from the isomorphic entry. No file or network access.

import { createGunzip, gunzipSync } from 'node:zlib';
import { IdxError, type IdxLimits, isGzip } from './idx.js';
import { gzipError, readHead, tooLong } from './inflate.js';

/**
 * Inflate gzip IDX bytes with Node's zlib. First the header alone is inflated (a few KiB, streamed) and checked against
 * `limits` (see inflate.ts); then the whole file is inflated in one pass into one buffer of exactly the size the
 * header declares (plus a spare byte, so zlib never allocates a second one), and zlib stops as soon as the data runs
 * past it (LONG_PAYLOAD). One buffer, no chunks to collect: MNIST's 47 MB file costs 47 MB. Non-gzip input is
 * returned as is.
 */
export async function gunzipNode(gz: Uint8Array, name?: string, limits: IdxLimits = {}): Promise<Uint8Array> {
  if (!isGzip(gz)) return gz;
  const z = createGunzip({ chunkSize: 16 * 1024 });
  z.on('error', () => {});
  z.end(gz);
  const it = z[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let head: { head: Uint8Array; total?: number };
  try {
    head = await readHead(it, gz.length, limits, name);
  } catch (e) {
    throw e instanceof IdxError ? e : gzipError(e, name);
  } finally {
    await it.return?.();
    z.destroy();
  }
  // Ended inside the header: parseIdxRaw names the problem.
  if (head.total === undefined) return head.head;
  const total = head.total;
  try {
    return gunzipSync(gz, { chunkSize: Math.max(total + 1, 64 * 1024), maxOutputLength: total });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLong(total, name);
    throw gzipError(e, name);
  }
}
