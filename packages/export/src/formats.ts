// The formats by name, for tools that take --format: one writer and one file extension each, and a cheap test of
// whether some bytes look like one of our exports (so a reader of .mlp files can say what it was given instead).
import type { MLP, ModelMeta } from '@mlp/core';
import { toOnnx } from './onnx.js';
import { toSafetensors } from './safetensors.js';

export type ExportFormat = 'onnx' | 'safetensors';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['onnx', 'safetensors'];
export const EXTENSIONS: Record<ExportFormat, string> = { onnx: '.onnx', safetensors: '.safetensors' };

/** The bytes of `model` in `format`. */
export function exportModel(model: MLP, meta: ModelMeta, format: ExportFormat): Uint8Array {
  return format === 'onnx' ? toOnnx(model, meta) : toSafetensors(model, meta);
}

/**
 * 'onnx' or 'safetensors' when the bytes start the way these writers' files do, else null. A hint for messages
 * only: ONNX by ModelProto's first two fields, safetensors by its length
 * prefix followed by '{'.
 */
export function sniffExport(bytes: Uint8Array): ExportFormat | null {
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
    if (n > 0n && n <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  // ir_version (field 1, a one-byte varint), then producer_name (field 2, length-delimited), as ONNX writers order them.
  if (bytes.length >= 4 && bytes[0] === 0x08 && bytes[1]! < 0x80 && bytes[2] === 0x12) return 'onnx';
  return null;
}
