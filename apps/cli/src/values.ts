// Parsers for flag values: each turns a string into a checked value or throws commander's InvalidArgumentError
// (reported as a usage error, exit code 2). No defaults here; presets.ts holds them.
import { ACTIVATIONS, type ActivationName, INITS, type InitName, LOSSES, type LossName, MODEL_LIMITS } from '@mlp/core';
import { SCALE_MODES, type ScaleMode } from '@mlp/mnist';
import { InvalidArgumentError } from 'commander';
import type { TrainSettings } from './presets.js';

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

export function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return n;
}

export function integer(v: string): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

/** Threads for the first layer: 1, or 2 (a helper thread). */
export function threads(v: string): number {
  if (v.trim() !== '1' && v.trim() !== '2') throw new InvalidArgumentError('expected 1 or 2.');
  return Number(v);
}

export function momentum(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('momentum must be in [0, 1).');
  return n;
}

export function fraction(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a number in (0, 1].');
  return n;
}

/** "784,50,10" → [784, 50, 10]. */
export function layers(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new InvalidArgumentError('expected comma-separated positive widths from input to output, e.g. 784,50,10.');
  }
  const widths = parts.map(Number);
  // A network no model file can hold is refused now, not after training (saving would fail at the end).
  if (widths.length > MODEL_LIMITS.layers) throw new InvalidArgumentError(`at most ${MODEL_LIMITS.layers} widths (input and output included).`);
  let params = 0;
  for (let i = 1; i < widths.length; i++) params += widths[i - 1]! * widths[i]! + widths[i]!;
  if (params > MODEL_LIMITS.parameters) {
    throw new InvalidArgumentError(`that network has ${params.toLocaleString('en')} weights and biases, more than the ${MODEL_LIMITS.parameters.toLocaleString('en')} a model file holds.`);
  }
  return widths;
}

function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return (v: string): T => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`${what} must be one of ${allowed.join(', ')}.`);
    return v as T;
  };
}

export const hiddenActivation = oneOf<ActivationName>(
  ACTIVATIONS.filter((a) => a !== 'softmax'),
  'hidden activation',
);
export const outputActivation = oneOf<ActivationName>(ACTIVATIONS, 'output activation');
export const loss = oneOf<LossName>(LOSSES, 'loss');
export const init = oneOf<InitName>(INITS, 'init');
export const scale = oneOf<ScaleMode>(SCALE_MODES, 'scale');
export const presetName = oneOf(['seed', 'best'] as const, 'preset');
export function datasetName(v: string): string {
  if (v === 'mnist' || v === 'fashion-mnist' || v.endsWith('.json')) return v;
  throw new InvalidArgumentError('dataset must be mnist, fashion-mnist, or a JSON dataset descriptor file.');
}

/** Collects a repeatable flag (e.g. --mirror) into an array. */
export function collect(v: string, previous: string[] = []): string[] {
  return [...previous, v];
}

/** Each training setting's parser, declared once: for its flag, and to check a setting read back from a checkpoint. */
export const SETTINGS: { [K in keyof TrainSettings]: (v: string) => TrainSettings[K] } = {
  layers,
  hidden: hiddenActivation,
  output: outputActivation,
  loss,
  init,
  initStd: positiveNumber,
  lr: positiveNumber,
  momentum,
  l2: nonNegativeNumber,
  lrDecay: fraction,
  batch: positiveInt,
  epochs: positiveInt,
  seed: integer,
  scale,
  valid: nonNegativeInt,
};
