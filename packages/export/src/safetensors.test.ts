// The safetensors export parsed back here from the layout the README documents (u64 header length, JSON header
// padded to 8 bytes, float32 little-endian data), giving the model's arrays and metadata exactly.
import { describe, expect, it } from 'vitest';
import { ExportError, toSafetensors } from './index.js';
import { CONFIGS, SCALINGS, smallModel } from './testing/models.js';

interface Parsed {
  headerLength: number;
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  metadata: Record<string, string>;
  data: Uint8Array;
}

/** An independent reader of the documented layout, strict where the specification is. */
function parse(bytes: Uint8Array): Parsed {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(dv.getBigUint64(0, true));
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  const { __metadata__: metadata, ...header } = JSON.parse(text);
  return { headerLength, header, metadata, data: bytes.subarray(8 + headerLength) };
}

function tensor(p: Parsed, name: string): { shape: number[]; values: Float32Array } {
  const e = p.header[name]!;
  const [b, e2] = e.data_offsets;
  const dv = new DataView(p.data.buffer, p.data.byteOffset + b, e2 - b);
  return { shape: e.shape, values: Float32Array.from({ length: (e2 - b) / 4 }, (_, i) => dv.getFloat32(i * 4, true)) };
}

describe('toSafetensors', () => {
  const model = smallModel(CONFIGS.best!);
  const meta = { scaling: SCALINGS.standard, settings: { lr: 0.1 }, dataset: 'mnist', testAccuracy: 0.97 };
  const bytes = toSafetensors(model, meta);
  const p = parse(bytes);

  it('has a header padded with spaces to a multiple of 8, and tensors back to back filling the data section', () => {
    expect(p.headerLength % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + p.headerLength));
    expect(text).toMatch(/^\{.*\} *$/);
    expect(Object.keys(p.header)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    let end = 0;
    for (const e of Object.values(p.header)) {
      expect(e.dtype).toBe('F32');
      expect(e.data_offsets[0]).toBe(end);
      end = e.data_offsets[1];
      expect(end - e.data_offsets[0]).toBe(4 * e.shape.reduce((a, b) => a * b, 1));
    }
    expect(end).toBe(p.data.length);
  });

  it('gives back every weight (out, in) and bias bit for bit', () => {
    for (let l = 0; l < model.depth; l++) {
      const [outF, inF] = [model.config.layers[l + 1]!, model.config.layers[l]!];
      expect(tensor(p, `layers.${l}.weight`)).toEqual({ shape: [outF, inF], values: model.readWeights(l) });
      expect(tensor(p, `layers.${l}.bias`)).toEqual({ shape: [outF], values: model.readBiases(l) });
    }
  });

  it('carries the metadata as a string-to-string map', () => {
    for (const v of Object.values(p.metadata)) expect(typeof v).toBe('string');
    expect(p.metadata).toMatchObject({ dataset: 'mnist', test_accuracy: '0.97', layers: '784,24,12,10', hidden: 'relu', output: 'softmax' });
    expect(p.metadata.producer).toMatch(/^@mlp\/export /);
    expect(JSON.parse(p.metadata.settings!)).toEqual({ lr: 0.1 });
    expect(JSON.parse(p.metadata.scaling!)).toEqual({ mul: SCALINGS.standard.mul, add: SCALINGS.standard.add });
  });

  it('a model without its input scaling is refused (the metadata would not say how to feed it)', () => {
    expect(() => toSafetensors(model, {})).toThrow(ExportError);
  });
});
