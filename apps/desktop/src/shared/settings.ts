// What the desktop app remembers between runs (a preset name and @mlp/recipe's training settings), its checker for
// main and the renderer, and the preset labels its menus show. The settings, presets and bounds are the recipe's.
import { PRESETS, PRESET_NAMES, type PresetName, type TrainSettings, checkTrainSettings } from '@mlp/recipe';

/** A one-line description of a preset for menus: "784-50-10 sigmoid, MSE". */
export function describePreset(name: PresetName): string {
  const p = PRESETS[name];
  const head = p.hidden === p.output ? p.hidden : `${p.hidden}/${p.output}`;
  const extra = [p.optimizer === 'sgd' ? '' : p.optimizer === 'adamw' ? 'AdamW' : p.optimizer === 'adam' ? 'Adam' : p.optimizer, p.dropout ? `dropout ${p.dropout}` : '', p.schedule === 'exponential' ? '' : `${p.schedule} schedule`].filter(Boolean);
  return `${p.layers.join('-')} ${head}, ${p.loss === 'ce' ? 'cross-entropy' : 'MSE'}${extra.map((x) => `, ${x}`).join('')}`;
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
