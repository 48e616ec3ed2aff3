// Main's dataset jobs: fetch MNIST into the app's data folder (through @mlp/mnist's verified downloader) or import it
// from a folder the user picks, forwarding progress, then hand the four gzip files to the renderer. No parsing here.
import type { DownloadOptions, MnistBytes, MnistPaths, Progress } from '@mlp/mnist/node';
import type { DatasetFiles, DatasetProgress } from '../shared/api.js';
import type { CallContext } from './ipc.js';

export interface DatasetDeps {
  /** Cache root: the app's data folder (files land in <dataDir>/datasets/mnist/). */
  dataDir: string;
  /**
   * @mlp/mnist/node's loadCachedBytes, bound to MNIST: the verified files' bytes, downloading the missing ones first,
   * each hashed as read (a cached file corrupted in place is fetched again rather than handed on).
   */
  loadCached(options: DownloadOptions): Promise<{ files: MnistBytes }>;
  /** @mlp/mnist/node's importFrom, bound to MNIST. */
  importFrom(dir: string, options: { cacheDir: string; onProgress: (p: Progress) => void }): Promise<MnistPaths>;
  readFile(path: string): Promise<Uint8Array>;
  /** A native folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
}

export function toDatasetProgress(p: Progress): DatasetProgress {
  const out: DatasetProgress = { file: p.file, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal ?? null, source: p.source };
  if (p.waitingFor !== undefined) out.waitingFor = p.waitingFor;
  return out;
}

/** At most one progress event per file every `ms`, plus each file's last one, so IPC is not flooded. */
export function throttleProgress(emit: (p: DatasetProgress) => void, ms = 50, now: () => number = Date.now): (p: Progress) => void {
  const last = new Map<string, number>();
  return (p) => {
    const t = now();
    const done = p.bytesTotal !== undefined && p.bytesDone >= p.bytesTotal;
    if (!done && t - (last.get(p.file) ?? Number.NEGATIVE_INFINITY) < ms) return;
    last.set(p.file, t);
    emit(toDatasetProgress(p));
  };
}

async function readAll(deps: DatasetDeps, paths: MnistPaths, origin: string): Promise<DatasetFiles> {
  return {
    trainImages: await deps.readFile(paths.trainImages),
    trainLabels: await deps.readFile(paths.trainLabels),
    testImages: await deps.readFile(paths.testImages),
    testLabels: await deps.readFile(paths.testLabels),
    origin,
  };
}

/** The IPC contract carries plain Uint8Arrays (Node hands back Buffers, a subclass): views of the same bytes. */
function plain(f: MnistBytes): MnistBytes {
  const view = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return { trainImages: view(f.trainImages), trainLabels: view(f.trainLabels), testImages: view(f.testImages), testLabels: view(f.testLabels) };
}

export function createDatasetHandlers(deps: DatasetDeps) {
  let inFlight: Promise<DatasetFiles> | null = null;
  return {
    /** Verified files from the data folder, downloading the missing ones first. Concurrent calls share one download. */
    'dataset:load': async (ctx: CallContext): Promise<DatasetFiles> => {
      const onProgress = throttleProgress((p) => ctx.emit('dataset:progress', p));
      inFlight ??= deps
        .loadCached({ cacheDir: deps.dataDir, onProgress })
        .then(({ files }) => ({ ...plain(files), origin: deps.dataDir }))
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    /** Copy the four files from a picked folder into the data folder (each verified), then read them; null if cancelled. */
    'dataset:import': async (ctx: CallContext): Promise<DatasetFiles | null> => {
      const dir = await deps.pickFolder();
      if (dir === null) return null;
      const paths = await deps.importFrom(dir, { cacheDir: deps.dataDir, onProgress: throttleProgress((p) => ctx.emit('dataset:progress', p)) });
      return readAll(deps, paths, dir);
    },
  };
}
