// The sidebar: dataset buttons, preset, architecture, training and optimiser settings (run buttons live in the toolbar).
// Reads the form into settings (validated by @mlp/recipe's checker) and enables only what makes sense.
import { type PresetName, type TrainSettings, checkTrainSettings, choices } from '@mlp/recipe';
import { type AppSettings, OPTIMISER_NAMES, describeOptimiser, describePreset, fitToChange } from '../../shared/settings.js';
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
    optimizer: select('optimizer', choices('optimizer'), OPTIMISER_NAMES),
    beta1: number('beta1', 'any', 0),
    beta2: number('beta2', 'any', 0),
    eps: number('eps', 'any', 0),
    weightDecay: number('weight-decay', 'any', 0),
    clipNorm: number('clip-norm', 'any', 0),
    maxNorm: number('max-norm', 'any', 0),
    dropout: number('dropout', 'any', 0),
    schedule: select('schedule', choices('schedule'), { exponential: 'per-epoch decay', step: 'step', cosine: 'cosine', onecycle: 'one-cycle' }),
    stepEvery: number('step-every', '1', 1),
    warmup: number('warmup', 'any', 0),
    earlyStop: select('early-stop', choices('earlyStop'), { off: 'off', loss: 'on loss', accuracy: 'on accuracy' }),
    patience: number('patience', '1', 1),
  };
  /** The fields that each hold one training setting of the same name. */
  const settingFields = Object.entries(f).filter(([k]) => k !== 'preset' && k !== 'hiddenLayers') as [Exclude<keyof TrainSettings, 'layers'>, Field][];
  const b = {
    load: el('button', { id: 'load-dataset', class: 'primary' }, 'Load MNIST'),
    import: el('button', { id: 'import-dataset', title: 'Use the four MNIST .gz files you already have' }, kind === 'electron' ? 'Import folder…' : 'Choose files…'),
  };
  const error = el('p', { id: 'settings-error', class: 'form-error', role: 'alert' });
  const presetHint = el('small', { id: 'preset-hint' });
  const optimiserLine = el('small', { id: 'optimiser-summary' });

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
      // Closed at first: the seed run needs none of it, and its one-line summary says what it holds.
      el(
        'details',
        { id: 'optimiser', class: 'advanced' },
        el('summary', {}, el('span', {}, 'Optimiser & regularisation'), optimiserLine),
        row('Optimiser', f.optimizer, 'SGD steps by −lr·gradient; Adam scales each weight’s step by its gradient’s history'),
        el('div', { class: 'pair' }, row('Adam β1', f.beta1), row('Adam β2', f.beta2)),
        el('div', { class: 'pair' }, row('Adam ε', f.eps), row('Weight decay', f.weightDecay, 'decoupled (not with Adam)')),
        el('div', { class: 'pair' }, row('Dropout', f.dropout, 'hidden units dropped while training'), row('Max-norm', f.maxNorm, '0 = off')),
        row('Clip gradient norm', f.clipNorm, '0 = off'),
        el('div', { class: 'pair' }, row('LR schedule', f.schedule), row('Warm-up epochs', f.warmup)),
        row('Decay every (epochs)', f.stepEvery, 'the step schedule multiplies lr by “LR decay” this often'),
        el('div', { class: 'pair' }, row('Early stopping', f.earlyStop), row('Patience (epochs)', f.patience)),
        el('small', { class: 'note' }, 'Early stopping watches the validation images and keeps the best epoch’s weights.'),
      ),
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
    for (const [k, field] of settingFields) field.value = String(t[k]);
    optimiserLine.textContent = describeOptimiser(t);
    if (typing && keep !== null) typing.value = keep;
  };

  /** The form's settings after the user changed `changed` (a setting name), fitted to it, then checked. */
  const read = (changed: string): AppSettings => {
    const cur = store.state.settings.train;
    const hidden = parseHiddenLayers(f.hiddenLayers.value);
    const form: Record<string, unknown> = { layers: [cur.layers[0], ...hidden, cur.layers[cur.layers.length - 1]] };
    // Menus give names; every other setting field is a number input.
    for (const [k, field] of settingFields) form[k] = field instanceof HTMLSelectElement ? field.value : Number(field.value);
    return { preset: store.state.settings.preset, train: checkTrainSettings(fitToChange(form as unknown as TrainSettings, changed as keyof TrainSettings)) };
  };

  const onEdit = (e: Event) => {
    const target = e.target as Field;
    if (target === f.preset) {
      if (f.preset.value !== 'custom') c.applyPreset(f.preset.value as PresetName);
      return;
    }
    const key = (Object.keys(f) as (keyof typeof f)[]).find((k) => f[k] === target) ?? '';
    try {
      c.updateSettings(read(key));
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
    const t = s.settings.train;
    f.initStd.disabled ||= t.init !== 'normal';
    // Each optimiser, schedule and stopping rule has its own settings: the others are greyed out, not hidden.
    const adam = t.optimizer === 'adam' || t.optimizer === 'adamw';
    f.momentum.disabled ||= adam;
    for (const k of ['beta1', 'beta2', 'eps'] as const) f[k].disabled ||= !adam;
    f.weightDecay.disabled ||= t.optimizer === 'adam';
    f.lrDecay.disabled ||= t.schedule !== 'exponential' && t.schedule !== 'step';
    f.stepEvery.disabled ||= t.schedule !== 'step';
    f.warmup.disabled ||= t.schedule !== 'cosine' && t.schedule !== 'onecycle';
    f.patience.disabled ||= t.earlyStop === 'off';
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
