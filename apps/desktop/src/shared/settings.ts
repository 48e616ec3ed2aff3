// What the desktop app remembers between runs (a preset name and @mlp/recipe's training settings), its checker for
// main and the renderer, and the preset labels its menus show. The settings, presets and bounds are the recipe's.
import { PRESETS, PRESET_NAMES, type PresetName, type TrainSettings, checkTrainSettings } from '@mlp/recipe';

/** A one-line description of a preset for menus: "784-50-10 sigmoid, MSE". */
export function describePreset(name: PresetName): string {
  const p = PRESETS[name];
  const head = p.hidden === p.output ? p.hidden : `${p.hidden}/${p.output}`;
  const extra = [p.optimizer === 'sgd' ? '' : OPTIMISER_NAMES[p.optimizer], p.dropout ? `dropout ${p.dropout}` : '', p.schedule === 'exponential' ? '' : `${p.schedule} schedule`].filter(Boolean);
  return `${p.layers.join('-')} ${head}, ${p.loss === 'ce' ? 'cross-entropy' : 'MSE'}${extra.map((x) => `, ${x}`).join('')}`;
}

/** The optimisers' names as the app writes them. */
export const OPTIMISER_NAMES: Record<TrainSettings['optimizer'], string> = { sgd: 'SGD', nesterov: 'Nesterov', adam: 'Adam', adamw: 'AdamW' };

/** One line on the optimiser, regularisation and schedule: what the sidebar's closed "Optimiser" section holds. */
export function describeOptimiser(t: TrainSettings): string {
  const opt = t.optimizer === 'sgd' ? (t.momentum > 0 ? `SGD, momentum ${t.momentum}` : 'plain SGD') : t.optimizer === 'nesterov' ? `Nesterov ${t.momentum}` : OPTIMISER_NAMES[t.optimizer];
  const parts = [
    opt,
    t.weightDecay > 0 ? `decay ${t.weightDecay}` : '',
    t.dropout > 0 ? `dropout ${t.dropout}` : '',
    t.maxNorm > 0 ? `max-norm ${t.maxNorm}` : '',
    t.clipNorm > 0 ? `clip ${t.clipNorm}` : '',
    t.schedule === 'exponential' ? (t.lrDecay === 1 ? '' : `lr ×${t.lrDecay}/epoch`) : t.schedule === 'step' ? `lr ×${t.lrDecay} every ${t.stepEvery}` : t.schedule,
    t.earlyStop === 'off' ? '' : `early stop on ${t.earlyStop}`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/**
 * After the user changed `key`, move the settings that no longer go with it to values that do, so that one change in
 * the form never leaves an error the user did not cause: Adam and AdamW have no momentum (β1 is theirs), Adam has no
 * decoupled decay, Nesterov needs some momentum. Anything else is left for the recipe's checker to name.
 */
export function fitToChange(t: TrainSettings, key: keyof TrainSettings): TrainSettings {
  if (key !== 'optimizer') return t;
  const next = { ...t };
  if (t.optimizer === 'adam' || t.optimizer === 'adamw') next.momentum = 0;
  if (t.optimizer === 'adam') next.weightDecay = 0;
  if (t.optimizer === 'nesterov' && t.momentum === 0) next.momentum = 0.9;
  return next;
}

/** What the app remembers between runs. */
export interface AppSettings {
  /** The preset the settings started from; 'custom' once any value differs from it. */
  preset: PresetName | 'custom';
  train: TrainSettings;
}

/** Check untrusted data (IPC, localStorage, a settings file) and return a clean copy, or throw an error saying what is wrong. */
export function checkAppSettings(x: unknown): AppSettings {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new TypeError('app settings must be an object');
  const o = x as Record<string, unknown>;
  const preset = o.preset;
  if (preset !== 'custom' && !PRESET_NAMES.includes(preset as PresetName)) {
    throw new TypeError(`preset must be ${PRESET_NAMES.join(', ')} or custom, got ${JSON.stringify(preset)}`);
  }
  return { preset: preset as AppSettings['preset'], train: checkTrainSettings(o.train) };
}

/** The preset these settings equal (ignoring the seed and epochs, which a learner changes freely), else 'custom'. */
export function presetOf(s: TrainSettings): PresetName | 'custom' {
  for (const name of PRESET_NAMES) {
    const p = PRESETS[name];
    const same = (Object.keys(p) as (keyof TrainSettings)[]).every((k) => k === 'seed' || k === 'epochs' || JSON.stringify(p[k]) === JSON.stringify(s[k]));
    if (same) return name;
  }
  return 'custom';
}
