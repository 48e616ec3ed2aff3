// `mlp eval`: a saved model on the official test set: accuracy, confusion matrix, per-class precision/recall,
// the most-confused pairs, and optionally a PNG of misclassified digits (true → predicted).
import { resolve } from 'node:path';
import { type MLP, type ModelMeta, confusionMatrix, evaluate, mostConfused, perClass } from '@mlp/core';
import { toDataset } from '@mlp/mnist';
import { type DatasetName, descriptorFor, knownDataset, loadTestData, unverifiedTestFolder } from '../data.js';
import { CliError, UsageError } from '../errors.js';
import { readModelFile } from '../files.js';
import { checkOutputs, rescueDirs, rescuedNote, writeOrRescue } from '../outputs.js';
import { GRID_MAX_TILES, gridPng } from '../images.js';
import type { Output } from '../output.js';
import { pct, quoted } from '../output.js';

export interface EvalFlags {
  data?: string;
  cache?: string;
  dataset?: DatasetName;
  misclassified?: string;
  limit?: number;
  offline?: boolean;
}

/** The input scaling a model was trained with (stored by mlp train), else the seed's [-1, 1] with a note. */
export function modelScaling(meta: ModelMeta, out: Output, path: string): { mul: number; add: number } {
  const s = meta.scaling as { mul?: unknown; add?: unknown } | undefined;
  if (s && typeof s.mul === 'number' && typeof s.add === 'number') return { mul: s.mul, add: s.add };
  out.note(`note: ${path} does not say how its inputs were scaled; assuming [-1, 1] pixels.`);
  return { mul: 2 / 255, add: -1 };
}

export async function evalCommand(file: string, flags: EvalFlags, out: Output): Promise<number> {
  if ((flags.limit ?? 0) > GRID_MAX_TILES) {
    throw new UsageError(`--limit ${flags.limit} is more than the ${GRID_MAX_TILES} images a --misclassified grid holds; use --limit ${GRID_MAX_TILES} or less.`);
  }
  const { model, meta } = await readModelFile(file);
  if (flags.misclassified) {
    await checkOutputs([{ path: flags.misclassified, flag: '--misclassified', what: 'the image' }], [{ path: file, flag: 'the model file' }]);
  }
  const dataset = evalDataset(flags, meta, file);
  const folder = flags.data ?? (await trainedFrom(meta, descriptorFor(dataset), file, out));
  const { test: data, descriptor } = await loadTestData({
    ...(folder !== undefined ? { data: folder } : {}),
    ...(flags.cache !== undefined ? { cache: flags.cache } : {}),
    dataset,
    ...(flags.offline ? { offline: true } : {}),
  });
  if (folder === undefined) out.note(`using ${descriptor.title}'s test set from the cache`);
  else if (flags.data !== undefined) out.note(`using the test files in ${flags.data}`);
  checkInput(model, data.rows * data.cols, file);
  if (model.outputSize !== descriptor.classes) {
    throw new CliError(
      `${file} has ${model.outputSize} output classes but ${descriptor.title} has ${descriptor.classes}; evaluate it on a dataset with ${model.outputSize} classes (--dataset FILE.json).`,
    );
  }
  const sc = modelScaling(meta, out, file);
  const test = evaluate(model, toDataset(data, sc), { keepOutputs: true });
  const k = model.outputSize;
  const cm = confusionMatrix(test.predictions, data.labels, k);
  const classes = perClass(cm);
  const pairs = mostConfused(cm, 10);

  out.result(`${file}: test accuracy ${pct(test.accuracy)} (${Math.round(test.accuracy * test.count)}/${test.count}), loss ${test.loss.toFixed(4)}`);
  out.result('');
  out.result('confusion matrix (rows: true digit, columns: predicted)');
  out.result(`      ${Array.from({ length: k }, (_, j) => String(j).padStart(5)).join('')}`);
  for (let t = 0; t < k; t++) {
    out.result(`  ${String(t).padStart(2)}  ${Array.from(cm.counts.subarray(t * k, t * k + k), (c) => String(c).padStart(5)).join('')}`);
  }
  out.result('');
  out.result('class  precision  recall     f1  support');
  for (const c of classes) {
    out.result(`  ${String(c.cls).padStart(3)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(7)}  ${pct(c.f1).padStart(6)}  ${String(c.support).padStart(7)}`);
  }
  out.result('');
  out.result(`most confused: ${pairs.map((p) => `${p.actual}→${p.predicted} ×${p.count}`).join(', ')}`);

  let written: string | null = null;
  let failed = false;
  if (flags.misclassified) {
    const wrong: { i: number; conf: number }[] = [];
    for (let i = 0; i < test.count; i++) {
      const p = test.predictions[i]!;
      if (p !== data.labels[i]) wrong.push({ i, conf: test.outputs![i * k + p]! });
    }
    wrong.sort((a, b) => b.conf - a.conf); // most confidently wrong first
    const shown = wrong.slice(0, flags.limit ?? 100);
    const px = data.rows * data.cols;
    const tiles = shown.map(({ i }) => ({
      pixels: data.images.subarray(i * px, (i + 1) * px),
      label: `${data.labels[i]}→${test.predictions[i]}`,
    }));
    const w = await writeOrRescue(
      { path: flags.misclassified, flag: '--misclassified', what: 'the image' },
      gridPng(tiles, { rows: data.rows, cols: data.cols }),
      rescueDirs(flags.cache),
    );
    written = w.path;
    if ('rescued' in w) {
      out.note(rescuedNote('the image', w));
      failed = true;
    }
    out.note(`wrote ${shown.length} of ${wrong.length} misclassified test images (true>predicted, most confident first) to ${written}`);
  }

  out.record({
    type: 'eval',
    model: resolve(file),
    test_acc: test.accuracy,
    test_loss: test.loss,
    count: test.count,
    data: folder === undefined ? 'cache' : resolve(folder),
    confusion: Array.from({ length: k }, (_, t) => Array.from(cm.counts.subarray(t * k, t * k + k))),
    per_class: classes.map((c) => ({ class: c.cls, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    most_confused: pairs,
    misclassified_png: written,
  });
  return failed ? 1 : 0;
}

/**
 * --dataset as given, else the model's recorded dataset if it is one mlp knows by name, else MNIST. A descriptor
 * path recorded in a model is a fact to show, never a file to read.
 */
/**
 * The folder the model was trained from, when it holds the dataset's published test files (checked by size and
 * checksum: the path in the file is a hint, never followed unverified); else undefined, saying why it was passed over.
 */
async function trainedFrom(meta: ModelMeta, d: ReturnType<typeof descriptorFor>, file: string, out: Output): Promise<string | undefined> {
  if (typeof meta.dataDir !== 'string' || meta.dataDir === '') return undefined;
  const dir = meta.dataDir;
  const problem = await unverifiedTestFolder(dir, d);
  if (problem === null) {
    out.note(`using the test files in ${quoted(dir)}, where ${file} was trained from (they match ${d.title}'s published checksums; --data chooses another folder)`);
    return dir;
  }
  out.note(`${file} was trained from ${quoted(dir)}, but ${problem}; using the cache instead (--data ${quoted(dir)} uses that folder as it is).`);
  return undefined;
}

function evalDataset(flags: EvalFlags, meta: ModelMeta, file: string): DatasetName {
  if (flags.dataset !== undefined) return flags.dataset;
  if (meta.dataset === undefined || meta.dataset === null) return 'mnist';
  const known = knownDataset(meta.dataset);
  if (known) return known;
  throw new UsageError(
    `${file} records its dataset as ${quoted(meta.dataset)}, which mlp does not follow from a model file; pass --dataset mnist, fashion-mnist or the descriptor file you mean.`,
  );
}

export function checkInput(model: MLP, pixels: number, file: string): void {
  if (model.inputSize !== pixels) {
    throw new CliError(`${file} expects ${model.inputSize} inputs, but these images have ${pixels} pixels.`);
  }
}
