// The one file format for models and resumable checkpoints (bytes in, bytes out; works in browsers too).
// Layout and rules are documented in the package README ("File format"); this file is the only reader and writer.
import { type FullConfig, MLP, resolveConfig } from './mlp.js';
import type { TrainerSnapshot } from './train.js';

export const MAGIC = 'MLPW';
export const FORMAT_VERSION = 1;

/** Free-form, JSON-safe facts stored with a model: training settings, metrics, dataset name… */
export type ModelMeta = Record<string, unknown>;

interface TensorEntry {
  name: string;
  shape: number[];
}

interface Header {
  kind: 'model' | 'checkpoint';
  config: FullConfig;
  tensors: TensorEntry[];
  meta: ModelMeta;
  /** Checkpoints only: the trainer state other than tensors. */
  trainer?: Omit<TrainerSnapshot, 'config' | 'params' | 'velocity'> & { hasVelocity: boolean };
}

/** Every load failure: a message saying what is wrong with the file. */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

// CRC-32 (IEEE), table-driven; guards against bit rot and truncation the size checks might miss.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function encode(header: Header, tensors: ArrayLike<number>[]): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20); // JSON allows trailing spaces
    padded.set(json);
    json = padded;
  }
  const floats = tensors.reduce((s, t) => s + t.length, 0);
  const bytes = new Uint8Array(12 + json.length + floats * 4 + 4);
  const dv = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  dv.setUint32(4, FORMAT_VERSION, true);
  dv.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let off = 12 + json.length;
  for (const t of tensors) {
    for (let i = 0; i < t.length; i++, off += 4) dv.setFloat32(off, t[i]!, true);
  }
  dv.setUint32(off, crc32(bytes.subarray(0, off)), true);
  return bytes;
}

function decode(bytes: Uint8Array): { header: Header; tensors: Float32Array[] } {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError('model data must be a Uint8Array');
  if (bytes.length < 16) throw new ModelFormatError(`not a model file: only ${bytes.length} bytes`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new ModelFormatError(`not a model file: it starts with ${JSON.stringify(magic)}, expected "${MAGIC}"`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw new ModelFormatError(`unsupported model file version ${version}; this library reads version ${FORMAT_VERSION}`);
  }
  const hlen = dv.getUint32(8, true);
  if (12 + hlen + 4 > bytes.length) throw new ModelFormatError(`model file is truncated: its header needs ${hlen} bytes, the file has ${bytes.length}`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + hlen)));
  } catch (e) {
    throw new ModelFormatError(`model file header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.tensors) || typeof header.config !== 'object') {
    throw new ModelFormatError('model file header lacks its config or tensor list');
  }
  let floats = 0;
  for (const t of header.tensors) {
    if (!t || typeof t.name !== 'string' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelFormatError('model file header has a malformed tensor entry');
    }
    floats += t.shape.reduce((a, b) => a * b, 1);
  }
  const expected = 12 + hlen + floats * 4 + 4;
  if (bytes.length < expected) throw new ModelFormatError(`model file is truncated: ${bytes.length} bytes, the header describes ${expected}`);
  if (bytes.length > expected) throw new ModelFormatError(`model file has ${bytes.length - expected} unexpected trailing bytes`);
  const crc = dv.getUint32(expected - 4, true);
  if (crc !== crc32(bytes.subarray(0, expected - 4))) throw new ModelFormatError('model file is corrupt: checksum mismatch');
  let off = 12 + hlen;
  const tensors = header.tensors.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) {
      const v = dv.getFloat32(off, true);
      if (!Number.isFinite(v)) throw new ModelFormatError(`model file tensor ${t.name} holds ${v} at index ${i}; weights must be finite`);
      a[i] = v;
    }
    return a;
  });
  return { header, tensors };
}

/** Build the model the header describes and check every tensor's shape against it. */
function modelFrom(header: Header, tensors: Float32Array[]): MLP {
  let config: FullConfig;
  try {
    config = resolveConfig(header.config);
  } catch (e) {
    throw new ModelFormatError(`model file has an invalid network config: ${(e as Error).message}`);
  }
  const model = new MLP(config);
  const params = model.params();
  for (const [i, p] of params.entries()) {
    const entry = header.tensors[i];
    if (!entry || entry.name !== p.name || entry.shape.join('x') !== p.shape.join('x')) {
      throw new ModelFormatError(
        `model file tensor ${i} is ${entry ? `${entry.name} [${entry.shape}]` : 'missing'}, but layers ${config.layers.join('-')} need ${p.name} [${p.shape}]`,
      );
    }
    p.data.set(tensors[i]!);
  }
  return model;
}

function paramEntries(model: MLP): TensorEntry[] {
  return model.params().map((p) => ({ name: p.name, shape: [...p.shape] }));
}

/** Serialize a model (and optional metadata) to bytes. */
export function saveModel(model: MLP, meta: ModelMeta = {}): Uint8Array {
  const params = model.params();
  return encode({ kind: 'model', config: model.config, tensors: paramEntries(model), meta }, params.map((p) => p.data));
}

/** Read a model file (or a checkpoint, taking its weights). Throws ModelFormatError saying what is wrong. */
export function loadModel(bytes: Uint8Array): { model: MLP; meta: ModelMeta; kind: 'model' | 'checkpoint' } {
  const { header, tensors } = decode(bytes);
  return { model: modelFrom(header, tensors), meta: header.meta ?? {}, kind: header.kind };
}

/** Serialize a trainer snapshot: a model file that also holds optimizer, PRNG and cursor state. */
export function saveCheckpoint(s: TrainerSnapshot, meta: ModelMeta = {}): Uint8Array {
  const model = new MLP(s.config);
  const entries = paramEntries(model);
  const tensors: ArrayLike<number>[] = [...s.params];
  if (s.velocity) {
    entries.push(...entries.map((e) => ({ name: `v_${e.name}`, shape: e.shape })));
    tensors.push(...s.velocity);
  }
  const { config, params, velocity, ...rest } = s;
  return encode({ kind: 'checkpoint', config, tensors: entries, meta, trainer: { ...rest, hasVelocity: velocity !== null } }, tensors);
}

/** Read a checkpoint back into a snapshot for Trainer.restore. A plain model file is rejected with a clear message. */
export function loadCheckpoint(bytes: Uint8Array): { snapshot: TrainerSnapshot; meta: ModelMeta } {
  const { header, tensors } = decode(bytes);
  if (header.kind !== 'checkpoint' || !header.trainer) {
    throw new ModelFormatError('this is a model file, not a resumable checkpoint (it has no training state)');
  }
  const model = modelFrom(header, tensors);
  const np = model.params().length;
  const { hasVelocity, ...trainer } = header.trainer;
  if (tensors.length !== (hasVelocity ? 2 * np : np)) throw new ModelFormatError('checkpoint has the wrong number of tensors');
  const snapshot: TrainerSnapshot = {
    ...trainer,
    config: model.config,
    params: tensors.slice(0, np),
    velocity: hasVelocity ? tensors.slice(np) : null,
  };
  return { snapshot, meta: header.meta ?? {} };
}
