// Reading the CLI's input files (models, checkpoints, images) with one-sentence errors: regular files only, each
// with a size ceiling. Writing is outputs.ts's.
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { type MLP, type ModelMeta, type TrainerSnapshot, loadCheckpoint, loadModel } from '@mlp/core';
import { sniffExport } from '@mlp/export';
import { CliError, mlpCommand } from './errors.js';

/** What a non-regular file is, in words: 'a folder', 'a device', 'a FIFO (named pipe)', … */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return st.isFile() ? 'a regular file' : 'not a regular file';
}

/** The largest model or checkpoint file read (core then checks its header against its length). */
export const MODEL_MAX_BYTES = 2 ** 30;
/** The largest IDX file read (MNIST's largest, the training images, is 47 MB inflated). */
export const IDX_MAX_BYTES = 256 * 2 ** 20;
/** The largest dataset descriptor (JSON) read. */
export const DESCRIPTOR_MAX_BYTES = 2 ** 20;

/**
 * Reads an input file named by the user: only a regular file (a device, FIFO or socket could block or never end),
 * at most `maxBytes`. `what` names it in messages ('Model file'); `hint` says how to make one when it is missing.
 */
export async function readInput(path: string, what: string, maxBytes: number, hint?: string): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new CliError(`${what} ${path} is ${fileKind(st)}, not a ${st.isDirectory() ? '' : 'regular '}file; name the file itself.`);
    if (st.size > maxBytes) {
      throw new CliError(`${what} ${path} is ${(st.size / 2 ** 20).toFixed(0)} MiB, over the ${maxBytes / 2 ** 20} MiB mlp reads for it; check that this is the right file.`);
    }
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} ${path} does not exist; check the path${hint ? ` (${hint})` : ''}.`);
    if (code === 'ENOTDIR') throw new CliError(`${what} ${path} does not exist: part of its folder path is a file; check the path.`);
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(`${what} ${path} is not readable by this user; check its permissions.`);
    throw new CliError(`Could not read ${what} ${path} (${code ?? (e as Error).message}); check the path and the disk.`);
  }
}

export async function readModelFile(path: string): Promise<{ model: MLP; meta: ModelMeta; kind: string }> {
  const bytes = await readInput(path, 'Model file', MODEL_MAX_BYTES, `make one with: ${mlpCommand()} train --out ${path}`);
  try {
    return loadModel(bytes);
  } catch (e) {
    const exported = sniffExport(bytes);
    if (exported) {
      // mlp does not read exports back: they are for other runtimes, and the .mlp they came from holds more.
      throw new CliError(
        `Model file ${path} is ${exported === 'onnx' ? 'an ONNX model, for ONNX Runtime' : 'a safetensors file (weights only)'}, as mlp export writes, and mlp reads only its own .mlp model files; give it the .mlp file that was exported.`,
      );
    }
    throw new CliError(`Model file ${path} is unreadable: ${(e as Error).message}.`);
  }
}

export async function readCheckpointFile(path: string): Promise<{ snapshot: TrainerSnapshot; meta: ModelMeta }> {
  const bytes = await readInput(path, 'Checkpoint', MODEL_MAX_BYTES, 'a run stopped with Ctrl-C writes one: to --checkpoint FILE, else to OUT.ckpt beside its --out');
  try {
    return loadCheckpoint(bytes);
  } catch (e) {
    throw new CliError(`Checkpoint ${path} cannot be resumed: ${(e as Error).message}.`);
  }
}
