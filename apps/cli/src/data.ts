// Getting the dataset for a command: a folder given with --data, else the downloader's cache (downloading if needed).
// Turns every data failure into one sentence that says which file and what to do.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type DatasetDescriptor,
  DatasetError,
  FASHION_MNIST,
  MNIST,
  type Mnist,
  type Progress,
  type Split,
  checkDescriptor,
  datasetDir,
  defaultCacheDir,
  findFile,
  gunzipNode,
  loadMnist,
  parseIdx,
  splitFromIdx,
  verifyFile,
} from '@mlp/mnist/node';
import { CliError, mlpCommand } from './errors.js';
import { DESCRIPTOR_MAX_BYTES, IDX_MAX_BYTES, fileKind, readInput } from './files.js';

/** 'mnist', 'fashion-mnist', or the path of a JSON dataset descriptor (any MNIST-layout IDX dataset). */
export type DatasetName = string;

/** The dataset ids mlp knows without a file. A dataset named in a model or checkpoint is used only if it is one. */
export function knownDataset(name: unknown): 'mnist' | 'fashion-mnist' | null {
  return name === 'mnist' || name === 'fashion-mnist' ? name : null;
}

/** Sync, as download.ts calls it; only a regular file of at most DESCRIPTOR_MAX_BYTES is read. */
export function descriptorFor(name: DatasetName): DatasetDescriptor {
  if (name === 'mnist') return MNIST;
  if (name === 'fashion-mnist') return FASHION_MNIST;
  let d: DatasetDescriptor;
  try {
    const st = statSync(name);
    if (!st.isFile()) throw new CliError(`Dataset descriptor ${name} is ${fileKind(st)}, not a regular file; name the JSON file itself.`);
    if (st.size > DESCRIPTOR_MAX_BYTES) throw new CliError(`Dataset descriptor ${name} is over ${DESCRIPTOR_MAX_BYTES / 1024} KB; a descriptor is a small JSON file.`);
    d = JSON.parse(readFileSync(name, 'utf8'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file; check the path' : code ? `${code}; check the path` : `not JSON (${(e as Error).message})`;
    throw new CliError(`Cannot read dataset descriptor ${name}: ${why}.`);
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

/**
 * The test split and its descriptor, for eval. From --data only the two test files need be there, and only they are
 * read. From the cache it is loadData's: the cache holds all four files, and loadMnist verifies what it loads.
 */
export async function loadTestData(o: DataOptions): Promise<{ test: Split; descriptor: DatasetDescriptor }> {
  const d = descriptorFor(o.dataset ?? 'mnist');
  if (o.data === undefined) {
    try {
      return { test: (await loadData(o)).test, descriptor: d };
    } catch (e) {
      // The failure may name a training file: say why eval wanted it, and that a folder needs only the test files.
      if (!(e instanceof CliError)) throw e;
      const test = `${d.files.testImages.name} and ${d.files.testLabels.name}`;
      throw new CliError(`${e.message} (Evaluation loads the cached dataset whole, as training does; --data DIR needs only ${test}.)`, e.exitCode);
    }
  }
  try {
    const paths = await findTestFiles(resolve(o.data), d);
    const read = (path: string) => readInput(path, 'Data file', IDX_MAX_BYTES);
    const images = await parseIdx(await read(paths.testImages), { name: paths.testImages, gunzip: gunzipNode });
    const labels = await parseIdx(await read(paths.testLabels), { name: paths.testLabels, gunzip: gunzipNode });
    return { test: splitFromIdx(images, labels, d.classes, { images: paths.testImages, labels: paths.testLabels }), descriptor: d };
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw dataError(e, d, o, 'the two test');
  }
}

/**
 * Whether `dir` (a folder a model file names: a hint, never an instruction) holds the dataset's two test files exactly
 * as published: each a regular file whose size and checksum match the descriptor's, gzip or inflated. Null when it
 * does; else why not, as a phrase. A dataset that publishes no checksum for a file can never be verified this way.
 */
export async function unverifiedTestFolder(dir: string, d: DatasetDescriptor): Promise<string | null> {
  for (const spec of [d.files.testImages, d.files.testLabels]) {
    const forms = [spec, ...(spec.inflated ? [{ ...spec.inflated, name: spec.name.replace(/\.gz$/, '') }] : [])];
    let problem = `${spec.name} is not there`;
    for (const form of forms) {
      if (!form.sha256 && !form.md5) continue;
      let found: Awaited<ReturnType<typeof findFile>>;
      try {
        found = await findFile(dir, [form.name]);
      } catch (e) {
        return (e as Error).message.replace(/\.$/, '');
      }
      if (!found) continue;
      const differs = await verifyFile(found.path, form);
      if (differs === null) {
        problem = '';
        break;
      }
      problem = `${found.path} is not the published file (${differs})`;
    }
    if (problem) return problem;
  }
  return null;
}

async function findTestFiles(dir: string, d: DatasetDescriptor): Promise<{ testImages: string; testLabels: string }> {
  const find = async (name: string) => {
    const found = await findFile(dir, [name, name.replace(/\.gz$/, '')]);
    if (found) return found.path;
    throw new DatasetError('MISSING_FILE', `${name} is not in ${dir}`, name);
  };
  return { testImages: await find(d.files.testImages.name), testLabels: await find(d.files.testLabels.name) };
}

/** `which`: the files --data must hold, in words ('the four' for training, 'the two test' for eval). */
function dataError(e: unknown, d: DatasetDescriptor, o: DataOptions, which = 'the four'): CliError {
  const msg = (e as Error).message?.replace(/\.$/, '') ?? String(e);
  const mlp = mlpCommand();
  if (o.data !== undefined) {
    // The library's own wording advises library calls; say it in the CLI's terms.
    const missing = e instanceof DatasetError && e.code === 'MISSING_FILE' && e.reason !== 'not a regular file';
    const what = missing ? `${e.file} (or ${e.file.replace(/\.gz$/, '')}) is not there` : msg;
    return new CliError(
      `Cannot use ${d.title} from ${o.data}: ${what}. --data must name a folder holding ${which} ${d.title} IDX files (e.g. ${which === 'the four' ? d.files.trainImages.name : d.files.testImages.name}); drop --data to use the download cache.`,
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
