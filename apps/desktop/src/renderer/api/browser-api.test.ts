import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DatasetProgress } from '../../shared/api.js';
import { PRESETS } from '@mlp/recipe';
import { fakeFetch, syntheticMnist } from '../../testing/synthetic.js';
import { browserShortcut, createBrowserApi, dataBaseUrl } from './browser-api.js';

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
}
const storage = () => new MemoryStorage() as unknown as Storage;

afterEach(() => vi.unstubAllGlobals());

describe('the browser API', () => {
  it('finds the dataset beside the page, or where ?data= says', () => {
    expect(dataBaseUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/data/');
    expect(dataBaseUrl('http://host/app/index.html')).toBe('http://host/app/data/');
    expect(dataBaseUrl('http://host/app/?data=../mnist')).toBe('http://host/mnist/');
    expect(dataBaseUrl('http://host/app/?data=https://cdn.example/mnist/')).toBe('https://cdn.example/mnist/');
  });

  it('fetches the four files with progress', async () => {
    const files = syntheticMnist(50, 20);
    const f = fakeFetch(files, 4096);
    vi.stubGlobal('fetch', f);
    const seen: DatasetProgress[] = [];
    const out = await createBrowserApi('http://h/?data=/d/', storage()).loadDataset((p) => seen.push(p));
    expect(out.trainImages).toEqual(files.trainImages);
    expect(out.testLabels).toEqual(files.testLabels);
    expect(out.origin).toBe('http://h/d/');
    expect(f.urls).toEqual(['http://h/d/train-images-idx3-ubyte.gz', 'http://h/d/train-labels-idx1-ubyte.gz', 'http://h/d/t10k-images-idx3-ubyte.gz', 'http://h/d/t10k-labels-idx1-ubyte.gz']);
    const images = seen.filter((p) => p.file === 'train-images-idx3-ubyte.gz');
    expect(images.length).toBeGreaterThan(2);
    expect(images.at(-1)).toMatchObject({ bytesDone: files.trainImages.length, bytesTotal: files.trainImages.length });
  });

  it('says where it looked when a file is missing or the server is down', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    await expect(createBrowserApi('http://h/', storage()).loadDataset()).rejects.toThrow('Could not fetch http://h/data/train-images-idx3-ubyte.gz: HTTP 404; serve the four MNIST .gz files there, or pass ?data=URL.');
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(createBrowserApi('http://h/', storage()).loadDataset()).rejects.toThrow(/Could not fetch .*Failed to fetch/);
  });

  it('remembers settings in storage, ignoring anything damaged', async () => {
    const st = storage();
    const api = createBrowserApi('http://h/', st);
    expect(await api.loadSettings()).toBeNull();
    const s = { preset: 'best' as const, train: PRESETS.best };
    await api.saveSettings(s);
    expect(await api.loadSettings()).toEqual(s);
    st.setItem('mlp-desktop.settings', '{"preset":"best","train":{"lr":-1}}');
    expect(await api.loadSettings()).toBeNull();
    st.setItem('mlp-desktop.settings', 'not json');
    expect(await api.loadSettings()).toBeNull();
  });
});

describe('browser shortcuts', () => {
  const k = (key: string, m: { ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean } = {}) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...m });
  it('turns Ctrl+S / Ctrl+O (Cmd on macOS) into the menu’s commands, and nothing else', () => {
    expect(browserShortcut(k('s', { ctrlKey: true }), false)).toEqual({ type: 'save-model' });
    expect(browserShortcut(k('o', { ctrlKey: true }), false)).toEqual({ type: 'open-model' });
    expect(browserShortcut(k('o', { metaKey: true }), true)).toEqual({ type: 'open-model' });
    expect(browserShortcut(k('o', { ctrlKey: true }), true)).toBeNull();
    expect(browserShortcut(k('O', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(browserShortcut(k('s'), false)).toBeNull();
  });
});
