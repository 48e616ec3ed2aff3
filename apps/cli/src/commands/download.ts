// `mlp download`: fetch (or import from a folder) the four dataset files into the verified cache, a bar per file.
import { resolve } from 'node:path';
import { type Progress, datasetDir, defaultCacheDir, download, importFrom } from '@mlp/mnist/node';
import { type DatasetName, descriptorFor } from '../data.js';
import { CliError, mlpCommand } from '../errors.js';
import { type Output, mb } from '../output.js';
import { DatasetError } from '@mlp/mnist/node';

export interface DownloadFlags {
  dataset?: DatasetName;
  mirror?: string[];
  from?: string;
  cache?: string;
}

export async function downloadCommand(flags: DownloadFlags, out: Output): Promise<number> {
  const d = descriptorFor(flags.dataset ?? 'mnist');
  const cacheDir = flags.cache !== undefined ? resolve(flags.cache) : undefined;
  const bar = out.bar('{file} [{bar}] {percentage}% · {done} of {total}');
  let current = '';
  const onProgress = (p: Progress) => {
    if (p.file !== current) {
      bar.stop();
      current = p.file;
      const what =
        p.source === 'cache' ? 'cached' : p.source === 'import' ? 'importing' : p.source === 'lock' ? `waiting for another download of it (${p.waitingFor}) to finish` : `from ${p.source}`;
      if (!out.interactive) out.note(`${p.file}: ${what}`);
      bar.start(p.bytesTotal ?? 0, { file: p.file, done: mb(0), total: p.bytesTotal ? mb(p.bytesTotal) : '?' });
    }
    bar.update(p.bytesDone, { file: p.file, done: mb(p.bytesDone), total: p.bytesTotal ? mb(p.bytesTotal) : '?' });
  };
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const paths = flags.from
      ? await importFrom(resolve(flags.from), d, { ...(cacheDir ? { cacheDir } : {}), onProgress })
      : await download(d, { ...(cacheDir ? { cacheDir } : {}), ...(flags.mirror ? { mirrors: flags.mirror } : {}), onProgress, signal: ac.signal });
    bar.stop();
    out.result(`${d.title} is ready in ${datasetDir(defaultCacheDir(cacheDir), d)}`);
    out.record({ type: 'download', dataset: d.id, files: paths });
    return 0;
  } catch (e) {
    bar.stop();
    if (ac.signal.aborted) throw new CliError('Download interrupted; nothing partial was kept in the cache (a later run resumes it).', 130);
    if (e instanceof DatasetError && e.code === 'ALL_MIRRORS_FAILED') {
      const lines = e.failures.map((f) => `  ${f.url}: ${f.reason}`).join('\n');
      throw new CliError(`Could not download ${e.file} from any mirror:\n${lines}\nIf you have the files, import them with: ${mlpCommand()} download --from DIR.`);
    }
    if (e instanceof DatasetError && e.code === 'MISSING_FILE' && flags.from !== undefined) {
      throw new CliError(`Cannot import ${d.title} from ${flags.from}: ${e.file} is not there. --from must name a folder holding the four ${d.title} IDX files; drop --from to download them.`);
    }
    throw new CliError(`${(e as Error).message}`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
