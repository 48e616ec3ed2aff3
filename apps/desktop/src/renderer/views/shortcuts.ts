// The renderer's keyboard shortcuts for the run controls, declared once: the key, its label for tooltips and
// aria-keyshortcuts, and which button it presses. Ctrl+S/O (Save/Open) only in the browser, where no application menu
// owns them; the keys avoid the menu's Ctrl/Cmd+S/O/Q/W/R and the standard Edit/View keys.

export interface Shortcut {
  /** The button's id. */
  button: string;
  /** e.key (case-insensitive) with Ctrl (or Cmd on macOS). */
  key: string;
  shift: boolean;
  /** Only where the application menu does not own the key. */
  browserOnly: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { button: 'start', key: 'Enter', shift: false, browserOnly: false },
  { button: 'resume', key: 'Enter', shift: false, browserOnly: false },
  { button: 'pause', key: '.', shift: false, browserOnly: false },
  { button: 'step', key: 'Enter', shift: true, browserOnly: false },
  { button: 'save-model', key: 's', shift: false, browserOnly: true },
  { button: 'open-model', key: 'o', shift: false, browserOnly: true },
];

const mac = () => typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** "Ctrl+Shift+Enter" (or "⌘⇧Enter" on macOS), for a tooltip. */
export function shortcutLabel(s: Shortcut): string {
  const key = s.key.length === 1 ? s.key.toUpperCase() : s.key;
  return mac() ? `⌘${s.shift ? '⇧' : ''}${key}` : `Ctrl+${s.shift ? 'Shift+' : ''}${key}`;
}

/** The aria-keyshortcuts value. */
export const ariaShortcut = (s: Shortcut): string => `${mac() ? 'Meta' : 'Control'}+${s.shift ? 'Shift+' : ''}${s.key === '.' ? 'Period' : s.key.length === 1 ? s.key.toUpperCase() : s.key}`;

/** The shortcuts that apply in this kind of window. */
export const shortcutsFor = (kind: 'electron' | 'browser'): Shortcut[] => SHORTCUTS.filter((s) => kind === 'browser' || !s.browserOnly);

/** The enabled button a key event presses, or null. */
export function matchShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, list: readonly Shortcut[], enabled: (button: string) => boolean): string | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key === '>' ? '.' : e.key;
  const hit = list.find((s) => s.key.toLowerCase() === key.toLowerCase() && s.shift === e.shiftKey && enabled(s.button));
  return hit?.button ?? null;
}
