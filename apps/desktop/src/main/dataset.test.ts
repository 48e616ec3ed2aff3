import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importFrom, loadCachedBytes } from '@mlp/mnist/node';
import { describe, expect, it, vi } from 'vitest';
import type { DatasetProgress } from '../shared/api.js';
import { NAMES, fakeFetch, syntheticDescriptor, syntheticMnist } from '../testing/synthetic.js';
import { tempDirs } from '../testing/temp.js';
import { createDatasetHandlers, throttleProgress } from './dataset.js';
import type { CallContext } from './ipc.js';

const temp = tempDirs('mlp-desktop-data-');

const files = syntheticMnist(300, 100);
const descriptor = syntheticDescriptor(files);

function recorder(): CallContext & { events: DatasetProgress[] } {
  const events: DatasetProgress[] = [];
  return { events, emit: (_name, p) => void events.push(p as DatasetProgress) };
}

function handlers(dataDir: string, fetchImpl = fakeFetch(files), pickFolder = async (): Promise<string | null> => null) {
  return createDatasetHandlers({
    dataDir,
    loadCached: (o) => loadCachedBytes({ ...o, descriptor, fetch: fetchImpl, retries: 0 }),
    importFrom: (dir, o) => importFrom(dir, descriptor, o),
    readFile: async (p) => new Uint8Array(await readFile(p)),
    pickFolder,
  });
}

describe('dataset:load', () => {
  it('downloads into the data folder through the verified downloader, reporting progress, and returns the gzip bytes', async () => {
    const dataDir = temp();
    const fetchImpl = fakeFetch(files, 2048);
    const ctx = recorder();
    const out = await handlers(dataDir, fetchImpl)['dataset:load'](ctx);
    expect(out.trainImages).toEqual(files.trainImages);
    expect(out.testLabels).toEqual(files.testLabels);
    expect(out.origin).toBe(dataDir);
    expect(fetchImpl.urls).toHaveLength(4);
    // Progress for every file, ending complete, with the mirror URL as source.
    for (const name of Object.values(NAMES)) {
      const mine = ctx.events.filter((e) => e.file === name);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.at(-1)).toMatchObject({ bytesDone: mine.at(-1)!.bytesTotal, source: `https://mirror.test/mnist/${name}` });
    }
    const big = ctx.events.filter((e) => e.file === NAMES.trainImages);
    expect(big.length).toBeLessThan(Math.ceil(files.trainImages.length / 2048) + 2); // throttled, never more than one per chunk

    // A second call is served from the verified cache, without the network.
    const again = recorder();
    const cached = await handlers(dataDir, fetchImpl)['dataset:load'](again);
    expect(cached.trainImages).toEqual(files.trainImages);
    expect(fetchImpl.urls).toHaveLength(4);
    expect(again.events.every((e) => e.source === 'cache')).toBe(true);
  });

  it('says who holds a file’s download lock while another download of it runs, waits, then uses the verified file', async () => {
    const dataDir = temp();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let fetching!: () => void;
    const started = new Promise<void>((r) => {
      fetching = r;
    });
    const inner = fakeFetch(files);
    const held = Object.assign(async (input: string | URL | Request) => {
      fetching(); // a request means this download holds the file's lock
      await gate; // and it keeps holding it until the test lets its requests through
      return inner(input);
    }, { urls: inner.urls }) as typeof fetch & { urls: string[] };
    const first = handlers(dataDir, held)['dataset:load'](recorder());
    await started;
    // Separate handlers (another window or process): nothing shared but the data folder.
    const ctx = recorder();
    const second = handlers(dataDir, fakeFetch(files))['dataset:load'](ctx);
    await vi.waitFor(() => expect(ctx.events.some((e) => e.source === 'lock')).toBe(true), { timeout: 10_000 });
    const wait = ctx.events.find((e) => e.source === 'lock')!;
    expect(wait).toMatchObject({ bytesDone: 0 });
    expect(wait.waitingFor).toMatch(/:\d+$/); // host:pid of the holder
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.trainImages).toEqual(files.trainImages);
    expect(b.trainImages).toEqual(files.trainImages);
    expect(b.testLabels).toEqual(files.testLabels);
  });

  it('a cached file corrupted in place (size and mtime kept) is fetched again, never handed to the renderer', async () => {
    const dataDir = temp();
    const fetchImpl = fakeFetch(files);
    await handlers(dataDir, fetchImpl)['dataset:load'](recorder());
    const cached = join(dataDir, 'datasets', descriptor.id, NAMES.trainLabels);
    const { mtime } = statSync(cached);
    const bad = readFileSync(cached);
    bad[bad.length >> 1]! ^= 0xff;
    writeFileSync(cached, bad);
    utimesSync(cached, mtime, mtime);
    const out = await handlers(dataDir, fetchImpl)['dataset:load'](recorder());
    expect(out.trainLabels).toEqual(files.trainLabels);
    expect(fetchImpl.urls.slice(4)).toEqual([`https://mirror.test/mnist/${NAMES.trainLabels}`]);
  });

  it('shares one download between concurrent calls', async () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    const dl = vi.fn(async () => ({ files: { trainImages: bytes('a'), trainLabels: bytes('b'), testImages: bytes('c'), testLabels: bytes('d') } }));
    const h = createDatasetHandlers({ dataDir: '/x', loadCached: dl, importFrom: vi.fn(), readFile: async (p) => bytes(p), pickFolder: async () => null });
    const [a, b] = await Promise.all([h['dataset:load'](recorder()), h['dataset:load'](recorder())]);
    expect(dl).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    await h['dataset:load'](recorder());
    expect(dl).toHaveBeenCalledTimes(2);
  });

  it('fails with the downloader’s one-sentence error when no mirror has the files', async () => {
    const broken = fakeFetch({ ...files, trainImages: new Uint8Array([1, 2, 3]) });
    await expect(handlers(temp(), broken)['dataset:load'](recorder())).rejects.toThrow(/Could not download train-images-idx3-ubyte.gz/);
  });
});

describe('dataset:import', () => {
  it('returns null when the user cancels the folder dialog', async () => {
    expect(await handlers(temp())['dataset:import'](recorder())).toBeNull();
  });

  it('copies the four files from the picked folder into the data folder, verified, with progress', async () => {
    const src = temp();
    for (const [k, name] of Object.entries(NAMES)) writeFileSync(join(src, name), files[k as keyof typeof files]);
    const ctx = recorder();
    const out = await handlers(temp(), fakeFetch(files), async () => src)['dataset:import'](ctx);
    expect(out?.testImages).toEqual(files.testImages);
    expect(out?.origin).toBe(src);
    expect(ctx.events.map((e) => e.file).sort()).toEqual(Object.values(NAMES).sort());
    expect(ctx.events.every((e) => e.source === 'import')).toBe(true);
  });

  it('refuses a folder whose files are not the published ones', async () => {
    const src = temp();
    for (const [k, name] of Object.entries(NAMES)) writeFileSync(join(src, name), files[k as keyof typeof files]);
    writeFileSync(join(src, NAMES.testLabels), 'garbage');
    await expect(handlers(temp(), fakeFetch(files), async () => src)['dataset:import'](recorder())).rejects.toThrow(/is not the published/);
  });
});

describe('throttleProgress', () => {
  it('passes one event per file per interval, and always the last one', () => {
    let t = 0;
    const out: DatasetProgress[] = [];
    const p = throttleProgress((e) => out.push(e), 50, () => t);
    for (let i = 1; i <= 10; i++) {
      t += 10;
      p({ file: 'a', bytesDone: i, bytesTotal: 10, source: 's' });
    }
    p({ file: 'b', bytesDone: 1, bytesTotal: undefined, source: 's' });
    expect(out.map((e) => `${e.file}${e.bytesDone}`)).toEqual(['a1', 'a6', 'a10', 'b1']);
    expect(out[3]!.bytesTotal).toBeNull();
  });
});
