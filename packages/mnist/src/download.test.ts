// Downloader tests against a real HTTP server on 127.0.0.1 whose mirrors misbehave on purpose (see testing/fixtures.ts).
// Serves the real MNIST files when ../shared/data/mnist has them, else generated ones with their own descriptor.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { datasetDir } from './cache.js';
import { type DatasetDescriptor, type MnistRole, ROLES } from './descriptors.js';
import { DatasetError, type DownloadOptions, type Progress, download, mirrorList, withEnvLimits } from './download.js';
import { HTML_PAGE, type Mode, type ServedDataset, type TestServer, rejectsWith, servedDataset, startServer, tempDir } from './testing/fixtures.js';

let data: ServedDataset;
let server: TestServer;
let desc: DatasetDescriptor;

beforeAll(async () => {
  data = servedDataset();
  // No built-in mirrors: tests must never reach the internet.
  desc = { ...data.descriptor, mirrors: [] };
  server = await startServer(data.files);
});
afterAll(() => server.close());

/** Options isolated from the developer's environment (MNIST_MIRROR, MLP_CACHE_DIR). */
const opts = (mirrors: (Mode | string)[], extra: DownloadOptions = {}): DownloadOptions => ({
  mirrors: mirrors.map((m) => (m.includes('://') ? m : server.mirror(m as Mode))),
  cacheDir: tempDir(),
  timeoutMs: 5000,
  retries: 0,
  backoffMs: 10,
  env: {},
  ...extra,
});
const name = (role: MnistRole) => desc.files[role].name;
const hitsFor = (mode: string, role?: MnistRole) => server.hits.filter((h) => h.mode === mode && (role === undefined || h.file === name(role)));

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The dataset folder holds exactly the four files (each byte-identical to the served one) and their markers. */
function expectCleanCache(cacheDir: string, d: DatasetDescriptor = desc, markers = true): void {
  const dir = datasetDir(cacheDir, d);
  const expected = ROLES.flatMap((r) => (markers ? [name(r), `${name(r)}.verified`] : [name(r)])).sort();
  expect(readdirSync(dir).sort()).toEqual(expected);
  for (const r of ROLES) expect(readFileSync(join(dir, name(r))).equals(data.files.get(name(r))!)).toBe(true);
}

describe('download', () => {
  it('downloads all four files, reports progress, then serves a verified cache hit without the network', async () => {
    const events: Progress[] = [];
    const o = opts(['ok'], { onProgress: (p) => events.push({ ...p }) });
    const before = hitsFor('ok').length;
    const paths = await download(desc, o);
    expect(hitsFor('ok').length - before).toBe(4);
    expect(paths.trainImages).toBe(join(datasetDir(o.cacheDir!, desc), name('trainImages')));
    expectCleanCache(o.cacheDir!);
    for (const r of ROLES) {
      const mine = events.filter((e) => e.file === name(r));
      const size = data.files.get(name(r))!.length;
      expect(mine.every((e, i) => i === 0 || e.bytesDone >= mine[i - 1]!.bytesDone)).toBe(true);
      expect(mine.at(-1)).toMatchObject({ bytesDone: size, bytesTotal: size, source: `${server.mirror('ok')}${name(r)}` });
    }

    events.length = 0;
    expect(await download(desc, o)).toEqual(paths);
    expect(hitsFor('ok').length - before).toBe(4);
    expect(events.map((e) => e.source)).toEqual(['cache', 'cache', 'cache', 'cache']);
  });

  for (const bad of ['404', '500', 'reset', 'stall', 'wrong'] as const) {
    it(`falls through to mirror 2 when mirror 1 gives ${bad}, leaving nothing corrupt`, async () => {
      const before = hitsFor(bad).length;
      const o = opts([bad, 'ok'], { timeoutMs: bad === 'stall' ? 1000 : 5000 });
      await download(desc, o);
      expect(hitsFor(bad).length - before).toBe(4);
      expectCleanCache(o.cacheDir!);
    });
  }

  it('re-verifies a cache hit: a changed or truncated cached file is fetched again', async () => {
    const o = opts(['ok']);
    const paths = await download(desc, o);
    const labels = readFileSync(paths.trainLabels);
    labels[labels.length >> 1]! ^= 1;
    writeFileSync(paths.trainLabels, labels);
    writeFileSync(paths.testLabels, labels.subarray(0, 10));
    const before = hitsFor('ok').length;
    await download(desc, o);
    expect(hitsFor('ok').slice(before).map((h) => h.file)).toEqual([name('trainLabels'), name('testLabels')]);
    expectCleanCache(o.cacheDir!);
  });

  it('when every mirror fails, throws one error listing each mirror and why', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/nothing/`;
    const o = opts(['404', '500', closed], { retries: 1 });
    const e = await rejectsWith(download(desc, o), DatasetError);
    expect(e.code).toBe('ALL_MIRRORS_FAILED');
    expect(e.file).toBe(name('trainImages'));
    expect(e.failures.map((f) => [f.url, f.attempts])).toEqual([
      [`${server.mirror('404')}${name('trainImages')}`, 1],
      [`${server.mirror('500')}${name('trainImages')}`, 2],
      [`${closed}${name('trainImages')}`, 2],
    ]);
    expect(e.message).toContain(`Could not download ${name('trainImages')}`);
    expect(e.message).toContain('HTTP 404');
    expect(e.message).toContain('HTTP 500 Internal Server Error (2 attempts)');
    expect(e.failures[2]!.reason).toMatch(/network error.*ECONNREFUSED/);
    expect(readdirSync(datasetDir(o.cacheDir!, desc))).toEqual([]);
  });

  it('retries a transient failure after a backoff', async () => {
    const backoffMs = 100;
    const o = opts(['flaky'], { retries: 1, backoffMs });
    await download(desc, o);
    for (const r of ROLES) {
      const [failed, retried] = hitsFor('flaky', r);
      expect([failed!.status, retried!.status]).toEqual([503, 200]);
      // The 503 arrived, then the client paused before asking again. Node's timers count from the event loop's cached
      // clock, which on a busy machine can lag the real one by a few ms, so the bound allows a tenth.
      expect(retried!.at - failed!.at).toBeGreaterThanOrEqual(backoffMs * 0.9);
    }
    expectCleanCache(o.cacheDir!);
  });

  describe('descriptors without SHA-256', () => {
    const digest = (algo: string, b: Uint8Array) => createHash(algo).update(b).digest('hex');
    const variant = (id: string, spec: (role: MnistRole) => Partial<DatasetDescriptor['files'][MnistRole]>): DatasetDescriptor => ({
      ...desc,
      id,
      files: Object.fromEntries(ROLES.map((r) => [r, { name: name(r), ...spec(r) }])) as DatasetDescriptor['files'],
    });

    it('MD5 only: downloads and verifies with MD5, and a wrong MD5 is rejected', async () => {
      const md5Only = variant('md5-only', (r) => ({ size: data.files.get(name(r))!.length, md5: digest('md5', data.files.get(name(r))!) }));
      const o = opts(['ok']);
      await download(md5Only, o);
      expectCleanCache(o.cacheDir!, md5Only);
      const marker = JSON.parse(readFileSync(join(datasetDir(o.cacheDir!, md5Only), `${name('testLabels')}.verified`), 'utf8'));
      expect(marker.digest).toBe(md5Only.files.testLabels.md5);

      const wrong = { ...md5Only, id: 'md5-wrong', files: { ...md5Only.files, trainImages: { ...md5Only.files.trainImages, md5: '0'.repeat(32) } } };
      const e = await rejectsWith(download(wrong, opts(['ok'])), DatasetError);
      expect(e.code).toBe('ALL_MIRRORS_FAILED');
      expect(e.file).toBe(name('trainImages'));
      expect(e.failures[0]!.reason).toMatch(/^wrong bytes: md5 is [0-9a-f]{32}, expected 0{32}$/);
    });

    it('no checksum and no size: an HTML page answered with HTTP 200 is refused and the next mirror is used', async () => {
      const bare = variant('no-checksum', () => ({}));
      const o = opts(['html', 'ok']);
      const before = hitsFor('html').length;
      await download(bare, o);
      expect(hitsFor('html').length - before).toBe(4);
      // No checksum, so no markers; the files are the good mirror's.
      expectCleanCache(o.cacheDir!, bare, false);
      for (const r of ROLES) expect(readFileSync(join(datasetDir(o.cacheDir!, bare), name(r))).equals(HTML_PAGE)).toBe(false);

      const e = await rejectsWith(download(bare, opts(['html'])), DatasetError);
      expect(e.failures[0]!.reason).toBe(`the mirror answered with an HTML page, not ${name('trainImages')}`);
    });
  });

  describe('hostile mirrors: drips, deadlines, bodies that are not the file', () => {
    const partsIn = (cacheDir: string) => readdirSync(datasetDir(cacheDir, desc)).filter((f) => !f.endsWith('.verified'));

    // The drip mirror sends 1 byte every 20 ms (≤ 50 bytes/s); the floor here is 1,000 bytes/s over 500 ms windows,
    // 20× above it, and a loopback mirror that sends the file at once is far faster on any machine (a window in which
    // the test process itself was stalled is not judged).
    const floor = { minBytesPerSec: 1000, speedWindowMs: 500 };

    it('a mirror slower than the minimum speed is abandoned for the next one', async () => {
      const before = hitsFor('drip').length;
      const o = opts(['drip', 'ok'], floor);
      await download(desc, o);
      expectCleanCache(o.cacheDir!);
      expect(hitsFor('drip').length - before).toBe(4);

      const e = await rejectsWith(download(desc, opts(['drip'], floor)), DatasetError);
      expect(e.code).toBe('ALL_MIRRORS_FAILED');
      expect(e.failures[0]!.reason).toMatch(/^too slow: \d+ bytes in 500 ms, under the floor of 1000 bytes\/s \(minBytesPerSec\)$/);
    });

    it('takes the minimum speed and the deadline from the environment when the options leave them out', async () => {
      const slow = await rejectsWith(download(desc, opts(['drip'], { speedWindowMs: 500, env: { MLP_MIN_BYTES_PER_SEC: '1000' } })), DatasetError);
      expect(slow.failures[0]!.reason).toMatch(/^too slow: \d+ bytes in 500 ms, under the floor of 1000 bytes\/s/);
      const late = await rejectsWith(download(desc, opts(['drip'], { minBytesPerSec: 0, env: { MLP_DOWNLOAD_DEADLINE_SEC: '0.3' } })), DatasetError);
      expect(late.failures[0]!.reason).toBe('gave up: the deadline of 300 ms for this file passed (deadlineMs)');
      // An option given in code wins over the variable; a variable that is not a number is named.
      expect(withEnvLimits({ minBytesPerSec: 7, env: { MLP_MIN_BYTES_PER_SEC: '1000' } }).minBytesPerSec).toBe(7);
      expect(() => withEnvLimits({ env: { MLP_MIN_BYTES_PER_SEC: 'fast' } })).toThrow(/\$MLP_MIN_BYTES_PER_SEC="fast" is not a number of bytes per second/);
      expect(() => withEnvLimits({ env: { MLP_DOWNLOAD_DEADLINE_SEC: '0' } })).toThrow(/\$MLP_DOWNLOAD_DEADLINE_SEC="0" is not a number of seconds above 0/);
    });

    it('the deadline ends a file that never finishes, and says which mirrors were not tried', async () => {
      const before = hitsFor('ok', 'trainImages').length;
      const o = opts(['drip', 'ok'], { deadlineMs: 300, minBytesPerSec: 0, timeoutMs: 60_000, retries: 2 });
      const e = await rejectsWith(download(desc, o), DatasetError);
      expect([e.code, e.file]).toEqual(['ALL_MIRRORS_FAILED', name('trainImages')]);
      expect(e.failures.map((f) => f.reason)).toEqual([
        'gave up: the deadline of 300 ms for this file passed (deadlineMs)',
        'not tried: the deadline of 300 ms for this file had passed',
      ]);
      expect(hitsFor('ok', 'trainImages').length).toBe(before);
      // What the drip delivered stays for a later run to resume; nothing else is left.
      expect(partsIn(o.cacheDir!).every((f) => f === `${name('trainImages')}.part`)).toBe(true);
    });

    it('the deadline also ends the pause before a retry, and says the mirror was not retried', async () => {
      // Two loopback answers take far less than 15 s, even on a busy machine; the pause before the retry would take 10 minutes.
      const e = await rejectsWith(download(desc, opts(['500', '404'], { deadlineMs: 15_000, retries: 2, backoffMs: 600_000 })), DatasetError);
      expect(e.failures.map((f) => [f.reason, f.attempts])).toEqual([
        ['HTTP 500 Internal Server Error; not retried: the deadline of 15000 ms for this file had passed', 1],
        ['HTTP 404 Not Found', 1],
      ]);
    });

    it('a chunked HTML page or JSON answered with HTTP 200 is named as such, not retried, and not kept', async () => {
      const o = opts(['chunked-html', 'json', 'html'], { retries: 2 });
      const e = await rejectsWith(download(desc, o), DatasetError);
      expect(e.failures.map((f) => [f.reason, f.attempts])).toEqual([
        [`the mirror answered with an HTML page, not ${name('trainImages')}`, 1],
        [`the mirror answered with JSON, not ${name('trainImages')}`, 1],
        [`the mirror answered with an HTML page, not ${name('trainImages')}`, 1],
      ]);
      expect(partsIn(o.cacheDir!)).toEqual([]);
      const good = opts(['json', 'ok']);
      await download(desc, good);
      expectCleanCache(good.cacheDir!);
    });
  });

  describe('resume', () => {
    const withPartial = async (o: DownloadOptions, bytes: Uint8Array) => {
      const dir = datasetDir(o.cacheDir!, desc);
      await mkdir(dir, { recursive: true });
      writeFileSync(join(dir, `${name('trainImages')}.part`), bytes);
    };
    const full = () => data.files.get(name('trainImages'))!;

    it('continues a partial file with a Range request', async () => {
      const o = opts(['ok']);
      const have = Math.floor(full().length * 0.4);
      await withPartial(o, full().subarray(0, have));
      const before = hitsFor('ok', 'trainImages').length;
      await download(desc, o);
      const [hit] = hitsFor('ok', 'trainImages').slice(before);
      expect(hit).toMatchObject({ range: `bytes=${have}-`, status: 206, bytes: full().length - have });
      expectCleanCache(o.cacheDir!);
    });

    it('starts over when the server ignores Range', async () => {
      const o = opts(['norange']);
      await withPartial(o, full().subarray(0, 1000));
      await download(desc, o);
      expect(hitsFor('norange', 'trainImages').at(-1)).toMatchObject({ range: 'bytes=1000-', status: 200, bytes: full().length });
      expectCleanCache(o.cacheDir!);
    });

    it('starts over once when a resumed file fails its checksum', async () => {
      const o = opts(['ok']);
      await withPartial(o, new Uint8Array(5000).fill(7));
      const before = hitsFor('ok', 'trainImages').length;
      await download(desc, o);
      expect(hitsFor('ok', 'trainImages').slice(before).map((h) => h.range)).toEqual(['bytes=5000-', undefined]);
      expectCleanCache(o.cacheDir!);
    });

    it('a mirror whose body ends early leaves a partial that the next mirror resumes from its exact end', async () => {
      const o = opts(['cut', 'ok']);
      const before = hitsFor('ok', 'trainImages').length;
      await download(desc, o);
      // The cut mirror's body is exactly the first half; the next mirror is asked for the rest only.
      const half = full().length >> 1;
      const [hit] = hitsFor('ok', 'trainImages').slice(before);
      expect(hit).toMatchObject({ range: `bytes=${half}-`, status: 206, bytes: full().length - half });
      expectCleanCache(o.cacheDir!);
    });

    it('a mirror that resets mid-body: the next mirror is asked for exactly what the partial lacks', async () => {
      const o = opts(['reset', 'ok']);
      const before = hitsFor('ok', 'trainImages').length;
      await download(desc, o);
      // How many of the sent bytes arrive before the reset is up to TCP: assert only what holds for any of them.
      const half = full().length >> 1;
      const [hit] = hitsFor('ok', 'trainImages').slice(before);
      const from = hit!.range === undefined ? 0 : Number(/^bytes=(\d+)-$/.exec(hit!.range)?.[1]);
      expect(from).toBeGreaterThanOrEqual(0);
      expect(from).toBeLessThanOrEqual(half);
      expect(hit).toMatchObject({ status: from > 0 ? 206 : 200, bytes: full().length - from });
      expectCleanCache(o.cacheDir!);
    });
  });

  describe('concurrency and locks', () => {
    /** Play another process that holds the lock on train-images. */
    const lockTrainImages = async (o: DownloadOptions, owner: string) => {
      const dir = datasetDir(o.cacheDir!, desc);
      await mkdir(dir, { recursive: true });
      const lock = join(dir, `${name('trainImages')}.lock`);
      writeFileSync(lock, owner);
      return lock;
    };

    it('two concurrent downloads of the same files fetch each file once and agree', async () => {
      const o = opts(['slow']);
      const before = hitsFor('slow').length;
      const [a, b] = await Promise.all([download(desc, o), download(desc, { ...o })]);
      expect(a).toEqual(b);
      expect(hitsFor('slow').length - before).toBe(4);
      expectCleanCache(o.cacheDir!);
    });

    it('breaks a stale lock left by a crashed process', async () => {
      const o = opts(['ok']);
      const lock = await lockTrainImages(o, 'otherhost:1:dead');
      const hourAgo = new Date(Date.now() - 3600_000);
      utimesSync(lock, hourAgo, hourAgo);
      await download(desc, o);
      expect(existsSync(lock)).toBe(false);
      expectCleanCache(o.cacheDir!);
    });

    it('breaks at once the lock of a killed process on this host, and resumes its partial file', async () => {
      // The "killed process": a real process that has exited, whose pid the lock and a .part file were left with.
      const p = spawn(process.execPath, ['-e', '']);
      await new Promise((r) => p.on('exit', r));
      const o = opts(['ok'], { lockStaleMs: 60_000 });
      const lock = await lockTrainImages(o, `${hostname()}:${p.pid}:0123456789ab`);
      const have = 1000;
      writeFileSync(join(datasetDir(o.cacheDir!, desc), `${name('trainImages')}.part`), data.files.get(name('trainImages'))!.subarray(0, have));
      const events: Progress[] = [];
      const before = hitsFor('ok', 'trainImages').length;
      // Without the fix this waits out lockStaleMs (beyond the test's timeout) and says so with a 'lock' event.
      await download(desc, { ...o, onProgress: (e) => events.push(e) });
      expect(events.filter((e) => e.source === 'lock')).toEqual([]);
      expect(hitsFor('ok', 'trainImages').slice(before)[0]).toMatchObject({ range: `bytes=${have}-`, status: 206 });
      expect(existsSync(lock)).toBe(false);
      expectCleanCache(o.cacheDir!);
    });

    it('waits for a live lock, then uses what the other process placed in the cache', async () => {
      const events: Progress[] = [];
      const o = opts(['ok'], { onProgress: (e) => events.push({ ...e }) });
      const dir = datasetDir(o.cacheDir!, desc);
      const lock = await lockTrainImages(o, 'otherhost:1:alive');
      const before = hitsFor('ok', 'trainImages').length;
      let settled = false;
      const pending = download(desc, o).finally(() => {
        settled = true;
      });
      // One event says why nothing moves: another process holds the file's lock (waited for, not slept on: a busy
      // machine may take a while to get there).
      await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 100));
      expect(settled).toBe(false);
      expect(events).toEqual([
        { file: name('trainImages'), bytesDone: 0, bytesTotal: desc.files.trainImages.size, source: 'lock', waitingFor: 'otherhost:1' },
      ]);
      // The "other process" finishes: file renamed into place, lock removed.
      copyFileSync(join(data.dir, name('trainImages')), join(dir, 'other.tmp'));
      renameSync(join(dir, 'other.tmp'), join(dir, name('trainImages')));
      rmSync(lock);
      await pending;
      expect(hitsFor('ok', 'trainImages').length).toBe(before);
      expectCleanCache(o.cacheDir!);
    });
  });

  describe('redirects, cancellation and configuration', () => {
    it('follows an http redirect', async () => {
      const o = opts(['redirect']);
      await download(desc, o);
      expectCleanCache(o.cacheDir!);
    });

    it('never follows a redirect from https to http', async () => {
      const seen: string[] = [];
      const fakeFetch = (async (url: string | URL | Request) => {
        seen.push(String(url));
        return new Response(null, { status: 302, headers: { location: `${server.mirror('ok')}${name('trainImages')}` } });
      }) as typeof fetch;
      const err = await rejectsWith(download(desc, opts(['https://mirror.invalid/mnist/'], { fetch: fakeFetch })), DatasetError);
      expect(err.code).toBe('ALL_MIRRORS_FAILED');
      expect(err.failures[0]!.reason).toContain('refused a redirect from https to http');
      expect(seen).toEqual([`https://mirror.invalid/mnist/${name('trainImages')}`]);
    });

    it('stops at once when the caller aborts (no waiting for the stall timeout)', async () => {
      // The stall timeout is far beyond the test's own timeout: only the abort can end this download in time.
      for (const delay of [0, 100]) {
        const ctl = new AbortController();
        setTimeout(() => ctl.abort(), delay);
        const err = await rejectsWith(download(desc, opts(['stall', 'ok'], { timeoutMs: 600_000, signal: ctl.signal })), Error);
        expect(err.name).toBe('AbortError');
      }
    });

    it('takes mirrors from the descriptor variable and the cache folder from MLP_CACHE_DIR', async () => {
      const cacheDir = tempDir();
      const o = opts([], { cacheDir: undefined, env: { [desc.mirrorEnv!]: ` ${server.mirror('ok')} `, MLP_CACHE_DIR: cacheDir } });
      await download(desc, o);
      expectCleanCache(cacheDir);
      expect(statSync(datasetDir(cacheDir, desc)).isDirectory()).toBe(true);
    });
  });
});

describe('mirrorList', () => {
  const d: DatasetDescriptor = { id: 'x', title: 'X', classes: 10, files: {} as DatasetDescriptor['files'], mirrors: ['https://c.example/x/', 'http://d.example/x'], mirrorEnv: 'X_MIRROR' };

  it('puts option mirrors first, then the environment variable, then the built-in list, without duplicates', () => {
    expect(mirrorList(d, { mirrors: ['https://a.example/m'], env: { X_MIRROR: 'https://b.example/m/, https://c.example/x/' } })).toEqual([
      'https://a.example/m/',
      'https://b.example/m/',
      'https://c.example/x/',
      'http://d.example/x/',
    ]);
  });

  it('rejects mirrors that are not http(s) URLs, and an empty list', () => {
    expect(() => mirrorList(d, { mirrors: ['not a url'], env: {} })).toThrow(/is not a URL/);
    // A bad value in the environment names the variable to fix.
    expect(() => mirrorList(d, { env: { X_MIRROR: 'https://ok.example/,mirror.example/x' } })).toThrow(
      'mirror "mirror.example/x" from $X_MIRROR (comma-separated base URLs) is not a URL',
    );
    expect(() => mirrorList(d, { env: { X_MIRROR: 'ftp://a.example/' } })).toThrow(/from \$X_MIRROR .*only http/);
    expect(() => mirrorList(d, { mirrors: ['ftp://a.example/'], env: {} })).toThrow(/only http/);
    expect(() => mirrorList({ ...d, mirrors: [] }, { env: {} })).toThrow(/no mirrors for X/);
  });
});
