// @mlp/mnist/node, the Node-only entry: descriptors, the downloader and cache, offline import, and loadMnist().
// Browsers import '@mlp/mnist' instead; nothing there reaches this file or any node: module.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesProblem, datasetDir, defaultCacheDir, findCached, formOf, withLock } from './cache.js';
import { type DatasetDescriptor, MNIST, type MnistRole, ROLES, checkDescriptor } from './descriptors.js';
import { DatasetError, type DownloadOptions, type MnistPaths, download } from './download.js';
import { findFile } from './find.js';
import { gunzipNode } from './gunzip.js';
import { IdxError, MAX_IDX_BYTES } from './idx.js';
import { type Mnist, type MnistBytes, loadMnistFromBytes } from './mnist.js';

export * from './index.js';
export { MNIST, FASHION_MNIST, ROLES, checkDescriptor, type DatasetDescriptor, type FileSpec, type MnistRole } from './descriptors.js';
export { defaultCacheDir, datasetDir, verifyFile, hashFile, type Algo } from './cache.js';
export { importFrom, verifyCache, type CachedFileReport, type ImportOptions } from './offline.js';
export { gunzipNode } from './gunzip.js';
export { findFile } from './find.js';
export {
  download,
  mirrorList,
  DatasetError,
  type DatasetErrorCode,
  type DownloadOptions,
  type MirrorFailure,
  type MnistPaths,
  type Progress,
} from './download.js';

/** The cached files' paths when all four are present and verified, else null. Never touches the network. */
export async function cachedFiles(d: DatasetDescriptor = MNIST, options: Pick<DownloadOptions, 'cacheDir' | 'env'> = {}): Promise<MnistPaths | null> {
  const { paths, problem } = await checkCache(d, options);
  return problem ? null : paths;
}

/** The four cache paths, and the first file that is missing or fails verification (in ROLES order), if any. */
async function checkCache(
  d: DatasetDescriptor,
  options: Pick<DownloadOptions, 'cacheDir' | 'env'>,
): Promise<{ dir: string; paths: MnistPaths; problem?: { role: MnistRole; reason: string } }> {
  checkDescriptor(d);
  const dir = datasetDir(defaultCacheDir(options.cacheDir, options.env ?? process.env), d);
  const paths = {} as MnistPaths;
  let problem: { role: MnistRole; reason: string } | undefined;
  for (const role of ROLES) {
    const found = await findCached(dir, d.files[role], role);
    paths[role] = found.path;
    if (found.reason !== null) problem ??= { role, reason: found.reason };
  }
  return { dir, paths, ...(problem ? { problem } : {}) };
}

/** Where `loadMnist` reads from (a folder, or the cache filled by downloading), which dataset, and the download's options. */
export interface LoadMnistOptions extends DownloadOptions {
  /** Read the four files from this folder (gzip or already inflated, names with or without .gz); no cache, no network. */
  dir?: string;
  /** Default MNIST. */
  descriptor?: DatasetDescriptor;
  /** Allow downloading when the cache lacks the files. Default true. */
  download?: boolean;
  /** Largest file accepted, on disk and inflated, in bytes. Default MAX_IDX_BYTES (256 MiB). */
  maxBytes?: number;
}

/**
 * Load the train and test splits, pixels as Uint8Array (MNIST: about 55 MB). From `dir` when given, else from the
 * cache, downloading first unless `download: false`.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<Mnist> {
  const d = options.descriptor ?? MNIST;
  checkDescriptor(d);
  const maxBytes = options.maxBytes ?? MAX_IDX_BYTES;
  let files: MnistBytes;
  let paths: MnistPaths;
  if (options.dir !== undefined) {
    paths = await findInDir(options.dir, d);
    files = {} as MnistBytes;
    for (const role of ROLES) files[role] = await readBounded(paths[role], maxBytes);
  } else {
    ({ files, paths } = await loadCachedBytes(options));
  }
  const names: Partial<Record<keyof MnistBytes, string>> = { ...paths };
  try {
    return await loadMnistFromBytes(files, { classes: d.classes, names, gunzip: gunzipNode, maxBytes });
  } catch (e) {
    if (options.dir !== undefined || !(e instanceof IdxError)) throw e;
    // A cached file that passed verification but does not parse (possible only without a published checksum):
    // downloading again would reuse it, so say which file to delete.
    const bad = ROLES.map((r) => paths[r]).filter((p) => e.message.includes(p));
    const which = bad.length > 0 ? bad : ROLES.map((r) => paths[r]);
    throw new IdxError(e.code, `${e.message} This is the cache's copy: delete ${which.join(' and ')} so that the next download fetches it again.`);
  }
}

/**
 * The dataset's four cached files as bytes (unparsed), downloading first unless `download: false`. Each is hashed as
 * it is read: the cache's markers vouch for a file whose size, mtime and inode are unchanged, and bytes corrupted in
 * place (with the mtime restored) pass that, so a file whose bytes no longer match is removed and fetched again
 * (about 80 ms of hashing for MNIST). For a caller that hands the bytes on, as the desktop app's main process does.
 */
export async function loadCachedBytes(options: Omit<LoadMnistOptions, 'dir'> = {}): Promise<{
  /** The four files' bytes, each verified. */
  files: MnistBytes;
  /** Where each is cached. */
  paths: MnistPaths;
}> {
  const d = options.descriptor ?? MNIST;
  checkDescriptor(d);
  let paths: MnistPaths;
  if (options.download === false) {
    const { dir, paths: cached, problem } = await checkCache(d, options);
    if (problem) throw notCached(d, dir, problem.role, problem.reason);
    paths = cached;
  } else {
    paths = await download(d, options);
  }
  const files = {} as MnistBytes;
  const maxBytes = options.maxBytes ?? MAX_IDX_BYTES;
  for (const role of ROLES) {
    files[role] = await readBounded(paths[role], maxBytes);
    const bad = bytesProblem(files[role], formOf(paths[role], d.files[role]).spec);
    if (bad !== null) {
      paths = await refetch(d, role, bad, options);
      files[role] = await readBounded(paths[role], maxBytes);
      const still = bytesProblem(files[role], formOf(paths[role], d.files[role]).spec);
      if (still !== null) throw new DatasetError('NOT_CACHED', `${paths[role]} changed again while it was being loaded (${still}); load again.`, d.files[role].name, [], still);
    }
  }
  return { files, paths };
}

/**
 * A cached file's bytes did not match its checksum when loaded: remove it (under its lock), then download it again,
 * or, with download: false, say so (NOT_CACHED; a later download fetches it, since it is gone).
 */
async function refetch(d: DatasetDescriptor, role: MnistRole, bad: string, options: LoadMnistOptions): Promise<MnistPaths> {
  const dir = datasetDir(defaultCacheDir(options.cacheDir, options.env ?? process.env), d);
  const spec = d.files[role];
  await withLock(`${join(dir, spec.name)}.lock`, () => findCached(dir, spec, role, true, true), { staleMs: options.lockStaleMs, signal: options.signal });
  const why = `${bad}: it changed since it was verified, so it was removed from the cache`;
  if (options.download === false) throw notCached(d, dir, role, why);
  return download(d, options);
}

/** The file's bytes, refused (TOO_LARGE) without reading when it is bigger than `maxBytes`. */
async function readBounded(path: string, maxBytes: number): Promise<Uint8Array> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw new IdxError('TOO_LARGE', `${path}: the file is ${size} bytes, over the limit of ${maxBytes} bytes for one dataset file; it is not an MNIST-layout file (if it is genuine, raise maxBytes).`);
  }
  return readFile(path);
}

/** NOT_CACHED for loadMnist({ download: false }): which file is missing or wrong, and that a download re-fetches it. */
function notCached(d: DatasetDescriptor, dir: string, role: MnistRole, reason: string): DatasetError {
  const { name } = d.files[role];
  const what = reason === 'missing' ? `${name} is missing` : `${name} is there but is not the published file (${reason})`;
  return new DatasetError(
    'NOT_CACHED',
    `${d.title} is not in the cache (${dir}): ${what}. Downloading (download(), or loadMnist without download: false) re-fetches it; or import the files with importFrom(dir).`,
    name,
    [],
    reason,
  );
}

async function findInDir(dir: string, d: DatasetDescriptor): Promise<MnistPaths> {
  const paths = {} as MnistPaths;
  for (const role of ROLES) {
    const name = d.files[role].name;
    const found = (await findFile(dir, [name, name.replace(/\.gz$/, '')]))?.path;
    if (!found) throw new DatasetError('MISSING_FILE', `${name} is not in ${dir}; put the four ${d.title} files there (gzip or not), or omit dir to use the cache.`, name);
    paths[role] = found;
  }
  return paths;
}
