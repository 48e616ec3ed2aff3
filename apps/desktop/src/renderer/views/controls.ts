// The sidebar: dataset buttons, preset, architecture and training settings (the run buttons live in the toolbar).
// Reads the form into settings (validated by @mlp/recipe's checker) and enables only what makes sense.
import { type PresetName, checkTrainSettings, choices } from '@mlp/recipe';
import { type AppSettings, describePreset } from '../../shared/settings.js';
import type { Controller } from '../controller.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';

type Field = HTMLInputElement | HTMLSelectElement;

const select = (id: string, options: readonly string[], labels: Record<string, string> = {}) =>
  el('select', { id }, ...options.map((o) => el('option', { value: o }, labels[o] ?? o)));
const number = (id: string, step: string, min?: number) => el('input', { id, type: 'number', step, min, inputmode: 'decimal' });
const row = (label: string, field: HTMLElement, hint?: string) => el('label', { class: 'field' }, el('span', {}, label), field, hint ? el('small', {}, hint) : null);

export function mountControls(root: HTMLElement, store: Store, c: Controller, kind: 'electron' | 'browser'): void {
  const f = {
    preset: select('preset', ['seed', 'best', 'long', 'custom'], { seed: 'Seed (the article’s run)', best: 'Best', long: 'Long', custom: 'Custom' }),
    hiddenLayers: el('input', { id: 'hidden-layers', type: 'text', spellcheck: 'false', placeholder: '50 or 128,64' }),
    hidden: select('hidden', choices('hidden')),
    output: select('output', choices('output')),
    loss: select('loss', choices('loss'), { mse: 'MSE', ce: 'cross-entropy' }),
    init: select('init', choices('init'), { normal: 'N(0, σ)', xavier: 'Xavier', he: 'He' }),
    initStd: number('init-std', 'any', 0),
    lr: number('lr', 'any', 0),
    momentum: number('momentum', 'any', 0),
    l2: number('l2', 'any', 0),
    lrDecay: number('lr-decay', 'any', 0),
    batch: number('batch', '1', 1),
    epochs: number('epochs', '1', 1),
    seed: number('seed', '1', 0),
    scale: select('scale', choices('scale'), { '-1,1': '[-1, 1]', '0,1': '[0, 1]', standard: 'standardised' }),
    valid: number('valid', '1', 0),
  };
  const b = {
    load: el('button', { id: 'load-dataset', class: 'primary' }, 'Load MNIST'),
    import: el('button', { id: 'import-dataset', title: 'Use the four MNIST .gz files you already have' }, kind === 'electron' ? 'Import folder…' : 'Choose files…'),
  };
  const error = el('p', { id: 'settings-error', class: 'form-error', role: 'alert' });
  const presetHint = el('small', { id: 'preset-hint' });

  root.append(
    el('section', { class: 'group' }, el('h2', {}, 'Data'), el('div', { class: 'buttons' }, b.load, b.import)),
    el(
      'section',
      { class: 'group' },
      el('h2', {}, 'Network'),
      el('label', { class: 'field' }, el('span', {}, 'Preset'), f.preset, presetHint),
      row('Hidden layers', f.hiddenLayers, 'units per hidden layer, comma-separated'),
      el('div', { class: 'pair' }, row('Hidden', f.hidden), row('Output', f.output)),
      el('div', { class: 'pair' }, row('Loss', f.loss), row('Init', f.init)),
      row('Init σ', f.initStd, 'the spread of N(0, σ); Xavier and He choose their own'),
    ),
    el(
      'section',
      { class: 'group' },
      el('h2', {}, 'Training'),
      el('div', { class: 'pair' }, row('Learning rate', f.lr), row('Momentum', f.momentum)),
      el('div', { class: 'pair' }, row('L2', f.l2), row('LR decay / epoch', f.lrDecay)),
      el('div', { class: 'pair' }, row('Batch size', f.batch), row('Epochs', f.epochs)),
      el('div', { class: 'pair' }, row('Seed', f.seed), row('Pixels', f.scale)),
      row('Validation images', f.valid),
      error,
    ),
  );

  /** Show settings in the form, leaving alone a text field the user is typing in. */
  const write = (s: AppSettings) => {
    const t = s.train;
    const typing = document.activeElement instanceof HTMLInputElement ? document.activeElement : null;
    const keep = typing ? typing.value : null;
    f.preset.value = s.preset;
    // What the preset is, on its own line so that a narrow sidebar never clips it.
    presetHint.textContent = s.preset === 'custom' ? 'your own settings' : describePreset(s.preset);
    f.hiddenLayers.value = t.layers.slice(1, -1).join(', ');
    f.hidden.value = t.hidden;
    f.output.value = t.output;
    f.loss.value = t.loss;
    f.init.value = t.init;
    f.initStd.value = String(t.initStd);
    f.lr.value = String(t.lr);
    f.momentum.value = String(t.momentum);
    f.l2.value = String(t.l2);
    f.lrDecay.value = String(t.lrDecay);
    f.batch.value = String(t.batch);
    f.epochs.value = String(t.epochs);
    f.seed.value = String(t.seed);
    f.scale.value = t.scale;
    f.valid.value = String(t.valid);
    if (typing && keep !== null) typing.value = keep;
  };

  const read = (): AppSettings => {
    const cur = store.state.settings.train;
    const hidden = parseHiddenLayers(f.hiddenLayers.value);
    const train = checkTrainSettings({
      // The optimiser's settings this form does not show yet (Adam, dropout, schedule, early stopping…) stay as the
      // preset or the opened file set them.
      ...cur,
      layers: [cur.layers[0], ...hidden, cur.layers[cur.layers.length - 1]],
      hidden: f.hidden.value,
      output: f.output.value,
      loss: f.loss.value,
      init: f.init.value,
      initStd: Number(f.initStd.value),
      lr: Number(f.lr.value),
      momentum: Number(f.momentum.value),
      l2: Number(f.l2.value),
      lrDecay: Number(f.lrDecay.value),
      batch: Number(f.batch.value),
      epochs: Number(f.epochs.value),
      seed: Number(f.seed.value),
      scale: f.scale.value,
      valid: Number(f.valid.value),
    });
    return { preset: store.state.settings.preset, train };
  };

  const onEdit = (e: Event) => {
    const target = e.target as Field;
    if (target === f.preset) {
      if (f.preset.value !== 'custom') c.applyPreset(f.preset.value as PresetName);
      return;
    }
    try {
      c.updateSettings(read());
    } catch (err) {
      store.set({ settingsError: (err as Error).message });
    }
  };
  for (const field of Object.values(f)) field.addEventListener('change', onEdit);
  f.lr.addEventListener('input', onEdit);

  b.load.addEventListener('click', () => void c.loadDataset(false));
  b.import.addEventListener('click', () => void c.loadDataset(true));

  const update = (s: AppState) => {
    const running = s.run === 'running';
    const active = running || s.run === 'paused';
    const loading = s.dataset.status === 'loading';
    b.load.disabled = loading || active;
    b.import.disabled = loading || active;
    for (const [k, field] of Object.entries(f)) field.disabled = active && k !== 'lr';
    // σ is N(0, σ)'s alone: Xavier and He derive their spread from the layer sizes.
    f.initStd.disabled = f.initStd.disabled || s.settings.train.init !== 'normal';
    error.textContent = s.settingsError ?? '';
  };

  store.subscribe((s, changed) => {
    if (changed.has('settings')) write(s.settings);
    update(s);
  });
}

/** "50" or "128, 64" → [50] or [128, 64]; anything that is not a whole number of units is named. */
export function parseHiddenLayers(text: string): number[] {
  const parts = text.trim() === '' ? [] : text.split(/[\s,]+/).filter(Boolean);
  return parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isInteger(n)) throw new Error(`Hidden layers: “${p}” is not a number of units; write e.g. 50 or 128, 64.`);
    return n;
  });
}
