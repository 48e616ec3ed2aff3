// Main's model-file jobs: save through a native dialog with an atomic write, open through one with a size check.
// Bytes are checked with @mlp/core's own bounded reader (after the size check) both ways: a broken file never lands
// on disk, and a hostile one never reaches the renderer.
import { loadModel } from '@mlp/core';
import { type ExportFormat, sniffExport } from '@mlp/export';
import { type ModelFile, type SavedModel, MAX_MODEL_BYTES } from '../shared/api.js';

/** What a save dialog is for: a model file, or an export in one of @mlp/export's formats (its title and filter). */
export type SaveKind = 'mlp' | ExportFormat;

/** The save dialog's title and file filter for each kind. */
export const SAVE_DIALOGS: Record<SaveKind, { title: string; filter: { name: string; extensions: string[] } }> = {
  mlp: { title: 'Save model', filter: { name: 'MLP model', extensions: ['mlp'] } },
  onnx: { title: 'Export model as ONNX', filter: { name: 'ONNX model', extensions: ['onnx'] } },
  safetensors: { title: 'Export weights as safetensors', filter: { name: 'safetensors weights', extensions: ['safetensors'] } },
};

export interface ModelDeps {
  /** Native save dialog for `kind` starting at this default path; null when cancelled. */
  pickSavePath(defaultName: string, kind: SaveKind): Promise<string | null>;
  /** Native open dialog; null when cancelled. */
  pickOpenPath(): Promise<string | null>;
  writeAtomic(path: string, bytes: Uint8Array): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  fileSize(path: string): Promise<number>;
  basename(path: string): string;
}

/** Parse untrusted bytes with core's reader (it refuses lying headers before building anything), keeping nothing. */
function checkModel(bytes: Uint8Array): void {
  loadModel(bytes).model.dispose();
}

/** Read and check the model file at `path` (chosen in a dialog, or handed over by the OS). */
export async function readModelAt(deps: Pick<ModelDeps, 'readFile' | 'fileSize' | 'basename'>, path: string): Promise<ModelFile> {
  const size = await deps.fileSize(path);
  const tooBig = (n: number) => new Error(`${path} is ${n} bytes, larger than any model this app writes; pick a .mlp model file.`);
  if (size > MAX_MODEL_BYTES) throw tooBig(size);
  const bytes = await deps.readFile(path);
  if (bytes.length > MAX_MODEL_BYTES) throw tooBig(bytes.length); // it grew after the size check
  try {
    checkModel(bytes);
  } catch (e) {
    throw new Error(`${path} is not a model file this app can open: ${(e as Error).message}.`);
  }
  return { name: deps.basename(path), bytes };
}

export function createModelHandlers(deps: ModelDeps) {
  const save = async (bytes: Uint8Array, name: string, kind: SaveKind): Promise<SavedModel | null> => {
    const path = await deps.pickSavePath(name, kind);
    if (path === null) return null;
    await deps.writeAtomic(path, bytes);
    return { location: path };
  };
  return {
    'model:save': async (_ctx: unknown, bytes: Uint8Array, name: string): Promise<SavedModel | null> => {
      try {
        checkModel(bytes);
      } catch (e) {
        throw new Error(`Refused to save: the data is not a valid model file (${(e as Error).message}).`);
      }
      return save(bytes, name, 'mlp');
    },
    'model:export': async (_ctx: unknown, bytes: Uint8Array, name: string, format: ExportFormat): Promise<SavedModel | null> => {
      // The renderer made these bytes with @mlp/export; a cheap look at their first bytes keeps anything else off disk.
      if (sniffExport(bytes) !== format) throw new Error(`Refused to export: the data is not a ${format} file written by this app.`);
      return save(bytes, name, format);
    },
    'model:open': async (): Promise<ModelFile | null> => {
      const path = await deps.pickOpenPath();
      return path === null ? null : readModelAt(deps, path);
    },
  };
}
