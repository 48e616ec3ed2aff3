// Getting the dataset for a command: a folder given with --data, else the downloader's cache (downloading if needed).
// Turns every data failure into one sentence that says which file and what to do.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type DatasetDescriptor,
  DatasetError,
  FASHION_MNIST,
  MNIST,
  type Mnist,
  type Progress,
  checkDescriptor,
  datasetDir,
  defaultCacheDir,
  loadMnist,
} from '@mlp/mnist/node';
import { CliError, mlpCommand } from './errors.js';

/** 'mnist', 'fashion-mnist', or the path of a JSON dataset descriptor (any MNIST-layout IDX dataset). */
export type DatasetName = string;

export function descriptorFor(name: DatasetName): DatasetDescriptor {
  if (name === 'mnist') return MNIST;
  if (name === 'fashion-mnist') return FASHION_MNIST;
  let d: DatasetDescriptor;
  try {
    d = JSON.parse(readFileSync(name, 'utf8'));
  } catch (e) {
    throw new CliError(`Cannot read dataset descriptor ${name}: ${(e as Error).message}.`);
  }
  try {
    checkDescriptor(d);
  } catch (e) {
    throw new CliError(`Dataset descriptor ${name} is invalid: ${(e as Error).message}.`);
  }
  return d;
}

export interface DataOptions {
  data?: string;
  cache?: string;
  dataset?: DatasetName;
  mirrors?: string[];
  /** Never download: use --data or the cache only. */
  offline?: boolean;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function loadData(o: DataOptions): Promise<Mnist> {
  const d = descriptorFor(o.dataset ?? 'mnist');
  try {
    if (o.data !== undefined) return await loadMnist({ dir: resolve(o.data), descriptor: d });
    return await loadMnist({
      descriptor: d,
      download: !o.offline,
      ...(o.cache !== undefined ? { cacheDir: resolve(o.cache) } : {}),
      ...(o.mirrors ? { mirrors: o.mirrors } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (e) {
    throw dataError(e, d, o);
  }
}

function dataError(e: unknown, d: DatasetDescriptor, o: DataOptions): CliError {
  const msg = (e as Error).message?.replace(/\.$/, '') ?? String(e);
  const mlp = mlpCommand();
  if (o.data !== undefined) {
    // The library's own wording advises library calls; say it in the CLI's terms.
    const what = e instanceof DatasetError && e.code === 'MISSING_FILE' ? `${e.file} (or ${e.file.replace(/\.gz$/, '')}) is not there` : msg;
    return new CliError(
      `Cannot use ${d.title} from ${o.data}: ${what}. --data must name a folder holding the four ${d.title} IDX files (e.g. ${d.files.trainImages.name}); drop --data to use the download cache.`,
    );
  }
  if (e instanceof DatasetError && e.code === 'ALL_MIRRORS_FAILED') {
    const lines = e.failures.map((f) => `  ${f.url}: ${f.reason}`).join('\n');
    return new CliError(
      `Could not download ${e.file} from any mirror and it is not in the cache:\n${lines}\nIf you have the files, pass --data DIR, or import them once with: ${mlp} download --from DIR.`,
    );
  }
  if (e instanceof DatasetError && e.code === 'NOT_CACHED') {
    const where = datasetDir(defaultCacheDir(o.cache === undefined ? undefined : resolve(o.cache), process.env), d);
    const what = e.reason === undefined || e.reason === 'missing' ? `${e.file} is missing` : `${e.file} is not the published file (${e.reason})`;
    return new CliError(`${d.title} is not in the cache (${where}): ${what}, and --offline forbids downloading. Run ${mlp} download (or ${mlp} download --from DIR), or pass --data DIR.`);
  }
  return new CliError(`Cannot load ${d.title}: ${msg}. Pass --data DIR to read the files from a folder.`);
}
