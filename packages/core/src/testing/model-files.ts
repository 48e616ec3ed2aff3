// Test-only reading and writing of model files apart from format.ts, to craft tampered and hostile files.
import { FORMAT_VERSION, crc32 } from '../format.js';

/** Re-seal a tampered file with a valid checksum, so the check under test is the one that fires. */
export function reseal(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dv.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}
export function header(bytes: Uint8Array) {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  return { len, json: JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) };
}
export function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const { len, json } = header(bytes);
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json));
  if (text.length > len) throw new Error('edited header grew; test needs a shorter edit');
  const out = Uint8Array.from(bytes);
  out.fill(0x20, 12, 12 + len);
  out.set(text, 12);
  return reseal(out);
}

export interface Entry {
  name: string;
  shape: number[];
}
/** Split a file into its header and tensors, and write one back (a second, test-only writer of the same layout). */
export function parse(bytes: Uint8Array): { header: Record<string, unknown> & { tensors: Entry[] }; tensors: number[][] } {
  const { len, json } = header(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 12 + len;
  const tensors = (json.tensors as Entry[]).map((t) => {
    const values: number[] = [];
    for (let i = t.shape.reduce((a, b) => a * b, 1); i > 0; i--, off += 4) values.push(dv.getFloat32(off, true));
    return values;
  });
  return { header: json, tensors };
}
export function build(h: Record<string, unknown>, tensors: number[][]): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(h));
  const len = text.length + ((4 - ((12 + text.length) % 4)) % 4);
  const floats = tensors.flat();
  const out = new Uint8Array(12 + len + 4 * floats.length + 4);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode('MLPW'));
  dv.setUint32(4, FORMAT_VERSION, true);
  dv.setUint32(8, len, true);
  out.fill(0x20, 12, 12 + len);
  out.set(text, 12);
  floats.forEach((v, i) => dv.setFloat32(12 + len + 4 * i, v, true));
  return reseal(out);
}
/** Rebuild a file after editing its parsed header and tensors. */
export function rebuilt(bytes: Uint8Array, edit: (h: ReturnType<typeof parse>['header'], tensors: number[][]) => void): Uint8Array {
  const { header: h, tensors } = parse(bytes);
  edit(h, tensors);
  return build(h, tensors);
}
