// Atomic file writes for main: a sibling temporary file is written, flushed and renamed over the target.
// The file system is a parameter so tests can make any step fail; nothing here knows about Electron.
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The parts of node:fs/promises an atomic write uses. */
export interface AtomicFs {
  lstat: typeof nodeFs.lstat;
  mkdir: typeof nodeFs.mkdir;
  open: typeof nodeFs.open;
  rename: typeof nodeFs.rename;
  rm: typeof nodeFs.rm;
}

/** Write `bytes` to `path` so that readers see the old file or the whole new one, never a part. */
export async function writeAtomic(path: string, bytes: Uint8Array | string, fs: AtomicFs = nodeFs): Promise<void> {
  // Only a regular file is replaced: a device, FIFO, socket or folder at the path is refused, and so is a symlink
  // (the rename would replace the link itself, not what it points to), as the CLI does.
  const st = await fs.lstat(path).catch(() => null);
  if (st && !st.isFile()) {
    const what = st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : 'not a regular file (a device, FIFO or socket)';
    throw new Error(`Could not write ${path}: it is ${what}, and only regular files are replaced; choose another name.`);
  }
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw new Error(`Could not write ${path}: ${(e as Error).message}`);
  }
}
