import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, ModelFormatError, loadCheckpoint, loadModel, saveCheckpoint, saveModel } from './format.js';
import { MLP } from './mlp.js';
import { Trainer, type TrainerSnapshot } from './train.js';
import { xor } from './testing/datasets.js';
import { type Entry, parse, rebuilt, reseal, withHeader } from './testing/model-files.js';
import { paramsOf } from './testing/params.js';

const model = () => new MLP({ layers: [5, 4, 3], hidden: 'relu', output: 'softmax', loss: 'ce', init: 'he' }, { seed: 7 });

/** A momentum checkpoint of the 5-4-3 model after one batch (epochs 3, two batches per epoch). */
function checkpoint(): { s: TrainerSnapshot; bytes: Uint8Array } {
  const data = { inputs: Float32Array.from({ length: 20 }, (_, i) => (i % 7) / 7), labels: [0, 1, 2, 0], count: 4, inputSize: 5 };
  const t = new Trainer(model(), data, { epochs: 3, batchSize: 2, lr: 0.1, momentum: 0.9 });
  t.step();
  const s = t.snapshot();
  return { s, bytes: saveCheckpoint(s) };
}

describe('model file format', () => {
  it('the test writer reproduces saveModel byte for byte (so files built with it differ only where edited)', () => {
    const bytes = saveModel(model(), { a: 1 });
    expect(rebuilt(bytes, () => {})).toEqual(bytes);
  });

  it('round-trips a model exactly, with its metadata', () => {
    const m = model();
    m.writeBiases(0, m.readBiases(0).fill(0.25, 1, 2));
    const bytes = saveModel(m, { testAccuracy: 0.9451, dataset: 'mnist' });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('MLPW');
    const { model: back, meta, kind } = loadModel(bytes);
    expect(kind).toBe('model');
    expect(meta).toEqual({ testAccuracy: 0.9451, dataset: 'mnist' });
    expect(back.config).toEqual(m.config);
    paramsOf(back).forEach((p, i) => expect(p.data).toEqual(paramsOf(m)[i]!.data));
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    expect(back.predict(x)).toEqual(m.predict(x));
  });

  it('loads from a Uint8Array view at an odd offset (e.g. a slice of a larger buffer)', () => {
    const bytes = saveModel(model());
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(loadModel(big.subarray(3)).model.readWeights(1)).toEqual(model().readWeights(1));
  });

  it('rejects a truncated file', () => {
    const bytes = saveModel(model());
    expect(() => loadModel(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
    expect(() => loadModel(bytes.subarray(0, 40))).toThrow(/truncated/);
    expect(() => loadModel(bytes.subarray(0, 8))).toThrow(/only 8 bytes/);
  });

  it('rejects a wrong magic, a wrong version and trailing bytes', () => {
    const bytes = saveModel(model());
    const bad = Uint8Array.from(bytes);
    bad.set([0x50, 0x4b, 3, 4], 0); // a zip file
    expect(() => loadModel(bad)).toThrow(ModelFormatError);
    expect(() => loadModel(bad)).toThrow(/not a model file/);
    const v2 = Uint8Array.from(bytes);
    new DataView(v2.buffer).setUint32(4, FORMAT_VERSION + 1, true);
    expect(() => loadModel(v2)).toThrow(/unsupported model file version 2/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(() => loadModel(longer)).toThrow(/trailing bytes/);
  });

  it('rejects a flipped bit by its checksum', () => {
    const bad = Uint8Array.from(saveModel(model()));
    bad[bad.length - 20]! ^= 0x10;
    expect(() => loadModel(bad)).toThrow(/checksum/);
  });

  it('rejects tensors whose shapes do not match the layers in the header', () => {
    const bytes = saveModel(model());
    // Same byte count, different architecture: layers 5-4-3 claimed as 4-5-3 with W0 still [4,5].
    const edited = withHeader(bytes, (h) => {
      (h.config as { layers: number[] }).layers = [4, 5, 3];
      (h.tensors as { name: string; shape: number[] }[])[2]!.shape = [3, 4];
    });
    expect(() => loadModel(edited)).toThrow(/layers 4-5-3 need W0 \[5,4\]/);
  });

  it('rejects NaN and Inf weights, naming the tensor', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const m = model();
      const W1 = m.readWeights(1);
      W1[2] = v;
      m.writeWeights(1, W1);
      expect(() => loadModel(saveModel(m))).toThrow(/tensor W1 holds (NaN|Infinity) at index 2/);
    }
  });

  it('rejects a header that is not JSON or lacks the config', () => {
    const bytes = Uint8Array.from(saveModel(model()));
    bytes[12] = 0x7b + 1;
    expect(() => loadModel(reseal(bytes))).toThrow(/not valid JSON/);
    expect(() => loadModel(withHeader(saveModel(model()), (h) => {
          delete h.config;
        }))).toThrow(/lacks its config/);
    const badLoss = withHeader(saveModel(model()), (h) => {
      (h.config as { loss: string }).loss = 'xx';
    });
    expect(() => loadModel(badLoss)).toThrow(/invalid network config/);
  });

  it('round-trips a checkpoint and refuses a model file as one', async () => {
    const t = new Trainer(new MLP({ layers: [2, 3, 2] }, { seed: 1 }), xor(), { epochs: 3, batchSize: 2, lr: 0.5, momentum: 0.5 });
    t.step();
    const s = t.snapshot();
    const { snapshot, meta } = loadCheckpoint(saveCheckpoint(s, { note: 'x' }));
    expect(meta).toEqual({ note: 'x' });
    expect(snapshot).toEqual(s);
    expect(loadModel(saveCheckpoint(s)).kind).toBe('checkpoint');
    expect(() => loadCheckpoint(saveModel(t.model))).toThrow(/not a resumable checkpoint/);
  });

  it('checks every velocity tensor of a checkpoint by name and shape, naming the tensor', () => {
    const { bytes } = checkpoint();
    expect(parse(bytes).header.tensors.map((t) => t.name)).toEqual(['W0', 'b0', 'W1', 'b1', 'v_W0', 'v_b0', 'v_W1', 'v_b1']);
    expect(loadCheckpoint(bytes).snapshot.velocity).toHaveLength(4);
    // Wrong size: v_W0 holds 16 values instead of 4x5 (the file is otherwise consistent).
    const small = rebuilt(bytes, (h, t) => {
      h.tensors[4]!.shape = [4, 4];
      t[4] = t[4]!.slice(0, 16);
    });
    expect(() => loadCheckpoint(small)).toThrow(ModelFormatError);
    expect(() => loadCheckpoint(small)).toThrow(/tensor 4 is v_W0 \[4,4\], but layers 5-4-3 need v_W0 \[4,5\]/);
    // Swapped shapes: v_W1 [3,4] stored as [4,3] (same size), and v_b0/v_W1 exchanged.
    const transposed = rebuilt(bytes, (h) => {
      h.tensors[6]!.shape = [4, 3];
    });
    expect(() => loadCheckpoint(transposed)).toThrow(/tensor 6 is v_W1 \[4,3\], but layers 5-4-3 need v_W1 \[3,4\]/);
    const swapped = rebuilt(bytes, (h, t) => {
      [h.tensors[5], h.tensors[6]] = [h.tensors[6]!, h.tensors[5]!];
      [t[5], t[6]] = [t[6]!, t[5]!];
    });
    expect(() => loadCheckpoint(swapped)).toThrow(/tensor 5 is v_W1 \[3,4\], but layers 5-4-3 need v_b0 \[4\]/);
    // Wrong name, right shape.
    const renamed = withHeader(bytes, (h) => {
      (h.tensors as Entry[])[7]!.name = 'v_bX';
    });
    expect(() => loadCheckpoint(renamed)).toThrow(/tensor 7 is v_bX \[3\], but layers 5-4-3 need v_b1 \[3\]/);
    expect(() => loadModel(renamed)).toThrow(/tensor 7 is v_bX/);
  });

  it('rejects a checkpoint whose tensor count disagrees with its hasVelocity flag', () => {
    const { bytes } = checkpoint();
    const noFlag = rebuilt(bytes, (h) => {
      (h.trainer as { hasVelocity: boolean }).hasVelocity = false;
    });
    expect(() => loadCheckpoint(noFlag)).toThrow(/checkpoint has 8 tensors, but its trainer state says it has no momentum velocity: 4 expected/);
  });

  it('rejects invalid trainer state in a checkpoint with a ModelFormatError saying what is wrong', () => {
    const { bytes } = checkpoint();
    const cases: [string, (t: Record<string, unknown>) => void, RegExp][] = [
      ['bad epochRng', (t) => (t.epochRng = [0, 0, 0, 0]), /shuffle generator state \(epochRng\) is invalid: Rng state must not be all zero/],
      ['epochRng not words', (t) => (t.epochRng = 'abc'), /epochRng\) is invalid: Rng state must be four uint32 words/],
      ['missing options', (t) => delete t.options, /options \(the training settings: epochs, batchSize, lr, …\) are missing/],
      ['bad lr', (t) => ((t.options as { lr: number }).lr = -1), /training options are invalid: learning rate must be a positive number, got -1/],
      ['bad epochs', (t) => ((t.options as { epochs: number }).epochs = 0), /training options are invalid: epochs must be a positive integer/],
      ['history not an array', (t) => (t.history = 'x'), /history must be an array of epoch reports, got string/],
      ['history too long', (t) => (t.history = [{ epoch: 1, loss: 1, trainAccuracy: 0.5, seconds: 0, evalSeconds: 0, lr: 0.1 }]), /history has 1 epoch reports, but 0 epochs are finished/],
      ['epoch -5', (t) => (t.epoch = -5), /epoch must be an integer from 0 to 3 \(the options' epochs\), got -5/],
      ['epoch 4', (t) => (t.epoch = 4), /epoch must be an integer from 0 to 3/],
      ['batch -1', (t) => (t.batch = -1), /batch must be a non-negative integer, got -1/],
      ['batch when done', (t) => Object.assign(t, { epoch: 3, history: [1, 2, 3].map((epoch) => ({ epoch, loss: 1, trainAccuracy: 0, seconds: 0, evalSeconds: 0, lr: 0.1 })) }), /all 3 epochs are finished, so batch must be 0, got 1/],
      ['missing running', (t) => delete t.running, /running sums \(running: \{ lossSum, correct, seen, seconds \}\) are missing/],
      ['running NaN (null in JSON)', (t) => ((t.running as { lossSum: unknown }).lossSum = null), /running.lossSum must be a finite number, got null/],
      ['correct > seen', (t) => ((t.running as { correct: number }).correct = 99), /0 ≤ correct ≤ seen, got correct 99, seen 2/],
      ['bad dtype', (t) => (t.dtype = 'float16'), /dtype must be float32 or float64, got float16/],
      ['bad backend', (t) => (t.backend = 'gpu'), /backend must be one of wasm, js, naive, got gpu/],
      ['bad threads', (t) => (t.threads = 3), /threads must be 1 or 2, got 3/],
      ['no hasVelocity', (t) => delete t.hasVelocity, /needs hasVelocity true or false, got undefined/],
    ];
    for (const [what, edit, message] of cases) {
      const bad = rebuilt(bytes, (h) => edit(h.trainer as Record<string, unknown>));
      const err = (() => {
        try {
          loadCheckpoint(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, what).toBeInstanceOf(ModelFormatError);
      expect((err as Error).message, what).toMatch(/^checkpoint (trainer state is invalid: |trainer state needs)/);
      expect((err as Error).message, what).toMatch(message);
    }
  });

  it('refuses to save NaN or Inf weights, naming the tensor and index and suggesting a lower learning rate', () => {
    for (const v of [Number.NaN, Number.NEGATIVE_INFINITY]) {
      const m = model();
      const W1 = m.readWeights(1);
      W1[5] = v;
      m.writeWeights(1, W1);
      expect(() => saveModel(m)).toThrow(new RegExp(`cannot save: tensor W1 holds ${v} at index 5; weights must be finite \\(if training diverged, retrain with a lower learning rate\\)`));
    }
    const { s } = checkpoint();
    s.velocity![1]![2] = Number.NaN;
    expect(() => saveCheckpoint(s)).toThrow(/tensor v_b0 holds NaN at index 2/);
  });

  it('refuses to save a snapshot whose tensors do not match its config, or whose state could not be loaded', () => {
    const { s } = checkpoint();
    expect(() => saveCheckpoint({ ...s, params: [s.params[0]!.subarray(0, 19), ...s.params.slice(1)] })).toThrow(
      /cannot save: tensor W0 has 19 values, but layers 5-4-3 give it shape \[4,5\] = 20/,
    );
    expect(() => saveCheckpoint({ ...s, config: { ...s.config, layers: [5, 6, 3] } })).toThrow(/tensor W0 has 20 values, but layers 5-6-3 give it shape \[6,5\] = 30/);
    expect(() => saveCheckpoint({ ...s, params: s.params.slice(0, 3) })).toThrow(/it has 3 parameter tensors, layers 5-4-3 need 4/);
    expect(() => saveCheckpoint({ ...s, velocity: s.velocity!.slice(1) })).toThrow(/it has 3 velocity tensors, layers 5-4-3 need 4/);
    expect(() => saveCheckpoint({ ...s, epoch: -5 })).toThrow(/cannot save the checkpoint: epoch must be an integer from 0 to 3/);
  });

  it('refuses meta that is not plain JSON, and arguments that are not a model or snapshot', () => {
    const m = model();
    expect(() => saveModel(m, { n: 10n })).toThrow(/^meta must be plain JSON \(.*BigInt.*\)$/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => saveModel(m, loop)).toThrow(/^meta must be plain JSON \(.*circular.*\)$/i);
    expect(() => saveCheckpoint(checkpoint().s, loop)).toThrow(/meta must be plain JSON/);
    expect(() => saveModel(m, [1] as never)).toThrow(/meta must be a plain object of JSON values, got an Array/);
    expect(loadModel(saveModel(m, null as never)).meta).toEqual({});
    expect(() => saveModel({} as MLP)).toThrow(new TypeError('saveModel needs an MLP, got a plain object'));
    expect(() => saveModel(undefined as never)).toThrow(/saveModel needs an MLP, got undefined/);
    const t = new Trainer(model(), { inputs: new Float32Array(5), labels: [0], count: 1, inputSize: 5 }, { epochs: 1, batchSize: 1, lr: 0.1 });
    expect(() => saveCheckpoint(t as never)).toThrow(/got a Trainer: pass trainer.snapshot\(\)/);
    expect(() => saveCheckpoint({} as never)).toThrow(/saveCheckpoint needs a snapshot from trainer.snapshot\(\), got a plain object/);
  });

  it('says a header length that cannot fit is corrupt, and what was passed instead of bytes', () => {
    const bad = Uint8Array.from(saveModel(model()));
    new DataView(bad.buffer).setUint32(8, 0xffffffff, true);
    expect(() => loadModel(bad)).toThrow(
      'model file is corrupt or truncated: its header length field says 4294967295 bytes, which cannot fit in the whole file',
    );
    const bytes = saveModel(model());
    expect(() => loadModel(bytes.buffer as never)).toThrow(/model data must be a Uint8Array, got an ArrayBuffer; wrap an ArrayBuffer as new Uint8Array\(buffer\)/);
    expect(() => loadModel(new Float32Array(8) as never)).toThrow(/got a Float32Array; view its bytes with new Uint8Array\(data.buffer, data.byteOffset, data.byteLength\)/);
    expect(() => loadModel(undefined as never)).toThrow(/got undefined/);
    expect(loadModel(new Uint8Array(bytes.buffer as ArrayBuffer)).kind).toBe('model');
  });

  it('rejects extra tensors in a model file and an unknown kind', () => {
    const bytes = saveModel(model());
    const extra = rebuilt(bytes, (h, t) => {
      h.tensors.push({ name: 'extra', shape: [2] });
      t.push([1, 2]);
    });
    expect(() => loadModel(extra)).toThrow(ModelFormatError);
    expect(() => loadModel(extra)).toThrow(/model file has 5 tensors, but layers 5-4-3 need 4 \(4 parameters\)/);
    const ckptExtra = rebuilt(checkpoint().bytes, (h, t) => {
      h.tensors.push({ name: 'extra', shape: [2] });
      t.push([1, 2]);
    });
    expect(() => loadModel(ckptExtra)).toThrow(/checkpoint file has 9 tensors, but layers 5-4-3 need 4 or 8/);
    const kind = rebuilt(bytes, (h) => {
      h.kind = 'weights';
    });
    expect(() => loadModel(kind)).toThrow(/model file kind "weights" is unknown; this library reads "model" and "checkpoint" files/);
    expect(() => loadModel(withHeader(bytes, (h) => delete h.kind))).toThrow(/kind undefined is unknown/);
  });
});
