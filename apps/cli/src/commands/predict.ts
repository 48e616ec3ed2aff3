// `mlp predict`: classify PNG drawings (centred MNIST-style) or every image of an IDX file with a saved model.
import { extname } from 'node:path';
import { IdxError, centerDigit, isInkOnPaper, parseIdx } from '@mlp/mnist';
import { gunzipNode } from '@mlp/mnist/node';
import { CliError } from '../errors.js';
import { IDX_MAX_BYTES, readInput, readModelFile } from '../files.js';
import { readPng } from '../images.js';
import type { Output } from '../output.js';
import { modelScaling } from './eval.js';

/** An image whose pixels all lie within this many grey levels of each other is blank: nothing to classify. */
export const BLANK_LEVELS = 8;

export function isBlank(pixels: ArrayLike<number>): boolean {
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo <= BLANK_LEVELS;
}

interface Input {
  name: string;
  pixels: Uint8Array;
  blank: boolean;
}

async function readInputs(path: string, side: number): Promise<Input[]> {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') {
    const img = await readPng(path);
    let pixels: Uint8Array;
    if (img.width === side && img.height === side) {
      pixels = isInkOnPaper(img.gray, side, side) ? img.gray.map((v) => 255 - v) : img.gray;
    } else {
      try {
        pixels = centerDigit(img.gray, img.width, img.height, { size: side, box: Math.round((side * 20) / 28) });
      } catch (e) {
        throw new CliError(`Cannot centre the drawing in ${path} (${img.width}×${img.height}): ${(e as Error).message}; give a PNG with a digit drawn on it.`);
      }
    }
    return [{ name: path, pixels, blank: isBlank(img.gray) }];
  }
  const bytes = await readInput(path, 'Image file', IDX_MAX_BYTES);
  try {
    const idx = await parseIdx(bytes, { gunzip: gunzipNode, name: path });
    const dims = idx.dims;
    const n = dims.length === 3 ? dims[0]! : 1;
    const px = dims.slice(-2).reduce((a, b) => a * b, 1);
    if (idx.type !== 'ubyte' || dims.length < 2 || dims.length > 3 || px !== side * side) {
      throw new CliError(`${path} holds ${idx.type} data of shape ${dims.join('x')}; expected ubyte images of ${side}x${side} pixels.`);
    }
    const data = idx.data as Uint8Array;
    return Array.from({ length: n }, (_, i) => {
      const pixels = data.subarray(i * px, (i + 1) * px);
      return { name: n === 1 ? path : `${path}[${i}]`, pixels, blank: isBlank(pixels) };
    });
  } catch (e) {
    if (e instanceof IdxError) throw new CliError(`${path} is neither a PNG nor a readable IDX file: ${e.message}`);
    throw e;
  }
}

export async function predictCommand(file: string, images: string[], out: Output): Promise<number> {
  const { model, meta } = await readModelFile(file);
  const side = Math.round(Math.sqrt(model.inputSize));
  if (side * side !== model.inputSize) throw new CliError(`${file} takes ${model.inputSize} inputs, which is not a square image.`);
  const sc = modelScaling(meta, out, file);
  const x = new Float32Array(model.inputSize);
  for (const path of images) {
    for (const input of await readInputs(path, side)) {
      for (let j = 0; j < x.length; j++) x[j] = input.pixels[j]! * sc.mul + sc.add;
      const p = model.predict(x);
      const ranked = Array.from(p, (v, c) => ({ c, v })).sort((a, b) => b.v - a.v);
      const top = ranked[0]!;
      if (input.blank) out.note(`warning: ${input.name} is blank (all one colour, within ${BLANK_LEVELS} grey levels), so its prediction means nothing.`);
      out.result(`${input.name}: ${top.c}  (${ranked.slice(0, 3).map((r) => `${r.c}: ${r.v.toFixed(3)}`).join(', ')})`);
      out.record({ type: 'prediction', image: input.name, predicted: top.c, outputs: Array.from(p), ...(input.blank ? { blank: true } : {}) });
    }
  }
  return 0;
}
