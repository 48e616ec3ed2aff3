// Every file the CLI writes (model, checkpoint, PNG): checked before any work starts, written atomically, and, if
// writing still fails at the end, rescued to a fallback folder. Replaces only regular files; never follows a symlink.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { defaultCacheDir } from '@mlp/mnist/node';
import { CliError } from './errors.js';
import { fileKind } from './files.js';

export interface OutputSpec {
  path: string;
  /** How the user named it, for messages: '--out', '--checkpoint', '--misclassified'. */
  flag: string;
  /** What it holds, for messages: 'the model', 'the checkpoint', 'the image'. */
  what: string;
  /** The least free space the write needs, when known. */
  bytes?: number;
}

/** A target that is not a regular file, found at write time; the message says what it is. */
class RefusedTarget extends Error {}

/** What an fs error means, in words, for one-sentence messages (never raw errno text). */
export function describeFsError(e: unknown): string {
  if (e instanceof RefusedTarget) return e.message;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EFBIG':
      return 'the file is larger than this process may write (see ulimit -f)';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'this user may not write there';
    case 'EIO':
      return 'the disk reported an I/O error (was it removed?)';
    case 'ENOENT':
      return 'its folder no longer exists';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'part of its folder path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return code ? `the system refused (${code})` : String((e as Error)?.message ?? e);
  }
}

/** Why `st` may not be replaced, or null for a regular file. */
function notReplaceable(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isSymbolicLink()) return 'it is a symbolic link, which mlp never replaces or writes through; name its target itself or another path';
  if (st.isDirectory()) return 'it is a folder; name a file inside it';
  return `it is ${fileKind(st)}, and mlp only replaces regular files; choose another path`;
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/** The nearest folder at or above `dir` that exists, or an error naming the ancestor that is a file. */
async function nearestFolder(dir: string): Promise<{ folder: string } | { file: string }> {
  let d = dir;
  for (;;) {
    const st = await stat(d).catch(() => null);
    if (st) return st.isDirectory() ? { folder: d } : { file: d };
    const up = dirname(d);
    if (up === d) return { folder: d };
    d = up;
  }
}

/**
 * Checks, before any training or evaluation, that `spec.path` can be written: it is absent or a regular file, its
 * folder exists or can be created, a probe file can be created and removed there, and (when `bytes` is given) the
 * disk has room. Throws a one-sentence CliError naming the path and what to do.
 */
export async function checkOutput(spec: OutputSpec): Promise<void> {
  const path = resolve(spec.path);
  const fail = (why: string) => new CliError(`Cannot write ${spec.what} to ${path} (${spec.flag}): ${why}.`);
  if (/[\\/]$/.test(spec.path)) throw fail(`${spec.path} ends with a slash, so it names a folder; add a file name`);
  const st = await lstatOrNull(path).catch((e) => {
    throw fail(describeFsError(e));
  });
  if (st) {
    const why = notReplaceable(st);
    if (why) throw fail(why);
  }
  const near = await nearestFolder(dirname(path));
  if ('file' in near) throw fail(`${near.file} is a file, not a folder; choose a path whose folders are folders`);
  const probe = join(near.folder, `.mlp-probe.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    const fh = await open(probe, 'wx');
    await fh.close();
  } catch (e) {
    throw fail(`${near.folder} is not writable (${describeFsError(e)}); choose another path`);
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
  if (spec.bytes !== undefined) {
    const fs = await statfs(near.folder).catch(() => null);
    const free = fs ? fs.bavail * fs.bsize : Number.POSITIVE_INFINITY;
    if (free < spec.bytes) {
      throw fail(`the disk holding ${near.folder} has ${kb(free)} free and ${spec.what} needs about ${kb(spec.bytes)}; free some space or choose another path`);
    }
  }
}

/** Checks every output, and that no two outputs (or an output and an input) are the same file, by any path. */
export async function checkOutputs(specs: OutputSpec[], inputs: { path: string; flag: string }[] = []): Promise<void> {
  const seen = new Map<string, string>();
  for (const { path, flag } of inputs) seen.set(await fileKey(path), flag);
  for (const s of specs) {
    const key = await fileKey(s.path);
    const other = seen.get(key);
    if (other) throw new CliError(`${s.flag} ${resolve(s.path)} is the same file as ${other}; give ${s.flag} a path of its own.`);
    seen.set(key, s.flag);
  }
  for (const s of specs) await checkOutput(s);
}

/** One key per file: device and inode when it exists (hard links, symlinked folders), else its real folder's path. */
async function fileKey(path: string): Promise<string> {
  const st = await stat(path).catch(() => null);
  if (st) return `inode ${st.dev}:${st.ino}`;
  const dir = await realpath(dirname(resolve(path))).catch(() => dirname(resolve(path)));
  return join(dir, basename(path));
}

const kb = (n: number) => `${Math.ceil(n / 1024).toLocaleString('en-US')} KB`;

/**
 * Writes `bytes` to `path` atomically: a new sibling temp file is written and flushed, then renamed over `path`.
 * Refuses (before the rename, again) anything at `path` that is not a regular file. Throws the fs error as is.
 * The temp file is opened exclusively ('wx'), so nothing already there (a planted symlink) is followed.
 */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const st = await lstatOrNull(path);
    const why = st && notReplaceable(st);
    if (why) throw new RefusedTarget(why);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

export interface Rescued {
  path: string;
  rescued: true;
  /** The path that failed, and why. */
  failed: string;
  reason: string;
}
export type Written = { path: string } | Rescued;

/**
 * Writes an output that must not be lost: to `spec.path`, else to the first rescue folder that takes it (under a
 * fresh name, never replacing anything). Throws only when every place failed, naming them all.
 */
export async function writeOrRescue(spec: OutputSpec, bytes: Uint8Array, rescueDirs: string[]): Promise<Written> {
  const path = resolve(spec.path);
  let reason: string;
  try {
    await writeAtomic(path, bytes);
    return { path };
  } catch (e) {
    reason = describeFsError(e);
  }
  const tried = [`${path} (${reason})`];
  const ext = extname(path);
  const stem = basename(path, ext);
  for (const dir of rescueDirs) {
    const target = join(dir, `${stem}.${new Date().toISOString().replace(/[:.]/g, '-')}.${randomBytes(2).toString('hex')}${ext}`);
    try {
      await ownFolder(dir);
      await writeAtomic(target, bytes);
      return { path: target, rescued: true, failed: path, reason };
    } catch (e) {
      tried.push(`${target} (${describeFsError(e)})`);
    }
  }
  throw new CliError(`Could not write ${spec.what} anywhere: tried ${tried.join(', ')}; fix one of these places and run again.`);
}

/** Where a model or checkpoint goes when its own path fails at the end: `<cache>/rescued`, then `<os tmp>/mlp-rescued`. */
export function rescueDirs(cache?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return [join(defaultCacheDir(cache === undefined ? undefined : resolve(cache), env), 'rescued'), join(tmpdir(), 'mlp-rescued')];
}

/**
 * Makes a rescue folder (private to this user) or checks the one there: a real folder, not a symlink, owned by this
 * user, so that nobody else can choose where a rescued file lands (the OS temp folder is shared).
 */
async function ownFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new RefusedTarget(st.isSymbolicLink() ? 'it is a symbolic link, not a folder of this user' : 'it is not a folder of this user');
  }
}

/** The sentence that says an output was rescued: where it should have gone, why not, and where it is. */
export function rescuedNote(what: string, w: Rescued): string {
  return `Could not write ${what} to ${w.failed} (${w.reason}), so it was saved to ${w.path} instead; move it where you want it.`;
}
