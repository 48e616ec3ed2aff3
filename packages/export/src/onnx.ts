// The ONNX writer: a standard opset-13 graph (Mul, Add for the input scaling; per layer Gemm and the activation)
// encoded with onnx-proto's generated protobufjs code. It writes only; the graph is drawn in the package README.
import type { ActivationName, MLP, ModelMeta } from '@mlp/core';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { ExportError, PRODUCER, PRODUCER_VERSION, metadataOf, scalingOf } from './metadata.js';

const { onnx } = onnxProto;

/** The opset and IR version written (IR 7 is opset 13's; every ONNX Runtime since 1.7 reads it). */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
/** The graph's input (raw pixels, float32 [N, inputs]) and output (class scores, float32 [N, outputs]). */
export const ONNX_INPUT = 'pixels';
export const ONNX_OUTPUT = 'scores';

/** The ONNX operator of each activation; linear adds no node. */
const OPS: Record<ActivationName, string | null> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', softmax: 'Softmax', linear: null };

/** A float32 initializer; values stored little-endian in raw_data. */
function floats(name: string, dims: number[], values: ArrayLike<number>): Onnx.TensorProto {
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i]!, true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function node(op: string, inputs: string[], output: string, attribute: Onnx.IAttributeProto[] = []): Onnx.INodeProto {
  return { opType: op, input: inputs, output: [output], name: output, attribute };
}

const intAttr = (name: string, i: number): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });

function valueInfo(name: string, width: number): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] } } },
  };
}

/**
 * Bytes of an ONNX model computing the network from raw pixels: pixels (float32 [N, inputs], 0-255) → Mul(mul) →
 * Add(add) → per layer Gemm(W, b, transB=1) and the activation → scores (float32 [N, outputs]).
 * Throws ExportError when meta lacks a usable input scaling.
 */
export function toOnnx(model: MLP, meta: ModelMeta = {}): Uint8Array {
  if (typeof (model as Partial<MLP> | null)?.readWeights !== 'function') throw new TypeError('toOnnx needs an MLP from @mlp/core');
  const c = model.config;
  const scaling = scalingOf(model, meta);
  const dimsOf = (v: number | number[]) => (typeof v === 'number' ? [] : [v.length]);
  const asArray = (v: number | number[]) => (typeof v === 'number' ? [v] : v);
  const initializer = [
    floats('scaling.mul', dimsOf(scaling.mul), asArray(scaling.mul)),
    floats('scaling.add', dimsOf(scaling.add), asArray(scaling.add)),
  ];
  const nodes = [node('Mul', [ONNX_INPUT, 'scaling.mul'], 'pixels_mul'), node('Add', ['pixels_mul', 'scaling.add'], 'x')];
  let h = 'x';
  for (let l = 0; l < model.depth; l++) {
    const [outF, inF] = [c.layers[l + 1]!, c.layers[l]!];
    const last = l === model.depth - 1;
    const act = last ? c.output : c.hidden;
    const op = OPS[act];
    if (op === undefined) throw new ExportError(`activation ${act} has no ONNX operator here`);
    initializer.push(floats(`layers.${l}.weight`, [outF, inF], model.readWeights(l)), floats(`layers.${l}.bias`, [outF], model.readBiases(l)));
    const z = last && !op ? ONNX_OUTPUT : `layers.${l}.z`;
    // W is (out, in) row-major, so x·Wᵀ + b is Gemm with transB = 1.
    nodes.push(node('Gemm', [h, `layers.${l}.weight`, `layers.${l}.bias`], z, [intAttr('transB', 1)]));
    h = z;
    if (op) {
      const a = last ? ONNX_OUTPUT : `layers.${l}.${act}`;
      nodes.push(node(op, [z], a, op === 'Softmax' ? [intAttr('axis', 1)] : []));
      h = a;
    }
  }
  const metadata = metadataOf(model, meta);
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER,
    producerVersion: PRODUCER_VERSION,
    docString: `MLP ${c.layers.join('-')} (${c.hidden} hidden, ${c.output} output); input: raw pixels 0-255`,
    graph: {
      name: `mlp_${c.layers.join('_')}`,
      node: nodes,
      initializer,
      input: [valueInfo(ONNX_INPUT, model.inputSize)],
      output: [valueInfo(ONNX_OUTPUT, model.outputSize)],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}
