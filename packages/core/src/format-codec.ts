// The model file's container, shared by models and checkpoints: magic, version, the JSON header (config, tensor list,
// metadata, trainer state), the float32 tensor section and the checksum, with the ceilings checked before anything is
// allocated. Bytes in, bytes out; it builds no network and knows nothing of training (format.ts does that).
import { type FullConfig, resolveConfig } from './config.js';
import type { TrainerSnapshot } from './train-state.js';

/** The first four bytes of every model and checkpoint file. */
export const MAGIC = 'MLPW';
/** The file format version this library writes (and the only one it reads). */
export const FORMAT_VERSION = 1;

/** Free-form, JSON-safe facts stored with a model: training settings, metrics, dataset name… */
export type ModelMeta = Record<string, unknown>;

/** One tensor's entry in the header: name and shape. */
export interface TensorEntry {
  name: string;
  shape: number[];
}

/** A file's JSON header. */
interface Header {
  kind: 'model' | 'checkpoint';
  config: FullConfig;
  tensors: TensorEntry[];
  meta: ModelMeta;
  /**
   * Checkpoints only: the trainer state other than tensors (dtype, backend and threads are optional: newer files),
   * and which tensor sets follow the parameters, in this order: velocity, Adam's second moments, early stopping's best
   * parameters (the last two absent in older files: none).
   */
  trainer?: Omit<TrainerSnapshot, 'config' | 'params' | 'velocity' | 'secondMoments' | 'bestParams'> & {
    hasVelocity: boolean;
    hasSecondMoments?: boolean;
    hasBestParams?: boolean;
  };
}

/** A checkpoint's tensor sets after the parameters, by their header flags, with the prefix of their tensors' names. */
export const SETS = [
  ['hasVelocity', 'velocity', 'v_'],
  ['hasSecondMoments', 'secondMoments', 'm2_'],
  ['hasBestParams', 'bestParams', 'best_'],
] as const;

const KINDS: readonly Header['kind'][] = ['model', 'checkpoint'];

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

/** CRC-32 (IEEE 802.3, as zlib) of the bytes: the checksum that ends every file. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A short description of a value for error messages: its type or class. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  const an = (w: string) => `${/^[aeiou]/i.test(w) ? 'an' : 'a'} ${w}`;
  if (typeof v !== 'object') return an(typeof v);
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? an(name) : 'a plain object';
}

/** Saving refuses what loading would refuse: wrong sizes, NaN/Inf values, and meta that is not JSON. */
export function encode(header: Header, tensors: ArrayLike<number>[]): Uint8Array {
  header.meta ??= {};
  if (typeof header.meta !== 'object' || Array.isArray(header.meta)) {
    throw new TypeError(`meta must be a plain object of JSON values, got ${describe(header.meta)}`);
  }
  try {
    JSON.stringify(header.meta);
  } catch (e) {
    throw new TypeError(`meta must be plain JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  header.tensors.forEach((entry, k) => {
    const t = tensors[k]!;
    const n = entry.shape.reduce((a, b) => a * b, 1);
    if (t?.length !== n) {
      throw new RangeError(`cannot save: tensor ${entry.name} has ${t?.length} values, but layers ${header.config.layers.join('-')} give it shape [${entry.shape}] = ${n}`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(t[i])) {
        throw new RangeError(
          `cannot save: tensor ${entry.name} holds ${t[i]} at index ${i}; weights must be finite (if training diverged, retrain with a lower learning rate)`,
        );
      }
    }
  });
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > MODEL_LIMITS.headerBytes) {
    throw new RangeError(`cannot save: the header (config, metadata and training state) is ${json.length} bytes, more than the ${MODEL_LIMITS.headerBytes} (4 MiB) a model file may hold`);
  }
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

/**
 * Ceilings a model file must respect, checked from its header before anything is allocated for its tensors or any
 * network is built: a small file that declares a huge network is refused at once.
 */
export const MODEL_LIMITS = {
  /** Bytes of the JSON header (config, tensor list, metadata, and a checkpoint's trainer state and history): 4 MiB. */
  headerBytes: 4 << 20,
  /** Entries of config.layers, input and output widths included. */
  layers: 64,
  /** Weights and biases of the whole network (200 MB as float32; a checkpoint may hold as many velocities again). */
  parameters: 50_000_000,
} as const;

/** Layer widths for messages, e.g. 784-50-10; a deep list shortened to its first four and its last. */
export function archName(L: readonly number[]): string {
  return L.length > 8 ? `${L.slice(0, 4).join('-')}-…-${L[L.length - 1]}` : L.join('-');
}

/** At most 60 characters of a value from a file, for error messages. */
function quote(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The tensors a header's config needs, checked against the ceilings and the header's tensor list; nothing allocated. */
function plan(header: Header): { config: FullConfig; np: number; floats: number } {
  let config: FullConfig;
  try {
    config = resolveConfig(header.config);
  } catch (e) {
    throw new ModelFormatError(`model file has an invalid network config: ${(e as Error).message}`);
  }
  const L = config.layers;
  const arch = archName(L);
  if (L.length > MODEL_LIMITS.layers) {
    throw new ModelFormatError(`model file declares ${L.length} layer widths (${arch}), more than the ${MODEL_LIMITS.layers} this library loads`);
  }
  const entries: TensorEntry[] = [];
  let parameters = 0;
  for (let l = 0; l + 1 < L.length; l++) {
    entries.push({ name: `W${l}`, shape: [L[l + 1]!, L[l]!] }, { name: `b${l}`, shape: [L[l + 1]!] });
    parameters += (L[l]! + 1) * L[l + 1]!;
  }
  if (parameters > MODEL_LIMITS.parameters) {
    throw new ModelFormatError(
      `model file declares layers ${arch}: ${parameters.toLocaleString('en-US')} parameters, more than the ${MODEL_LIMITS.parameters.toLocaleString('en-US')} this library loads`,
    );
  }
  const np = entries.length;
  const count = header.tensors.length;
  const allowed = header.kind === 'checkpoint' ? [np, 2 * np, 3 * np, 4 * np] : [np];
  if (count > np && !allowed.includes(count)) {
    throw new ModelFormatError(
      `${header.kind} file has ${count} tensors, but layers ${arch} need ${allowed.join(' or ')}` +
        (header.kind === 'checkpoint'
          ? ` (${np} parameters, then ${np} each of the velocities, second moments and best parameters its trainer state lists)`
          : ` (${np} parameters)`),
    );
  }
  // The sets' names from the header's flags where they account for every tensor (loadCheckpoint checks them), else by number.
  const flagged = SETS.filter(([flag]) => (header.trainer as Record<string, unknown> | undefined)?.[flag] === true).map(([, , prefix]) => prefix);
  const params = [...entries];
  for (let k = 1; k < count / np; k++) {
    const prefix = flagged.length === count / np - 1 ? flagged[k - 1]! : k === 1 ? 'v_' : `s${k}_`;
    entries.push(...params.map((e) => ({ name: `${prefix}${e.name}`, shape: e.shape })));
  }
  entries.forEach(({ name, shape }, i) => {
    const entry = header.tensors[i] as Partial<TensorEntry> | undefined;
    const same = Array.isArray(entry?.shape) && entry.shape.length === shape.length && entry.shape.every((d, k) => d === shape[k]);
    if (!entry || entry.name !== name || !same) {
      const dims = Array.isArray(entry?.shape) ? entry.shape.join(',') : entry?.shape;
      const found = entry && typeof entry === 'object' ? `${quote(entry.name)} [${quote(dims)}]` : 'missing';
      throw new ModelFormatError(`model file tensor ${i} is ${found}, but layers ${arch} need ${name} [${shape}]`);
    }
  });
  return { config, np, floats: parameters * Math.max(1, count / np) };
}

/**
 * Read and check a file in the order that allocates least: fixed fields, the header (bounded), the tensor list
 * against the config and the ceilings, the exact byte length, the checksum; only then the tensors.
 */
export function decode(bytes: Uint8Array): { header: Header; config: FullConfig; np: number; tensors: Float32Array[] } {
  if (!(bytes instanceof Uint8Array)) {
    const hint = ArrayBuffer.isView(bytes)
      ? 'view its bytes with new Uint8Array(data.buffer, data.byteOffset, data.byteLength)'
      : 'wrap an ArrayBuffer as new Uint8Array(buffer)';
    throw new ModelFormatError(`model data must be a Uint8Array, got ${describe(bytes)}; ${hint}`);
  }
  if (bytes.length < 16) throw new ModelFormatError(`not a model file: only ${bytes.length} bytes`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new ModelFormatError(`not a model file: it starts with ${JSON.stringify(magic)}, expected "${MAGIC}"`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw new ModelFormatError(`unsupported model file version ${version}; this library reads version ${FORMAT_VERSION}`);
  }
  const hlen = dv.getUint32(8, true);
  if (12 + hlen + 4 > bytes.length) {
    throw new ModelFormatError(
      `model file is corrupt or truncated: its header length field says ${hlen} bytes, which cannot fit in the whole file (${bytes.length} bytes)`,
    );
  }
  if (hlen > MODEL_LIMITS.headerBytes) {
    throw new ModelFormatError(`model file header is ${hlen} bytes, more than the ${MODEL_LIMITS.headerBytes} (4 MiB) this library reads`);
  }
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + hlen)));
  } catch (e) {
    throw new ModelFormatError(`model file header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.tensors) || typeof header.config !== 'object') {
    throw new ModelFormatError('model file header lacks its config or tensor list');
  }
  if (!KINDS.includes(header.kind)) {
    throw new ModelFormatError(`model file kind ${quote(JSON.stringify(header.kind))} is unknown; this library reads "model" and "checkpoint" files`);
  }
  header.meta ??= {};
  if (typeof header.meta !== 'object' || Array.isArray(header.meta)) {
    throw new ModelFormatError(`model file metadata must be a JSON object, got ${describe(header.meta)}`);
  }
  const { config, np, floats } = plan(header);
  const expected = 12 + hlen + floats * 4 + 4;
  if (bytes.length < expected) {
    throw new ModelFormatError(`model file is truncated: ${bytes.length} bytes, but its header and layers ${config.layers.join('-')} need ${expected} bytes`);
  }
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
  return { header, config, np, tensors };
}

