// Inference over a whole Dataset in batches: mean loss, accuracy, predicted classes and (optionally) the outputs.
// Gathers and scales one batch at a time, like training; never builds a float copy of the dataset.
import { checkCount } from './check.js';
import { type Dataset, byteScaling, checkDataset, gatherInputs, gatherTargets } from './data.js';
import type { MLP } from './mlp.js';
import { argmaxRows } from './ops.js';

/** What evaluate() measured over a whole dataset. */
export interface Evaluation {
  /** Number of examples evaluated. */
  count: number;
  /** Mean loss, by the model's own loss function. */
  loss: number;
  /** Share of examples whose predicted class is their label. */
  accuracy: number;
  /** Predicted class per example. */
  predictions: Int32Array;
  /** (count, outputSize) model outputs, when asked for with keepOutputs. */
  outputs?: Float32Array;
}

/** How evaluate() batches, and whether it keeps the outputs. */
export interface EvaluateOptions {
  /** Rows per forward pass. Default 500. */
  batchSize?: number;
  /** Keep every example's outputs in Evaluation.outputs. Default false. */
  keepOutputs?: boolean;
}

/** Mean loss, accuracy and predicted classes of `model` over `data`, in batches (byte data stays bytes). */
export function evaluate(model: MLP, data: Dataset, options: EvaluateOptions = {}): Evaluation {
  checkDataset(data, 'evaluate: data', model.outputSize);
  if (data.inputSize !== model.inputSize) {
    throw new RangeError(`evaluate: data has ${data.inputSize} features, the model expects ${model.inputSize}`);
  }
  if (options.batchSize !== undefined) checkCount('evaluate', 'options.batchSize', options.batchSize);
  const B = Math.min(options.batchSize ?? 500, data.count);
  const F = model.inputSize;
  const K = model.outputSize;
  const make = (n: number) => (model.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const bytes = byteScaling(data);
  const x = make(bytes ? 0 : B * F);
  const y = make(B * K);
  const index = new Uint32Array(data.count);
  for (let i = 0; i < data.count; i++) index[i] = i;
  const predictions = new Int32Array(data.count);
  const outputs = options.keepOutputs ? new Float32Array(data.count * K) : undefined;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.count; start += B) {
    const n = Math.min(B, data.count - start);
    gatherTargets(data, index, start, n, K, y);
    if (!bytes) gatherInputs(data, index, start, n, x);
    const raw = bytes ? (data.inputs as Uint8Array).subarray(start * F, (start + n) * F) : null;
    const out = model.forward(raw && bytes ? { kind: 'bytes', raw, mul: bytes.mul, add: bytes.add } : { kind: 'floats', x }, n);
    lossSum += model.loss(y, n) * n;
    const pred = predictions.subarray(start, start + n);
    argmaxRows(pred, out, n, K);
    if (outputs) outputs.set(out.subarray(0, n * K), start * K);
    for (let r = 0; r < n; r++) if (pred[r] === data.labels[start + r]) correct++;
  }
  return { count: data.count, loss: lossSum / data.count, accuracy: correct / data.count, predictions, ...(outputs ? { outputs } : {}) };
}
