// Tests for the cache: platform folders, verification with the marker, and the cross-process lock.
import { spawn } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cacheCheck, cacheHit, checkContent, defaultCacheDir, holderIsDead, verifyFile, withLock } from './cache.js';
import { writeIdx } from './idx.js';
import { pseudoBytes, sha256, tempDir } from './testing/fixtures.js';

describe('defaultCacheDir', () => {
  it('prefers the option, then MLP_CACHE_DIR, then the platform cache folder', () => {
    expect(defaultCacheDir('/opt/c', { MLP_CACHE_DIR: '/env' }, 'linux', '/home/u')).toBe('/opt/c');
    expect(defaultCacheDir(undefined, { MLP_CACHE_DIR: '/env' }, 'linux', '/home/u')).toBe('/env');
    expect(defaultCacheDir(undefined, {}, 'linux', '/home/u')).toBe('/home/u/.cache/mlp');
    expect(defaultCacheDir(undefined, { XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/mlp');
    expect(defaultCacheDir(undefined, { XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.cache/mlp');
    expect(defaultCacheDir(undefined, {}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/mlp');
    expect(defaultCacheDir(undefined, { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\mlp');
    expect(defaultCacheDir(undefined, {}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\mlp');
  });
});

describe('verifyFile and cacheHit', () => {
  const bytes = pseudoBytes(100_000, 3);
  const spec = { name: 'f.gz', size: bytes.length, sha256: sha256(bytes) };
  const fresh = () => {
    const path = join(tempDir(), spec.name);
    writeFileSync(path, bytes);
    return path;
  };

  it('checks size, then sha256 (or md5 when only md5 is published)', async () => {
    const path = fresh();
    expect(await verifyFile(path, spec)).toBeNull();
    expect(await verifyFile(path, { ...spec, size: 5 })).toMatch(/size is 100000 bytes, expected 5/);
    expect(await verifyFile(path, { ...spec, sha256: '0'.repeat(64) })).toMatch(/^sha256 is [0-9a-f]{64}, expected 0{64}$/);
    expect(await verifyFile(path, { name: 'f.gz', md5: '0'.repeat(32) })).toMatch(/^md5 is/);
    expect(await verifyFile(path, { name: 'f.gz' })).toBeNull();
  });

  it('writes a marker on success and notices a changed file despite it', async () => {
    const path = fresh();
    expect(await cacheHit(path, spec)).toBe(true);
    expect(JSON.parse(readFileSync(`${path}.verified`, 'utf8'))).toMatchObject({ size: bytes.length, digest: spec.sha256 });
    const changed = Uint8Array.from(bytes);
    changed[500]! ^= 1;
    writeFileSync(path, changed);
    const later = new Date(Date.now() + 5000);
    utimesSync(path, later, later);
    expect(await cacheHit(path, spec)).toBe(false);
  });

  it('trusts the marker only for the same size, mtime, inode and expected digest', async () => {
    const path = fresh();
    expect(await cacheHit(path, spec)).toBe(true);
    const m = JSON.parse(readFileSync(`${path}.verified`, 'utf8'));
    // A marker for another digest does not vouch for the file under a different expected checksum.
    expect(await cacheHit(path, { ...spec, sha256: 'f'.repeat(64) })).toBe(false);
    // A marker that (falsely) records digest f…f is believed while the file's identity matches: no re-hash...
    const other = { ...spec, sha256: 'f'.repeat(64) };
    writeFileSync(`${path}.verified`, JSON.stringify({ ...m, digest: other.sha256 }));
    expect(await cacheHit(path, other)).toBe(true);
    // ...and ignored as soon as the identity differs, so the file is hashed and found wrong.
    writeFileSync(`${path}.verified`, JSON.stringify({ ...m, digest: other.sha256, mtimeMs: m.mtimeMs + 1 }));
    expect(await cacheHit(path, other)).toBe(false);
    writeFileSync(`${path}.verified`, JSON.stringify({ ...m, digest: other.sha256, ino: m.ino + 1 }));
    expect(await cacheHit(path, other)).toBe(false);
    expect(await cacheHit(path, spec)).toBe(true);
  });

  it('cacheCheck says why a file is not a hit: missing, wrong size, wrong checksum', async () => {
    const path = fresh();
    expect(await cacheCheck(path, spec)).toBeNull();
    expect(await cacheCheck(`${path}.nothing`, spec)).toBe('missing');
    expect(await cacheCheck(path, { ...spec, size: 5 })).toBe('size is 100000 bytes, expected 5');
    expect(await cacheCheck(path, { ...spec, sha256: '0'.repeat(64) })).toMatch(/^sha256 is [0-9a-f]{64}, expected 0{64}$/);
  });

  it('deletes a bad file only when asked to repair', async () => {
    const path = fresh();
    const wrong = { ...spec, size: 1 };
    expect(await cacheHit(path, wrong)).toBe(false);
    expect(readFileSync(path).length).toBe(bytes.length);
    expect(await cacheHit(path, wrong, true)).toBe(false);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
    expect(await cacheHit(path, spec)).toBe(false);
  });
});

describe('checkContent (files without a checksum)', () => {
  const write = (bytes: Uint8Array) => {
    const path = join(tempDir(), 'f');
    writeFileSync(path, bytes);
    return path;
  };
  const images = writeIdx({ dims: [2, 2, 2], data: new Uint8Array(8) });
  const labels = writeIdx({ dims: [2], data: new Uint8Array(2) });

  it('accepts gzip, and the IDX header that fits the role', async () => {
    expect(await checkContent(write(gzipSync(images)), 'trainImages')).toBeNull();
    expect(await checkContent(write(images), 'testImages')).toBeNull();
    expect(await checkContent(write(labels), 'trainLabels')).toBeNull();
  });

  it('rejects an HTML page, an empty file, and IDX of the other role', async () => {
    expect(await checkContent(write(Buffer.from('<!DOCTYPE html>')), 'trainImages')).toBe(
      'starts with 3c 21 44 4f ("<!DO"), which is neither gzip (1f 8b) nor an IDX images header (00 00 08 03); it is an HTML page, not the dataset file',
    );
    expect(await checkContent(write(new Uint8Array(0)), 'testLabels')).toMatch(/^starts with nothing, .* IDX labels header \(00 00 08 01\)/);
    expect(await checkContent(write(labels), 'trainImages')).toMatch(/^starts with 00 00 08 01/);
  });

  it('verifyFile applies it only when a role is given and no checksum is published', async () => {
    const html = write(Buffer.from('<html>'));
    expect(await verifyFile(html, { name: 'f' })).toBeNull();
    expect(await verifyFile(html, { name: 'f' }, 'trainLabels')).toMatch(/neither gzip/);
    expect(await verifyFile(html, { name: 'f', sha256: sha256(Buffer.from('<html>')) }, 'trainLabels')).toBeNull();
  });
});

/** The pid of a Node process that has already exited (nothing else is likely to reuse it within the test). */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => p.on('exit', r));
  return p.pid!;
}

/** A Node process that stays alive until killed. */
function liveChild() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
}

describe('withLock', () => {
  it('lets one holder in at a time and releases on failure', async () => {
    const lock = join(tempDir(), 'x.lock');
    let inside = 0;
    let most = 0;
    const work = async (fail: boolean) => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 20));
      inside--;
      if (fail) throw new Error('boom');
      return 1;
    };
    const results = await Promise.allSettled([0, 1, 2, 3].map((i) => withLock(lock, () => work(i === 1), { pollMs: 5 })));
    expect(most).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(() => readFileSync(lock)).toThrow(/ENOENT/);
  });

  it('breaks a stale lock and honours abort while waiting', async () => {
    const lock = join(tempDir(), 'y.lock');
    writeFileSync(lock, 'someone');
    const old = new Date(Date.now() - 10_000);
    utimesSync(lock, old, old);
    expect(await withLock(lock, async () => 'got it', { staleMs: 1000, pollMs: 5 })).toBe('got it');
    writeFileSync(lock, 'someone alive');
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await expect(withLock(lock, async () => 'never', { staleMs: 60_000, pollMs: 5, signal: ctl.signal })).rejects.toThrow(/abort/i);
  });

  it('breaks at once a fresh lock whose holder on this host has exited (kill -9, Ctrl-C)', async () => {
    const lock = join(tempDir(), 'dead.lock');
    const pid = await deadPid();
    writeFileSync(lock, `${hostname()}:${pid}:0123456789ab`);
    const waits: string[] = [];
    // Without the fix this waits out staleMs (beyond the test's timeout) and reports the wait through onWait.
    expect(await withLock(lock, async () => 'got it', { staleMs: 60_000, onWait: (h) => waits.push(h) })).toBe('got it');
    expect(waits).toEqual([]);
  });

  it('waits on a fresh lock whose holder on this host is alive, and says so once', async () => {
    const child = liveChild();
    try {
      const lock = join(tempDir(), 'live.lock');
      writeFileSync(lock, `${hostname()}:${child.pid}:0123456789ab`);
      const waits: string[] = [];
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 300);
      await expect(withLock(lock, async () => 'never', { staleMs: 60_000, pollMs: 5, signal: ctl.signal, onWait: (h) => waits.push(h) })).rejects.toThrow(/abort/i);
      expect(waits).toEqual([`${hostname()}:${child.pid}`]);
      expect(readFileSync(lock, 'utf8')).toBe(`${hostname()}:${child.pid}:0123456789ab`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('holderIsDead: only a parseable lock of this host whose pid is gone', async () => {
    const pid = await deadPid();
    expect(holderIsDead(`${hostname()}:${pid}:abc`)).toBe(true);
    expect(holderIsDead(`${hostname()}:${process.pid}:abc`)).toBe(false);
    // Another machine's pid means nothing here: such locks only go stale by age.
    expect(holderIsDead(`not-${hostname()}:${pid}:abc`)).toBe(false);
    expect(holderIsDead('')).toBe(false);
    expect(holderIsDead('garbage')).toBe(false);
  });
});
