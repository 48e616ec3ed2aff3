// Electron main: creates the locked-down window, serves the renderer over app://, and wires the IPC handlers, the
// menu, the close prompt, the remembered window and folders, files from the OS and updates to Electron. All logic lives
// in the small modules beside this file, each unit-tested without Electron.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MNIST, importFrom, loadCachedBytes } from '@mlp/mnist/node';
import { BrowserWindow, Menu, type MenuItemConstructorOptions, app, dialog, ipcMain, protocol, screen, session, shell } from 'electron';
import type { ShellCommand, ShellState } from '../shared/api.js';
import { APP_NAME, windowTitle } from '../shared/shell.js';
import { APP_ENTRY, APP_SCHEME, ISOLATION_HEADERS, CONTENT_SECURITY_POLICY, isAppUrl, isExternalLink, mimeType, resolveAppPath, secureWebPreferences } from './app-protocol.js';
import { writeAtomic } from './atomic.js';
import { closeChoice, closePrompt } from './close-guard.js';
import { createDatasetHandlers } from './dataset.js';
import { registerHandlers } from './ipc.js';
import { type MenuAction, type MenuItemSpec, menuTemplate } from './menu.js';
import { SAVE_DIALOGS, createModelHandlers, readModelAt } from './models.js';
import { OpenQueue, isModelPath, modelPathsFromArgv } from './open-files.js';
import { denyPermissions } from './permissions.js';
import { createSettingsHandlers } from './settings-store.js';
import { startUpdates } from './update-channel.js';
import { validators } from './validate.js';
import { type ShellPrefs, initialBounds, minimumSize, parsePrefs, serializePrefs } from './window-state.js';

const RENDERER_DIR = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, '..', 'preload', 'index.cjs');
const HOMEPAGE = 'https://github.com/mlp-workbench/mlp-workbench';

// Tests (and people who want a throwaway profile) can point the data folder elsewhere.
if (process.env.MLP_DESKTOP_USER_DATA) app.setPath('userData', process.env.MLP_DESKTOP_USER_DATA);
app.setName(APP_NAME);

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const PREFS_PATH = join(app.getPath('userData'), 'window-state.json');
let prefs: ShellPrefs = parsePrefs(null);
const savePrefs = () => void writeAtomic(PREFS_PATH, serializePrefs(prefs)).catch(() => {});
let shellState: ShellState = { modelName: null, unsaved: false, running: false };
let quitting = false;
let mainWindow: BrowserWindow | null = null;
const openQueue = new OpenQueue();

const focused = (): BrowserWindow | undefined => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
const send = (c: ShellCommand) => {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send('shell:command', c);
};
const readBytes = async (p: string) => new Uint8Array(await readFile(p));
const fileAccess = { readFile: readBytes, fileSize: async (p: string) => (await stat(p)).size, basename };

/** Read a model the OS handed over and give it to the renderer (or say in one sentence why not). */
function deliverModel(path: string): void {
  readModelAt(fileAccess, path).then(
    (file) => {
      prefs.folders.model = dirname(path);
      savePrefs();
      send({ type: 'model-file', file });
    },
    (e: Error) => send({ type: 'error', message: e.message.startsWith(path) ? e.message : `Could not open ${path}: ${e.message}` }),
  );
}

function wireIpc(): void {
  const dataDir = app.getPath('userData');
  const dataset = createDatasetHandlers({
    dataDir,
    loadCached: (o) => loadCachedBytes({ ...o, descriptor: MNIST }),
    importFrom: (dir, o) => importFrom(dir, MNIST, o),
    readFile: readBytes,
    pickFolder: async () => {
      const w = focused();
      const options = { title: 'Folder holding the four MNIST .gz files', properties: ['openDirectory' as const], ...(prefs.folders.dataset ? { defaultPath: prefs.folders.dataset } : {}) };
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
      const dir = r.canceled ? null : (r.filePaths[0] ?? null);
      if (dir) {
        prefs.folders.dataset = dir;
        savePrefs();
      }
      return dir;
    },
  });
  const modelDir = () => prefs.folders.model ?? app.getPath('documents');
  const rememberModelDir = (path: string | null) => {
    if (!path) return path;
    prefs.folders.model = dirname(path);
    savePrefs();
    return path;
  };
  const models = createModelHandlers({
    pickSavePath: async (name, kind) => {
      const w = focused();
      const { title, filter } = SAVE_DIALOGS[kind];
      const options = { title, defaultPath: join(modelDir(), name), filters: [filter] };
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return rememberModelDir(r.canceled ? null : (r.filePath ?? null));
    },
    pickOpenPath: async () => {
      const w = focused();
      const options = { title: 'Open model', defaultPath: modelDir(), filters: [{ name: 'MLP model', extensions: ['mlp', 'ckpt'] }], properties: ['openFile' as const] };
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
      return rememberModelDir(r.canceled ? null : (r.filePaths[0] ?? null));
    },
    writeAtomic: (p, b) => writeAtomic(p, b),
    ...fileAccess,
  });
  const settings = createSettingsHandlers({
    path: join(dataDir, 'settings.json'),
    readText: (p) => readFile(p, 'utf8'),
    writeAtomic: (p, t) => writeAtomic(p, t),
  });
  const shellHandlers = {
    'shell:state': async (_ctx: unknown, state: ShellState): Promise<null> => {
      const menuChanged = state.running !== shellState.running;
      shellState = state;
      if (mainWindow && !mainWindow.isDestroyed()) {
        mainWindow.setTitle(windowTitle(state));
        // macOS also marks the close button of a window with unsaved changes (the method exists only there).
        if (process.platform === 'darwin') mainWindow.setDocumentEdited(state.unsaved);
        // The renderer reports once it listens for commands: files the OS handed over can go now.
        openQueue.ready(deliverModel);
      }
      if (menuChanged) buildMenu();
      return null;
    },
  };
  registerHandlers(ipcMain, { ...dataset, ...models, ...settings, ...shellHandlers }, validators, isAppUrl);
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = resolveAppPath(RENDERER_DIR, request.url);
    if (!path) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body, { headers: { 'content-type': mimeType(path), 'content-security-policy': CONTENT_SECURITY_POLICY, ...ISOLATION_HEADERS } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

const updates = startUpdates({
  packaged: app.isPackaged,
  version: app.getVersion(),
  prefs: () => prefs.updates,
  setLastCheck: (t) => {
    prefs.updates.lastCheck = t;
    savePrefs();
  },
  ask: async (q) => (mainWindow ? await dialog.showMessageBox(mainWindow, { type: 'info', ...q }) : await dialog.showMessageBox({ type: 'info', ...q })).response,
  tell: (message) => void (mainWindow ? dialog.showMessageBox(mainWindow, { type: 'info', message }) : dialog.showMessageBox({ type: 'info', message })),
});

const ACTIONS: Record<MenuAction, () => void> = {
  'open-model': () => send({ type: 'open-model' }),
  'save-model': () => send({ type: 'save-model' }),
  'import-dataset': () => send({ type: 'import-dataset' }),
  'export-onnx': () => send({ type: 'export-model', format: 'onnx' }),
  'export-safetensors': () => send({ type: 'export-model', format: 'safetensors' }),
  about: () => {
    const options = {
      type: 'info' as const,
      message: `${APP_NAME} ${app.getVersion()}`,
      detail:
        'Train a multilayer perceptron on MNIST on your own machine and watch it learn. The seed preset is the article’s reference run: a 784-50-10 sigmoid network, MSE, SGD at learning rate 0.1, 50 epochs (the textbook reports 94.51% test accuracy). Everything — the network, training and the file format — is written from scratch in TypeScript.',
      buttons: ['OK', 'README'],
    };
    const shown = mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options);
    void shown.then((r) => r.response === 1 && ACTIONS['open-readme']());
  },
  'open-readme': () => void shell.openExternal(`${HOMEPAGE}#readme`),
  'open-article': () => void shell.openExternal(`${HOMEPAGE}#the-reference-run`),
  'toggle-updates': () => {
    prefs.updates.enabled = !prefs.updates.enabled;
    savePrefs();
    buildMenu();
    updates.schedule();
  },
  'check-updates': () => void updates.checkNow(),
};

function toElectron(items: MenuItemSpec[]): MenuItemConstructorOptions[] {
  return items.map(({ action, submenu, ...item }) => ({
    ...item,
    ...(submenu ? { submenu: toElectron(submenu) } : {}),
    ...(action ? { click: ACTIONS[action] } : {}),
  }));
}

function buildMenu(): void {
  const template = menuTemplate(process.platform, { appName: APP_NAME, development: !app.isPackaged, running: shellState.running, updates: prefs.updates.enabled });
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectron(template)));
}

function createWindow(): void {
  const primary = screen.getPrimaryDisplay().workArea;
  const bounds = initialBounds(prefs.window.bounds, screen.getAllDisplays().map((d) => d.workArea), primary);
  const min = minimumSize(primary);
  const win = new BrowserWindow({
    ...bounds,
    minWidth: min.width,
    minHeight: min.height,
    title: APP_NAME,
    backgroundColor: '#f6f7f9',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  mainWindow = win;
  if (prefs.window.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  // The title follows the model (set from the renderer's reports), not the page's <title>.
  win.on('page-title-updated', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // A reloading or crashed renderer cannot take files until it reports again.
  win.webContents.on('did-start-loading', () => openQueue.hold());

  // Remember the size and place as they change too (a crash or a power cut keeps the last ones), at most twice a second.
  let boundsTimer: ReturnType<typeof setTimeout> | null = null;
  const rememberBounds = () => {
    if (boundsTimer) clearTimeout(boundsTimer);
    boundsTimer = setTimeout(() => {
      if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
      prefs.window = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
      savePrefs();
    }, 500);
  };
  win.on('resize', rememberBounds);
  win.on('move', rememberBounds);
  win.on('maximize', rememberBounds);
  win.on('unmaximize', rememberBounds);

  let closing = false;
  win.on('close', (event) => {
    const prompt = closing ? null : closePrompt(shellState, quitting);
    if (prompt) {
      event.preventDefault();
      void dialog.showMessageBox(win, prompt).then(({ response }) => {
        const choice = closeChoice(prompt, response);
        if (choice === 'discard') {
          closing = true;
          if (quitting) app.quit();
          else win.close();
          return;
        }
        quitting = false;
        if (choice === 'save') send({ type: 'save-model' });
      });
      return;
    }
    if (boundsTimer) clearTimeout(boundsTimer);
    prefs.window = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    savePrefs();
  });
  win.on('closed', () => {
    mainWindow = null;
    openQueue.hold();
    shellState = { modelName: null, unsaved: false, running: false };
  });
  void win.loadURL(APP_ENTRY);
}

app.on('web-contents-created', (_e, contents) => {
  denyPermissions(contents.session);
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
});

/** Show the window (restoring it from the dock or minimised), creating it when there is none. */
function showWindow(): void {
  if (!mainWindow) return app.isReady() ? createWindow() : undefined;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

// One running app per data folder: a second start focuses the first window (handing over any model it was given)
// instead of racing it over the settings file and the dataset download.
const primaryInstance = app.requestSingleInstanceLock();
if (!primaryInstance) app.quit();
for (const p of modelPathsFromArgv(process.argv, process.cwd(), process.defaultApp === true)) openQueue.push(p);
app.on('second-instance', (_e, argv, workingDirectory) => {
  for (const p of modelPathsFromArgv(argv, workingDirectory, process.defaultApp === true)) openQueue.push(p);
  showWindow();
});
// macOS: double-clicking a model, or dropping it on the dock icon (also before the app is ready).
app.on('open-file', (event, path) => {
  event.preventDefault();
  if (!isModelPath(path)) return;
  openQueue.push(path);
  showWindow();
});

app.on('before-quit', () => {
  quitting = true;
});

app.whenReady().then(async () => {
  if (!primaryInstance) return;
  prefs = parsePrefs(await readFile(PREFS_PATH, 'utf8').catch(() => null));
  denyPermissions(session.defaultSession);
  serveRenderer();
  wireIpc();
  buildMenu();
  createWindow();
  updates.schedule();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin' || quitting) app.quit();
});
