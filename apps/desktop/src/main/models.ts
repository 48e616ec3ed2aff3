// Main's model-file jobs: save through a native dialog with an atomic write, open through one with a size check.
// The bytes are checked with @mlp/core's own reader before they are written, so a broken file never lands on disk.
import { loadModel } from '@mlp/core';
import { type ModelFile, type SavedModel, MAX_MODEL_BYTES } from '../shared/api.js';

export interface ModelDeps {
  /** Native save dialog starting at this default path; null when cancelled. */
  pickSavePath(defaultName: string): Promise<string | null>;
  /** Native open dialog; null when cancelled. */
  pickOpenPath(): Promise<string | null>;
  writeAtomic(path: string, bytes: Uint8Array): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  fileSize(path: string): Promise<number>;
  basename(path: string): string;
}

export function createModelHandlers(deps: ModelDeps) {
  return {
    'model:save': async (_ctx: unknown, bytes: Uint8Array, name: string): Promise<SavedModel | null> => {
      try {
        loadModel(bytes);
      } catch (e) {
        throw new Error(`Refused to save: the data is not a valid model file (${(e as Error).message}).`);
      }
      const path = await deps.pickSavePath(name);
      if (path === null) return null;
      await deps.writeAtomic(path, bytes);
      return { location: path };
    },
    'model:open': async (): Promise<ModelFile | null> => {
      const path = await deps.pickOpenPath();
      if (path === null) return null;
      const size = await deps.fileSize(path);
      if (size > MAX_MODEL_BYTES) throw new Error(`${path} is ${size} bytes, larger than any model this app writes; pick a .mlp model file.`);
      return { name: deps.basename(path), bytes: await deps.readFile(path) };
    },
  };
}
