// The preload: exposes one named function per action on window.desktop (the typed DesktopApi) and nothing else.
// Sandboxed, so it may only require 'electron'; it never hands ipcRenderer or a generic invoke to the page.
import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, type Channel, type DatasetProgress, type DesktopApi, type IpcContract, type IpcReply, type ShellCommand } from '../shared/api.js';

async function call<K extends Channel>(channel: K, ...args: IpcContract[K]['args']): Promise<IpcContract[K]['result']> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply<IpcContract[K]['result']>;
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/** Run `fn` while forwarding dataset progress events to `onProgress`. */
async function withProgress<T>(onProgress: ((p: DatasetProgress) => void) | undefined, fn: () => Promise<T>): Promise<T> {
  if (typeof onProgress !== 'function') return fn();
  const listener = (_e: unknown, p: DatasetProgress) => onProgress(p);
  ipcRenderer.on('dataset:progress', listener);
  try {
    return await fn();
  } finally {
    ipcRenderer.removeListener('dataset:progress', listener);
  }
}

const api: DesktopApi = {
  kind: 'electron',
  loadDataset: (onProgress) => withProgress(onProgress, () => call('dataset:load')),
  importDataset: (onProgress) => withProgress(onProgress, () => call('dataset:import')),
  saveModel: (bytes, suggestedName) => call('model:save', bytes, suggestedName),
  exportModel: (bytes, suggestedName, format) => call('model:export', bytes, suggestedName, format),
  openModel: () => call('model:open'),
  loadSettings: () => call('settings:load'),
  saveSettings: async (settings) => {
    await call('settings:save', settings);
  },
  onCommand: (listener) => {
    if (typeof listener !== 'function') return;
    // One listener: a second call replaces the first (the page registers once, at start).
    ipcRenderer.removeAllListeners('shell:command');
    ipcRenderer.on('shell:command', (_e: unknown, command: ShellCommand) => listener(command));
  },
  reportState: async (state) => {
    await call('shell:state', state);
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
