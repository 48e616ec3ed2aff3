// `mlp export`: a model file as ONNX (raw pixels in, class scores out, the input scaling built in) or safetensors
// (weights and biases), by @mlp/export. The output is checked before the conversion and written atomically.
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EXTENSIONS, type ExportFormat, ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT, exportModel } from '@mlp/export';
import { CliError } from '../errors.js';
import { readModelFile } from '../files.js';
import type { Output } from '../output.js';
import { checkOutputs, describeFsError, writeAtomic } from '../outputs.js';
import { modelScaling } from './eval.js';

export interface ExportFlags {
  format: ExportFormat;
  output?: string;
}

const LABELS: Record<ExportFormat, string> = { onnx: 'the ONNX model', safetensors: 'the safetensors weights' };

/** The model's path with its .mlp extension replaced by the format's (appended to any other name). */
export function defaultExportPath(model: string, format: ExportFormat): string {
  const ext = extname(model);
  return join(dirname(model), `${ext === '.mlp' ? basename(model, ext) : basename(model)}${EXTENSIONS[format]}`);
}

export async function exportCommand(file: string, flags: ExportFlags, out: Output): Promise<number> {
  const target = resolve(flags.output ?? defaultExportPath(file, flags.format));
  const spec = { path: target, flag: flags.output === undefined ? 'the default output' : '-o', what: LABELS[flags.format] };
  const { model, meta } = await readModelFile(file);
  await checkOutputs([spec], [{ path: file, flag: 'the model file' }]);
  // A model without a recorded scaling is exported as eval would run it: with [-1, 1] pixels, said in a note.
  const bytes = exportModel(model, { ...meta, scaling: modelScaling(meta, out, file) }, flags.format);
  try {
    await writeAtomic(target, bytes);
  } catch (e) {
    throw new CliError(`Could not write ${spec.what} to ${target}: ${describeFsError(e)}; choose another path with -o.`);
  }
  const arch = model.config.layers.join('-');
  out.result(
    flags.format === 'onnx'
      ? `wrote ${target}: ONNX opset ${ONNX_OPSET}, ${arch}, input ${ONNX_INPUT} float32 [N, ${model.inputSize}] (raw 0-255 pixels), output ${ONNX_OUTPUT} float32 [N, ${model.outputSize}]`
      : `wrote ${target}: safetensors, ${arch}, ${model.depth * 2} float32 tensors (layers.<l>.weight (out, in), layers.<l>.bias)`,
  );
  out.record({ type: 'export', model: resolve(file), format: flags.format, file: target, bytes: bytes.length, layers: model.config.layers });
  return 0;
}
