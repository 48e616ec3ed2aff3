// The downloader: each file from the first mirror that delivers the published bytes, into the cache, atomically.
// Node-only (fs, crypto). Falls through mirrors on HTTP errors, resets, stalls and bad bytes, in rounds with back-off,
// under a per-file deadline and lock; resumes partial files. One request is fetch-into.ts's. Does not parse anything:
// a verified .gz file in the cache is its whole output.

import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetDir, defaultCacheDir, findCached, verifyFile, withLock, writeMarker } from './cache.js';
import { type DatasetDescriptor, type FileSpec, type MnistRole, ROLES, checkDescriptor } from './descriptors.js';
import { AttemptError, DEADLINE, type Report, describe, fetchInto } from './fetch-into.js';

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
