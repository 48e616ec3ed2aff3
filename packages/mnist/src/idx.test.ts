// Tests for the IDX reader/writer: golden bytes, round trips of every element type, gzip, and every error code.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IdxError, type IdxErrorCode, type IdxType, parseIdxRaw, writeIdx } from './idx.js';
import { parseIdx } from './inflate.js';
import { gunzipNode } from './node.js';
import { rejectsWith } from './testing/fixtures.js';

function expectIdxError(fn: () => unknown, code: IdxErrorCode, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IdxError);
  expect((caught as IdxError).code).toBe(code);
  for (const f of fragments) expect((caught as IdxError).message).toContain(f);
}

async function expectIdxRejection(p: Promise<unknown>, code: IdxErrorCode, ...fragments: string[]): Promise<void> {
  const e = await rejectsWith(p, IdxError);
  expect(e.code).toBe(code);
  for (const f of fragments) expect(e.message).toContain(f);
}

describe('writeIdx', () => {
  it('writes the documented big-endian layout (golden bytes)', () => {
    const ubyte = writeIdx({ dims: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 255) });
    expect(Array.from(ubyte)).toEqual([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
    const short = writeIdx({ dims: [2], data: Int16Array.of(0x0102, -2) });
    expect(Array.from(short)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    const float = writeIdx({ dims: [1], data: Float32Array.of(1) });
    expect(Array.from(float.subarray(8))).toEqual([0x3f, 0x80, 0, 0]);
    const byte = writeIdx({ dims: [1], data: Int8Array.of(-1) });
    expect(byte[8]).toBe(0xff);
  });

  it('converts values to an explicit type', () => {
    const out = parseIdxRaw(writeIdx({ dims: [3], data: [1, 2, 300], type: 'int' }));
    expect(out.type).toBe('int');
    expect(Array.from(out.data)).toEqual([1, 2, 300]);
  });

  it('rejects bad shapes and data', () => {
    expect(() => writeIdx({ dims: [2, 2], data: new Uint8Array(3) })).toThrow(/hold 4 values, data has 3/);
    expect(() => writeIdx({ dims: [], data: new Uint8Array(0) })).toThrow(/1 to 255 dimensions/);
    expect(() => writeIdx({ dims: [-1], data: new Uint8Array(0) })).toThrow(/not an integer/);
    expect(() => writeIdx({ dims: [1.5], data: new Uint8Array(0) })).toThrow(/not an integer/);
    expect(() => writeIdx({ dims: [1], data: [1] })).toThrow(TypeError);
    expect(() => writeIdx({ dims: [1], data: [1], type: 'long' as IdxType })).toThrow(/unknown type/);
  });
});

describe('parseIdxRaw', () => {
  const cases: [IdxType, number[], ArrayLike<number>][] = [
    ['ubyte', [2, 2, 2], [0, 1, 127, 128, 200, 254, 255, 3]],
    ['byte', [4], [-128, -1, 0, 127]],
    ['short', [2, 2], [-32768, -1, 258, 32767]],
    ['int', [3], [-2147483648, 16909060, 2147483647]],
    ['float', [1, 1, 1, 4], [1.5, -0, Number.POSITIVE_INFINITY, -3.25]],
    ['double', [2, 1], [Math.PI, -1e300]],
  ];
  for (const [type, dims, values] of cases) {
    it(`round-trips ${type} with ${dims.length} dimensions`, () => {
      const out = parseIdxRaw(writeIdx({ dims, data: values, type }));
      expect(out.type).toBe(type);
      expect(out.dims).toEqual(dims);
      expect(Array.from(out.data)).toEqual(Array.from(values));
    });
  }

  it('round-trips NaN in float and double', () => {
    expect(Number.isNaN(parseIdxRaw(writeIdx({ dims: [1], data: Float32Array.of(Number.NaN) })).data[0])).toBe(true);
    expect(Number.isNaN(parseIdxRaw(writeIdx({ dims: [1], data: Float64Array.of(Number.NaN) })).data[0])).toBe(true);
  });

  it('returns byte payloads as views of the input (no copy), even at an odd offset', () => {
    const file = writeIdx({ dims: [3], data: Uint8Array.of(7, 8, 9) });
    const padded = new Uint8Array(file.length + 1);
    padded.set(file, 1);
    const out = parseIdxRaw(padded.subarray(1));
    expect(out.data.buffer).toBe(padded.buffer);
    expect(Array.from(out.data)).toEqual([7, 8, 9]);
  });

  it('accepts an empty first dimension', () => {
    const out = parseIdxRaw(writeIdx({ dims: [0, 28, 28], data: new Uint8Array(0) }));
    expect(out.dims).toEqual([0, 28, 28]);
    expect(out.data.length).toBe(0);
  });

  it('rejects a wrong magic number, naming the file', () => {
    const f = writeIdx({ dims: [1], data: Uint8Array.of(1) });
    f[1] = 1;
    expectIdxError(() => parseIdxRaw(f, { name: 'x.idx' }), 'BAD_MAGIC', 'x.idx', '00 01 08 01');
  });

  it('rejects zero dimensions', () => {
    expectIdxError(() => parseIdxRaw(Uint8Array.of(0, 0, 8, 0)), 'BAD_MAGIC', '0 dimensions');
  });

  it('rejects an unknown type code', () => {
    const f = writeIdx({ dims: [1], data: Uint8Array.of(1) });
    f[2] = 0x0a;
    expectIdxError(() => parseIdxRaw(f), 'BAD_TYPE', '0x0a');
  });

  it('rejects a header cut short', () => {
    expectIdxError(() => parseIdxRaw(Uint8Array.of(0, 0)), 'SHORT_HEADER');
    expectIdxError(() => parseIdxRaw(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1)), 'SHORT_HEADER', '3 dimensions');
  });

  it('rejects a payload shorter or longer than the dimensions say', () => {
    const f = writeIdx({ dims: [2, 3], data: new Int16Array(6), type: 'short' });
    expectIdxError(() => parseIdxRaw(f.subarray(0, f.length - 1)), 'SHORT_PAYLOAD', 'payload is 11 bytes', '2x3 of short need 12', 'truncated');
    const longer = new Uint8Array(f.length + 2);
    longer.set(f);
    expectIdxError(() => parseIdxRaw(longer), 'LONG_PAYLOAD', 'payload is 14 bytes');
  });

  it('refuses gzip input (the async parser inflates it)', () => {
    expectIdxError(() => parseIdxRaw(gzipSync(writeIdx({ dims: [1], data: Uint8Array.of(1) }))), 'GZIP', 'parseIdx');
  });
});

describe('parseIdx (gzip)', () => {
  const raw = writeIdx({ dims: [50, 4, 5], data: Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256) });
  const gz = gzipSync(raw);

  it('inflates gzip with DecompressionStream and with a supplied gunzip', async () => {
    const viaWeb = await parseIdx(gz);
    const viaNode = await parseIdx(gz, { gunzip: gunzipNode });
    expect(viaWeb.dims).toEqual([50, 4, 5]);
    expect(Array.from(viaWeb.data)).toEqual(Array.from(parseIdxRaw(raw).data));
    expect(Array.from(viaNode.data)).toEqual(Array.from(viaWeb.data));
  });

  it('parses uncompressed bytes too', async () => {
    expect((await parseIdx(raw)).dims).toEqual([50, 4, 5]);
  });

  it('reports truncated gzip as GZIP with the file name, on both inflaters', async () => {
    const cut = gz.subarray(0, gz.length - 30);
    await expectIdxRejection(parseIdx(cut, { name: 'cut.gz' }), 'GZIP', 'cut.gz', 'truncated or corrupt');
    await expectIdxRejection(parseIdx(cut, { name: 'cut.gz', gunzip: gunzipNode }), 'GZIP', 'cut.gz');
  });

  it('reports corrupt deflate data as GZIP', async () => {
    const bad = Uint8Array.from(gz);
    bad.fill(0xff, 10, 40);
    await expectIdxRejection(parseIdx(bad), 'GZIP');
  });

  it('still checks the inflated payload', async () => {
    await expectIdxRejection(parseIdx(gzipSync(raw.subarray(0, raw.length - 5))), 'SHORT_PAYLOAD');
  });
});
