import { FORMAT_VERSION, MLP, crc32, loadModel, saveModel } from '@mlp/core';
import { toOnnx, toSafetensors } from '@mlp/export';
import { describe, expect, it, vi } from 'vitest';
import { MAX_MODEL_BYTES } from '../shared/api.js';
import { type ModelDeps, SAVE_DIALOGS, createModelHandlers } from './models.js';

const bytes = saveModel(new MLP({ layers: [4, 3, 2] }, { seed: 1 }), { note: 'x' });

/** A 96-byte model file whose header declares a 784-15000-15000-10 network and holds none of its weights. */
function hostile(): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ kind: 'model', config: { layers: [784, 15000, 15000, 10] }, tensors: [], meta: {} }));
  const h = json.length + ((4 - ((12 + json.length) % 4)) % 4);
  const out = new Uint8Array(12 + h + 4).fill(0x20);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode('MLPW'));
  dv.setUint32(4, FORMAT_VERSION, true);
  dv.setUint32(8, h, true);
  out.set(json, 12);
  dv.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

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
    expect(d.pickSavePath).toHaveBeenCalledWith('run.mlp', 'mlp');
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

  it('refuses a hostile header from its size fields at once, saying why', async () => {
    const d = deps();
    await expect(createModelHandlers(d)['model:save']({}, hostile(), 'x.mlp')).rejects.toThrow(
      /^Refused to save: the data is not a valid model file \(model file declares layers 784-15000-15000-10: 236,940,010 parameters, more than the 50,000,000 this library loads\)\.$/,
    );
    expect(d.pickSavePath).not.toHaveBeenCalled();
  });

  it('passes a write failure on as an error', async () => {
    const d = deps({ writeAtomic: async () => Promise.reject(new Error('Could not write /home/me/run.mlp: EACCES')) });
    await expect(createModelHandlers(d)['model:save']({}, bytes, 'run.mlp')).rejects.toThrow(/EACCES/);
  });
});

describe('model:export', () => {
  const net = new MLP({ layers: [4, 3, 2] }, { seed: 1 });
  const onnx = toOnnx(net, { scaling: { mode: '0,1', mul: 1 / 255, add: 0 } });
  const st = toSafetensors(net, { scaling: { mode: '0,1', mul: 1 / 255, add: 0 } });

  it('asks where with the format’s dialog, then writes the bytes atomically', async () => {
    const d = deps();
    const h = createModelHandlers(d);
    expect(await h['model:export']({}, onnx, 'run.onnx', 'onnx')).toEqual({ location: '/home/me/run.onnx' });
    expect(await h['model:export']({}, st, 'run.safetensors', 'safetensors')).toEqual({ location: '/home/me/run.safetensors' });
    expect(d.pickSavePath).toHaveBeenNthCalledWith(1, 'run.onnx', 'onnx');
    expect(d.pickSavePath).toHaveBeenNthCalledWith(2, 'run.safetensors', 'safetensors');
    expect(d.writeAtomic).toHaveBeenCalledWith('/home/me/run.onnx', onnx);
    expect(SAVE_DIALOGS.onnx.filter.extensions).toEqual(['onnx']);
    expect(SAVE_DIALOGS.safetensors.filter.extensions).toEqual(['safetensors']);
  });

  it('refuses bytes that are not the named format, before any dialog', async () => {
    const d = deps();
    const h = createModelHandlers(d);
    await expect(h['model:export']({}, st, 'run.onnx', 'onnx')).rejects.toThrow('Refused to export: the data is not a onnx file written by this app.');
    await expect(h['model:export']({}, bytes, 'run.safetensors', 'safetensors')).rejects.toThrow(/not a safetensors file/);
    await expect(h['model:export']({}, new TextEncoder().encode('hello'), 'run.onnx', 'onnx')).rejects.toThrow(/Refused to export/);
    expect(d.pickSavePath).not.toHaveBeenCalled();
    expect(d.writeAtomic).not.toHaveBeenCalled();
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const d = deps({ pickSavePath: vi.fn(async () => null) });
    expect(await createModelHandlers(d)['model:export']({}, onnx, 'run.onnx', 'onnx')).toBeNull();
    expect(d.writeAtomic).not.toHaveBeenCalled();
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

  it('parses the bytes in main with the bounded reader, after the size check: a hostile file is one clear error', async () => {
    expect(hostile().length).toBe(96);
    const d = deps({ readFile: vi.fn(async () => hostile()), fileSize: async () => 96 });
    await expect(createModelHandlers(d)['model:open']()).rejects.toThrow(
      /^\/home\/me\/run\.mlp is not a model file this app can open: model file declares layers 784-15000-15000-10: 236,940,010 parameters, more than the 50,000,000 this library loads\.$/,
    );
    const broken = bytes.slice(0, bytes.length - 8);
    const e = deps({ readFile: vi.fn(async () => broken), fileSize: async () => broken.length });
    await expect(createModelHandlers(e)['model:open']()).rejects.toThrow(/run\.mlp is not a model file this app can open: model file is truncated/);
  });

  it('refuses a file that grew past the limit between the size check and the read', async () => {
    const d = deps({ readFile: vi.fn(async () => new Uint8Array(MAX_MODEL_BYTES + 1)) });
    await expect(createModelHandlers(d)['model:open']()).rejects.toThrow(`/home/me/run.mlp is ${MAX_MODEL_BYTES + 1} bytes, larger than any model`);
  });
});
