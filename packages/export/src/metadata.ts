// What an export says about its model, shared by both formats: the input scaling (checked) and a string→string map
// of the settings, dataset and test accuracy. No file format here.
import type { MLP, ModelMeta } from '@mlp/core';

/** The name written as the producer of every export. */
export const PRODUCER = '@mlp/export';
export const PRODUCER_VERSION = '0.1.0';

/** The affine input scaling x = u·mul + add, one number for every pixel or one per input. */
export interface Scaling {
  mul: number | number[];
  add: number | number[];
}

/** A model that cannot be exported: the message says what is missing or wrong. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The model's input scaling from its metadata (as `mlp train` stores it: meta.scaling = { mode, mul, add }). */
export function scalingOf(model: MLP, meta: ModelMeta): Scaling {
  const s = meta?.scaling as { mul?: unknown; add?: unknown } | undefined;
  if (!s || typeof s !== 'object') {
    throw new ExportError('the model does not record its input scaling (meta.scaling = { mul, add }), so the exported graph could not take raw pixels');
  }
  const check = (k: 'mul' | 'add'): number | number[] => {
    const v = s[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (Array.isArray(v) && v.length === model.inputSize && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return v as number[];
    throw new ExportError(`the model's input scaling ${k} must be a finite number or ${model.inputSize} of them, got ${JSON.stringify(v)?.slice(0, 60)}`);
  };
  return { mul: check('mul'), add: check('add') };
}

/** A JSON value as a metadata string: strings as they are, anything else as JSON. */
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The metadata both formats carry, as strings: producer, layers and activations, input scaling, and (when the model
 * records them) settings, preset, dataset and test accuracy.
 */
export function metadataOf(model: MLP, meta: ModelMeta): Record<string, string> {
  const c = model.config;
  const scaling = scalingOf(model, meta);
  const out: Record<string, string> = {
    producer: `${PRODUCER} ${PRODUCER_VERSION}`,
    layers: c.layers.join(','),
    hidden: c.hidden,
    output: c.output,
    loss: c.loss,
    scaling: JSON.stringify(scaling),
    input: 'raw pixels u (0-255), scaled inside as x = u*mul + add',
  };
  for (const [key, from] of [
    ['settings', 'settings'],
    ['preset', 'preset'],
    ['dataset', 'dataset'],
    ['test_accuracy', 'testAccuracy'],
    ['trained_at', 'trainedAt'],
  ] as const) {
    if (meta[from] !== undefined && meta[from] !== null) out[key] = text(meta[from]);
  }
  return out;
}
