// The toolbar buttons' keyboard shortcuts, taken from the app's one table (shared/shortcuts.ts): which key each
// button answers to, its label for tooltips and aria-keyshortcuts, and which keys this view presses itself.
// The file keys (Save/Open/Export) belong to the menu in Electron and to the browser API's handler in a page.
import { MENU_ACCELERATORS, RENDERER_SHORTCUTS, type KeyLike, acceleratorLabel, matchesAccelerator } from '../../shared/shortcuts.js';

export interface Shortcut {
  /** The button's id. */
  button: string;
  /** The accelerator in Electron's syntax, as in shared/shortcuts.ts. */
  accelerator: string;
  /** True when the toolbar presses the button on this key itself; false when the menu or the browser API does. */
  pressHere: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { button: 'start', accelerator: RENDERER_SHORTCUTS.startOrResume, pressHere: true },
  { button: 'resume', accelerator: RENDERER_SHORTCUTS.startOrResume, pressHere: true },
  { button: 'pause', accelerator: RENDERER_SHORTCUTS.pause, pressHere: true },
  { button: 'step', accelerator: RENDERER_SHORTCUTS.step, pressHere: true },
  { button: 'save-model', accelerator: MENU_ACCELERATORS.saveModel, pressHere: false },
  { button: 'open-model', accelerator: MENU_ACCELERATORS.openModel, pressHere: false },
  { button: 'export-onnx', accelerator: MENU_ACCELERATORS.exportOnnx, pressHere: false },
  { button: 'export-safetensors', accelerator: MENU_ACCELERATORS.exportSafetensors, pressHere: false },
];

const mac = () => typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** "Ctrl+Shift+Enter" (or "Cmd+Shift+Enter" on macOS), for a tooltip. */
export const shortcutLabel = (s: Shortcut): string => acceleratorLabel(s.accelerator, mac());

/** The aria-keyshortcuts value, e.g. "Control+Shift+Enter" or "Meta+Period". */
export function ariaShortcut(s: Shortcut): string {
  const names: Record<string, string> = { CmdOrCtrl: mac() ? 'Meta' : 'Control', '.': 'Period', Plus: 'Plus' };
  return s.accelerator
    .split('+')
    .map((p) => names[p] ?? (p.length === 1 ? p.toUpperCase() : p))
    .join('+');
}

/** The shortcuts that exist in this kind of window: a page has no Export keys (the browser owns Ctrl+E). */
export const shortcutsFor = (kind: 'electron' | 'browser'): Shortcut[] => SHORTCUTS.filter((s) => kind === 'electron' || !s.button.startsWith('export-'));

/** The enabled button that the toolbar itself presses for a key event, or null. */
export function matchShortcut(e: KeyLike, list: readonly Shortcut[], enabled: (button: string) => boolean): string | null {
  // Some layouts give '>' for Shift+. ; the pause key is unshifted.
  // (A DOM event's fields are getters on its prototype: copy them one by one, never with a spread.)
  const k: KeyLike = { key: e.key === '>' && !e.shiftKey ? '.' : e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey, altKey: e.altKey };
  const hit = list.find((s) => s.pressHere && matchesAccelerator(s.accelerator, k, mac()) && enabled(s.button));
  return hit?.button ?? null;
}
