// The one set of bounds on every training setting, and the checks built from it: a typed value (IPC, a file, a
// checkpoint) or a string (a command-line flag) in, a clean value or a SettingError naming the setting and its range out.
// Why each bound is what it is: the README's table. Dataset-dependent checks (input width, valid, batch) are prepare.ts's.
import { ACTIVATIONS, EARLY_STOPS, INITS, LOSSES, MODEL_LIMITS, OPTIMIZERS, SCHEDULES } from '@mlp/core';
import { SCALE_MODES } from '@mlp/mnist';
import { PLAIN, SETTING_KEYS, type TrainSettings } from './settings.js';

export type SettingKey = keyof TrainSettings;

/** A number in a range; `open` ends are excluded. `whole` numbers are written as digits only (no 1e3, no sign). */
export interface NumberBound {
  kind: 'number' | 'whole';
  min: number;
  max: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}
export interface ChoiceBound {
  kind: 'choice';
  values: readonly string[];
}
/** 2 to `maxWidths` whole widths ≥ 1, with at most `maxParameters` weights and biases in all. */
export interface LayersBound {
  kind: 'layers';
  maxWidths: number;
  maxParameters: number;
}
export type Bound = NumberBound | ChoiceBound | LayersBound;

export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax');

/** Each setting's allowed values. The README's bounds table gives the reason for each. */
export const BOUNDS: { readonly [K in SettingKey]: Bound } = {
  layers: { kind: 'layers', maxWidths: MODEL_LIMITS.layers, maxParameters: MODEL_LIMITS.parameters },
  hidden: { kind: 'choice', values: HIDDEN_ACTIVATIONS },
  output: { kind: 'choice', values: ACTIVATIONS },
  loss: { kind: 'choice', values: LOSSES },
  init: { kind: 'choice', values: INITS },
  initStd: { kind: 'number', min: 0, max: 10, minOpen: true },
  lr: { kind: 'number', min: 0, max: 100, minOpen: true },
  momentum: { kind: 'number', min: 0, max: 1, maxOpen: true },
  l2: { kind: 'number', min: 0, max: 1 },
  lrDecay: { kind: 'number', min: 0, max: 1, minOpen: true },
  optimizer: { kind: 'choice', values: OPTIMIZERS },
  weightDecay: { kind: 'number', min: 0, max: 1, maxOpen: true },
  beta1: { kind: 'number', min: 0, max: 1, maxOpen: true },
  beta2: { kind: 'number', min: 0, max: 1, maxOpen: true },
  eps: { kind: 'number', min: 0, max: 1, minOpen: true, maxOpen: true },
  clipNorm: { kind: 'number', min: 0, max: 1000 },
  maxNorm: { kind: 'number', min: 0, max: 100 },
  dropout: { kind: 'number', min: 0, max: 0.9 },
  schedule: { kind: 'choice', values: SCHEDULES },
  stepEvery: { kind: 'whole', min: 1, max: 1000 },
  warmup: { kind: 'number', min: 0, max: 1000 },
  earlyStop: { kind: 'choice', values: EARLY_STOPS },
  patience: { kind: 'whole', min: 1, max: 1000 },
  batch: { kind: 'whole', min: 1, max: 60_000 },
  epochs: { kind: 'whole', min: 1, max: 1000 },
  seed: { kind: 'whole', min: 0, max: 2 ** 32 - 1 },
  scale: { kind: 'choice', values: SCALE_MODES },
  valid: { kind: 'whole', min: 0, max: 59_000 },
};

/** A setting that is out of bounds (or, from prepare.ts, that does not fit the dataset). `detail` follows the name. */
export class SettingError extends RangeError {
  override name = 'SettingError';
  constructor(
    readonly setting: SettingKey,
    readonly detail: string,
  ) {
    super(`${setting} ${detail}`);
  }
}

const fmt = (n: number) => (Number.isInteger(n) && n >= 10_000 ? n.toLocaleString('en') : String(n));

/** What a setting may be, as the messages and the README say it: "a number in (0, 100]". */
export function allowed(key: SettingKey): string {
  const b = BOUNDS[key];
  switch (b.kind) {
    case 'choice':
      return `one of ${b.values.join(', ')}`;
    case 'layers':
      return `2 to ${b.maxWidths} comma-separated positive widths from input to output, e.g. 784,50,10`;
    default:
      return `${b.kind === 'whole' ? 'a whole number' : 'a number'} in ${b.minOpen ? '(' : '['}${fmt(b.min)}, ${fmt(b.max)}${b.maxOpen ? ')' : ']'}`;
  }
}

/** The values a text setting may take, for menus (empty for numbers and layers). */
export function choices(key: SettingKey): readonly string[] {
  const b = BOUNDS[key];
  return b.kind === 'choice' ? b.values : [];
}

const show = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(',')}]` : String(v));

function inRange(b: NumberBound, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (b.kind === 'whole' && !Number.isInteger(n)) return false;
  return (b.minOpen ? n > b.min : n >= b.min) && (b.maxOpen ? n < b.max : n <= b.max);
}

/** Weights and biases of a network with these widths. */
export function parameterCount(layers: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += layers[i - 1]! * layers[i]! + layers[i]!;
  return n;
}

/** `got`: the value as the message shows it; left out for flags, whose parser's caller shows the text. */
function checkLayers(b: LayersBound, v: unknown, got: string): number[] {
  const ok = Array.isArray(v) && v.length >= 2 && v.length <= b.maxWidths && v.every((w) => Number.isSafeInteger(w) && w >= 1);
  if (!ok) throw new SettingError('layers', `must be ${allowed('layers')}${got}`);
  const params = parameterCount(v);
  if (params > b.maxParameters) {
    throw new SettingError('layers', `${v.join('-')} has ${params.toLocaleString('en')} weights and biases, more than the ${b.maxParameters.toLocaleString('en')} a model file holds`);
  }
  return [...v];
}

/** One setting from untrusted typed data: the value (a copy for layers), or a SettingError. */
export function checkSetting<K extends SettingKey>(key: K, value: unknown): TrainSettings[K] {
  const b = BOUNDS[key];
  if (b.kind === 'layers') return checkLayers(b, value, `, got ${show(value)}`) as TrainSettings[K];
  if (!isAllowed(b, value)) throw new SettingError(key, `must be ${allowed(key)}, got ${show(value)}`);
  return value as TrainSettings[K];
}

function isAllowed(b: NumberBound | ChoiceBound, value: unknown): boolean {
  return b.kind === 'choice' ? typeof value === 'string' && b.values.includes(value) : typeof value === 'number' && inRange(b, value);
}

/** One setting from text (a command-line flag): the value, or a SettingError saying what is allowed. */
export function parseSetting<K extends SettingKey>(key: K, text: string): TrainSettings[K] {
  const b = BOUNDS[key];
  const t = text.trim();
  if (b.kind === 'layers') {
    const parts = t.split(',').map((p) => p.trim());
    const widths = parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : null;
    return checkLayers(b, widths, '') as TrainSettings[K];
  }
  const readable = b.kind === 'choice' || (b.kind === 'whole' ? /^\d+$/.test(t) : t !== '');
  const value = b.kind === 'choice' ? t : readable ? Number(t) : Number.NaN;
  if (!isAllowed(b, value)) throw new SettingError(key, `must be ${allowed(key)}`);
  return value as TrainSettings[K];
}

/**
 * All settings from untrusted data (IPC, storage, a settings or checkpoint file): a clean copy with only the known
 * fields, or a SettingError naming the first bad one. The optimiser's settings (PLAIN's keys) may be absent, as in
 * files from before they existed: they then train as those did. Also the combinations core would refuse: 'ce' needs
 * a softmax or sigmoid output, a softmax output at least 2 units, adam no weightDecay, adam and adamw no momentum,
 * nesterov a momentum, and early stopping a validation split.
 */
export function checkTrainSettings(x: unknown): TrainSettings {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new TypeError(`training settings must be an object, got ${show(x)}`);
  const o = x as Record<string, unknown>;
  const s = {} as Record<SettingKey, unknown>;
  const plain = PLAIN as Partial<Record<string, unknown>>;
  for (const k of SETTING_KEYS) s[k] = checkSetting(k, o[k] === undefined && k in plain ? plain[k] : o[k]);
  const t = s as unknown as TrainSettings;
  checkCombinations(t);
  return t;
}

/** The settings that are each in range but do not go together (see checkTrainSettings). */
function checkCombinations(t: TrainSettings): void {
  if (t.optimizer === 'adam' && t.weightDecay > 0) throw new SettingError('weightDecay', 'must be 0 with adam (decoupled decay is adamw; coupled decay is l2)');
  if ((t.optimizer === 'adam' || t.optimizer === 'adamw') && t.momentum > 0) throw new SettingError('momentum', `must be 0 with ${t.optimizer} (beta1 plays its part)`);
  if (t.optimizer === 'nesterov' && t.momentum === 0) throw new SettingError('momentum', 'must be above 0 with nesterov');
  if (t.earlyStop !== 'off' && t.valid === 0) throw new SettingError('earlyStop', `${t.earlyStop} needs a validation split (valid > 0)`);
  if (t.loss === 'ce' && t.output !== 'softmax' && t.output !== 'sigmoid') {
    throw new SettingError('loss', `'ce' needs a softmax or sigmoid output, got output ${t.output}`);
  }
  if (t.output === 'softmax' && t.layers.at(-1)! < 2) throw new SettingError('output', 'softmax needs at least 2 output units (layers ends with 1)');
}
