// The safetensors writer: weights and biases as F32 tensors named layers.<l>.weight (out, in) and layers.<l>.bias
// (out), with the metadata map. It writes only; the layout is in the package README ("safetensors").
import type { MLP, ModelMeta } from '@mlp/core';
import { metadataOf } from './metadata.js';

interface Entry {
  dtype: 'F32';
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Bytes of a safetensors file: an 8-byte little-endian u64 N, N bytes of JSON (padded with spaces to a multiple of
 * 8), then the tensors' little-endian float32 values back to back in header order.
 */
export function toSafetensors(model: MLP, meta: ModelMeta = {}): Uint8Array {
  const metadata = metadataOf(model, meta);
  const header: Record<string, Entry | Record<string, string>> = { __metadata__: metadata };
  const tensors: ArrayLike<number>[] = [];
  let offset = 0;
  for (let l = 0; l < model.depth; l++) {
    const [W, b] = [model.readWeights(l), model.readBiases(l)];
    const [outF, inF] = [model.config.layers[l + 1]!, model.config.layers[l]!];
    for (const [name, data, shape] of [
      [`layers.${l}.weight`, W, [outF, inF]], // W: (out, in) row-major, as PyTorch's nn.Linear
      [`layers.${l}.bias`, b, [outF]],
    ] as const) {
      header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + data.length * 4] };
      offset += data.length * 4;
      tensors.push(data);
    }
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + n + offset);
  const dv = new DataView(bytes.buffer);
  dv.setBigUint64(0, BigInt(n), true);
  bytes.fill(0x20, 8, 8 + n);
  bytes.set(json, 8);
  let at = 8 + n;
  for (const t of tensors) {
    for (let i = 0; i < t.length; i++, at += 4) dv.setFloat32(at, t[i]!, true);
  }
  return bytes;
}
