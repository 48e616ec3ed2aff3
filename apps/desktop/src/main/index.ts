// Electron main: creates the locked-down window, serves the renderer over app://, and wires the IPC handlers to
// Electron's dialogs and the file system. All logic lives in the small modules beside this file, each unit-tested.
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MNIST, importFrom, loadCachedBytes } from '@mlp/mnist/node';
import { BrowserWindow, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import { APP_ENTRY, APP_SCHEME, CONTENT_SECURITY_POLICY, isAppUrl, isExternalLink, mimeType, resolveAppPath, secureWebPreferences } from './app-protocol.js';
import { writeAtomic } from './atomic.js';
import { createDatasetHandlers } from './dataset.js';
import { registerHandlers } from './ipc.js';
import { SAVE_DIALOGS, createModelHandlers } from './models.js';
import { denyPermissions } from './permissions.js';
import { createSettingsHandlers } from './settings-store.js';
import { validators } from './validate.js';

const RENDERER_DIR = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, '..', 'preload', 'index.cjs');

// Tests (and people who want a throwaway profile) can point the data folder elsewhere.
if (process.env.MLP_DESKTOP_USER_DATA) app.setPath('userData', process.env.MLP_DESKTOP_USER_DATA);

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let lastModelDir: string | null = null;
const focused = (): BrowserWindow | undefined => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];

function wireIpc(): void {
  const dataDir = app.getPath('userData');
  const readBytes = async (p: string) => new Uint8Array(await readFile(p));
  const dataset = createDatasetHandlers({
    dataDir,
    loadCached: (o) => loadCachedBytes({ ...o, descriptor: MNIST }),
    importFrom: (dir, o) => importFrom(dir, MNIST, o),
    readFile: readBytes,
    pickFolder: async () => {
      const w = focused();
      const options = { title: 'Folder holding the four MNIST .gz files', properties: ['openDirectory' as const] };
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  });
  const models = createModelHandlers({
    pickSavePath: async (name, kind) => {
      const w = focused();
      const { title, filter } = SAVE_DIALOGS[kind];
      const options = { title, defaultPath: join(lastModelDir ?? app.getPath('documents'), name), filters: [filter] };
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      if (r.canceled || !r.filePath) return null;
      lastModelDir = join(r.filePath, '..');
      return r.filePath;
    },
    pickOpenPath: async () => {
      const w = focused();
      const options = {
        title: 'Open model',
        defaultPath: lastModelDir ?? app.getPath('documents'),
        filters: [{ name: 'MLP model', extensions: ['mlp', 'ckpt'] }],
        properties: ['openFile' as const],
      };
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    writeAtomic: (p, b) => writeAtomic(p, b),
    readFile: readBytes,
    fileSize: async (p) => (await stat(p)).size,
    basename,
  });
  const settings = createSettingsHandlers({
    path: join(dataDir, 'settings.json'),
    readText: (p) => readFile(p, 'utf8'),
    writeAtomic: (p, t) => writeAtomic(p, t),
  });
  registerHandlers(ipcMain, { ...dataset, ...models, ...settings }, validators, isAppUrl);
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = resolveAppPath(RENDERER_DIR, request.url);
    if (!path) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body, { headers: { 'content-type': mimeType(path), 'content-security-policy': CONTENT_SECURITY_POLICY } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    title: 'MLP workbench',
    backgroundColor: '#f6f7f9',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(APP_ENTRY);
}

app.on('web-contents-created', (_e, contents) => {
  denyPermissions(contents.session);
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
});

// One running app per data folder: a second start focuses the first window instead of racing it over the settings
// file and the dataset download.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();
app.on('second-instance', () => {
  const win = BrowserWindow.getAllWindows()[0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
});

app.whenReady().then(() => {
  if (!primary) return;
  denyPermissions(session.defaultSession);
  serveRenderer();
  wireIpc();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
