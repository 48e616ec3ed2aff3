// `mlp download`: fetch (or import from a folder) the four dataset files into the verified cache, a bar per file;
// `--verify` re-hashes what is cached first. Every message says truly what the cache holds afterwards.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type CachedFileReport,
  type DatasetDescriptor,
  DatasetError,
  type Progress,
  ROLES,
  datasetDir,
  defaultCacheDir,
  download,
  importFrom,
  verifyCache,
} from '@mlp/mnist/node';
import { type DatasetName, descriptorFor } from '../data.js';
import { CliError, EXIT_INTERRUPTED, mlpCommand } from '../errors.js';
import { type Output, mb } from '../output.js';

export interface DownloadFlags {
  dataset?: DatasetName;
  mirror?: string[];
  from?: string;
  cache?: string;
  verify?: boolean;
}

export async function downloadCommand(flags: DownloadFlags, out: Output): Promise<number> {
  const d = descriptorFor(flags.dataset ?? 'mnist');
  const cacheDir = flags.cache !== undefined ? resolve(flags.cache) : undefined;
  const where = datasetDir(defaultCacheDir(cacheDir), d);
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
  // Ctrl-C, or the SIGTERM that `pnpm mlp`'s cleanup sends after one: stop and say what stays in the cache.
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    if (flags.verify) {
      const next = flags.from ? `importing it from ${flags.from}` : 'fetching it again';
      for (const f of await verifyCache(d, { ...(cacheDir ? { cacheDir } : {}), signal: ac.signal })) out.result(verifyLine(f, next));
    }
    const paths = flags.from
      ? await importFrom(resolve(flags.from), d, { ...(cacheDir ? { cacheDir } : {}), onProgress })
      : await download(d, { ...(cacheDir ? { cacheDir } : {}), ...(flags.mirror ? { mirrors: flags.mirror } : {}), onProgress, signal: ac.signal });
    bar.stop();
    out.result(`${d.title} is ready in ${where}`);
    out.record({ type: 'download', dataset: d.id, files: paths });
    return 0;
  } catch (e) {
    bar.stop();
    if (ac.signal.aborted) throw new CliError(interrupted(d, where), EXIT_INTERRUPTED);
    if (e instanceof DatasetError && e.code === 'ALL_MIRRORS_FAILED') {
      const lines = e.failures.map((f) => `  ${f.url}: ${f.reason}`).join('\n');
      throw new CliError(`Could not download ${e.file} from any mirror:\n${lines}\nIf you have the files, import them with: ${mlpCommand()} download --from DIR.`);
    }
    if (e instanceof DatasetError && e.code === 'MISSING_FILE' && flags.from !== undefined) {
      const raw = e.file.replace(/\.gz$/, '');
      if (e.reason === 'not a regular file') throw new CliError(`Cannot import ${d.title} from ${flags.from}: ${e.message.replace(/\.$/, '')}.`);
      if (e.reason === 'unverifiable') {
        throw new CliError(
          `Cannot import ${d.title} from ${flags.from}: ${raw} is uncompressed, and ${d.title} publishes no checksum for uncompressed files, so it cannot be verified; put ${e.file} there, or use the folder as it is with --data ${flags.from}.`,
        );
      }
      throw new CliError(
        `Cannot import ${d.title} from ${flags.from}: ${e.file} is not there. --from must name a folder holding the four ${d.title} IDX files (${e.file}, or ${raw} uncompressed where the dataset publishes its checksum); drop --from to download them.`,
      );
    }
    throw new CliError(`${(e as Error).message}`);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** One line of `--verify`'s report, saying what happens to the file next. */
function verifyLine(f: CachedFileReport, next: string): string {
  if (f.status === 'ok') return `${f.file}: ok (${f.checked === 'first bytes' ? 'no checksum is published; its first bytes look right' : `${f.checked} matches`})`;
  if (f.status === 'missing') return `${f.file}: missing; ${next.replace(' again', '')}`;
  return `${f.file}: mismatched (${f.reason}); removed from the cache, ${next}`;
}

/** After Ctrl-C: which partial files the cache keeps (a later run resumes them), read from the disk itself. */
function interrupted(d: DatasetDescriptor, where: string): string {
  const kept = ROLES.map((r) => join(where, `${d.files[r].name}.part`)).flatMap((path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    return st?.isFile() ? [`${path} (${mb(st.size)})`] : [];
  });
  if (kept.length === 0) return 'Download interrupted; nothing partial was kept in the cache.';
  const which = kept.length === 1 ? `the partial file ${kept[0]} is` : `the partial files ${kept.join(', ')} are`;
  const it = kept.length === 1 ? 'it' : 'them';
  return `Download interrupted; ${which} kept in the cache, and the next ${mlpCommand()} download resumes from ${it} (delete ${it} to start over).`;
}
