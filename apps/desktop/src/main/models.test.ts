import { MLP, loadModel, saveModel } from '@mlp/core';
import { describe, expect, it, vi } from 'vitest';
import { MAX_MODEL_BYTES } from '../shared/api.js';
import { type ModelDeps, createModelHandlers } from './models.js';

const bytes = saveModel(new MLP({ layers: [4, 3, 2] }, { seed: 1 }), { note: 'x' });

function deps(over: Partial<ModelDeps> = {}): ModelDeps {
  return {
    pickSavePath: vi.fn(async (name: string) => `/home/me/${name}`),
    pickOpenPath: vi.fn(async () => '/home/me/run.mlp'),
    writeAtomic: vi.fn(async () => {}),
    readFile: vi.fn(async () => bytes),
    fileSize: vi.fn(async () => bytes.length),
    basename: (p: string) => p.slice(p.lastIndexOf('/') + 1),
    ...over,
  };
}

describe('model:save', () => {
  it('asks where, then writes the bytes atomically', async () => {
    const d = deps();
    expect(await createModelHandlers(d)['model:save']({}, bytes, 'run.mlp')).toEqual({ location: '/home/me/run.mlp' });
    expect(d.pickSavePath).toHaveBeenCalledWith('run.mlp');
    expect(d.writeAtomic).toHaveBeenCalledWith('/home/me/run.mlp', bytes);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const d = deps({ pickSavePath: async () => null });
    expect(await createModelHandlers(d)['model:save']({}, bytes, 'run.mlp')).toBeNull();
    expect(d.writeAtomic).not.toHaveBeenCalled();
  });

  it('refuses bytes that are not a valid model file, before any dialog', async () => {
    const d = deps();
    const broken = bytes.slice();
    broken[broken.length - 10]! ^= 0xff;
    await expect(createModelHandlers(d)['model:save']({}, broken, 'x.mlp')).rejects.toThrow(/Refused to save.*checksum/i);
    await expect(createModelHandlers(d)['model:save']({}, new TextEncoder().encode('hello world, not a model'), 'x.mlp')).rejects.toThrow(/not a valid model file/);
    expect(d.pickSavePath).not.toHaveBeenCalled();
    expect(d.writeAtomic).not.toHaveBeenCalled();
  });

  it('passes a write failure on as an error', async () => {
    const d = deps({ writeAtomic: async () => Promise.reject(new Error('Could not write /home/me/run.mlp: EACCES')) });
    await expect(createModelHandlers(d)['model:save']({}, bytes, 'run.mlp')).rejects.toThrow(/EACCES/);
  });
});

describe('model:open', () => {
  it('returns the picked file’s name and bytes', async () => {
    const r = await createModelHandlers(deps())['model:open']();
    expect(r?.name).toBe('run.mlp');
    expect(loadModel(r!.bytes).meta).toEqual({ note: 'x' });
  });

  it('returns null when cancelled, and refuses files far larger than any model', async () => {
    expect(await createModelHandlers(deps({ pickOpenPath: async () => null }))['model:open']()).toBeNull();
    const d = deps({ fileSize: async () => MAX_MODEL_BYTES + 1 });
    await expect(createModelHandlers(d)['model:open']()).rejects.toThrow(/larger than any model/);
    expect(d.readFile).not.toHaveBeenCalled();
  });
});
