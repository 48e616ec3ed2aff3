// One HTTP request of the downloader: a file's bytes from one URL appended to its partial (.part) file, following
// redirects by hand, resuming with Range, ending on stalls, on a mirror too slow, and on a body that is not the file.
// Node-only (fetch, fs). Does not choose mirrors, retry, lock or verify checksums: download.ts does.
import { open, rm } from 'node:fs/promises';
import type { FileSpec, MnistRole } from './descriptors.js';
import type { DownloadOptions } from './download.js';
import { BodySniffer } from './sniff.js';

/** Progress of one file: bytes on disk so far, where from, and the total where known. */
export type Report = (bytesDone: number, source: string, total?: number) => void;

/** A failed attempt at one URL. `transient` failures are retried in a later round; `restart` means drop the partial file. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly restart = false,
  ) {
    super(message);
  }
}

const TIMEOUT = Symbol('timeout');
const SLOW = Symbol('slow');
/** The abort reason of a file whose deadline (deadlineMs) passed. */
export const DEADLINE = Symbol('deadline');
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One request (following redirects by hand), its body appended to `part` from byte `start`. `signal` is the file's
 * (the caller's abort, or DEADLINE); the request also ends on a stall (timeoutMs), on a mirror slower than
 * minBytesPerSec over a speedWindowMs, and on a body whose first bytes are not the file (an HTML page, JSON, …).
 */
export async function fetchInto(url: string, part: string, start: number, spec: FileSpec, role: MnistRole, o: DownloadOptions, report: Report, signal: AbortSignal): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const minSpeed = o.minBytesPerSec ?? 4096;
  const windowMs = o.speedWindowMs ?? 30_000;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  // An abort that came before the listener (e.g. while waiting for the lock) must not be missed.
  if (signal.aborted) {
    signal.removeEventListener('abort', onAbort);
    throw signal.reason === DEADLINE ? deadlineError(o) : signal.reason;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let speed: ReturnType<typeof setInterval> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(TIMEOUT), timeoutMs);
  };
  arm();
  let received = start;
  let mark = start;
  // Bytes read from the body (counted before they are written, so a slow disk is not blamed on the mirror).
  let arrived = start;
  let windowBytes = 0;
  try {
    const res = await request(url, start, ctl.signal, o.fetch ?? globalThis.fetch);
    arm();
    if (res.status === 416 && start > 0) {
      await res.body?.cancel();
      throw new AttemptError('the server refused to resume (HTTP 416)', true, true);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      const s = res.status;
      throw new AttemptError(`HTTP ${s}${res.statusText ? ` ${res.statusText}` : ''}`, s === 408 || s === 425 || s === 429 || s >= 500);
    }
    let offset = 0;
    if (res.status === 206) {
      const range = res.headers.get('content-range') ?? '';
      if (Number(/^bytes (\d+)-/.exec(range)?.[1]) !== start) {
        await res.body?.cancel();
        throw new AttemptError(`the server resumed at the wrong place (Content-Range ${JSON.stringify(range)})`, true, true);
      }
      offset = start;
    }
    const length = res.headers.get('content-length');
    const announced = length === null ? undefined : offset + Number(length);
    const sniffer = offset === 0 ? new BodySniffer(spec.name, role, res.headers.get('content-type') ?? '') : null;
    // Throws once the body's start shows it is not the file (an HTML page, JSON, …); its bytes are then dropped.
    const sniff = (chunk: Uint8Array, ended: boolean) => {
      const why = sniffer?.take(chunk, ended);
      if (why) throw new AttemptError(why, false, true);
    };
    if (spec.size !== undefined && announced !== undefined && announced !== spec.size) {
      // A short body of the wrong kind (an error page) is worth naming rather than counting.
      const body = sniffer && announced <= 65_536 ? new Uint8Array(await res.arrayBuffer()) : null;
      if (!body) await res.body?.cancel();
      sniff(body ?? new Uint8Array(0), body !== null);
      throw new AttemptError(`the server announces ${announced} bytes, expected ${spec.size}`, false);
    }
    const total = spec.size ?? announced;
    if (!res.body) throw new AttemptError('the response has no body', true);
    received = arrived = mark = offset;
    if (minSpeed > 0) {
      // A window is judged only when its timer fired about on time: a late timer means this process itself was stalled
      // (a busy machine, a long GC), and bytes the mirror sent meanwhile may still wait in the socket unread.
      let tick = performance.now();
      speed = setInterval(() => {
        const now = performance.now();
        const late = now - tick > windowMs * 1.5;
        tick = now;
        windowBytes = arrived - mark;
        mark = arrived;
        if (!late && windowBytes < (minSpeed * windowMs) / 1000) ctl.abort(SLOW);
      }, windowMs);
    }
    const fh = await open(part, offset > 0 ? 'a' : 'w');
    const reader = res.body.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arrived += value.length;
        arm();
        sniff(value, false);
        if (total !== undefined && received + value.length > total) throw new AttemptError(`the server sent more than ${total} bytes`, false, true);
        await fh.write(value);
        received += value.length;
        report(received, url, total);
      }
      finished = true;
      clearInterval(speed);
      sniff(new Uint8Array(0), true);
      await fh.sync();
    } finally {
      // On any failure, cancel the body so the connection is dropped rather than drained.
      if (!finished) await reader.cancel().catch(() => {});
      await fh.close();
    }
    if (total !== undefined && received < total) throw new AttemptError(`the connection closed after ${received} of ${total} bytes`, true);
  } catch (e) {
    if (signal.aborted) {
      if (signal.reason === DEADLINE) throw deadlineError(o);
      throw signal.reason;
    }
    if (e instanceof AttemptError) {
      if (e.restart && start === 0) await rm(part, { force: true });
      throw e;
    }
    if (ctl.signal.reason === TIMEOUT) throw new AttemptError(`no data for ${timeoutMs} ms (timed out)`, true);
    if (ctl.signal.reason === SLOW) {
      throw new AttemptError(`too slow: ${windowBytes} bytes in ${windowMs} ms, under the floor of ${minSpeed} bytes/s (minBytesPerSec)`, true);
    }
    throw new AttemptError(describe(e), true);
  } finally {
    clearTimeout(timer);
    clearInterval(speed);
    signal.removeEventListener('abort', onAbort);
  }
}

const deadlineError = (o: DownloadOptions) => new AttemptError(`gave up: the deadline of ${o.deadlineMs ?? 1_800_000} ms for this file passed (deadlineMs)`, false);

/** fetch with redirects followed by hand, refusing any hop from https to http. */
async function request(url: string, start: number, signal: AbortSignal, fetchImpl: typeof globalThis.fetch): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= 5; hop++) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (start > 0) headers.range = `bytes=${start}-`;
    const res = await fetchImpl(current, { headers, redirect: 'manual', signal });
    if (!REDIRECTS.has(res.status)) return res;
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) throw new AttemptError(`HTTP ${res.status} redirect without a Location header`, false);
    const next = new URL(location, current);
    if (new URL(current).protocol === 'https:' && next.protocol !== 'https:') {
      throw new AttemptError(`refused a redirect from https to ${next.protocol.replace(':', '')} (${next.href})`, false);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new AttemptError(`refused a redirect to ${next.href}`, false);
    current = next.href;
  }
  throw new AttemptError('more than 5 redirects', false);
}

/** A network error as one phrase: undici hides the useful part (ECONNRESET, "other side closed") in `cause`. */
export function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const detail = cause ? [cause.code, cause.message].filter(Boolean).join(' ') : '';
  return `network error: ${e.message}${detail ? ` (${detail})` : ''}`;
}

