// Finding a dataset file in a folder the user named: by each candidate name in turn, regular files only. Node-only.
// Something else under the name (a FIFO, a device, a folder) is refused by name rather than read or called missing.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './download.js';

/** What a non-regular file is, in words. */
function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The first of `names` in `dir` that is a regular file (a symlink counts as what it points to), with its size; null
 * when none of the names exists. Throws DatasetError MISSING_FILE (reason 'not a regular file') for a name that exists
 * but is a FIFO, device, socket or folder: reading one could block forever or never end.
 */
export async function findFile(dir: string, names: string[]): Promise<{
  /** The first of `names` found in `dir`, joined to it. */
  path: string;
  /** Its size in bytes. */
  size: number;
} | null> {
  for (const name of names) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (!st) continue;
    if (st.isFile()) return { path, size: st.size };
    throw new DatasetError('MISSING_FILE', `${path} is ${kindOf(st)}, not a regular file; put the file itself there.`, names[0]!, [], 'not a regular file');
  }
  return null;
}
