// The on-disk dataset cache: where it lives, how a cached file is verified (size + checksum, with a verified-marker),
// atomic placement (unique temp file + rename) and a cross-process lock file. Node-only; no networking here.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { posix, win32 } from 'node:path';
import { type DatasetDescriptor, type FileSpec, type MnistRole, inflatedName } from './descriptors.js';
import { SNIFF_BYTES, contentProblem } from './sniff.js';

/**
 * The cache root: `option`, else $MLP_CACHE_DIR, else the platform cache folder + '/mlp'
 * ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
 */
export function defaultCacheDir(option?: string, env: Record<string, string | undefined> = process.env, platform: string = process.platform, home: string = homedir()): string {
  if (option) return option;
  if (env.MLP_CACHE_DIR) return env.MLP_CACHE_DIR;
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'mlp');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', 'mlp');
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says to ignore a relative XDG_CACHE_HOME.
  return posix.join(xdg?.startsWith('/') ? xdg : posix.join(home, '.cache'), 'mlp');
}

/** `<cacheDir>/datasets/<descriptor.id>`: the folder holding one dataset's files. */
export function datasetDir(cacheDir: string, d: DatasetDescriptor): string {
  return posix.join(cacheDir, 'datasets', d.id);
}

/** The checksum algorithms a dataset descriptor may publish. */
export type Algo = 'sha256' | 'md5';

/** The checksum a file is verified against: SHA-256 when published, else MD5, else none. */
export function expectedDigest(spec: FileSpec): { algo: Algo; hex: string } | null {
  if (spec.sha256) return { algo: 'sha256', hex: spec.sha256 };
  if (spec.md5) return { algo: 'md5', hex: spec.md5 };
  return null;
}

/** The hex digest of the file at `path`, streamed (the file is never held in memory whole). */
export async function hashFile(path: string, algo: Algo): Promise<string> {
  const h = createHash(algo);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Why `path` is not exactly the published file, or null when its size and checksum match. With `role`, a file that
 * no checksum vouches for must at least start like one (gzip, or the IDX header of its role; see checkContent).
 */
export async function verifyFile(path: string, spec: FileSpec, role?: MnistRole): Promise<string | null> {
  const st = await stat(path);
  if (spec.size !== undefined && st.size !== spec.size) return `size is ${st.size} bytes, expected ${spec.size}`;
  const want = expectedDigest(spec);
  if (!want) return role ? checkContent(path, role) : null;
  return digestProblem(want, await hashFile(path, want.algo));
}

/** Why `bytes` (already read) are not the published file, or null; the same rule and words as verifyFile. */
export function bytesProblem(bytes: Uint8Array, spec: FileSpec): string | null {
  if (spec.size !== undefined && bytes.length !== spec.size) return `size is ${bytes.length} bytes, expected ${spec.size}`;
  const want = expectedDigest(spec);
  return want ? digestProblem(want, createHash(want.algo).update(bytes).digest('hex')) : null;
}

const digestProblem = (want: { algo: Algo; hex: string }, got: string): string | null =>
  got === want.hex ? null : `${want.algo} is ${got}, expected ${want.hex}`;

/**
 * Why the first bytes of `path` cannot be the `role` file, or null when it is gzip (1f 8b) or starts with the role's
 * IDX header (see sniff.ts). Catches an HTML error page served with HTTP 200 when no checksum is published.
 */
export async function checkContent(path: string, role: MnistRole): Promise<string | null> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return contentProblem(buf.subarray(0, bytesRead), role);
  } finally {
    await fh.close();
  }
}

/** What the `<file>.verified` marker records: the file's identity when it was last hashed, and the digest it had. */
interface Marker {
  size: number;
  mtimeMs: number;
  ino: number;
  digest: string;
}

const markerPath = (path: string): string => `${path}.verified`;

/**
 * Why the cached `path` is not the published file ('missing', or verifyFile's reason), or null when it is. A marker
 * written after the last successful hash lets an unchanged file (same size, mtime and inode) skip re-hashing, unless
 * `rehash`; any change forces a full check. With `repair`, a file that fails the check is deleted (only while
 * holding its lock).
 */
export async function cacheCheck(path: string, spec: FileSpec, repair = false, role?: MnistRole, rehash = false): Promise<string | null> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) return 'missing';
  const want = expectedDigest(spec);
  const sizeOk = spec.size === undefined || st.size === spec.size;
  if (sizeOk && want && !rehash) {
    const m = (await readFile(markerPath(path), 'utf8').then(JSON.parse, () => null)) as Marker | null;
    if (m && m.size === st.size && m.mtimeMs === st.mtimeMs && m.ino === st.ino && m.digest === want.hex) return null;
  }
  const reason = sizeOk ? await verifyFile(path, spec, role) : `size is ${st.size} bytes, expected ${spec.size}`;
  if (reason === null) {
    await writeMarker(path, spec);
    return null;
  }
  if (repair) await Promise.all([rm(path, { force: true }), rm(markerPath(path), { force: true })]);
  return reason;
}

/** A form a file may take in the cache: its path there and what it is verified against. */
export interface CachedForm {
  path: string;
  spec: FileSpec;
}

/**
 * The forms `spec` may take in the cache folder `dir`: as published (`name`), then inflated (`name` without .gz, from
 * an import of uncompressed files) when the descriptor gives the inflated file's checksum.
 */
export function cachedForms(dir: string, spec: FileSpec): CachedForm[] {
  const forms = [{ path: posix.join(dir, spec.name), spec }];
  const inflated = spec.inflated;
  if (inflated && expectedDigest(inflated as FileSpec) && inflatedName(spec) !== spec.name) {
    forms.push({ path: posix.join(dir, inflatedName(spec)), spec: { ...inflated, name: inflatedName(spec) } });
  }
  return forms;
}

/** The cached form that `path` is (by its name): the published file, or the inflated one. */
export function formOf(path: string, spec: FileSpec): CachedForm {
  return cachedForms(posix.dirname(path), spec).find((f) => posix.basename(f.path) === posix.basename(path)) ?? { path, spec };
}

/**
 * The first of `spec`'s cached forms that is the published file (reason null), else the first form that is there
 * but wrong with its reason, else the published form with 'missing'. `repair` and `rehash` as in cacheCheck.
 */
export async function findCached(dir: string, spec: FileSpec, role: MnistRole, repair = false, rehash = false): Promise<CachedForm & { reason: string | null }> {
  const forms = cachedForms(dir, spec);
  let wrong: (CachedForm & { reason: string }) | undefined;
  for (const form of forms) {
    const reason = await cacheCheck(form.path, form.spec, repair, role, rehash);
    if (reason === null) return { ...form, reason };
    if (reason !== 'missing') wrong ??= { ...form, reason };
  }
  return wrong ?? { ...forms[0]!, reason: 'missing' };
}

/** True when `path` is the published file (see cacheCheck). */
export async function cacheHit(path: string, spec: FileSpec, repair = false, role?: MnistRole): Promise<boolean> {
  return (await cacheCheck(path, spec, repair, role)) === null;
}

/** Record that `path` (just verified) has the published digest; written atomically, best effort. */
export async function writeMarker(path: string, spec: FileSpec): Promise<void> {
  const want = expectedDigest(spec);
  if (!want) return;
  const st = await stat(path);
  const m: Marker = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, digest: want.hex };
  const tmp = uniqueTemp(markerPath(path));
  try {
    await writeFile(tmp, JSON.stringify(m));
    await rename(tmp, markerPath(path));
  } catch {
    await rm(tmp, { force: true });
  }
}

/** A sibling of `path` no other process or call will pick: `<path>.<pid>.<random>.tmp`. */
export function uniqueTemp(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

export interface LockOptions {
  /** A lock whose file has not been touched for this long is presumed abandoned by a crashed process. */
  staleMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once, when the lock is held by a live holder and this call starts to wait: the holder as 'host:pid'. */
  onWait?: (holder: string) => void;
}

/**
 * Run `fn` while holding `lockPath` (created exclusively; other holders, in this process or another, wait).
 * The file records 'host:pid:random'. A lock is broken at once when its host is this machine and its process is
 * gone (killed, crashed); a lock from another host is broken once untouched for staleMs. The holder touches the
 * file every staleMs/4 so a live lock never looks stale. Released on success and failure.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const { staleMs = 60_000, pollMs = 50, signal, onWait } = options;
  const token = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  let reported = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const fh = await open(lockPath, 'wx');
      try {
        await fh.writeFile(token);
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await liveHolder(lockPath, staleMs);
    // Gone or just broken: try again at once.
    if (holder === null) continue;
    // An empty file is a lock being created right now; its holder is reported on a later poll.
    if (!reported && holder !== '') {
      reported = true;
      onWait?.(holder.split(':').slice(0, 2).join(':'));
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const beat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => {});
  }, Math.max(10, staleMs / 4));
  beat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(beat);
    // Only remove the lock if it is still ours (it may have been broken as stale by someone else).
    if ((await readFile(lockPath, 'utf8').catch(() => null)) === token) await unlink(lockPath).catch(() => {});
  }
}

/** True when a lock's contents ('host:pid:random') name a process on this machine that no longer exists. */
export function holderIsDead(owner: string, host: string = hostname()): boolean {
  const m = /^(.+):(\d+):[^:]*$/.exec(owner.trim());
  if (!m || m[1] !== host) return false;
  const pid = Number(m[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The lock's contents while its holder may be alive; null when it is gone or was just broken as abandoned. */
async function liveHolder(lockPath: string, staleMs: number): Promise<string | null> {
  const st = await stat(lockPath).catch(() => null);
  const owner = st && (await readFile(lockPath, 'utf8').catch(() => null));
  if (!st || owner === null) return null;
  if (Date.now() - st.mtimeMs < staleMs && !holderIsDead(owner)) return owner;
  // Re-read just before removing, so a lock re-created in between is left alone.
  const again = await stat(lockPath).catch(() => null);
  if (again && again.mtimeMs === st.mtimeMs && (await readFile(lockPath, 'utf8').catch(() => null)) === owner) {
    // A lock that cannot be removed is waited on like a live one (no busy loop).
    const err = await unlink(lockPath).then(() => null, (e: NodeJS.ErrnoException) => e);
    if (err && err.code !== 'ENOENT') return owner;
  }
  return null;
}
