// Gzip IDX files, inflated within bounds: the IDX header, read from the first inflated bytes, decides the one buffer
// allocated and where inflating stops. Isomorphic (web streams or any async chunks); Node's zlib feeds it from gunzip.ts.
// The gzip trailer's ISIZE is never used: it can lie.

import { IdxError, type IdxArray, type IdxHeader, type IdxLimits, MAX_IDX_BYTES, type ParseIdxOptions, isGzip, label, parseIdxRaw, readIdxHeader } from './idx.js';

/** Deflate's maximum compression ratio (1032:1, reached by long runs): gzip of n bytes never inflates past this × n. */
export const MAX_DEFLATE_RATIO = 1032;

/** Wrap an inflater's failure into an IdxError that says what to do. */
export function gzipError(e: unknown, name?: string): IdxError {
  const why = e instanceof Error ? e.message : String(e);
  return new IdxError('GZIP', `${label(name)}: the gzip data could not be inflated (${why}); the file is truncated or corrupt, so delete it and download it again.`);
}

/** Check a header against the limits and the compressed size; returns the whole file's length (header + payload). */
function allowedLength(h: IdxHeader, gzBytes: number, limits: IdxLimits, name?: string): number {
  // The caller's own rule (e.g. labels must match their images) first: it names the problem best.
  limits.checkHeader?.(h);
  const what = label(name);
  const total = h.headerBytes + h.payloadBytes;
  const shape = `${h.dims.join('x')} of ${h.type}`;
  const max = limits.maxBytes ?? MAX_IDX_BYTES;
  if (total > max) {
    throw new IdxError('TOO_LARGE', `${what}: the header declares ${shape}, ${total} bytes, over the limit of ${max} bytes; the file is corrupt or hostile (if it is genuine, raise maxBytes).`);
  }
  if (total > gzBytes * MAX_DEFLATE_RATIO) {
    throw new IdxError('SHORT_PAYLOAD', `${what}: the header declares ${shape}, ${total} bytes, but ${gzBytes} bytes of gzip cannot inflate to that many; the file is truncated or its header is wrong.`);
  }
  return total;
}

/** LONG_PAYLOAD for a gzip stream that runs past the `total` bytes its IDX header declares. */
export function tooLong(total: number, name?: string): IdxError {
  return new IdxError('LONG_PAYLOAD', `${label(name)}: the gzip data inflates to more than the ${total} bytes its IDX header declares; the file has trailing data or a wrong header (a gzip bomb looks like this).`);
}

/**
 * Pull inflated chunks until the IDX header is complete, then check it (allowedLength): `total` is the whole file's
 * length it allows. Without `total`, the stream ended first, and `head` is all there was. Throws as soon as the
 * first 4 bytes are not IDX (BAD_MAGIC, BAD_TYPE) or the header is refused.
 */
export async function readHead(it: AsyncIterator<Uint8Array>, gzBytes: number, limits: IdxLimits, name?: string): Promise<{ head: Uint8Array; total?: number }> {
  let head: Uint8Array = new Uint8Array(0);
  for (;;) {
    const r = await it.next();
    if (r.done) return { head };
    const joined: Uint8Array = new Uint8Array(head.length + r.value.length);
    joined.set(head);
    joined.set(r.value, head.length);
    head = joined;
    // Wait for the whole header (at most 1,024 bytes) unless the first 4 bytes already show this is not IDX.
    if (head.length < 4 || (head[0] === 0 && head[1] === 0 && head.length < 4 + 4 * head[3]!)) continue;
    return { head, total: allowedLength(readIdxHeader(head, name), gzBytes, limits, name) };
  }
}

/**
 * Collect inflated `chunks` of a gzip IDX file of `gzBytes` compressed bytes into one buffer of exactly the size its
 * header declares, checked (readHead) before it is allocated. Stops, cancelling the source, as soon as the data runs
 * past that size (LONG_PAYLOAD) or the header is refused. A stream that ends early returns what it had, for
 * parseIdxRaw to report (SHORT_HEADER, SHORT_PAYLOAD).
 */
export async function collectIdx(chunks: AsyncIterable<Uint8Array>, gzBytes: number, limits: IdxLimits = {}, name?: string): Promise<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  try {
    const { head, total } = await readHead(it, gzBytes, limits, name);
    if (total === undefined) return head;
    const out = new Uint8Array(total);
    let at = 0;
    for (let r: IteratorResult<Uint8Array> = { done: false, value: head }; !r.done; r = await it.next()) {
      if (at + r.value.length > total) throw tooLong(total, name);
      out.set(r.value, at);
      at += r.value.length;
    }
    return at === total ? out : out.subarray(0, at);
  } finally {
    await it.return?.();
  }
}

/** A web ReadableStream as async chunks, cancelled when the consumer stops early (not every browser iterates streams). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}

/** Inflate gzip IDX bytes with the web-standard DecompressionStream (browsers, Deno, Bun, Node >= 18), within `limits`. */
export async function gunzipWeb(gz: Uint8Array, name?: string, limits: IdxLimits = {}): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new IdxError('GZIP', `${label(name)}: is gzip-compressed and this runtime has no DecompressionStream; inflate it first or pass options.gunzip.`);
  }
  try {
    const stream = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await collectIdx(chunksOf(stream), gz.length, limits, name);
  } catch (e) {
    throw e instanceof IdxError ? e : gzipError(e, name);
  }
}

/** Parse IDX bytes, inflating them first when they are gzip-compressed; the header is checked against the limits first. */
export async function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): Promise<IdxArray> {
  const { name, gunzip = gunzipWeb } = options;
  const limits: IdxLimits = { maxBytes: options.maxBytes, checkHeader: options.checkHeader };
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = await gunzip(bytes, name, limits);
    } catch (e) {
      throw e instanceof IdxError ? e : gzipError(e, name);
    }
  }
  // Whatever produced `raw` (gunzip, a replacement, or nothing), its header answers to the same limits before parsing.
  if (!isGzip(raw)) allowedLength(readIdxHeader(raw, name), isGzip(bytes) ? bytes.length : Number.POSITIVE_INFINITY, limits, name);
  return parseIdxRaw(raw, { name });
}
