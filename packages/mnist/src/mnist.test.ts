// Tests for pairing image and label files into Splits: the happy path, gzip input, and each mismatch error.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IdxError, writeIdx } from './idx.js';
import { loadMnistFromBytes } from './mnist.js';
import { makeSplitBytes, rejectsWith } from './testing/fixtures.js';

const train = makeSplitBytes(60, 28, 28);
const test = makeSplitBytes(20, 28, 28, 10, 2);
const files = { trainImages: train.images, trainLabels: train.labels, testImages: test.images, testLabels: test.labels };

const rejection = (p: Promise<unknown>) => rejectsWith(p, IdxError);

describe('loadMnistFromBytes', () => {
  it('pairs images with labels, keeping pixels as Uint8 views', async () => {
    const m = await loadMnistFromBytes(files);
    expect(m.train).toMatchObject({ count: 60, rows: 28, cols: 28 });
    expect(m.test.count).toBe(20);
    expect(m.train.images).toBeInstanceOf(Uint8Array);
    expect(m.train.images.length).toBe(60 * 784);
    expect(m.train.images.buffer).toBe(train.images.buffer);
    expect(m.train.images[784 * 5]).toBe(5); // row 0 of image 5 is filled with 5
    expect(Array.from(m.test.labels)).toEqual(Array.from(test.labels.subarray(8)));
  });

  it('accepts gzip input', async () => {
    const gz = { ...files, trainImages: gzipSync(train.images), testLabels: gzipSync(test.labels) };
    const m = await loadMnistFromBytes(gz);
    expect(m.train.images[784 * 7]).toBe(7);
  });

  it('rejects image and label counts that differ', async () => {
    const labels = writeIdx({ dims: [59], data: new Uint8Array(59) });
    const e = await rejection(loadMnistFromBytes({ ...files, trainLabels: labels }, { names: { trainLabels: 'l.gz', trainImages: 'i.gz' } }));
    expect(e.code).toBe('COUNT_MISMATCH');
    expect(e.message).toContain('i.gz holds 60 images but l.gz holds 59 labels');
  });

  it('rejects labels out of range, and honours classes', async () => {
    const labels = Uint8Array.from(train.labels);
    labels[8 + 3] = 10;
    const e = await rejection(loadMnistFromBytes({ ...files, trainLabels: labels }));
    expect(e.code).toBe('LABEL_RANGE');
    expect(e.message).toContain('label 10 of example 3 is outside 0..9');
    await expect(loadMnistFromBytes({ ...files, trainLabels: labels }, { classes: 11 })).resolves.toBeDefined();
    expect((await rejection(loadMnistFromBytes(files, { classes: 5 }))).code).toBe('LABEL_RANGE');
  });

  it('rejects files swapped or of the wrong shape', async () => {
    expect((await rejection(loadMnistFromBytes({ ...files, trainImages: train.labels, trainLabels: train.images }))).code).toBe('BAD_SHAPE');
    const floats = writeIdx({ dims: [60, 28, 28], data: new Float32Array(60 * 784) });
    expect((await rejection(loadMnistFromBytes({ ...files, trainImages: floats }))).code).toBe('BAD_SHAPE');
    const small = makeSplitBytes(20, 14, 14);
    expect((await rejection(loadMnistFromBytes({ ...files, testImages: small.images }))).message).toContain('test images are 14x14');
  });

  it('passes file-level errors through with the file name', async () => {
    const e = await rejection(loadMnistFromBytes({ ...files, testImages: test.images.subarray(0, 100) }, { names: { testImages: 't10k.gz' } }));
    expect(e.code).toBe('SHORT_PAYLOAD');
    expect(e.message).toContain('t10k.gz');
  });

  it('rejects a bad classes option', async () => {
    await expect(loadMnistFromBytes(files, { classes: 0 })).rejects.toThrow(RangeError);
  });
});
