// Tests for the Node entry: offline import, loadMnist from a folder or the cache, gunzipNode, descriptors,
// and an integration test on the real MNIST files when ../shared/data/mnist has them.
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatasetDescriptor, type MnistRole, ROLES } from './descriptors.js';
import {
  DatasetError,
  FASHION_MNIST,
  MNIST,
  batches,
  cachedFiles,
  checkDescriptor,
  datasetDir,
  gunzipNode,
  importFrom,
  loadMnist,
  scaling,
  splitTrainValidation,
} from './node.js';
import { type TestServer, generatedDataset, pseudoBytes, realMnistDir, rejectsWith, startServer, tempDir } from './testing/fixtures.js';

// Small generated files keep these tests fast; the real files get their own block below.
const gen = generatedDataset();
const desc = gen.descriptor;
const name = (r: MnistRole) => desc.files[r].name;
const env = {};

const datasetError = (p: Promise<unknown>) => rejectsWith(p, DatasetError);

describe('importFrom', () => {
  it('copies and verifies the four files into the cache, then loadMnist reads them offline', async () => {
    const cacheDir = tempDir();
    const paths = await importFrom(gen.dir, desc, { cacheDir, env });
    expect(paths.trainImages).toBe(join(datasetDir(cacheDir, desc), name('trainImages')));
    expect(readdirSync(datasetDir(cacheDir, desc)).filter((f) => !f.endsWith('.verified')).sort()).toEqual(ROLES.map(name).sort());
    expect(await cachedFiles(desc, { cacheDir, env })).toEqual(paths);
    const m = await loadMnist({ descriptor: desc, cacheDir, env, download: false });
    expect([m.train.count, m.test.count]).toEqual([1000, 200]);
  });

  it('names a missing file and the folder', async () => {
    const dir = tempDir();
    copyFileSync(join(gen.dir, name('trainImages')), join(dir, name('trainImages')));
    const e = await datasetError(importFrom(dir, desc, { cacheDir: tempDir(), env }));
    expect(e.code).toBe('MISSING_FILE');
    expect(e.message).toContain(`${name('trainLabels')} is not in ${dir}`);
  });

  it('refuses a file that does not match its checksum and leaves nothing in the cache', async () => {
    const dir = tempDir();
    for (const r of ROLES) copyFileSync(join(gen.dir, name(r)), join(dir, name(r)));
    const bad = readFileSync(join(dir, name('testImages')));
    bad[100]! ^= 0xff;
    writeFileSync(join(dir, name('testImages')), bad);
    const cacheDir = tempDir();
    const e = await datasetError(importFrom(dir, desc, { cacheDir, env }));
    expect(e.code).toBe('CHECKSUM');
    expect(e.message).toContain(join(dir, name('testImages')));
    expect(e.message).toMatch(/sha256 is [0-9a-f]{64}, expected/);
    expect(readdirSync(datasetDir(cacheDir, desc)).filter((f) => f.includes('t10k-images'))).toEqual([]);
  });
});

describe('loadMnist', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(gen.files);
  });
  afterAll(() => server.close());

  it('reads a folder of gz files, or of inflated files without .gz', async () => {
    const fromGz = await loadMnist({ dir: gen.dir, descriptor: desc });
    const plain = tempDir();
    for (const r of ROLES) writeFileSync(join(plain, name(r).replace(/\.gz$/, '')), gunzipSync(readFileSync(join(gen.dir, name(r)))));
    const fromRaw = await loadMnist({ dir: plain, descriptor: desc });
    expect(fromRaw.train.count).toBe(1000);
    expect(Buffer.from(fromRaw.test.images).equals(Buffer.from(fromGz.test.images))).toBe(true);
  });

  it('says which file is missing from a folder', async () => {
    const e = await datasetError(loadMnist({ dir: tempDir(), descriptor: desc }));
    expect(e.code).toBe('MISSING_FILE');
    expect(e.message).toContain(name('trainImages'));
  });

  it('names the file when its contents are bad', async () => {
    const dir = tempDir();
    for (const r of ROLES) copyFileSync(join(gen.dir, name(r)), join(dir, name(r)));
    const gz = readFileSync(join(dir, name('trainLabels')));
    writeFileSync(join(dir, name('trainLabels')), gz.subarray(0, gz.length - 12));
    await expect(loadMnist({ dir, descriptor: desc })).rejects.toThrow(`${join(dir, name('trainLabels'))}: the gzip data could not be inflated`);
  });

  it('with download: false, reports an empty cache instead of going online', async () => {
    const cacheDir = tempDir();
    const e = await datasetError(loadMnist({ descriptor: desc, cacheDir, env, download: false }));
    expect(e.code).toBe('NOT_CACHED');
    expect(e.message).toContain(datasetDir(cacheDir, desc));
  });

  it('downloads into the cache when allowed', async () => {
    const cacheDir = tempDir();
    const m = await loadMnist({ descriptor: desc, cacheDir, env, mirrors: [server.mirror('ok')], retries: 0 });
    expect(m.test.count).toBe(200);
    expect(await cachedFiles(desc, { cacheDir, env })).not.toBeNull();
  });
});

describe('gunzipNode', () => {
  it('inflates into a buffer sized from the gzip trailer (no doubled copy)', () => {
    const raw = pseudoBytes(1 << 20, 5);
    const out = gunzipNode(gzipSync(raw));
    expect(Buffer.from(out).equals(Buffer.from(raw))).toBe(true);
    expect(out.buffer.byteLength).toBeLessThanOrEqual(raw.length + 1);
  });

  it('passes non-gzip bytes through', () => {
    const raw = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 0);
    expect(gunzipNode(raw)).toBe(raw);
  });
});

describe('descriptors', () => {
  it('the built-in descriptors are valid, with the https mirrors first and the original host last', () => {
    for (const d of [MNIST, FASHION_MNIST]) {
      expect(() => checkDescriptor(d)).not.toThrow();
      expect(d.mirrors.at(-1)).toMatch(/^http:/);
      expect(d.mirrors.slice(0, -1).every((m) => m.startsWith('https://'))).toBe(true);
    }
    expect(MNIST.mirrors[0]).toBe('https://ossci-datasets.s3.amazonaws.com/mnist/');
    expect(MNIST.mirrors[2]).toBe('http://yann.lecun.com/exdb/mnist/');
  });

  it('rejects a malformed user descriptor with the field named', () => {
    const ok: DatasetDescriptor = desc;
    expect(() => checkDescriptor({ ...ok, id: 'Has Space' })).toThrow(/id must be/);
    expect(() => checkDescriptor({ ...ok, classes: 1 })).toThrow(/classes/);
    expect(() => checkDescriptor({ ...ok, files: { ...ok.files, testLabels: { name: '../escape' } } })).toThrow(/files.testLabels.name/);
    expect(() => checkDescriptor({ ...ok, files: { ...ok.files, trainImages: { name: 'a.gz', sha256: 'ABC' } } })).toThrow(/sha256/);
    expect(() => checkDescriptor({ ...ok, files: { ...ok.files, trainImages: { name: 'a.gz', md5: '12' } } })).toThrow(/md5/);
    expect(() => checkDescriptor({ ...ok, files: { ...ok.files, trainImages: { name: 'a.gz', size: -1 } } })).toThrow(/size/);
  });
});

const realDir = realMnistDir();
if (!realDir) console.log('real MNIST files not found (../shared/data/mnist or $MNIST_DIR): the real-MNIST integration tests do not run');

describe.runIf(realDir !== null)('real MNIST (../shared/data/mnist)', () => {
  // Per-digit counts published with the dataset (see shared/data/mnist/README.md).
  const TRAIN = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
  const TEST = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
  const histogram = (labels: Uint8Array) => {
    const h = new Array<number>(10).fill(0);
    for (const l of labels) h[l]! += 1;
    return h;
  };

  it('parses the four files: 60,000/10,000 images of 28x28 with the published label counts', async () => {
    const m = await loadMnist({ dir: realDir! });
    expect(m.train).toMatchObject({ count: 60000, rows: 28, cols: 28 });
    expect(m.test).toMatchObject({ count: 10000, rows: 28, cols: 28 });
    expect(m.train.images.length).toBe(60000 * 784);
    expect(histogram(m.train.labels)).toEqual(TRAIN);
    expect(histogram(m.test.labels)).toEqual(TEST);
    expect(Math.max(...m.test.images.subarray(0, 784))).toBe(255);

    const { train, validation } = splitTrainValidation(m.train, { seed: 1, stratified: true });
    expect([train.count, validation.count]).toEqual([55000, 5000]);
    expect(histogram(validation.labels).every((n, d) => Math.abs(n - (5000 * TRAIN[d]!) / 60000) < 1)).toBe(true);
    const first = batches(train, { batchSize: 128, scaling: scaling('-1,1'), shuffle: true, seed: 1 }).next().value!;
    expect(first.x.length).toBe(128 * 784);
    expect(first.x.reduce((a, b) => Math.min(a, b))).toBe(-1);
    expect(first.x.reduce((a, b) => Math.max(a, b))).toBeCloseTo(1, 6);
  });

  it('the real files match the MNIST descriptor (import verifies size and sha256)', async () => {
    const cacheDir = tempDir();
    await importFrom(realDir!, MNIST, { cacheDir, env });
    expect(await cachedFiles(MNIST, { cacheDir, env })).not.toBeNull();
  });
});
