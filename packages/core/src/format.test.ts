import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, ModelFormatError, crc32, loadCheckpoint, loadModel, saveCheckpoint, saveModel } from './format.js';
import { MLP } from './mlp.js';
import { Trainer } from './train.js';
import { xor } from './testing/datasets.js';

const model = () => new MLP({ layers: [5, 4, 3], hidden: 'relu', output: 'softmax', loss: 'ce', init: 'he' }, { seed: 7 });

/** Re-seal a tampered file with a valid checksum, so the check under test is the one that fires. */
function reseal(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dv.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}
function header(bytes: Uint8Array) {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return { len, json: JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) };
}
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const { len, json } = header(bytes);
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json));
  if (text.length > len) throw new Error('edited header grew; test needs a shorter edit');
  const out = Uint8Array.from(bytes);
  out.fill(0x20, 12, 12 + len);
  out.set(text, 12);
  return reseal(out);
}

describe('model file format', () => {
  it('round-trips a model exactly, with its metadata', () => {
    const m = model();
    m.b[0]![1] = 0.25;
    const bytes = saveModel(m, { testAccuracy: 0.9451, dataset: 'mnist' });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('MLPW');
    const { model: back, meta, kind } = loadModel(bytes);
    expect(kind).toBe('model');
    expect(meta).toEqual({ testAccuracy: 0.9451, dataset: 'mnist' });
    expect(back.config).toEqual(m.config);
    back.params().forEach((p, i) => expect(p.data).toEqual(m.params()[i]!.data));
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    expect(back.predict(x)).toEqual(m.predict(x));
  });

  it('loads from a Uint8Array view at an odd offset (e.g. a slice of a larger buffer)', () => {
    const bytes = saveModel(model());
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(loadModel(big.subarray(3)).model.W[1]).toEqual(model().W[1]);
  });

  it('rejects a truncated file', () => {
    const bytes = saveModel(model());
    expect(() => loadModel(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
    expect(() => loadModel(bytes.subarray(0, 40))).toThrow(/truncated/);
    expect(() => loadModel(bytes.subarray(0, 8))).toThrow(/only 8 bytes/);
  });

  it('rejects a wrong magic, a wrong version and trailing bytes', () => {
    const bytes = saveModel(model());
    const bad = Uint8Array.from(bytes);
    bad.set([0x50, 0x4b, 3, 4], 0); // a zip file
    expect(() => loadModel(bad)).toThrow(ModelFormatError);
    expect(() => loadModel(bad)).toThrow(/not a model file/);
    const v2 = Uint8Array.from(bytes);
    new DataView(v2.buffer).setUint32(4, FORMAT_VERSION + 1, true);
    expect(() => loadModel(v2)).toThrow(/unsupported model file version 2/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(() => loadModel(longer)).toThrow(/trailing bytes/);
  });

  it('rejects a flipped bit by its checksum', () => {
    const bad = Uint8Array.from(saveModel(model()));
    bad[bad.length - 20]! ^= 0x10;
    expect(() => loadModel(bad)).toThrow(/checksum/);
  });

  it('rejects tensors whose shapes do not match the layers in the header', () => {
    const bytes = saveModel(model());
    // Same byte count, different architecture: layers 5-4-3 claimed as 4-5-3 with W0 still [4,5].
    const edited = withHeader(bytes, (h) => {
      (h.config as { layers: number[] }).layers = [4, 5, 3];
      (h.tensors as { name: string; shape: number[] }[])[2]!.shape = [3, 4];
    });
    expect(() => loadModel(edited)).toThrow(/layers 4-5-3 need W0 \[5,4\]/);
  });

  it('rejects NaN and Inf weights, naming the tensor', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const m = model();
      m.W[1]![2] = v;
      expect(() => loadModel(saveModel(m))).toThrow(/tensor W1 holds (NaN|Infinity) at index 2/);
    }
  });

  it('rejects a header that is not JSON or lacks the config', () => {
    const bytes = Uint8Array.from(saveModel(model()));
    bytes[12] = 0x7b + 1;
    expect(() => loadModel(reseal(bytes))).toThrow(/not valid JSON/);
    expect(() => loadModel(withHeader(saveModel(model()), (h) => {
          delete h.config;
        }))).toThrow(/lacks its config/);
    const badLoss = withHeader(saveModel(model()), (h) => {
      (h.config as { loss: string }).loss = 'xx';
    });
    expect(() => loadModel(badLoss)).toThrow(/invalid network config/);
  });

  it('round-trips a checkpoint and refuses a model file as one', async () => {
    const t = new Trainer(new MLP({ layers: [2, 3, 2] }, { seed: 1 }), xor(), { epochs: 3, batchSize: 2, lr: 0.5, momentum: 0.5 });
    t.step();
    const s = t.snapshot();
    const { snapshot, meta } = loadCheckpoint(saveCheckpoint(s, { note: 'x' }));
    expect(meta).toEqual({ note: 'x' });
    expect(snapshot).toEqual(s);
    expect(loadModel(saveCheckpoint(s)).kind).toBe('checkpoint');
    expect(() => loadCheckpoint(saveModel(t.model))).toThrow(/not a resumable checkpoint/);
  });
});
