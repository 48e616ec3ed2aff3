// What follows from the renderer's ShellState on both sides: the window title (model name, unsaved mark) and whether
// closing would lose work. Pure; main's close guard and the browser API (page title, beforeunload) both use it.
import type { ShellState } from './api.js';

export const APP_NAME = 'MLP workbench';

/** True when closing now would lose a trained model or stop a run. */
export function needsPrompt(s: ShellState): boolean {
  return s.running || s.unsaved;
}

/** "• seed.mlp — MLP workbench" (the dot: unsaved changes), or the app's name alone with no model. */
export function windowTitle(s: ShellState): string {
  if (!s.modelName) return APP_NAME;
  return `${s.unsaved ? '• ' : ''}${s.modelName} — ${APP_NAME}`;
}
