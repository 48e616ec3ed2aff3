// Tests for the cache without the network: verifyCache's full re-hash, loadMnist catching a cached file corrupted in
// place (same size, same inode, marker still matching), and importing uncompressed IDX files (verified, or refused).
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDir } from './cache.js';
import { type DatasetDescriptor, MNIST, type MnistRole, ROLES, checkDescriptor, inflatedName } from './descriptors.js';
import { DatasetError, cachedFiles, download, importFrom, loadMnist, verifyCache } from './node.js';
import { type TestServer, generatedDataset, realMnistDir, rejectsWith, sha256, startServer, tempDir } from './testing/fixtures.js';

const gen = generatedDataset();
const desc = gen.descriptor;
const name = (r: MnistRole) => desc.files[r].name;
const env = {};
let server: TestServer;
beforeAll(async () => {
  server = await startServer(gen.files);
});
afterAll(() => server.close());

/** A cache holding the generated dataset, imported (so each file has its .verified marker). */
async function cached(): Promise<{ cacheDir: string; dir: string }> {
  const cacheDir = tempDir();
  await importFrom(gen.dir, desc, { cacheDir, env });
  return { cacheDir, dir: datasetDir(cacheDir, desc) };
}

/**
 * Flip bytes in the middle of `path` in place (same size, same inode), put its times back, and rewrite its marker to
 * the file's new size/mtime/inode, exactly what a marker sees when the mtime is restored to the nanosecond.
 */
function corruptInPlace(path: string): void {
  const before = statSync(path);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from('corrupted!'), 0, 10, before.size >> 1);
  closeSync(fd);
  const after = statSync(path);
  const marker = JSON.parse(readFileSync(`${path}.verified`, 'utf8'));
  writeFileSync(`${path}.verified`, JSON.stringify({ ...marker, size: after.size, mtimeMs: after.mtimeMs, ino: after.ino }));
  expect([after.size, after.ino]).toEqual([before.size, before.ino]);
}

describe('verifyCache', () => {
  it('re-hashes every file regardless of markers: ok, mismatched (removed), missing', async () => {
    const { cacheDir, dir } = await cached();
    corruptInPlace(join(dir, name('trainLabels')));
    writeFileSync(join(dir, name('testLabels')), '');
    expect(await cachedFiles(desc, { cacheDir, env })).toBeNull();
    const report = await verifyCache(desc, { cacheDir, env });
    expect(report.map((r) => [r.file, r.status, r.checked])).toEqual([
      [name('trainImages'), 'ok', 'sha256'],
      [name('trainLabels'), 'mismatched', 'sha256'],
      [name('testImages'), 'ok', 'sha256'],
      [name('testLabels'), 'mismatched', 'sha256'],
    ]);
    expect(report[1]!.reason).toMatch(/^sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}$/);
    expect(report[3]!.reason).toMatch(/^size is 0 bytes, expected \d+$/);
    expect(existsSync(join(dir, name('trainLabels')))).toBe(false);
    expect(existsSync(join(dir, `${name('trainLabels')}.verified`))).toBe(false);
    expect((await verifyCache(desc, { cacheDir, env })).map((r) => r.status)).toEqual(['ok', 'missing', 'ok', 'missing']);
    // A download then fetches exactly the removed files.
    const before = server.hits.length;
    await download(desc, { cacheDir, env, mirrors: [server.mirror('ok')], retries: 0 });
    expect(server.hits.slice(before).map((h) => h.file)).toEqual([name('trainLabels'), name('testLabels')]);
    expect((await verifyCache(desc, { cacheDir, env })).every((r) => r.status === 'ok')).toBe(true);
  });

  it('an empty cache is all missing', async () => {
    expect((await verifyCache(desc, { cacheDir: tempDir(), env })).map((r) => r.status)).toEqual(['missing', 'missing', 'missing', 'missing']);
  });
});

describe('loadMnist re-hashes what it parses', () => {
  it('a file corrupted in place that its marker still vouches for is not loaded: offline it is NOT_CACHED and removed', async () => {
    const { cacheDir, dir } = await cached();
    const path = join(dir, name('testImages'));
    corruptInPlace(path);
    // The marker is fooled (this is the case), so the cheap check still calls the cache complete.
    expect(await cachedFiles(desc, { cacheDir, env })).not.toBeNull();
    const e = await rejectsWith(loadMnist({ descriptor: desc, cacheDir, env, download: false }), DatasetError);
    expect([e.code, e.file]).toEqual(['NOT_CACHED', name('testImages')]);
    expect(e.message).toMatch(/t10k-images-idx3-ubyte\.gz is there but is not the published file \(sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}: it changed since it was verified, so it was removed from the cache\)/);
    expect(existsSync(path)).toBe(false);
  });

  it('when downloading is allowed, it is fetched again and the load succeeds', async () => {
    const { cacheDir, dir } = await cached();
    corruptInPlace(join(dir, name('trainImages')));
    const before = server.hits.length;
    const m = await loadMnist({ descriptor: desc, cacheDir, env, mirrors: [server.mirror('ok')], retries: 0 });
    expect(m.train.count).toBe(1000);
    expect(server.hits.slice(before).map((h) => h.file)).toEqual([name('trainImages')]);
    expect(readFileSync(join(dir, name('trainImages'))).equals(gen.files.get(name('trainImages'))!)).toBe(true);
  });
});

describe('importFrom uncompressed IDX files', () => {
  /** A folder of the generated files gunzipped (names without .gz), and a descriptor that knows their checksums. */
  function rawFolder(): { dir: string; withInflated: DatasetDescriptor } {
    const dir = tempDir();
    const files = {} as DatasetDescriptor['files'];
    for (const r of ROLES) {
      const raw = gunzipSync(gen.files.get(name(r))!);
      writeFileSync(join(dir, inflatedName(desc.files[r])), raw);
      files[r] = { ...desc.files[r], inflated: { size: raw.length, sha256: sha256(raw) } };
    }
    return { dir, withInflated: { ...desc, id: 'raw-import', files } };
  }

  it('imports them verified against the inflated checksums, stores them as given, and loads them offline', async () => {
    const { dir, withInflated } = rawFolder();
    const cacheDir = tempDir();
    const paths = await importFrom(dir, withInflated, { cacheDir, env });
    const cache = datasetDir(cacheDir, withInflated);
    expect(paths.trainImages).toBe(join(cache, 'train-images-idx3-ubyte'));
    expect(await cachedFiles(withInflated, { cacheDir, env })).toEqual(paths);
    // A download finds them in the cache: no mirror is asked (this one does not even exist).
    expect(await download(withInflated, { cacheDir, env, mirrors: ['http://127.0.0.1:9/'], retries: 0 })).toEqual(paths);
    const m = await loadMnist({ descriptor: withInflated, cacheDir, env, download: false });
    expect([m.train.count, m.test.count]).toEqual([1000, 200]);
  });

  it('refuses a wrong uncompressed file (CHECKSUM), and one the descriptor has no checksum for', async () => {
    const { dir, withInflated } = rawFolder();
    const bad = join(dir, 't10k-labels-idx1-ubyte');
    const bytes = readFileSync(bad);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) % 10;
    writeFileSync(bad, bytes);
    const e = await rejectsWith(importFrom(dir, withInflated, { cacheDir: tempDir(), env }), DatasetError);
    expect([e.code, e.message]).toEqual(['CHECKSUM', expect.stringMatching(/t10k-labels-idx1-ubyte is not the published generated MNIST file \(sha256 is/)]);
    const none = await rejectsWith(importFrom(dir, desc, { cacheDir: tempDir(), env }), DatasetError);
    expect([none.code, none.reason]).toEqual(['MISSING_FILE', 'unverifiable']);
    expect(none.message).toContain('train-images-idx3-ubyte is uncompressed, and generated MNIST publishes no checksum for its uncompressed files');
  });

  it('checkDescriptor checks the inflated checksums too', () => {
    const bad = { ...MNIST, files: { ...MNIST.files, testImages: { ...MNIST.files.testImages, inflated: { sha256: 'XYZ' } } } };
    expect(() => checkDescriptor(bad)).toThrow(/files\.testImages\.inflated\.sha256 must be 64 lower-case hex digits/);
  });

  const realDir = realMnistDir();
  it.skipIf(!realDir)('MNIST: the real files gunzipped match the descriptor\'s inflated sizes and SHA-256', async () => {
    const dir = tempDir();
    for (const r of ROLES) writeFileSync(join(dir, inflatedName(MNIST.files[r])), gunzipSync(readFileSync(join(realDir!, MNIST.files[r].name))));
    copyFileSync(join(realDir!, MNIST.files.trainLabels.name), join(dir, MNIST.files.trainLabels.name));
    const cacheDir = tempDir();
    const paths = await importFrom(dir, MNIST, { cacheDir, env });
    // The gzip file wins when both are there.
    expect(paths.trainLabels.endsWith('.gz')).toBe(true);
    expect(paths.trainImages.endsWith('train-images-idx3-ubyte')).toBe(true);
    expect((await verifyCache(MNIST, { cacheDir, env })).map((r) => [r.status, r.file])).toEqual(ROLES.map((r) => ['ok', paths[r].split('/').at(-1)]));
  });
});
