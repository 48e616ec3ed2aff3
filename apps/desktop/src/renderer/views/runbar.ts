// The run toolbar, always in view at the top of the window: Start, Pause, Resume, Stop, Step, the pace (full speed down
// to a batch a second), and Save/Open/Export. Each button says its shortcut in its tooltip. Enables only what makes sense; no settings here.
import type { Controller } from '../controller.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';
import { ariaShortcut, matchShortcut, shortcutLabel, shortcutsFor } from './shortcuts.js';

export function mountRunbar(root: HTMLElement, store: Store, c: Controller, kind: 'electron' | 'browser'): void {
  const b = {
    start: el('button', { id: 'start', class: 'primary' }, 'Start'),
    pause: el('button', { id: 'pause' }, 'Pause'),
    resume: el('button', { id: 'resume', class: 'primary' }, 'Resume'),
    stop: el('button', { id: 'stop' }, 'Stop'),
    step: el('button', { id: 'step' }, 'Step'),
    save: el('button', { id: 'save-model' }, 'Save model…'),
    open: el('button', { id: 'open-model' }, 'Open model…'),
    onnx: el('button', { id: 'export-onnx' }, 'Export ONNX…'),
    safetensors: el('button', { id: 'export-safetensors' }, 'Export safetensors…'),
  };
  const what: Record<string, string> = {
    start: 'Start training with the settings on the left',
    resume: 'Resume training',
    pause: 'Pause after the current batch',
    stop: 'Stop the run (the model is kept)',
    step: 'Train one batch and show what it changed',
    'save-model': 'Save the model',
    'open-model': 'Open a saved model',
    'export-onnx': 'Export the network as an ONNX graph that takes raw 0–255 pixels (ONNX Runtime, Netron)',
    'export-safetensors': 'Export the weights and biases as safetensors (numpy, PyTorch)',
  };
  const list = shortcutsFor(kind);
  for (const button of Object.values(b)) {
    const s = list.find((x) => x.button === button.id);
    button.title = s ? `${what[button.id]} (${shortcutLabel(s)})` : what[button.id]!;
    if (s) button.setAttribute('aria-keyshortcuts', ariaShortcut(s));
  }
  // The pace: from as fast as the machine goes down to a batch a second, to watch each update land.
  const paceSelect = el(
    'select',
    { id: 'pace', title: 'How fast training runs: slow it down to watch each batch change the weights' },
    ...PACES.map(([v, label]) => el('option', { value: v }, label)),
  );
  paceSelect.addEventListener('change', () => c.setPace(Number(paceSelect.value)));
  const pace = el('label', { class: 'runbar-slot' }, 'pace ', paceSelect);
  root.append(
    el('div', { class: 'runbar-group' }, b.start, b.resume, b.pause, b.step, b.stop),
    pace,
    el('div', { class: 'runbar-group files' }, b.save, b.open, b.onnx, b.safetensors),
  );

  b.start.addEventListener('click', () => c.start());
  b.pause.addEventListener('click', () => c.pause());
  b.resume.addEventListener('click', () => c.resume());
  b.stop.addEventListener('click', () => c.stop());
  b.step.addEventListener('click', () => c.step());
  b.save.addEventListener('click', () => void c.saveModel());
  b.open.addEventListener('click', () => void c.openModel());
  b.onnx.addEventListener('click', () => void c.exportModel('onnx'));
  b.safetensors.addEventListener('click', () => void c.exportModel('safetensors'));

  const byId = new Map(Object.values(b).map((x) => [x.id, x]));
  document.addEventListener('keydown', (e) => {
    const id = matchShortcut(e, list, (button) => {
      const x = byId.get(button);
      return x !== undefined && !x.disabled && !x.hidden;
    });
    if (!id) return;
    e.preventDefault();
    byId.get(id)!.click();
  });

  const update = (s: AppState) => {
    const running = s.run === 'running';
    const paused = s.run === 'paused';
    const data = s.dataset.status === 'ready';
    b.start.disabled = !data || running || paused || s.settingsError !== null;
    b.start.hidden = paused;
    b.resume.hidden = !paused;
    b.pause.disabled = !running;
    b.stop.disabled = !(running || paused);
    b.step.disabled = !data || running || s.settingsError !== null;
    b.save.disabled = s.weights === null || running;
    b.onnx.disabled = b.save.disabled;
    b.safetensors.disabled = b.save.disabled;
    b.open.disabled = running;
  };
  store.subscribe((s, changed) => {
    if (changed.has('run') || changed.has('dataset') || changed.has('settingsError') || changed.has('weights')) update(s);
    if (changed.has('pace')) paceSelect.value = String(s.pace);
  });
}

/** Batches a second (0: full speed) and their labels. */
export const PACES: [number, string][] = [
  [0, 'full speed'],
  [100, '100 batches/s'],
  [30, '30 batches/s'],
  [10, '10 batches/s'],
  [3, '3 batches/s'],
  [1, '1 batch/s'],
];
