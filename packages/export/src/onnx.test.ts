// The ONNX export run in ONNX Runtime (onnxruntime-node, CPU) against @mlp/core's own outputs, and the graph's
// declared names, shapes, opset and metadata read back with onnx-proto.
import type { MLP } from '@mlp/core';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ExportError, ONNX_OPSET, toOnnx } from './index.js';
import { CONFIGS, SCALINGS, compare, coreOutputs, randomPixels, smallModel } from './testing/models.js';

const { onnx } = onnxProto;

async function runOnnx(bytes: Uint8Array, pixels: Uint8Array, inputs: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const n = pixels.length / inputs;
  const result = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [n, inputs]) });
  await session.release();
  return result.scores!.data as Float32Array;
}

describe('toOnnx in ONNX Runtime', () => {
  const pixels = randomPixels(200);
  for (const [name, config] of Object.entries(CONFIGS)) {
    for (const [mode, scaling] of Object.entries(SCALINGS)) {
      it(`${name} (${config.hidden}/${config.output}), scaling ${mode}: the same scores within 1e-5, the same classes`, async () => {
        const model = smallModel(config);
        const got = await runOnnx(toOnnx(model, { scaling }), pixels, 784);
        const want = coreOutputs(model, pixels, scaling);
        const { maxAbs, sameClasses } = compare(got, want, model.outputSize);
        expect(maxAbs).toBeLessThan(1e-5);
        expect(sameClasses).toBe(true);
      });
    }
  }

  it('per-input scaling arrays become [inputs] initializers', async () => {
    const model = smallModel({ layers: [6, 5, 3], hidden: 'relu', output: 'softmax', loss: 'ce' });
    const mul = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
    const add = [-1, -0.5, 0, 0.5, 1, 1.5];
    const u = randomPixels(40, 6);
    const got = await runOnnx(toOnnx(model, { scaling: { mul, add } }), u, 6);
    const want = coreOutputs(model, u, { mul: Float32Array.from(mul), add: Float32Array.from(add) } as never);
    expect(compare(got, want, 3).maxAbs).toBeLessThan(1e-5);
  });

  it('the comparison can fail: a graph built with a slightly different scaling is caught', async () => {
    const model = smallModel(CONFIGS.seed!);
    const s = SCALINGS['-1,1'];
    const got = await runOnnx(toOnnx(model, { scaling: { mul: s.mul, add: s.add + 0.01 } }), pixels, 784);
    expect(compare(got, coreOutputs(model, pixels, s), 10).maxAbs).toBeGreaterThan(1e-5);
  });
});

describe('the ONNX graph', () => {
  const model = smallModel(CONFIGS.best!);
  const meta = { scaling: SCALINGS['0,1'], settings: { lr: 0.1, layers: [784, 24, 12, 10] }, dataset: 'mnist', testAccuracy: 0.9841, preset: 'best' };
  const m = onnx.ModelProto.decode(toOnnx(model, meta));

  const graph = m.graph as Onnx.GraphProto;
  const dims = (v: Onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));

  it('declares opset 13, named input pixels [N, 784] and output scores [N, 10]', () => {
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    expect(graph.input.map((v) => [v.name, dims(v)])).toEqual([['pixels', ['N', 784]]]);
    expect(graph.output.map((v) => [v.name, dims(v)])).toEqual([['scores', ['N', 10]]]);
  });

  it('is Mul, Add, then Gemm (transB = 1) and the activation per layer', () => {
    expect(graph.node.map((n) => n.opType)).toEqual(['Mul', 'Add', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    for (const n of graph.node.filter((n) => n.opType === 'Gemm')) expect(n.attribute!.map((a) => [a.name, Number(a.i)])).toEqual([['transB', 1]]);
    const w0 = graph.initializer.find((t) => t.name === 'layers.0.weight') as Onnx.TensorProto;
    expect(w0.dims.map(Number)).toEqual([24, 784]);
    const raw = Uint8Array.from(w0.rawData); // a copy: decoded bytes may be a view into a larger buffer
    expect(new Float32Array(raw.buffer)).toEqual(model.readWeights(0));
  });

  it('carries the producer, settings, dataset and test accuracy', () => {
    expect(m.producerName).toBe('@mlp/export');
    const props = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(props).toMatchObject({ dataset: 'mnist', test_accuracy: '0.9841', preset: 'best', layers: '784,24,12,10' });
    expect(JSON.parse(props.settings!)).toEqual(meta.settings);
    expect(JSON.parse(props.scaling!)).toEqual({ mul: 1 / 255, add: 0 });
  });

  it('a model without a usable input scaling is refused with a sentence saying so', () => {
    expect(() => toOnnx(model, {})).toThrow(ExportError);
    expect(() => toOnnx(model, {})).toThrow(/does not record its input scaling/);
    expect(() => toOnnx(model, { scaling: { mul: 'x', add: 0 } })).toThrow(/scaling mul must be a finite number/);
    expect(() => toOnnx({} as MLP, { scaling: SCALINGS['0,1'] })).toThrow(TypeError);
  });
});
