// The cache without the network: importing a folder of dataset files (gzip, or inflated when the descriptor gives the
// inflated checksums), and re-hashing what is cached (verifyCache). Node-only. Downloading is download.ts's job.

import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type CachedForm, cachedForms, datasetDir, defaultCacheDir, expectedDigest, findCached, uniqueTemp, verifyFile, withLock, writeMarker } from './cache.js';
import { type DatasetDescriptor, MNIST, type MnistRole, ROLES, checkDescriptor, inflatedName } from './descriptors.js';
import { findFile } from './find.js';
import { DatasetError, type DownloadOptions, type MnistPaths } from './download.js';

/** Where `importFrom` caches the files, and progress reports. */
export interface ImportOptions {
  /** Cache root (see defaultCacheDir). */
  cacheDir?: string;
  /** Environment read for MLP_CACHE_DIR when `cacheDir` is absent. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Called as each file is copied. */
  onProgress?: DownloadOptions['onProgress'];
}

/**
 * Offline import: copy the descriptor's four files from `dir` into the cache, each verified (size + checksum)
 * before it is atomically renamed into place. A file may be gzip (`name`) or inflated (`name` without .gz) when the
 * descriptor gives the inflated file's checksum (MNIST does); it is cached in the form given. Files already cached
 * and verified are not copied again.
 */
export async function importFrom(dir: string, d: DatasetDescriptor = MNIST, options: ImportOptions = {}): Promise<MnistPaths> {
  checkDescriptor(d);
  const dest = datasetDir(defaultCacheDir(options.cacheDir, options.env ?? process.env), d);
  await mkdir(dest, { recursive: true });
  const paths = {} as MnistPaths;
  for (const role of ROLES) {
    const { src, size, form } = await sourceIn(dir, d, role, dest);
    const have = await findCached(dest, d.files[role], role);
    paths[role] = have.reason === null ? have.path : await place(src, form, d);
    options.onProgress?.({ file: d.files[role].name, bytesDone: size, bytesTotal: size, source: 'import' });
  }
  return paths;
}

/** Which file of `role` is in `dir` (gzip first, then inflated), and the cached form it becomes. */
async function sourceIn(dir: string, d: DatasetDescriptor, role: MnistRole, dest: string): Promise<{ src: string; size: number; form: CachedForm }> {
  const spec = d.files[role];
  const [gz, inflated] = cachedForms(dest, spec);
  const gzFound = await findFile(dir, [spec.name]);
  if (gzFound) return { src: gzFound.path, size: gzFound.size, form: gz! };
  const rawFound = await findFile(dir, [inflatedName(spec)]);
  const rawSrc = join(dir, inflatedName(spec));
  if (rawFound && inflated) return { src: rawFound.path, size: rawFound.size, form: inflated };
  if (rawFound) {
    throw new DatasetError(
      'MISSING_FILE',
      `${rawSrc} is uncompressed, and ${d.title} publishes no checksum for its uncompressed files, so it cannot be verified into the cache; put ${spec.name} in ${dir} instead, or read the folder directly with loadMnist({ dir }) (no checksum).`,
      spec.name,
      [],
      'unverifiable',
    );
  }
  throw new DatasetError('MISSING_FILE', `${spec.name} is not in ${dir}; put all four ${d.title} files there, or download instead.`, spec.name, [], 'missing');
}

/** Copy `src` to a temporary file beside the cached form, verify it, and rename it into place. */
async function place(src: string, form: CachedForm, d: DatasetDescriptor): Promise<string> {
  const tmp = uniqueTemp(form.path);
  try {
    await copyFile(src, tmp);
    const bad = await verifyFile(tmp, form.spec);
    if (bad) throw new DatasetError('CHECKSUM', `${src} is not the published ${d.title} file (${bad}); it is corrupt or a different file, so replace it.`, basename(src));
    await rename(tmp, form.path);
    await writeMarker(form.path, form.spec);
    return form.path;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** One cached file after a full re-hash: 'ok', 'mismatched' (then removed from the cache) or 'missing'. */
export interface CachedFileReport {
  /** Which of the four files. */
  role: MnistRole;
  /** The file's name in the cache (as published, or inflated). */
  file: string;
  /** Its path in the cache. */
  path: string;
  /** The verdict of the re-hash. */
  status: 'ok' | 'mismatched' | 'missing';
  /** What was compared: 'sha256', 'md5', or 'first bytes' for a descriptor that publishes no checksum. */
  checked: string;
  /** For 'mismatched': how it differs (size, or the digest it has). */
  reason?: string;
}

/**
 * Re-hash every cached file of the dataset against its published checksum, ignoring the `.verified` markers, and
 * remove the ones that do not match (each under its lock), so that the next download fetches them again.
 */
export async function verifyCache(d: DatasetDescriptor = MNIST, options: Pick<DownloadOptions, 'cacheDir' | 'env' | 'lockStaleMs' | 'signal'> = {}): Promise<CachedFileReport[]> {
  checkDescriptor(d);
  const dir = datasetDir(defaultCacheDir(options.cacheDir, options.env ?? process.env), d);
  const exists = (await stat(dir).catch(() => null))?.isDirectory() ?? false;
  const out: CachedFileReport[] = [];
  for (const role of ROLES) {
    const spec = d.files[role];
    const found = exists
      ? await withLock(`${join(dir, spec.name)}.lock`, () => findCached(dir, spec, role, true, true), { staleMs: options.lockStaleMs, signal: options.signal })
      : { path: join(dir, spec.name), spec, reason: 'missing' };
    const status = found.reason === null ? 'ok' : found.reason === 'missing' ? 'missing' : 'mismatched';
    const checked = expectedDigest(found.spec)?.algo ?? 'first bytes';
    out.push({ role, file: basename(found.path), path: found.path, status, checked, ...(status === 'mismatched' ? { reason: found.reason! } : {}) });
  }
  return out;
}
