// Parsers for flag values: each turns a string into a checked value or throws commander's InvalidArgumentError
// (reported as a usage error, exit code 2). The training settings' bounds are @mlp/recipe's; no defaults here.
import { EXPORT_FORMATS, type ExportFormat } from '@mlp/export';
import { PRESET_NAMES, type PresetName, SETTING_KEYS, SettingError, type TrainSettings, parseSetting } from '@mlp/recipe';
import { InvalidArgumentError } from 'commander';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

/** Threads for the first layer: 1, or 2 (a helper thread). */
export function threads(v: string): number {
  if (v.trim() !== '1' && v.trim() !== '2') throw new InvalidArgumentError('expected 1 or 2.');
  return Number(v);
}

export function presetName(v: string): PresetName {
  if (!(PRESET_NAMES as readonly string[]).includes(v)) throw new InvalidArgumentError(`preset must be one of ${PRESET_NAMES.join(', ')}.`);
  return v as PresetName;
}

export function datasetName(v: string): string {
  if (v === 'mnist' || v === 'fashion-mnist' || v.endsWith('.json')) return v;
  throw new InvalidArgumentError('dataset must be mnist, fashion-mnist, or a JSON dataset descriptor file.');
}

/** Collects a repeatable flag (e.g. --mirror) into an array. */
export function collect(v: string, previous: string[] = []): string[] {
  return [...previous, v];
}

/** A training setting's flag parser: @mlp/recipe's parseSetting, its SettingError turned into commander's. */
function settingFlag<K extends keyof TrainSettings>(key: K): (v: string) => TrainSettings[K] {
  return (v) => {
    try {
      return parseSetting(key, v);
    } catch (e) {
      if (e instanceof SettingError) throw new InvalidArgumentError(`${e.message}.`);
      throw e;
    }
  };
}

/** Each training setting's flag parser, derived from the recipe's bounds. */
export const SETTINGS = Object.fromEntries(SETTING_KEYS.map((k) => [k, settingFlag(k)])) as {
  [K in keyof TrainSettings]: (v: string) => TrainSettings[K];
};

/** A setting's flag: initStd → --init-std. */
export function flagOf(key: keyof TrainSettings): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** mlp export's --format: one of @mlp/export's formats. */
export function exportFormat(v: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`format must be ${EXPORT_FORMATS.join(' or ')}.`);
  return v as ExportFormat;
}
