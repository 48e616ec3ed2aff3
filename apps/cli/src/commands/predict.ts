// `mlp predict`: classify PNG drawings (centred MNIST-style) or every image of an IDX file with a saved model.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { IdxError, centerDigit, isInkOnPaper, parseIdx } from '@mlp/mnist';
import { gunzipNode } from '@mlp/mnist/node';
import { CliError } from '../errors.js';
import { readModelFile } from '../files.js';
import { readPng } from '../images.js';
import type { Output } from '../output.js';
import { modelScaling } from './eval.js';

interface Input {
  name: string;
  pixels: Uint8Array;
}

async function readInputs(path: string, side: number): Promise<Input[]> {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') {
    const img = await readPng(path);
    const pixels =
      img.width === side && img.height === side
        ? isInkOnPaper(img.gray, side, side)
          ? img.gray.map((v) => 255 - v)
          : img.gray
        : centerDigit(img.gray, img.width, img.height, { size: side, box: Math.round((side * 20) / 28) });
    return [{ name: path, pixels }];
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new CliError(`Cannot read image ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }
  try {
    const idx = await parseIdx(bytes, { gunzip: gunzipNode, name: path });
    const dims = idx.dims;
    const n = dims.length === 3 ? dims[0]! : 1;
    const px = dims.slice(-2).reduce((a, b) => a * b, 1);
    if (idx.type !== 'ubyte' || dims.length < 2 || dims.length > 3 || px !== side * side) {
      throw new CliError(`${path} holds ${idx.type} data of shape ${dims.join('x')}; expected ubyte images of ${side}x${side} pixels.`);
    }
    const data = idx.data as Uint8Array;
    return Array.from({ length: n }, (_, i) => ({ name: n === 1 ? path : `${path}[${i}]`, pixels: data.subarray(i * px, (i + 1) * px) }));
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
      out.result(`${input.name}: ${top.c}  (${ranked.slice(0, 3).map((r) => `${r.c}: ${r.v.toFixed(3)}`).join(', ')})`);
      out.record({ type: 'prediction', image: input.name, predicted: top.c, outputs: Array.from(p) });
    }
  }
  return 0;
}
