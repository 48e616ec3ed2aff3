// The formats by name, and sniffExport telling our exports from .mlp files and other bytes.
import { saveModel } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, EXTENSIONS, exportModel, sniffExport, toOnnx, toSafetensors } from './index.js';
import { CONFIGS, SCALINGS, smallModel } from './testing/models.js';

describe('export formats', () => {
  const model = smallModel(CONFIGS.seed!);
  const meta = { scaling: SCALINGS['-1,1'] };

  it('exportModel writes each format by name, and sniffExport recognises each', () => {
    expect(EXPORT_FORMATS.map((f) => EXTENSIONS[f])).toEqual(['.onnx', '.safetensors']);
    expect(exportModel(model, meta, 'onnx')).toEqual(toOnnx(model, meta));
    expect(exportModel(model, meta, 'safetensors')).toEqual(toSafetensors(model, meta));
    for (const f of EXPORT_FORMATS) expect(sniffExport(exportModel(model, meta, f))).toBe(f);
  });

  it('sniffExport says null for a .mlp file, text and short or empty input', () => {
    expect(sniffExport(saveModel(model, meta))).toBeNull();
    expect(sniffExport(new TextEncoder().encode('{"not": "a model"}'))).toBeNull();
    expect(sniffExport(new Uint8Array([0x08]))).toBeNull();
    expect(sniffExport(new Uint8Array(0))).toBeNull();
  });
});
