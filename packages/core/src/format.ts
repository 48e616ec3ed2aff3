// Models and resumable checkpoints as files (bytes in, bytes out; works in browsers too): which tensors and state a
// model or a checkpoint puts in the container (format-codec.ts: layout, checks, checksum) and how they come back.
// Layout and rules are documented in the package README ("File format"); these two files are its only reader and writer.
import { type ModelMeta, ModelFormatError, MODEL_LIMITS, SETS, type TensorEntry, archName, decode, describe, encode } from './format-codec.js';
import { type FullConfig, MLP } from './mlp.js';
import { type TrainerSnapshot, checkTrainerState } from './train.js';

export { type ModelMeta, MAGIC, FORMAT_VERSION, MODEL_LIMITS, ModelFormatError, crc32 } from './format-codec.js';

/** The network of a decoded file, its weights set from the file's first np tensors (W0, b0, W1, b1, …). */
function modelFrom(config: FullConfig, tensors: Float32Array[]): MLP {
  const model = new MLP(config);
  model.writeParams(tensors.slice(0, 2 * model.depth));
  return model;
}

/** Saving refuses a network a file may not hold (checked before anything is built for it). */
function checkCeilings(layers: readonly number[]): void {
  const parameters = layers.slice(1).reduce((sum, w, l) => sum + (layers[l]! + 1) * w, 0);
  if (layers.length > MODEL_LIMITS.layers || parameters > MODEL_LIMITS.parameters) {
    throw new RangeError(
      `cannot save: layers ${archName(layers)} (${layers.length} widths, ${parameters.toLocaleString('en-US')} parameters) exceed what a model file may hold (${MODEL_LIMITS.layers} widths, ${MODEL_LIMITS.parameters.toLocaleString('en-US')} parameters)`,
    );
  }
}

function paramEntries(model: MLP): TensorEntry[] {
  return model.paramInfo().map((p) => ({ name: p.name, shape: [...p.shape] }));
}

/** Serialize a model (and optional metadata) to bytes. Throws, writing nothing, for NaN/Inf weights or non-JSON meta. */
export function saveModel(model: MLP, meta: ModelMeta = {}): Uint8Array {
  if (typeof (model as Partial<MLP> | null)?.readParams !== 'function' || typeof model.config !== 'object') {
    throw new TypeError(`saveModel needs an MLP, got ${describe(model)}`);
  }
  checkCeilings(model.config.layers);
  return encode({ kind: 'model', config: model.config, tensors: paramEntries(model), meta }, model.readParams());
}

/** Read a model file (or a checkpoint, taking its weights). Throws ModelFormatError saying what is wrong. */
export function loadModel(bytes: Uint8Array): {
  /** The network, with the stored weights. */
  model: MLP;
  /** The metadata saved with it. */
  meta: ModelMeta;
  /** Whether the file was a model or a checkpoint. */
  kind: 'model' | 'checkpoint';
} {
  const { header, config, tensors } = decode(bytes);
  return { model: modelFrom(config, tensors), meta: header.meta, kind: header.kind };
}

/**
 * Serialize a trainer snapshot: a model file that also holds optimizer, PRNG and cursor state. Throws, writing
 * nothing, for a snapshot that could not be loaded back (inconsistent state, wrong tensor sizes, NaN/Inf values).
 */
export function saveCheckpoint(s: TrainerSnapshot, meta: ModelMeta = {}): Uint8Array {
  if (typeof (s as Partial<{ snapshot: unknown }> | null)?.snapshot === 'function') {
    throw new TypeError('saveCheckpoint needs a snapshot, got a Trainer: pass trainer.snapshot()');
  }
  if (s === null || typeof s !== 'object' || typeof s.config !== 'object' || !Array.isArray(s.params)) {
    throw new TypeError(`saveCheckpoint needs a snapshot from trainer.snapshot(), got ${describe(s)}`);
  }
  try {
    checkTrainerState(s);
  } catch (e) {
    throw new RangeError(`cannot save the checkpoint: ${(e as Error).message}`);
  }
  if (Array.isArray(s.config.layers)) checkCeilings(s.config.layers);
  const model = new MLP(s.config, { backend: 'js' }); // only for its tensor names and shapes
  const entries = paramEntries(model);
  const np = entries.length;
  const what = { velocity: 'velocity', secondMoments: 'second-moment', bestParams: 'best-parameter' } as const;
  for (const [list, name] of [[s.params, 'parameter'], ...SETS.map(([, key]) => [s[key], what[key]] as const)] as const) {
    if (list && list.length !== np) {
      throw new RangeError(`cannot save the checkpoint: it has ${list.length} ${name} tensors, layers ${model.config.layers.join('-')} need ${np}`);
    }
  }
  const tensors: ArrayLike<number>[] = [...s.params];
  const params = [...entries];
  const flags: Record<string, boolean> = {};
  for (const [flag, key, prefix] of SETS) {
    const list = s[key] ?? null;
    flags[flag] = list !== null;
    if (!list) continue;
    entries.push(...params.map((e) => ({ name: `${prefix}${e.name}`, shape: e.shape })));
    tensors.push(...list);
  }
  const { config: _config, params: _params, velocity: _velocity, secondMoments: _m2, bestParams: _best, ...rest } = s;
  const trainer = { ...rest, hasVelocity: flags.hasVelocity!, hasSecondMoments: flags.hasSecondMoments!, hasBestParams: flags.hasBestParams! };
  return encode({ kind: 'checkpoint', config: model.config, tensors: entries, meta, trainer }, tensors);
}

/** Read a checkpoint back into a snapshot for Trainer.restore. A plain model file is rejected with a clear message. */
export function loadCheckpoint(bytes: Uint8Array): {
  /** The trainer's state, for Trainer.restore. */
  snapshot: TrainerSnapshot;
  /** The metadata saved with it. */
  meta: ModelMeta;
} {
  const { header, config, np, tensors } = decode(bytes);
  if (header.kind !== 'checkpoint' || !header.trainer) {
    throw new ModelFormatError('this is a model file, not a resumable checkpoint (it has no training state)');
  }
  if (typeof header.trainer !== 'object' || Array.isArray(header.trainer)) throw new ModelFormatError('checkpoint trainer state must be an object');
  const { hasVelocity, hasSecondMoments = false, hasBestParams = false, ...trainer } = header.trainer;
  if (typeof hasVelocity !== 'boolean') throw new ModelFormatError(`checkpoint trainer state needs hasVelocity true or false, got ${hasVelocity}`);
  for (const [flag, v] of [['hasSecondMoments', hasSecondMoments], ['hasBestParams', hasBestParams]] as const) {
    if (typeof v !== 'boolean') throw new ModelFormatError(`checkpoint trainer state's ${flag} must be true or false when present, got ${v}`);
  }
  if (hasSecondMoments && !hasVelocity) throw new ModelFormatError('checkpoint trainer state has second moments without first moments (hasVelocity)');
  const sets = [hasVelocity, hasSecondMoments, hasBestParams].filter(Boolean).length;
  if (tensors.length !== (1 + sets) * np) {
    const says = hasSecondMoments || hasBestParams ? `it has ${sets} tensor sets besides the parameters` : hasVelocity ? 'it has momentum velocity' : 'it has no momentum velocity';
    throw new ModelFormatError(`checkpoint has ${tensors.length} tensors, but its trainer state says ${says}: ${(1 + sets) * np} expected`);
  }
  try {
    checkTrainerState(trainer);
  } catch (e) {
    throw new ModelFormatError(`checkpoint trainer state is invalid: ${(e as Error).message}`);
  }
  // Only the fields a snapshot has: anything else in the file is dropped, not carried along.
  const { options, epoch, batch, epochRng, running, history } = trainer;
  const optional = (['dtype', 'backend', 'threads', 'startLoss', 'optimizerSteps', 'dropoutRng', 'earlyStop'] as const)
    .filter((k) => trainer[k] !== undefined)
    .map((k) => [k, trainer[k]]);
  let at = np;
  const next = (has: boolean): Float32Array[] | null => {
    if (!has) return null;
    at += np;
    return tensors.slice(at - np, at);
  };
  const snapshot: TrainerSnapshot = {
    options,
    epoch,
    batch,
    epochRng,
    running,
    history,
    ...Object.fromEntries(optional),
    config,
    params: tensors.slice(0, np),
    velocity: next(hasVelocity),
    secondMoments: next(hasSecondMoments),
    bestParams: next(hasBestParams),
  };
  return { snapshot, meta: header.meta };
}
