// The public functions refuse what would pass silently (wrong counts and lengths, non-finite data), each with one
// sentence naming the function, the argument and the problem; and NaN in the data is blamed on the data.
import { describe, expect, it } from 'vitest';
import { activationForward, reluForward, sigmoidBackward, softmaxForward } from './activations.js';
import { denseBackward, denseForward } from './dense.js';
import { evaluate } from './evaluate.js';
import { fillNormal, initStd } from './init.js';
import { confusionMatrix, mostConfused } from './metrics.js';
import { mseBackward, mseLoss, sigmoidCrossEntropyBackward, softmaxCrossEntropyLoss } from './losses.js';
import { gemmJs, gemmNaive, gemmWasm } from './matmul.js';
import { MLP } from './mlp.js';
import { addBias, allFinite, argmaxRows, axpy, colSums, map, rowSums } from './ops.js';
import { xor } from './testing/datasets.js';
import { Rng } from './rng.js';
import { SGD } from './sgd.js';
import { Trainer } from './train.js';

const f = (n: number) => new Float32Array(n);

describe('MLP methods', () => {
  const m = new MLP({ layers: [3, 4, 2] }, { backend: 'js', seed: 1 });

  it('forward refuses row counts that are zero, negative or fractional, and short inputs', () => {
    for (const n of [0, -1, 1.5, Number.NaN, '2']) {
      expect(() => m.forward(f(30), n as number)).toThrow(`forward: n (the number of rows) must be a positive integer, got ${typeof n === 'string' ? JSON.stringify(n) : n}`);
    }
    expect(() => m.forward(f(5), 2)).toThrow('forward: x has 5 values, but n×inputSize = 2×3 needs 6');
    expect(() => m.forward(null as never, 1)).toThrow('forward: x must be a Float32Array (or another array of numbers), got null');
    expect(() => m.forward({ kind: 'bytes', raw: new Uint8Array(3), mul: Number.NaN, add: 0 }, 1)).toThrow('forward: mul must be a finite number, got NaN');
    expect(() => m.forward({ kind: 'rows', inputs: new Uint8Array(9), rows: Uint32Array.of(0, 1), start: 1, mul: 1, add: 0 }, 2)).toThrow('forward: rows has 2 values, but start + n = 3 needs 3');
  });

  it('predict needs exactly n rows of finite inputs', () => {
    expect(m.predict([1, 2, 3])).toHaveLength(2);
    expect(() => m.predict([1, 2, 3, 4])).toThrow('predict: x has 4 values, but 1 row of 3 inputs need exactly 3');
    expect(() => m.predict([1, 2], 1)).toThrow(/x has 2 values, but 1 row of 3 inputs need exactly 3/);
    expect(() => m.predict(f(6), 3)).toThrow(/x has 6 values, but 3 rows of 3 inputs need exactly 9/);
    expect(() => m.predict([1, 2, 3], 0)).toThrow(/predict: n \(the number of rows\) must be a positive integer, got 0/);
    expect(() => m.predict([1, Number.NaN, 3])).toThrow('predict: x[1] is NaN (row 0, input 1); inputs must be finite');
  });

  it('gradient, loss and backward check the targets against the last forward pass', () => {
    expect(() => m.gradient(f(6), f(3), 2)).toThrow('loss: y has 3 values, but n×outputSize = 2×2 needs 4');
    expect(Number.isFinite(m.gradient(f(6), f(4), 2))).toBe(true);
    expect(() => m.loss(f(8), 4)).toThrow('loss: n is 4, but the last forward pass had 2 rows (call forward first)');
    expect(() => m.backward(f(4), 1)).toThrow('backward: n is 1, but the last forward pass had 2 rows');
    expect(() => new MLP({ layers: [2, 2] }, { dtype: 'float16' as never })).toThrow('MLP options: dtype must be float32 or float64, got float16');
    expect(() => new MLP({ layers: [2, 2] }, { rng: {} as never })).toThrow(/rng must be an Rng/);
  });
});

describe('kernels and ops', () => {
  it('losses refuse mismatched lengths and empty shapes instead of returning 0 or NaN', () => {
    expect(() => mseLoss(f(6), f(4), 2, 3)).toThrow('mseLoss: y has 4 values, but rows×cols = 2×3 needs 6');
    expect(() => mseLoss(f(6), f(6), 2, 0)).toThrow('mseLoss: cols must be a positive integer, got 0');
    expect(() => mseLoss(f(6), f(6), 0, 3)).toThrow('mseLoss: rows must be a positive integer, got 0');
    expect(() => mseBackward(f(2), f(6), f(6), 2, 3)).toThrow(/mseBackward: da has 2 values/);
    expect(() => softmaxCrossEntropyLoss(f(4), f(4), f(4), 2, 3)).toThrow(/softmaxCrossEntropyLoss: probs has 4 values/);
    expect(() => sigmoidCrossEntropyBackward(f(6), f(6), f(5), 2, 3)).toThrow(/sigmoidCrossEntropyBackward: y has 5 values/);
    expect(mseLoss(Float32Array.of(1, 0), Float32Array.of(0, 0), 1, 2)).toBe(1);
  });

  it('activations, dense layers, gemms and ops check counts against their buffers', () => {
    expect(() => reluForward(f(2), f(4))).toThrow('reluForward: out has 2 values, but n = 4 needs 4');
    expect(() => sigmoidBackward(f(4), f(4), f(4), -1)).toThrow('sigmoidBackward: n must be a non-negative integer, got -1');
    expect(() => softmaxForward(f(4), f(6), 2, 3)).toThrow(/softmaxForward: out has 4 values/);
    expect(() => activationForward('gelu' as never, f(1), f(1), 1, 1)).toThrow(/activationForward: unknown activation "gelu"/);
    expect(() => denseForward(f(4), f(6), f(5), f(2), 2, 3, 2)).toThrow('denseForward: W has 5 values, but outF×inF = 2×3 needs 6');
    expect(() => denseBackward(null, f(6), f(1), f(4), f(6), f(6), 2, 3, 2)).toThrow('denseBackward: db has 1 values, but outF = 2 needs 2');
    for (const [name, gemm] of [['gemmJs', gemmJs], ['gemmNaive', gemmNaive], ['gemmWasm', gemmWasm]] as const) {
      expect(() => gemm(f(4), f(6), f(5), 2, 2, 3, false, false)).toThrow(`${name}: b has 5 values, but K×N = 3×2 needs 6`);
      expect(() => gemm(f(4), f(6), f(6), 2, 2.5, 3, false, false)).toThrow(`${name}: N must be a non-negative integer, got 2.5`);
    }
    expect(() => addBias(f(6), f(6), f(2), 2, 3)).toThrow('addBias: bias has 2 values, but cols = 3 needs 3');
    expect(() => colSums(f(2), f(6), 2, 3)).toThrow(/colSums: out has 2 values/);
    expect(() => rowSums(f(1), f(6), 2, 3)).toThrow(/rowSums: out has 1 values/);
    expect(() => argmaxRows(new Int32Array(1), f(6), 2, 3)).toThrow(/argmaxRows: out has 1 values/);
    expect(() => axpy(f(3), 1, f(2))).toThrow('axpy: x has 2 values, but n = 3 needs 3');
    expect(() => map(f(3), f(3), 5 as never)).toThrow('map: f must be a function, got number');
    expect(() => allFinite(undefined as never)).toThrow(/allFinite: x must be a Float32Array/);
    expect(() => initStd('glorot' as never, 3, 2)).toThrow('initStd: init must be one of normal, xavier, he, got "glorot"');
    expect(() => initStd('he', 0, 2)).toThrow('initStd: fanIn must be a positive integer, got 0');
    expect(() => fillNormal(f(3), Number.NaN, null as never)).toThrow('fillNormal: std must be a finite number, got NaN');
    expect(() => fillNormal(f(3), 1, null as never)).toThrow('fillNormal: rng must be an Rng (new Rng(seed))');
    expect(() => new Rng(1).permutation(-1)).toThrow('Rng.permutation: n must be a non-negative integer, got -1');
    expect(() => new SGD().step(undefined as never, 0.1)).toThrow('SGD.step needs an MLP, got undefined');
    // The learning rate is the step's argument (SGD keeps none), checked on every step.
    const net = new MLP({ layers: [2, 2] });
    for (const lr of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new SGD().step(net, lr)).toThrow(`learning rate must be a positive number, got ${lr}`);
    expect(() => new SGD({ momentum: 1 })).toThrow('momentum must be in [0, 1), got 1');
    expect('lr' in new SGD()).toBe(false);
    expect(() => confusionMatrix([0], [0], 0)).toThrow('confusionMatrix: classes must be a positive integer, got 0');
    expect(() => mostConfused(confusionMatrix([0], [1], 2), -1)).toThrow('mostConfused: top must be a non-negative integer, got -1');
  });
});

describe('datasets: NaN is blamed on the data, labels must fit the network', () => {
  const model = () => new MLP({ layers: [2, 3, 2] }, { seed: 1 });
  const opts = { epochs: 1, batchSize: 2, lr: 0.1 };

  it('NaN or Infinity in float inputs, scaling or targets is named before training, not called a learning-rate problem', () => {
    const inputs = Float32Array.of(0, 0, 0, 1, 1, Number.NaN, 1, 1);
    expect(() => new Trainer(model(), { ...xor(), inputs }, opts)).toThrow('training data: inputs[5] is NaN (example 2, feature 1); inputs must be finite');
    expect(() => evaluate(model(), { ...xor(), inputs })).toThrow('evaluate: data: inputs[5] is NaN (example 2, feature 1); inputs must be finite');
    expect(() => new Trainer(model(), { ...xor(), scaling: { mul: Number.POSITIVE_INFINITY, add: 0 } }, opts)).toThrow(
      'training data: scaling.mul must be a finite number, got Infinity',
    );
    expect(() => new Trainer(model(), { ...xor(), scaling: { mul: 1, add: Float32Array.of(0, Number.NaN) } }, opts)).toThrow(
      'training data: scaling.add[1] is NaN; scaling must be finite',
    );
    const targets = Float32Array.of(1, 0, 0, 1, 0, 1, Number.NaN, 0);
    expect(() => new Trainer(model(), { ...xor(), targets }, opts)).toThrow('training data: targets[6] is NaN; targets must be finite');
    expect(() => new Trainer(model(), { ...xor(), targets: targets.subarray(0, 6) }, opts)).toThrow(/targets hold 6 values, need count×outputs = 4×2/);
  });

  it('labels must be class indices that the network has outputs for, named with its class count', () => {
    expect(() => new Trainer(model(), { ...xor(), labels: [0, 1, 2, 0] }, opts)).toThrow(
      'training data: labels go up to 2 (3 classes), but the network has 2 outputs (classes 0 to 1)',
    );
    expect(() => evaluate(new MLP({ layers: [2, 1] }), { ...xor(), labels: [0, 3, 1, 0] })).toThrow(
      'evaluate: data: labels go up to 3, but a network with 1 output tells only classes 0 and 1 apart',
    );
    expect(() => new Trainer(model(), { ...xor(), labels: [0, 1, -1, 0] }, opts)).toThrow('training data: label -1 of example 2 is not a class index (an integer ≥ 0)');
    expect(() => new Trainer(model(), { ...xor(), labels: [0, 0.5, 1, 0] }, opts)).toThrow(/label 0.5 of example 1 is not a class index/);
    expect(() => new Trainer(model(), { ...xor(), inputs: [0, 1] as never }, opts)).toThrow('training data: inputs must be a Uint8Array or Float32Array, got an Array');
    expect(() => evaluate(model(), xor(), { batchSize: 0 })).toThrow('evaluate: options.batchSize must be a positive integer, got 0');
    expect(() => new Trainer({} as never, xor(), opts)).toThrow(/Trainer needs an MLP as its first argument/);
    expect(evaluate(model(), xor()).count).toBe(4);
  });
});
