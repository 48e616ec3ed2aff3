// Every keyboard shortcut of the app in one table: the menu's accelerators (Electron's syntax) and the keys the
// renderer handles itself, so neither side can take the other's. Data and pure helpers; no listeners here.

/** The menu's accelerators. In Electron the menu owns them; in a browser the renderer handles the file ones. */
export const MENU_ACCELERATORS = {
  openModel: 'CmdOrCtrl+O',
  saveModel: 'CmdOrCtrl+S',
  importDataset: 'CmdOrCtrl+Shift+O',
  exportOnnx: 'CmdOrCtrl+E',
  exportSafetensors: 'CmdOrCtrl+Shift+E',
  quit: 'CmdOrCtrl+Q',
  close: 'CmdOrCtrl+W',
  undo: 'CmdOrCtrl+Z',
  redo: 'CmdOrCtrl+Shift+Z',
  cut: 'CmdOrCtrl+X',
  copy: 'CmdOrCtrl+C',
  paste: 'CmdOrCtrl+V',
  selectAll: 'CmdOrCtrl+A',
  zoomIn: 'CmdOrCtrl+Plus',
  zoomOut: 'CmdOrCtrl+-',
  resetZoom: 'CmdOrCtrl+0',
  reload: 'CmdOrCtrl+R',
  devTools: 'CmdOrCtrl+Shift+I',
  fullScreenMac: 'Ctrl+Cmd+F',
  fullScreen: 'F11',
} as const;

/**
 * Keys the renderer handles in every mode (the training controls). Chosen to collide with no menu accelerator,
 * no browser or Electron default (Ctrl+P print, Ctrl+R reload, Ctrl+L address bar…) and no key the views use
 * (Space and arrows on the pad and in grids, Enter on buttons).
 */
export const RENDERER_SHORTCUTS = {
  startOrResume: 'CmdOrCtrl+Enter',
  pause: 'CmdOrCtrl+.',
  step: 'CmdOrCtrl+Shift+Enter',
} as const;

/** The file shortcuts the renderer handles itself in a browser (Electron's menu has them there). */
export const BROWSER_FILE_SHORTCUTS = {
  openModel: MENU_ACCELERATORS.openModel,
  saveModel: MENU_ACCELERATORS.saveModel,
} as const;

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const KEY_NAMES: Record<string, string> = { Plus: '+', Enter: 'Enter', Space: ' ' };

/** True when a keyboard event is this accelerator (CmdOrCtrl is ⌘ on macOS, Ctrl elsewhere). */
export function matchesAccelerator(accelerator: string, e: KeyLike, mac: boolean): boolean {
  const parts = accelerator.split('+');
  // 'CmdOrCtrl+Plus' names the key Plus; a trailing '+' would leave an empty part.
  const key = parts.pop() ?? '';
  const mods = new Set(parts.map((p) => (p === 'CmdOrCtrl' || p === 'CommandOrControl' ? (mac ? 'Cmd' : 'Ctrl') : p === 'Command' ? 'Cmd' : p)));
  if (e.ctrlKey !== mods.has('Ctrl') || e.metaKey !== mods.has('Cmd') || e.altKey !== mods.has('Alt') || e.shiftKey !== mods.has('Shift')) return false;
  const want = KEY_NAMES[key] ?? key;
  return e.key.length === 1 && want.length === 1 ? e.key.toLowerCase() === want.toLowerCase() : e.key === want;
}

/** The accelerator written the platform's way: ⌘ on macOS, Ctrl elsewhere (for tooltips and help text). */
export function acceleratorLabel(accelerator: string, mac: boolean): string {
  return accelerator.replace(/CmdOrCtrl|CommandOrControl/g, mac ? 'Cmd' : 'Ctrl');
}
