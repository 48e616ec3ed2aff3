// Hostile model files, generated here: lying headers, absurd sizes, crafted checkpoints. Each is refused from its
// header with one ModelFormatError sentence, before any network is built (the memory ceiling: test/hostile-model.test.ts).
import { describe, expect, it } from 'vitest';
import { MODEL_LIMITS, ModelFormatError, loadCheckpoint, loadModel, saveCheckpoint, saveModel } from './format.js';
import { MLP } from './mlp.js';
import { Trainer } from './train.js';
import { build, parse, rebuilt } from './testing/model-files.js';

/** The error loading `bytes` throws (a ModelFormatError, checked), for its message. */
function refusal(bytes: Uint8Array, load: (b: Uint8Array) => unknown = loadModel): string {
  try {
    load(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('the file was accepted');
}

/** A file whose header declares `config` and lists the tensors that config needs, but holds `floats` values only. */
function lying(config: Record<string, unknown>, floats = 0): Uint8Array {
  const L = config.layers as number[];
  const tensors = L.slice(1).flatMap((w, l) => [
    { name: `W${l}`, shape: [w, L[l]] },
    { name: `b${l}`, shape: [w] },
  ]);
  return build({ kind: 'model', config, tensors, meta: {} }, [new Array(floats).fill(0)]);
}

describe('model files with lying headers', () => {
  it('refuses a 96-byte file declaring 784-15000-15000-10 by its parameter ceiling, naming the count', () => {
    const bytes = build({ kind: 'model', config: { layers: [784, 15000, 15000, 10] }, tensors: [], meta: {} }, []);
    expect(bytes.length).toBeLessThan(120);
    expect(refusal(bytes)).toBe('model file declares layers 784-15000-15000-10: 236,940,010 parameters, more than the 50,000,000 this library loads');
    expect(refusal(lying({ layers: [784, 15000, 15000, 10] }))).toMatch(/236,940,010 parameters/);
  });

  it('refuses a network under the ceiling whose tensors are not in the file, by its byte length', () => {
    // 7000-7000-10: 49 M parameters (196 MB) declared, 12 values present.
    const bytes = lying({ layers: [7000, 7000, 10] }, 12);
    expect(refusal(bytes)).toMatch(/^model file is truncated: \d+ bytes, but its header and layers 7000-7000-10 need 196\d{6} bytes$/);
    const ok = saveModel(new MLP({ layers: [5, 4, 3] }));
    for (const cut of [4, 8, 40]) expect(refusal(ok.subarray(0, ok.length - cut))).toMatch(/truncated/);
  });

  it('refuses negative, zero, fractional, NaN and non-numeric layer widths', () => {
    for (const layers of [[784, -5, 10], [784, 0, 10], [784, 1.5, 10], [784, null, 10], [784, '50', 10], [784, 1e300, 10]]) {
      const bytes = build({ kind: 'model', config: { layers }, tensors: [], meta: {} }, []);
      expect(refusal(bytes), JSON.stringify(layers)).toMatch(/^model file (has an invalid network config: MLP config: layer widths must be positive integers|declares layers)/);
    }
    for (const config of [{ layers: 'abc' }, { layers: [] }, { layers: [10] }, null]) {
      expect(refusal(build({ kind: 'model', config, tensors: [], meta: {} }, []))).toMatch(/invalid network config|lacks its config/);
    }
  });

  it('refuses more layers than the ceiling, and tensor shapes that disagree with the config however large', () => {
    const deep = new Array(MODEL_LIMITS.layers + 1).fill(2);
    expect(refusal(build({ kind: 'model', config: { layers: deep }, tensors: [], meta: {} }, []))).toBe(
      `model file declares ${MODEL_LIMITS.layers + 1} layer widths (2-2-2-2-…-2), more than the ${MODEL_LIMITS.layers} this library loads`,
    );
    const huge = build({ kind: 'model', config: { layers: [2, 2] }, tensors: [{ name: 'W0', shape: [1e9, 1e9] }, { name: 'b0', shape: [2] }], meta: {} }, []);
    expect(refusal(huge)).toBe('model file tensor 0 is W0 [1000000000,1000000000], but layers 2-2 need W0 [2,2]');
    const odd = build({ kind: 'model', config: { layers: [2, 2] }, tensors: [{ name: 'W0', shape: 'x'.repeat(500) }, 7], meta: {} }, []);
    expect(refusal(odd)).toMatch(/^model file tensor 0 is W0 \[x{57}\.\.\.\], but layers 2-2 need W0 \[2,2\]$/);
    expect(refusal(build({ kind: 'model', config: { layers: [2, 2] }, tensors: [7, 8], meta: {} }, []))).toMatch(/tensor 0 is missing, but/);
  });

  it('refuses a header length beyond the file and a header over the ceiling', () => {
    const bytes = Uint8Array.from(saveModel(new MLP({ layers: [3, 2] })));
    new DataView(bytes.buffer).setUint32(8, bytes.length, true);
    expect(refusal(bytes)).toMatch(/header length field says \d+ bytes, which cannot fit in the whole file/);
    const big = new Uint8Array(MODEL_LIMITS.headerBytes + 64);
    big.set(bytes.subarray(0, 8));
    new DataView(big.buffer).setUint32(8, MODEL_LIMITS.headerBytes + 4, true);
    expect(refusal(big)).toBe(`model file header is ${MODEL_LIMITS.headerBytes + 4} bytes, more than the ${MODEL_LIMITS.headerBytes} (4 MiB) this library reads`);
  });

  it('keeps metadata as data: any JSON values come back untouched, a non-object is refused', () => {
    const text = '{"testAccuracy":"high","epochs":null,"lr":[1],"dataset":{"root":"/etc/passwd"},"__proto__":{"polluted":1}}';
    const bytes = rebuilt(saveModel(new MLP({ layers: [3, 2] })), (h) => {
      h.meta = JSON.parse(text);
    });
    const loaded = loadModel(bytes).meta;
    expect(JSON.stringify(loaded)).toBe(text);
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const bad of [[1, 2], 'text', 5]) {
      const file = rebuilt(saveModel(new MLP({ layers: [3, 2] })), (h) => {
        h.meta = bad;
      });
      expect(refusal(file)).toMatch(/^model file metadata must be a JSON object, got (an Array|a string|a number)$/);
    }
    expect(refusal(build([1, 2] as never, []))).toBe('model file header lacks its config or tensor list');
  });
});

const data = { inputs: Float32Array.from({ length: 20 }, (_, i) => (i % 7) / 7), labels: [0, 1, 2, 0], count: 4, inputSize: 5 };

describe('saving refuses what loading would refuse', () => {
  it('refuses a network over the ceilings and a header over 4 MiB, writing nothing', () => {
    const t = new Trainer(new MLP({ layers: [5, 4, 3] }), data, { epochs: 1, batchSize: 2, lr: 0.1 });
    const huge = { ...t.snapshot(), config: { ...t.snapshot().config, layers: [7100, 7100, 10] } }; // 50.5 M parameters
    expect(() => saveCheckpoint(huge)).toThrow(
      'cannot save: layers 7100-7100-10 (3 widths, 50,488,110 parameters) exceed what a model file may hold (64 widths, 50,000,000 parameters)',
    );
    expect(() => saveModel(new MLP({ layers: new Array(65).fill(2) }))).toThrow(/^cannot save: layers 2-2-2-2-…-2 \(65 widths, 384 parameters\) exceed/);
    const small = new MLP({ layers: [2, 2] });
    expect(() => saveModel(small, { notes: 'x'.repeat(MODEL_LIMITS.headerBytes) })).toThrow(/^cannot save: the header \(config, metadata and training state\) is \d+ bytes, more than the 4194304 \(4 MiB\)/);
    expect(loadModel(saveModel(small, { notes: 'x'.repeat(1000) })).meta.notes).toHaveLength(1000);
  });
});

describe('crafted checkpoints', () => {
  const ckpt = () => {
    const t = new Trainer(new MLP({ layers: [5, 4, 3] }, { seed: 3 }), data, { epochs: 3, batchSize: 2, lr: 0.1, momentum: 0.9 });
    t.step();
    return saveCheckpoint(t.snapshot());
  };

  it('refuses velocities of the wrong size or count, before building anything', () => {
    const short = rebuilt(ckpt(), (h, t) => {
      h.tensors[5]!.shape = [2];
      t[5] = t[5]!.slice(0, 2);
    });
    expect(refusal(short, loadCheckpoint)).toBe('model file tensor 5 is v_b0 [2], but layers 5-4-3 need v_b0 [4]');
    const missing = rebuilt(ckpt(), (h, t) => {
      h.tensors.pop();
      t.pop();
    });
    expect(refusal(missing, loadCheckpoint)).toMatch(/checkpoint file has 7 tensors, but layers 5-4-3 need 4 or 8/);
  });

  it('refuses absurd epoch, batch and shuffle state', () => {
    const cases: [(t: Record<string, unknown>) => void, RegExp][] = [
      [(t) => (t.epoch = 1e9), /epoch must be an integer from 0 to 3/],
      [(t) => ((t.options as { epochs: number }).epochs = 1e300), /epochs must be a positive integer up to 1,000,000, got 1e\+300/],
      [(t) => (t.batch = 1e300), /batch 1e\+300 of 2 examples starts past example 2\^32, more than any dataset holds/],
      [(t) => (t.batch = 2.5), /batch must be a non-negative integer, got 2.5/],
      [(t) => (t.epochRng = [1e20, 1, 2, 3]), /Rng state must be four uint32 words/],
      [(t) => (t.epochRng = [1, 2, 3]), /Rng state must be four uint32 words/],
      [(t) => ((t.options as { batchSize: number }).batchSize = -4), /batch size must be a positive integer, got -4/],
      [(t) => (t.hasVelocity = 'yes'), /needs hasVelocity true or false, got yes/],
      [(t) => ((t.running as { oneClass: number }).oneClass = 1.5), /running.oneClass must be an integer ≥ −2 when present, got 1.5/],
      [(t) => (t.startLoss = 'big'), /startLoss must be a finite number ≥ 0 when present, got big/],
    ];
    for (const [edit, message] of cases) {
      const bad = rebuilt(ckpt(), (h) => edit(h.trainer as Record<string, unknown>));
      expect(refusal(bad, loadCheckpoint)).toMatch(message);
    }
    expect(parse(ckpt()).header.trainer).toBeTypeOf('object');
  });

  it('keeps only the fields a snapshot has: unknown trainer keys in a file are dropped', () => {
    const extra = rebuilt(ckpt(), (h) => Object.assign(h.trainer as object, { out: '/etc/passwd', dataset: { root: '/' } }));
    const { snapshot } = loadCheckpoint(extra);
    expect(Object.keys(snapshot).sort()).toEqual(['backend', 'batch', 'bestParams', 'config', 'dtype', 'epoch', 'epochRng', 'history', 'optimizerSteps', 'options', 'params', 'running', 'secondMoments', 'startLoss', 'threads', 'velocity']);
  });
});
