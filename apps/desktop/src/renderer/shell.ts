// The renderer's side of the shell: runs the menu's commands (and, in a browser, the file shortcuts) through the
// controller, and reports the model's name and unsaved/running state (for the title and the close prompt) whenever
// it changes. No DOM of its own; the views never see the shell.
import type { DesktopApi, ShellCommand, ShellState } from '../shared/api.js';
import type { Controller } from './controller.js';
import type { AppState, Store } from './store.js';

/** What the shell needs to know about the app's state. */
export function shellStateOf(s: Pick<AppState, 'model' | 'run'>): ShellState {
  return {
    modelName: s.model?.name ?? null,
    unsaved: s.model?.source === 'trained' && !s.model.saved,
    running: s.run === 'running' || s.run === 'paused',
  };
}

const same = (a: ShellState, b: ShellState) => a.modelName === b.modelName && a.unsaved === b.unsaved && a.running === b.running;

/** Run one shell command. */
export function runCommand(c: ShellCommand, controller: Controller, store: Store): void {
  switch (c.type) {
    case 'open-model':
      return void controller.openModel();
    case 'save-model':
      return void controller.saveModel();
    case 'import-dataset':
      return void controller.loadDataset(true);
    case 'export-model':
      return void controller.exportModel(c.format);
    case 'model-file':
      return controller.openModelFile(c.file);
    case 'error':
      store.set({ message: { kind: 'error', text: c.message } });
      return;
  }
}

/** Connect the shell: commands in, state out (once now, then on every change). */
export function connectShell(api: DesktopApi, store: Store, controller: Controller): void {
  api.onCommand((c) => runCommand(c, controller, store));
  let last: ShellState | null = null;
  const report = (s: AppState) => {
    const next = shellStateOf(s);
    if (last && same(last, next)) return;
    last = next;
    api.reportState(next).catch(() => {});
  };
  report(store.state);
  store.subscribe((s, changed) => {
    if (changed.has('model') || changed.has('run')) report(s);
  });
}
