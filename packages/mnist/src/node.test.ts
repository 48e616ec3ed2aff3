// Tests for the Node entry: offline import, loadMnist from a folder or the cache, gunzipNode, descriptors,
// and an integration test on the real MNIST files when ../shared/data/mnist has them.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  IdxError,
  type Progress,
  gunzipNode,
  importFrom,
  loadMnist,
  scaling,
  splitTrainValidation,
  writeIdx,
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

  it('reports each file to onProgress as imported, also when it was already in the cache', async () => {
    const cacheDir = tempDir();
    const events: Progress[] = [];
    await importFrom(gen.dir, desc, { cacheDir, env, onProgress: (p) => events.push(p) });
    await importFrom(gen.dir, desc, { cacheDir, env, onProgress: (p) => events.push(p) });
    const once = ROLES.map((r) => {
      const size = gen.files.get(name(r))!.length;
      return { file: name(r), bytesDone: size, bytesTotal: size, source: 'import' };
    });
    expect(events).toEqual([...once, ...once]);
  });

  it('MD5-only descriptor: imports files that match, refuses one that does not', async () => {
    const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
    const files = Object.fromEntries(ROLES.map((r) => [r, { name: name(r), md5: md5(gen.files.get(name(r))!) }])) as DatasetDescriptor['files'];
    const md5Only: DatasetDescriptor = { ...desc, id: 'md5-only', files };
    const cacheDir = tempDir();
    await importFrom(gen.dir, md5Only, { cacheDir, env });
    expect(await cachedFiles(md5Only, { cacheDir, env })).not.toBeNull();
    const wrong: DatasetDescriptor = { ...md5Only, id: 'md5-wrong', files: { ...files, testLabels: { ...files.testLabels, md5: 'f'.repeat(32) } } };
    const e = await datasetError(importFrom(gen.dir, wrong, { cacheDir, env }));
    expect(e.code).toBe('CHECKSUM');
    expect(e.file).toBe(name('testLabels'));
    expect(e.message).toMatch(/md5 is [0-9a-f]{32}, expected f{32}/);
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
    expect(e.file).toBe(name('trainImages'));
    expect(e.message).toContain(datasetDir(cacheDir, desc));
    expect(e.message).toContain(`${name('trainImages')} is missing`);
  });

  it('with download: false, names the one cached file that is corrupt or missing, and which', async () => {
    const cacheDir = tempDir();
    const paths = await importFrom(gen.dir, desc, { cacheDir, env });
    const bad = readFileSync(paths.testImages);
    bad[bad.length >> 1]! ^= 0xff;
    writeFileSync(paths.testImages, bad);
    let e = await datasetError(loadMnist({ descriptor: desc, cacheDir, env, download: false }));
    expect(e.code).toBe('NOT_CACHED');
    expect(e.file).toBe(name('testImages'));
    expect(e.message).toContain(datasetDir(cacheDir, desc));
    expect(e.message).toMatch(new RegExp(`${name('testImages')} is there but is not the published file \\(sha256 is [0-9a-f]{64}, expected ${desc.files.testImages.sha256}\\)`));
    expect(e.message).toContain('Downloading (download(), or loadMnist without download: false) re-fetches it');
    expect(e.reason).toMatch(/^sha256 is [0-9a-f]{64}, expected /);

    rmSync(paths.trainLabels);
    e = await datasetError(loadMnist({ descriptor: desc, cacheDir, env, download: false }));
    expect([e.file, e.reason, e.message.includes(`${name('trainLabels')} is missing`)]).toEqual([name('trainLabels'), 'missing', true]);
  });

  /** A descriptor `id` whose files have no checksum or size, with the generated files already in its cache. */
  function cachedWithoutChecksums(id: string): { bare: DatasetDescriptor; cacheDir: string; dir: string } {
    const files = Object.fromEntries(ROLES.map((r) => [r, { name: name(r) }])) as DatasetDescriptor['files'];
    const bare: DatasetDescriptor = { ...desc, id, files };
    const cacheDir = tempDir();
    const dir = datasetDir(cacheDir, bare);
    mkdirSync(dir, { recursive: true });
    for (const r of ROLES) copyFileSync(join(gen.dir, name(r)), join(dir, name(r)));
    return { bare, cacheDir, dir };
  }

  it('a cached file without a checksum that does not parse: the error says to delete it, naming its path', async () => {
    const { bare, cacheDir, dir } = cachedWithoutChecksums('no-checksum');
    // A truncated gzip passes the first-bytes check (it is gzip) but cannot be inflated.
    const gz = readFileSync(join(dir, name('trainLabels')));
    writeFileSync(join(dir, name('trainLabels')), gz.subarray(0, gz.length - 12));
    const e = await rejectsWith(loadMnist({ descriptor: bare, cacheDir, env, download: false }), IdxError);
    expect(e.code).toBe('GZIP');
    expect(e.message).toContain(`This is the cache's copy: delete ${join(dir, name('trainLabels'))} so that the next download fetches it again.`);
  });

  it('a cached HTML page left by an older version is not a hit: download: false names it, a download replaces it', async () => {
    const { bare, cacheDir, dir } = cachedWithoutChecksums('no-checksum-html');
    writeFileSync(join(dir, name('testLabels')), '<html>error</html>');
    const e = await datasetError(loadMnist({ descriptor: bare, cacheDir, env, download: false }));
    expect([e.code, e.file]).toEqual(['NOT_CACHED', name('testLabels')]);
    expect(e.message).toMatch(/is there but is not the published file \(starts with 3c 68 74 6d/);
    const m = await loadMnist({ descriptor: bare, cacheDir, env, mirrors: [server.mirror('ok')], retries: 0 });
    expect(m.test.count).toBe(200);
    expect(readFileSync(join(dir, name('testLabels'))).equals(gen.files.get(name('testLabels'))!)).toBe(true);
  });

  it('downloads into the cache when allowed', async () => {
    const cacheDir = tempDir();
    const m = await loadMnist({ descriptor: desc, cacheDir, env, mirrors: [server.mirror('ok')], retries: 0 });
    expect(m.test.count).toBe(200);
    expect(await cachedFiles(desc, { cacheDir, env })).not.toBeNull();
  });
});

describe('gunzipNode', () => {
  it('inflates into one buffer of the size the IDX header declares (no doubled copy)', async () => {
    const raw = writeIdx({ dims: [1 << 20], data: pseudoBytes(1 << 20, 5) });
    const out = await gunzipNode(gzipSync(raw));
    expect(Buffer.from(out).equals(Buffer.from(raw))).toBe(true);
    expect(out.buffer.byteLength).toBeLessThanOrEqual(raw.length + 1);
  });

  it('ignores the gzip trailer: a lying ISIZE allocates nothing extra and is reported as corrupt', async () => {
    const gz = gzipSync(writeIdx({ dims: [200_000], data: pseudoBytes(200_000, 6) }));
    gz.set([0xff, 0xff, 0xff, 0xff], gz.length - 4);
    await expect(gunzipNode(gz, 'lying.gz')).rejects.toThrow(/lying.gz: the gzip data could not be inflated/);
  });

  it('passes non-gzip bytes through', async () => {
    const raw = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 0);
    expect(await gunzipNode(raw)).toBe(raw);
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

  it('every built-in file has a size and a SHA-256 (Fashion-MNIST keeps its published MD5s too)', () => {
    for (const d of [MNIST, FASHION_MNIST]) for (const r of ROLES) expect(d.files[r]).toMatchObject({ size: expect.any(Number), sha256: expect.any(String), md5: expect.any(String) });
    expect(FASHION_MNIST.files.testLabels).toMatchObject({
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      md5: 'bb300cfdad3c16e7a12a480ee83cd310',
    });
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
