// File I/O for the CLI: atomic writes (temp file + rename) and model/checkpoint reads with one-sentence errors.
// Never leaves a half-written file where a good one was.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type MLP, type ModelMeta, type TrainerSnapshot, loadCheckpoint, loadModel } from '@mlp/core';
import { CliError, mlpCommand } from './errors.js';

/** Write bytes to `path` atomically: a sibling temp file is written, flushed, then renamed over `path`. */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new CliError(`Could not write ${path}: ${(e as Error).message}`);
  }
}

/** `hint`: how to make such a file, said when it does not exist. */
async function readBytes(path: string, what: string, hint: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} ${path} does not exist; check the path (${hint}).`);
    if (code === 'EISDIR') throw new CliError(`${what} ${path} is a folder, not a file; name the file itself.`);
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(`${what} ${path} is not readable by this user; check its permissions.`);
    throw new CliError(`Could not read ${what} ${path}: ${(e as Error).message}; check the path and the disk.`);
  }
}

export async function readModelFile(path: string): Promise<{ model: MLP; meta: ModelMeta; kind: string }> {
  const bytes = await readBytes(path, 'Model file', `make one with: ${mlpCommand()} train --out ${path}`);
  try {
    return loadModel(bytes);
  } catch (e) {
    throw new CliError(`Model file ${path} is unreadable: ${(e as Error).message}.`);
  }
}

export async function readCheckpointFile(path: string): Promise<{ snapshot: TrainerSnapshot; meta: ModelMeta }> {
  const bytes = await readBytes(path, 'Checkpoint', 'a run stopped with Ctrl-C writes one: to --checkpoint FILE, else to OUT.ckpt beside its --out');
  try {
    return loadCheckpoint(bytes);
  } catch (e) {
    throw new CliError(`Checkpoint ${path} cannot be resumed: ${(e as Error).message}.`);
  }
}
