// The downloader: each file from the first mirror that delivers the published bytes, into the cache, atomically.
// Node-only (fetch, fs, crypto). Falls through mirrors on HTTP errors, resets, stalls and bad bytes; resumes with Range.
// Does not parse anything: a verified .gz file in the cache is its whole output.

import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetDir, defaultCacheDir, findCached, verifyFile, withLock, writeMarker } from './cache.js';
import { type DatasetDescriptor, type FileSpec, type MnistRole, ROLES, checkDescriptor } from './descriptors.js';
import { BodySniffer } from './sniff.js';

/** Where a file's bytes are coming from, and how far along they are. */
export interface Progress {
  /** The file's published name, e.g. `train-images-idx3-ubyte.gz`. */
  file: string;
  /** Bytes of it on disk so far (a resumed download starts from what the `.part` file held). */
  bytesDone: number;
  /** Undefined only when neither the descriptor nor the server says how big the file is. */
  bytesTotal: number | undefined;
  /** The URL being downloaded, 'cache' for a verified hit, 'import', or 'lock' while waiting (see waitingFor). */
  source: string;
  /**
   * Set only on the one event (source 'lock', bytesDone 0) sent when another download of this file holds its lock:
   * the holder as 'host:pid'. This call waits for it to finish, then uses the file it placed in the cache.
   */
  waitingFor?: string;
}

/** The four cached files' paths, by role. */
export type MnistPaths = Record<MnistRole, string>;

/** Why a dataset file could not be had: no mirror delivered it, it is not cached (offline), a `--from`/`dir` folder lacks it, or its checksum differs. */
export type DatasetErrorCode = 'ALL_MIRRORS_FAILED' | 'NOT_CACHED' | 'MISSING_FILE' | 'CHECKSUM';

/** Why one mirror could not deliver a file (its last attempt, when it was retried). */
export interface MirrorFailure {
  /** The file's URL on that mirror. */
  url: string;
  /** What went wrong, in words (an HTTP status, a timeout, a checksum mismatch). */
  reason: string;
  /** Requests made to this mirror for the file. */
  attempts: number;
}

/**
 * A dataset file could not be obtained. `failures` lists every mirror tried (ALL_MIRRORS_FAILED); `reason` says what
 * is wrong with `file` (NOT_CACHED: 'missing', or how the cached file differs from the published one).
 */
export class DatasetError extends Error {
  /** Always 'DatasetError'. */
  override name = 'DatasetError';
  constructor(
    /** What kind of failure, stable for programs to test. */
    readonly code: DatasetErrorCode,
    message: string,
    /** The file concerned, by its published name. */
    readonly file: string,
    /** Every mirror tried and why it failed (ALL_MIRRORS_FAILED); empty otherwise. */
    readonly failures: MirrorFailure[] = [],
    /** What is wrong with the file, where known (NOT_CACHED: 'missing' or how it differs; MISSING_FILE: e.g. 'not a regular file'). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** Where to cache, which mirrors, and the limits on slow or stuck downloads. */
export interface DownloadOptions {
  /** Cache root (see defaultCacheDir). Files go to `<cacheDir>/datasets/<descriptor.id>/`. */
  cacheDir?: string;
  /** Extra mirrors tried first (before the descriptor's mirrorEnv variable, then its own list). */
  mirrors?: string[];
  /** Give up on a request that delivers no bytes for this long. Default 30,000 ms. */
  timeoutMs?: number;
  /**
   * The most time one file may take, all mirrors, retries and pauses together (waiting for another process's lock
   * does not count). When it passes, the download stops with ALL_MIRRORS_FAILED. Default 1,800,000 ms (30 minutes),
   * or $MLP_DOWNLOAD_DEADLINE_SEC seconds.
   */
  deadlineMs?: number;
  /**
   * A mirror delivering fewer than this many bytes per second, measured over each `speedWindowMs`, is abandoned for
   * the next mirror (its partial file is kept and resumed). Default 4,096 (4 KiB/s), or $MLP_MIN_BYTES_PER_SEC;
   * 0 turns the rule off.
   */
  minBytesPerSec?: number;
  /** The window over which `minBytesPerSec` is measured. Default 30,000 ms. */
  speedWindowMs?: number;
  /** Extra rounds over mirrors that failed transiently (network, timeout, 5xx, 429). Default 2. */
  retries?: number;
  /** Pause before the first extra round; doubles each round. Default 1,000 ms. */
  backoffMs?: number;
  /** Called as bytes arrive (and once for each cached file). */
  onProgress?: (p: Progress) => void;
  /** Aborting stops the download; a partial file stays as `.part` and the next download resumes it. */
  signal?: AbortSignal;
  /** Replaces globalThis.fetch (tests, proxies). Redirects are followed by the downloader, not by fetch. */
  fetch?: typeof globalThis.fetch;
  /** Replaces process.env for MLP_CACHE_DIR and the mirror variable. */
  env?: Record<string, string | undefined>;
  /** A lock file untouched this long is taken as left by a crashed process. Default 60,000 ms. */
  lockStaleMs?: number;
}

/** The mirrors a download tries, in order: options.mirrors, then $<mirrorEnv> (comma-separated), then the descriptor's. */
export function mirrorList(d: DatasetDescriptor, options: Pick<DownloadOptions, 'mirrors' | 'env'> = {}): string[] {
  const env = options.env ?? process.env;
  const fromEnv = d.mirrorEnv ? (env[d.mirrorEnv] ?? '').split(',') : [];
  // Where each entry came from, so a bad one can be traced: the option, the variable, or the descriptor.
  const sources: [string, string][] = [
    ...(options.mirrors ?? []).map((m): [string, string] => [m, 'options.mirrors']),
    ...fromEnv.map((m): [string, string] => [m, `$${d.mirrorEnv} (comma-separated base URLs)`]),
    ...d.mirrors.map((m): [string, string] => [m, `descriptor ${JSON.stringify(d.id)}`]),
  ];
  const out: string[] = [];
  for (const [raw, from] of sources) {
    const m = raw.trim();
    if (!m) continue;
    let u: URL;
    try {
      u = new URL(m);
    } catch {
      throw new TypeError(`mirror ${JSON.stringify(m)} from ${from} is not a URL; give a base URL such as https://example.org/mnist/`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`mirror ${m} from ${from}: only http: and https: mirrors are supported`);
    const base = u.href.endsWith('/') ? u.href : `${u.href}/`;
    if (!out.includes(base)) out.push(base);
  }
  if (out.length === 0) throw new TypeError(`no mirrors for ${d.title}: give options.mirrors${d.mirrorEnv ? ` or set ${d.mirrorEnv}` : ''}`);
  return out;
}

/**
 * Make sure the dataset's four files are in the cache, verified, and return their paths.
 * Verified cache hits cost no network; everything else goes through the mirrors (see README, "Downloader").
 */
export async function download(d: DatasetDescriptor, options: DownloadOptions = {}): Promise<MnistPaths> {
  checkDescriptor(d);
  options = withEnvLimits(options);
  const dir = datasetDir(defaultCacheDir(options.cacheDir, options.env ?? process.env), d);
  const mirrors = mirrorList(d, options);
  await mkdir(dir, { recursive: true });
  const paths = {} as MnistPaths;
  for (const role of ROLES) paths[role] = await fetchFile(d, role, dir, mirrors, options);
  return paths;
}

/**
 * The options, with deadlineMs and minBytesPerSec taken from $MLP_DOWNLOAD_DEADLINE_SEC and $MLP_MIN_BYTES_PER_SEC
 * where the options leave them out, so that every program using the downloader (the CLI, the desktop app) can be
 * told of a slow link without a flag of its own.
 */
export function withEnvLimits(options: DownloadOptions): DownloadOptions {
  const env = options.env ?? process.env;
  const read = (name: string, ok: (n: number) => boolean, what: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const n = Number(raw);
    if (!ok(n)) throw new TypeError(`$${name}=${JSON.stringify(env[name])} is not ${what}`);
    return n;
  };
  const deadline = read('MLP_DOWNLOAD_DEADLINE_SEC', (n) => n > 0 && Number.isFinite(n), 'a number of seconds above 0 (the most time one file may take)');
  const speed = read('MLP_MIN_BYTES_PER_SEC', (n) => n >= 0 && Number.isFinite(n), 'a number of bytes per second (0 turns the minimum speed off)');
  return {
    ...options,
    ...(options.deadlineMs === undefined && deadline !== undefined ? { deadlineMs: deadline * 1000 } : {}),
    ...(options.minBytesPerSec === undefined && speed !== undefined ? { minBytesPerSec: speed } : {}),
  };
}

type Report = (bytesDone: number, source: string, total?: number) => void;

/** A failed attempt at one URL. `transient` failures are retried in a later round; `restart` means drop the partial file. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly restart = false,
  ) {
    super(message);
  }
}

async function fetchFile(d: DatasetDescriptor, role: MnistRole, dir: string, mirrors: string[], o: DownloadOptions): Promise<string> {
  const spec = d.files[role];
  const target = join(dir, spec.name);
  const report: Report = (bytesDone, source, total = spec.size) => o.onProgress?.({ file: spec.name, bytesDone, bytesTotal: total, source });
  // The cached file's path (as published, or inflated from an import) when it is verified, else null.
  const hit = async (repair: boolean) => {
    const found = await findCached(dir, spec, role, repair);
    if (found.reason !== null) return null;
    const { size } = await stat(found.path);
    report(size, 'cache', size);
    return found.path;
  };
  // Read-only check first; only the lock holder may delete a bad file (another process may be renaming a good one in).
  const cached = await hit(false);
  if (cached) return cached;
  return withLock(
    `${target}.lock`,
    async () => {
      const found = await hit(true);
      if (found) return found;
      const part = `${target}.part`;
      const failures = new Map<string, MirrorFailure>();
      const fail = (url: string, reason: string, tried = true) =>
        failures.set(url, { url, reason, attempts: (failures.get(url)?.attempts ?? 0) + (tried ? 1 : 0) });
      // One signal for this file: the caller's abort (its reason passed on) or the file's deadline (DEADLINE).
      const file = new AbortController();
      const deadlineMs = o.deadlineMs ?? 1_800_000;
      const deadline = setTimeout(() => file.abort(DEADLINE), deadlineMs);
      const onAbort = () => file.abort(o.signal?.reason);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      if (o.signal?.aborted) onAbort();
      // Mirrors whose last failure was transient, due another try in a later round.
      const retryable = new Set<string>();
      const late = () => {
        const passed = `the deadline of ${deadlineMs} ms for this file had passed`;
        for (const base of mirrors) {
          const url = base + spec.name;
          const f = failures.get(url);
          if (!f) fail(url, `not tried: ${passed}`, false);
          else if (retryable.has(url)) f.reason += `; not retried: ${passed}`;
        }
        return allFailed(d, spec, [...failures.values()]);
      };
      try {
        let pending = mirrors;
        const retries = o.retries ?? 2;
        for (let round = 0; round <= retries && pending.length > 0; round++) {
          if (round > 0) await sleep((o.backoffMs ?? 1000) * 2 ** (round - 1), file.signal);
          const again: string[] = [];
          for (const base of pending) {
            const url = base + spec.name;
            try {
              await fromMirror(url, part, spec, role, o, report, file.signal);
              await rename(part, target);
              await writeMarker(target, spec);
              return target;
            } catch (e) {
              if (o.signal?.aborted) throw o.signal.reason;
              const err = e instanceof AttemptError ? e : new AttemptError(describe(e), true);
              fail(url, err.message);
              retryable.delete(url);
              if (file.signal.reason === DEADLINE) throw late();
              if (err.transient) {
                again.push(base);
                retryable.add(url);
              }
            }
          }
          pending = again;
        }
        throw allFailed(d, spec, [...failures.values()]);
      } catch (e) {
        // The deadline passing during a pause between rounds.
        if (e === DEADLINE) throw late();
        throw e;
      } finally {
        clearTimeout(deadline);
        o.signal?.removeEventListener('abort', onAbort);
      }
    },
    {
      staleMs: o.lockStaleMs,
      signal: o.signal,
      onWait: (holder) => o.onProgress?.({ file: spec.name, bytesDone: 0, bytesTotal: spec.size, source: 'lock', waitingFor: holder }),
    },
  );
}

function allFailed(d: DatasetDescriptor, spec: FileSpec, failures: MirrorFailure[]): DatasetError {
  const lines = failures.map((f) => `  - ${f.url}: ${f.reason}${f.attempts > 1 ? ` (${f.attempts} attempts)` : ''}`);
  const env = d.mirrorEnv ? `set ${d.mirrorEnv} to a working mirror, ` : '';
  return new DatasetError(
    'ALL_MIRRORS_FAILED',
    `Could not download ${spec.name} (${d.title}) from any of ${failures.length} mirrors; check the network, ${env}or get the files another way and use importFrom(dir):\n${lines.join('\n')}`,
    spec.name,
    failures,
  );
}

/**
 * Get `url` into `part` and verify it (size and checksum; without a checksum, that it starts like a `role` file);
 * resumes an existing partial, and starts over once if a resumed file is bad.
 */
async function fromMirror(url: string, part: string, spec: FileSpec, role: MnistRole, o: DownloadOptions, report: Report, signal: AbortSignal): Promise<void> {
  for (let fresh = false; ; fresh = true) {
    if (fresh) await rm(part, { force: true });
    const start = fresh ? 0 : await resumableBytes(part, spec);
    // A partial that is already complete (an earlier attempt lost the race to verify) needs no request.
    if (spec.size === undefined || start < spec.size) {
      try {
        await fetchInto(url, part, start, spec, role, o, report, signal);
      } catch (e) {
        if (e instanceof AttemptError && e.restart && start > 0) continue;
        throw e;
      }
    }
    const bad = await verifyFile(part, spec, role);
    if (bad === null) return;
    await rm(part, { force: true });
    if (start === 0) throw new AttemptError(`wrong bytes: ${bad}`, false);
  }
}

/** Bytes of `part` worth resuming from (0 when absent, or when longer than the published size). */
async function resumableBytes(part: string, spec: FileSpec): Promise<number> {
  const st = await stat(part).catch(() => null);
  if (!st) return 0;
  if (spec.size !== undefined && st.size > spec.size) {
    await rm(part, { force: true });
    return 0;
  }
  return st.size;
}

const TIMEOUT = Symbol('timeout');
const SLOW = Symbol('slow');
const DEADLINE = Symbol('deadline');
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One request (following redirects by hand), its body appended to `part` from byte `start`. `signal` is the file's
 * (the caller's abort, or DEADLINE); the request also ends on a stall (timeoutMs), on a mirror slower than
 * minBytesPerSec over a speedWindowMs, and on a body whose first bytes are not the file (an HTML page, JSON, …).
 */
async function fetchInto(url: string, part: string, start: number, spec: FileSpec, role: MnistRole, o: DownloadOptions, report: Report, signal: AbortSignal): Promise<void> {
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
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const detail = cause ? [cause.code, cause.message].filter(Boolean).join(' ') : '';
  return `network error: ${e.message}${detail ? ` (${detail})` : ''}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
