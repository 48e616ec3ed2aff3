// The application menu as data: a pure function of the platform and the app's state, following each platform's
// convention (macOS: an app menu and a Window menu; Windows/Linux: Exit in File, About in Help). No Electron here:
// items name an `action` that index.ts turns into a click handler, or a built-in Electron `role`.
import { MENU_ACCELERATORS as K } from '../shared/shortcuts.js';

/** What a menu item does when it is not a built-in role. */
export type MenuAction =
  | 'open-model'
  | 'save-model'
  | 'import-dataset'
  | 'export-onnx'
  | 'export-safetensors'
  | 'about'
  | 'open-readme'
  | 'open-article'
  | 'toggle-updates'
  | 'check-updates';

/** Electron's built-in roles used here. */
export type MenuRole =
  | 'appMenu'
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'window'
  | 'help';

/** A subset of Electron's MenuItemConstructorOptions, with `action` instead of `click`. */
export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
  action?: MenuAction;
  accelerator?: string;
  type?: 'separator' | 'checkbox' | 'submenu';
  checked?: boolean;
  enabled?: boolean;
  submenu?: MenuItemSpec[];
}

export interface MenuState {
  appName: string;
  /** A development build (not packaged): Reload and DevTools are offered. */
  development: boolean;
  /** A run is training or paused mid-run: Reload would throw it away, so it is disabled. */
  running: boolean;
  /** Automatic update checks are on. */
  updates: boolean;
}

const sep: MenuItemSpec = { type: 'separator' };

/** The menu bar for `platform` (process.platform). */
export function menuTemplate(platform: string, s: MenuState): MenuItemSpec[] {
  const mac = platform === 'darwin';
  const about: MenuItemSpec = { label: `About ${s.appName}`, action: 'about' };
  const updates: MenuItemSpec[] = [
    { label: 'Check for Updates Automatically', type: 'checkbox', checked: s.updates, action: 'toggle-updates' },
    { label: 'Check for Updates…', action: 'check-updates' },
  ];
  const file: MenuItemSpec = {
    label: mac ? 'File' : '&File',
    submenu: [
      { label: 'Open Model…', accelerator: K.openModel, action: 'open-model' },
      { label: 'Save Model…', accelerator: K.saveModel, action: 'save-model' },
      sep,
      { label: 'Import Dataset Folder…', accelerator: K.importDataset, action: 'import-dataset' },
      {
        label: 'Export',
        submenu: [
          { label: 'ONNX…', accelerator: K.exportOnnx, action: 'export-onnx' },
          { label: 'safetensors…', accelerator: K.exportSafetensors, action: 'export-safetensors' },
        ],
      },
      sep,
      // macOS quits from the app menu and closes windows from File; elsewhere File ends with Exit/Quit.
      mac ? { role: 'close', accelerator: K.close } : { role: 'quit', label: platform === 'win32' ? 'E&xit' : '&Quit', accelerator: platform === 'win32' ? 'Alt+F4' : K.quit },
    ],
  };
  const edit: MenuItemSpec = {
    label: mac ? 'Edit' : '&Edit',
    submenu: [
      { role: 'undo', accelerator: K.undo },
      { role: 'redo', accelerator: platform === 'win32' ? 'Ctrl+Y' : K.redo },
      sep,
      { role: 'cut', accelerator: K.cut },
      { role: 'copy', accelerator: K.copy },
      { role: 'paste', accelerator: K.paste },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as MenuItemSpec] : []),
      { role: 'delete' },
      sep,
      { role: 'selectAll', accelerator: K.selectAll },
    ],
  };
  const develop: MenuItemSpec[] = s.development
    ? [{ role: 'reload', accelerator: K.reload, enabled: !s.running }, { role: 'toggleDevTools', accelerator: mac ? 'Alt+Cmd+I' : K.devTools }, sep]
    : [];
  const view: MenuItemSpec = {
    label: mac ? 'View' : '&View',
    submenu: [
      ...develop,
      { role: 'resetZoom', accelerator: K.resetZoom },
      { role: 'zoomIn', accelerator: K.zoomIn },
      { role: 'zoomOut', accelerator: K.zoomOut },
      sep,
      { role: 'togglefullscreen', accelerator: mac ? K.fullScreenMac : K.fullScreen },
    ],
  };
  const docs: MenuItemSpec[] = [
    { label: 'The Reference Run (the Article)', action: 'open-article' },
    { label: 'README', action: 'open-readme' },
  ];
  if (mac) {
    return [
      {
        label: s.appName,
        submenu: [about, sep, ...updates, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit', accelerator: K.quit }],
      },
      file,
      edit,
      view,
      { role: 'window', submenu: [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] },
      { role: 'help', submenu: docs },
    ];
  }
  return [file, edit, view, { label: '&Help', submenu: [...docs, sep, ...updates, sep, about] }];
}

/** Every item, depth first (for tests and for looking up an item by action). */
export function flattenMenu(items: MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((i) => [i, ...flattenMenu(i.submenu ?? [])]);
}
