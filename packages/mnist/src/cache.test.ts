// Tests for the cache: platform folders, verification with the marker, and the cross-process lock.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheHit, defaultCacheDir, verifyFile, withLock } from './cache.js';
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
});
