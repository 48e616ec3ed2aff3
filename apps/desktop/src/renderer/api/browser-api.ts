// The browser implementation of DesktopApi: MNIST over HTTP from a base URL, models as downloads and uploads,
// settings in localStorage. How the renderer runs (and is tested) without Electron.
import type { DatasetFiles, DatasetProgress, DesktopApi, ModelFile, SavedModel, ShellCommand, ShellState } from '../../shared/api.js';
import { type AppSettings, checkAppSettings } from '../../shared/settings.js';
import { needsPrompt, windowTitle } from '../../shared/shell.js';
import { BROWSER_FILE_SHORTCUTS, type KeyLike, matchesAccelerator } from '../../shared/shortcuts.js';

export const DATASET_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

type Role = keyof typeof DATASET_FILES;
const ROLES = Object.keys(DATASET_FILES) as Role[];
const SETTINGS_KEY = 'mlp-desktop.settings';

/** The dataset base URL: `?data=URL` when given (relative to the page), else `./data/` beside the page. Always ends in '/'. */
export function dataBaseUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const param = page.searchParams.get('data');
  const base = new URL(param && param.length > 0 ? param : './data/', page);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base.href;
}

/** Read a response body, reporting progress as chunks arrive. */
async function readWithProgress(res: Response, file: string, source: string, onProgress?: (p: DatasetProgress) => void): Promise<Uint8Array> {
  const header = Number(res.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 && !res.headers.get('content-encoding') ? header : null;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    chunks.push(r.value);
    done += r.value.length;
    onProgress?.({ file, bytesDone: done, bytesTotal: total, source });
  }
  const out = new Uint8Array(done);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  onProgress?.({ file, bytesDone: done, bytesTotal: done, source });
  return out;
}


/** Hand bytes to the browser as a download named `name` (the browser decides where it goes). */
function download(bytes: Uint8Array, name: string): SavedModel {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { location: name };
}

/** Let the user pick files with a temporary <input type=file>; resolves with [] when cancelled. */
function pickFiles(accept: string, multiple: boolean): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve([...(input.files ?? [])]);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve([]);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}

/** The command a key press means in a browser (there is no menu there: the page handles the file shortcuts), or null. */
export function browserShortcut(e: KeyLike, mac: boolean): ShellCommand | null {
  if (matchesAccelerator(BROWSER_FILE_SHORTCUTS.openModel, e, mac)) return { type: 'open-model' };
  if (matchesAccelerator(BROWSER_FILE_SHORTCUTS.saveModel, e, mac)) return { type: 'save-model' };
  return null;
}

export function createBrowserApi(pageUrl: string = location.href, storage: Storage = localStorage): DesktopApi {
  const base = dataBaseUrl(pageUrl);
  let shell: ShellState = { modelName: null, unsaved: false, running: false };
  return {
    kind: 'browser',
    async loadDataset(onProgress) {
      const out = {} as Record<Role, Uint8Array>;
      for (const role of ROLES) {
        const url = new URL(DATASET_FILES[role], base).href;
        let res: Response;
        try {
          res = await fetch(url);
        } catch (e) {
          throw new Error(`Could not fetch ${url} (${(e as Error).message}); serve the four MNIST .gz files there, or pass ?data=URL.`);
        }
        if (!res.ok) throw new Error(`Could not fetch ${url}: HTTP ${res.status}; serve the four MNIST .gz files there, or pass ?data=URL.`);
        out[role] = await readWithProgress(res, DATASET_FILES[role], url, onProgress);
      }
      return { ...out, origin: base } satisfies DatasetFiles;
    },
    async importDataset(onProgress) {
      const files = await pickFiles('.gz,application/gzip', true);
      if (files.length === 0) return null;
      const out = {} as Record<Role, Uint8Array>;
      for (const role of ROLES) {
        const name = DATASET_FILES[role];
        const f = files.find((x) => x.name === name || x.name === name.replace(/\.gz$/, ''));
        if (!f) throw new Error(`${name} was not among the chosen files; pick all four MNIST files.`);
        out[role] = new Uint8Array(await f.arrayBuffer());
        onProgress?.({ file: name, bytesDone: f.size, bytesTotal: f.size, source: 'import' });
      }
      return { ...out, origin: 'chosen files' };
    },
    async saveModel(bytes, suggestedName) {
      return download(bytes, suggestedName);
    },
    async exportModel(bytes, suggestedName) {
      return download(bytes, suggestedName);
    },
    async openModel(): Promise<ModelFile | null> {
      const [f] = await pickFiles('.mlp,.ckpt', false);
      if (!f) return null;
      return { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
    },
    async loadSettings() {
      try {
        const raw = storage.getItem(SETTINGS_KEY);
        return raw ? checkAppSettings(JSON.parse(raw)) : null;
      } catch {
        return null;
      }
    },
    async saveSettings(settings: AppSettings) {
      storage.setItem(SETTINGS_KEY, JSON.stringify(checkAppSettings(settings)));
    },
    onCommand(listener) {
      const mac = /Mac|iPhone|iPad/.test(navigator.platform);
      addEventListener('keydown', (e) => {
        const command = browserShortcut(e, mac);
        if (!command) return;
        e.preventDefault(); // the browser's own Save Page / Open File
        listener(command);
      });
      // The browser's own leave-page prompt stands in for the app's unsaved-work dialog.
      addEventListener('beforeunload', (e) => {
        if (needsPrompt(shell)) e.preventDefault();
      });
    },
    async reportState(state) {
      shell = state;
      document.title = windowTitle(state);
    },
  };
}
