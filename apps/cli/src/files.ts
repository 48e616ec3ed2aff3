// Reading the CLI's input files (models, checkpoints) with one-sentence errors. Writing is outputs.ts's.
import { readFile } from 'node:fs/promises';
import { type MLP, type ModelMeta, type TrainerSnapshot, loadCheckpoint, loadModel } from '@mlp/core';
import { CliError, mlpCommand } from './errors.js';

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
