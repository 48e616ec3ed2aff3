// The IDX file format (LeCun's MNIST container): bytes in, typed arrays out, and back; the header read on its own.
// Isomorphic: no Node imports. Inflating gzip is inflate.ts's job; MNIST's meaning is mnist.ts's, files and networks node.ts's.

/** Why an IDX (or MNIST) input was rejected. Stable strings: match on `code`, not on the message. */
export type IdxErrorCode =
  | 'BAD_MAGIC' // first two bytes are not zero, or zero dimensions declared
  | 'BAD_TYPE' // unknown element type code (third byte)
  | 'SHORT_HEADER' // fewer bytes than the header needs
  | 'SHORT_PAYLOAD' // fewer payload bytes than the dimensions say
  | 'LONG_PAYLOAD' // more payload bytes than the dimensions say
  | 'GZIP' // gzip input that could not be inflated (truncated or corrupt), or gzip given to the sync parser
  | 'BAD_SHAPE' // a valid IDX file, but not the shape the caller needs (e.g. labels with 2 dimensions)
  | 'COUNT_MISMATCH' // image and label files hold different numbers of examples
  | 'LABEL_RANGE' // a label outside 0..classes-1
  | 'TOO_LARGE'; // the header declares more bytes than the caller's limit (maxBytes)

/** Bytes that are not the IDX file the caller needs; `code` says why, the message names the file. */
export class IdxError extends Error {
  /** Always 'IdxError'. */
  override name = 'IdxError';
  constructor(
    /** What is wrong, stable for programs to test. */
    readonly code: IdxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The IDX element types: unsigned and signed bytes, big-endian 16- and 32-bit integers, 32- and 64-bit floats. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

/** One IDX element type's code and size. */
export interface IdxTypeInfo {
  /** The type code, byte 3 of the magic number (0x08 for ubyte … 0x0e for double). */
  readonly code: number;
  /** Bytes per element. */
  readonly bytes: number;
}

/** Element types, by their IDX type code (byte 3 of the magic number). */
export const IDX_TYPES: Readonly<Record<IdxType, IdxTypeInfo>> = {
  ubyte: { code: 0x08, bytes: 1 },
  byte: { code: 0x09, bytes: 1 },
  short: { code: 0x0b, bytes: 2 },
  int: { code: 0x0c, bytes: 4 },
  float: { code: 0x0d, bytes: 4 },
  double: { code: 0x0e, bytes: 8 },
};

/** An IDX payload as a typed array, one kind per IdxType (ubyte: Uint8Array, byte: Int8Array, …, double: Float64Array). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: `data` is row-major with shape `dims` (first dimension = number of items). */
export interface IdxArray {
  /** The element type. */
  type: IdxType;
  /** The dimensions, first = number of items (e.g. [60000, 28, 28]). */
  dims: number[];
  /** The elements, row-major. */
  data: IdxData;
}

/** What the header says: element type, dimensions, and the exact byte lengths they imply. */
export interface IdxHeader {
  /** The element type. */
  type: IdxType;
  /** The dimensions, first = number of items. */
  dims: number[];
  /** 4 + 4 × dims.length. */
  headerBytes: number;
  /** Product of dims × the element size. */
  payloadBytes: number;
}

/** Bounds on an IDX file, applied to its header before any payload is allocated or inflated. */
export interface IdxLimits {
  /** Largest whole file (header + payload) accepted, in bytes. Default MAX_IDX_BYTES (256 MiB). */
  maxBytes?: number;
  /** Sees the header before the payload is allocated; throw (an IdxError naming the file) to refuse the file. */
  checkHeader?: (header: IdxHeader) => void;
}

export interface ParseIdxOptions extends IdxLimits {
  /** Named in error messages, e.g. the file name. */
  name?: string;
  /**
   * Inflates gzip bytes. Default: gunzipWeb, the platform's `DecompressionStream('gzip')`. `@mlp/mnist/node` passes
   * gunzipNode (Node's zlib). Both stop at the size the IDX header allows (see inflate.ts); a replacement is given
   * the limits as its third argument, and its output is checked against them afterwards either way.
   */
  gunzip?: (gz: Uint8Array, name?: string, limits?: IdxLimits) => Uint8Array | Promise<Uint8Array>;
}

/** The default IDX size ceiling: 256 MiB, over 5× MNIST's largest file (47 MB inflated). Raise it with maxBytes. */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

const TYPE_BY_CODE = new Map<number, IdxType>(Object.entries(IDX_TYPES).map(([k, v]) => [v.code, k as IdxType]));

export const label = (name: string | undefined): string => name ?? 'IDX data';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parse uncompressed IDX bytes synchronously. Byte-typed payloads are views into `bytes` (no copy);
 * multi-byte types are converted from big-endian into a new array.
 */
export function parseIdxRaw(bytes: Uint8Array, options: Pick<ParseIdxOptions, 'name'> = {}): IdxArray {
  const what = label(options.name);
  if (isGzip(bytes)) {
    throw new IdxError('GZIP', `${what}: is gzip-compressed; use parseIdx (async), which inflates it, instead of parseIdxRaw.`);
  }
  const h = readIdxHeader(bytes, options.name);
  const { type, dims, headerBytes } = h;
  const need = h.payloadBytes;
  const have = bytes.length - headerBytes;
  if (have !== need) {
    const code = have < need ? 'SHORT_PAYLOAD' : 'LONG_PAYLOAD';
    const advice = have < need ? 'the file is truncated' : 'the file has trailing data or a wrong header';
    throw new IdxError(code, `${what}: payload is ${have} bytes but dimensions ${dims.join('x')} of ${type} need ${need}; ${advice}.`);
  }
  return { type, dims, data: readPayload(type, bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), headerBytes, need / IDX_TYPES[type].bytes) };
}

/**
 * Read the header at the start of `bytes` (uncompressed IDX, possibly only its first bytes): SHORT_HEADER when
 * `bytes` ends inside it, BAD_MAGIC / BAD_TYPE when it is not IDX. The first 4 bytes alone decide BAD_MAGIC / BAD_TYPE.
 */
export function readIdxHeader(bytes: Uint8Array, name?: string): IdxHeader {
  const what = label(name);
  if (bytes.length < 4) {
    throw new IdxError('SHORT_HEADER', `${what}: ${bytes.length} bytes is too short for an IDX header (4-byte magic number); the file is truncated.`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new IdxError('BAD_MAGIC', `${what}: magic number ${hex} is not IDX (it must start 00 00); this is not an IDX file.`);
  }
  const type = TYPE_BY_CODE.get(bytes[2]!);
  if (type === undefined) {
    throw new IdxError('BAD_TYPE', `${what}: unknown IDX element type code 0x${bytes[2]!.toString(16).padStart(2, '0')} (known: 08 ubyte, 09 byte, 0b short, 0c int, 0d float, 0e double).`);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) throw new IdxError('BAD_MAGIC', `${what}: the header declares 0 dimensions; an IDX file needs at least one.`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new IdxError('SHORT_HEADER', `${what}: ${bytes.length} bytes is too short for a header with ${ndims} dimensions (${headerBytes} bytes); the file is truncated.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  return { type, dims, headerBytes, payloadBytes: count * IDX_TYPES[type].bytes };
}

/** Big-endian (DataView's default byte order) access for the multi-byte types; byte types are plain views. */
const WIDE = {
  short: { make: (n: number) => new Int16Array(n), get: (v: DataView, o: number) => v.getInt16(o), set: (v: DataView, o: number, x: number) => v.setInt16(o, x) },
  int: { make: (n: number) => new Int32Array(n), get: (v: DataView, o: number) => v.getInt32(o), set: (v: DataView, o: number, x: number) => v.setInt32(o, x) },
  float: { make: (n: number) => new Float32Array(n), get: (v: DataView, o: number) => v.getFloat32(o), set: (v: DataView, o: number, x: number) => v.setFloat32(o, x) },
  double: { make: (n: number) => new Float64Array(n), get: (v: DataView, o: number) => v.getFloat64(o), set: (v: DataView, o: number, x: number) => v.setFloat64(o, x) },
} as const;

function readPayload(type: IdxType, bytes: Uint8Array, view: DataView, at: number, n: number): IdxData {
  if (type === 'ubyte') return new Uint8Array(bytes.buffer, bytes.byteOffset + at, n);
  if (type === 'byte') return new Int8Array(bytes.buffer, bytes.byteOffset + at, n);
  const { make, get } = WIDE[type];
  const step = IDX_TYPES[type].bytes;
  const out = make(n);
  for (let i = 0; i < n; i++) out[i] = get(view, at + step * i);
  return out;
}

/** The IDX element type that stores a typed array's values without loss. */
export function idxTypeOf(data: IdxData): IdxType {
  if (data instanceof Uint8Array) return 'ubyte';
  if (data instanceof Int8Array) return 'byte';
  if (data instanceof Int16Array) return 'short';
  if (data instanceof Int32Array) return 'int';
  if (data instanceof Float32Array) return 'float';
  if (data instanceof Float64Array) return 'double';
  throw new TypeError('writeIdx: data must be a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array');
}

/**
 * Serialise to uncompressed IDX (big-endian header and payload). `type` defaults to the one matching `data`;
 * values are converted to it (so pass a matching array to avoid rounding). Gzip it yourself if wanted.
 */
export function writeIdx(arr: { dims: readonly number[]; data: IdxData | ArrayLike<number>; type?: IdxType }): Uint8Array {
  const { dims, data } = arr;
  const type = arr.type ?? idxTypeOf(data as IdxData);
  const info = IDX_TYPES[type];
  if (info === undefined) throw new TypeError(`writeIdx: unknown type ${String(type)}`);
  if (dims.length < 1 || dims.length > 255) throw new RangeError(`writeIdx: IDX needs 1 to 255 dimensions, got ${dims.length}`);
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new RangeError(`writeIdx: dimension ${d} is not an integer in 0..2^32-1`);
    count *= d;
  }
  if (data.length !== count) throw new RangeError(`writeIdx: dimensions ${dims.join('x')} hold ${count} values, data has ${data.length}`);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  if (type === 'ubyte' || type === 'byte') {
    // TypedArray#set converts modulo 256, so an Int8 -1 is stored as the byte 0xff, as IDX `byte` wants.
    out.set(data, header);
  } else {
    const { set } = WIDE[type];
    for (let i = 0; i < count; i++) set(view, header + info.bytes * i, data[i]!);
  }
  return out;
}
