import { MLP, loadModel, saveModel } from '@mlp/core';
import { sniffExport } from '@mlp/export';
import { describe, expect, it } from 'vitest';
import { PLAIN, PRESETS } from '@mlp/recipe';
import type { AppSettings } from '../../shared/settings.js';
import { syntheticMnist } from '../../testing/synthetic.js';
import type { FromWorker } from './protocol.js';
import { MESSAGE_INTERVAL_MS, TrainingSession, initialWeights } from './session.js';
import { quantiles } from './stats.js';

const files = syntheticMnist(1000, 200);
const settings = (over: Partial<AppSettings['train']> = {}): AppSettings => ({
  preset: 'custom',
  // The seed preset's recipe learns the synthetic digits slowly; a small softmax network learns them in 3 epochs.
  train: { ...PRESETS.best, ...PLAIN, layers: [784, 16, 10], epochs: 3, batch: 20, lr: 0.1, valid: 200, lrDecay: 1, ...over },
});

/** A session with a controllable clock, recording every message. */
function harness(threads: 1 | 2 = 1) {
  const messages: FromWorker[] = [];
  let t = 0;
  const clock = { advance: (ms: number) => (t += ms) };
  const session = new TrainingSession((m) => messages.push(m), () => t, threads);
  const of = <T extends FromWorker['type']>(type: T) => messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  const states = () => of('state').map((m) => m.state);
  return { session, messages, clock, of, states };
}

async function withData(threads: 1 | 2 = 1) {
  const h = harness(threads);
  await h.session.handle({ type: 'dataset', files: structuredClone(files) });
  return h;
}

describe('TrainingSession', () => {
  it('parses the dataset and reports its size', async () => {
    const h = await withData();
    expect(h.of('dataset-ready')).toEqual([{ type: 'dataset-ready', train: 1000, test: 200, rows: 28, cols: 28, testSet: expect.anything() }]);
    expect(h.states()).toEqual(['ready']);
    // The test images travel with it, for the inspector.
    const { testSet } = h.of('dataset-ready')[0]!;
    expect(testSet.count).toBe(200);
    expect(testSet.images).toHaveLength(200 * 784);
    expect([...testSet.labels.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('refuses to train without data, with a message for the user', async () => {
    const h = harness();
    await h.session.handle({ type: 'start', settings: settings() });
    expect(h.of('error')[0]?.message).toBe('Load the dataset first.');
  });

  it('trains to the end: epoch reports with validation, weight copies, batch points, then test accuracy', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings() });
    expect(h.states()).toEqual(['ready', 'running', 'done']);
    const epochs = h.of('epoch').map((m) => m.report);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs.at(-1)!.validationAccuracy).toBeGreaterThan(0.9);
    const ev = h.of('evaluation');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.evaluation.testAccuracy).toBeGreaterThan(0.9);
    expect(ev[0]!.evaluation.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    // Every batch is in the points, in order, as fractional epochs.
    const xs = h.of('batches').flatMap((m) => [...m.points.x]);
    expect(xs).toHaveLength(3 * 40);
    expect(xs.at(-1)).toBe(3);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1]!)).toBe(true);
    // Weights: (16, 784) and (10, 16) copies, with the biases, activations and pixel scaling (enough for a forward pass).
    const w = h.of('weights').at(-1)!.weights;
    expect(w.layers).toEqual([784, 16, 10]);
    expect(w.W.map((a) => a.length)).toEqual([16 * 784, 10 * 16]);
    expect(w.b.map((a) => a.length)).toEqual([16, 10]);
    expect(w).toMatchObject({ hidden: 'relu', output: 'softmax', scaling: { mul: 1 / 255, add: 0 } });
    // An epoch's batch points always arrive before its report, so the curves never lag behind the epoch points.
    const order = h.messages.filter((m) => m.type === 'batches' || m.type === 'epoch');
    for (const [k, m] of order.entries()) {
      if (m.type !== 'epoch') continue;
      const before = order.slice(0, k).flatMap((b) => (b.type === 'batches' ? [...b.points.x] : []));
      expect(before.at(-1)).toBe(m.report.epoch);
    }
  });

  it('analyses both sets when a run ends: every output kept, images and labels for the views', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings() });
    const analyses = h.of('analysis').map((m) => m.analysis);
    expect(analyses.map((a) => a.set)).toEqual(['validation', 'test']);
    const [valid, test] = analyses as [(typeof analyses)[0], (typeof analyses)[0]];
    expect(valid).toMatchObject({ count: 200, classes: 10, output: 'softmax', when: 'after epoch 3 of 3' });
    expect(valid.images).toHaveLength(200 * 784);
    expect(test.count).toBe(200);
    expect(test.outputs).toHaveLength(200 * 10);
    // Predictions are the argmax of the kept outputs, and agree with the reported accuracy.
    let correct = 0;
    for (let i = 0; i < test.count; i++) {
      const row = test.outputs.subarray(i * 10, i * 10 + 10);
      expect(test.predictions[i]).toBe(row.indexOf(Math.max(...row)));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (test.predictions[i] === test.labels[i]) correct++;
    }
    expect(correct / test.count).toBe(h.of('evaluation')[0]!.evaluation.testAccuracy);
    // The analysed images are the set's own: the test labels come in the dataset's order.
    expect([...test.labels.subarray(0, 10)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('evaluates on request when paused, and refuses while training or without a model', async () => {
    const h = await withData();
    await h.session.handle({ type: 'analyse' });
    expect(h.of('error')[0]!.message).toMatch(/no model/);
    await h.session.handle({ type: 'step', settings: settings() });
    await h.session.handle({ type: 'analyse' });
    expect(h.of('analysis').map((m) => m.analysis.when)).toEqual(['at epoch 1 of 3, batch 1 of 40', 'at epoch 1 of 3, batch 1 of 40']);
    const run = h.session.handle({ type: 'resume' });
    await h.session.handle({ type: 'analyse' });
    await run;
    expect(h.of('error').at(-1)!.message).toMatch(/Pause training/);
  });

  it('throttles: with a frozen clock only forced weight messages go out, and never more than one unacknowledged', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings({ epochs: 1 }) });
    // Clock never advanced: the initial and the final (forced) copies only, and batch points only at the end.
    expect(h.of('weights')).toHaveLength(2);
    expect(h.of('batches')).toHaveLength(1);

    const h2 = await withData();
    const run = h2.session.handle({ type: 'start', settings: settings({ epochs: 1 }) });
    // Time flies but the UI never acknowledges: no unforced copies.
    for (let i = 0; i < 50; i++) h2.clock.advance(MESSAGE_INTERVAL_MS);
    await run;
    expect(h2.of('weights')).toHaveLength(2);
  });

  it('pauses after the current batch, stays put, resumes to the same result as an uninterrupted run', async () => {
    // Long enough that the run yields (every 16 ms) before it ends, so the pause message gets in.
    const long = settings({ epochs: 40 });
    const straight = await withData();
    await straight.session.handle({ type: 'start', settings: long });

    const h = await withData();
    const run = h.session.handle({ type: 'start', settings: long });
    await h.session.handle({ type: 'pause' });
    await run;
    expect(h.states()).toEqual(['ready', 'running', 'paused']);
    const pausedAt = h.of('state').at(-1)!.progress!;
    expect(pausedAt.epoch).toBeLessThan(40);
    expect(h.of('evaluation')).toHaveLength(0);
    await h.session.handle({ type: 'resume' });
    expect(h.states().slice(-2)).toEqual(['running', 'done']);
    expect(h.of('evaluation')[0]!.evaluation).toEqual(straight.of('evaluation')[0]!.evaluation);
  });

  it('stops a running or paused run and evaluates what it has', async () => {
    const h = await withData();
    const run = h.session.handle({ type: 'start', settings: settings({ epochs: 40 }) });
    await h.session.handle({ type: 'stop' });
    await run;
    expect(h.states().at(-1)).toBe('stopped');
    expect(h.of('evaluation')).toHaveLength(1);

    const p = await withData();
    await p.session.handle({ type: 'step', settings: settings() });
    await p.session.handle({ type: 'stop' });
    expect(p.states()).toEqual(['ready', 'paused', 'stopped']);
  });

  it('steps one batch at a time, starting a run when none is paused', async () => {
    const h = await withData();
    await h.session.handle({ type: 'step', settings: settings() });
    await h.session.handle({ type: 'step', settings: settings() });
    expect(h.of('batches').flatMap((m) => [...m.points.x])).toEqual([1 / 40, 2 / 40]);
    expect(h.of('state').at(-1)!.progress).toMatchObject({ epoch: 1, batch: 2, batches: 40 });
    expect(h.of('weights')).toHaveLength(3);
    // Resume continues from the stepped position.
    await h.session.handle({ type: 'resume' });
    expect(h.of('epoch')).toHaveLength(3);
  });

  it('sends statistics snapshots: one at initialisation (no gradients yet), then ten an epoch', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings() });
    const snaps = h.of('stats').map((m) => m.snapshot);
    expect(snaps).toHaveLength(1 + 3 * 10);
    expect(snaps[0]!.x).toBe(0);
    expect(snaps[0]!.layers.map((l) => l.gradients)).toEqual([null, null]);
    expect(snaps.at(-1)!.x).toBe(3);
    for (let i = 1; i < snaps.length; i++) expect(snaps[i]!.x).toBeGreaterThan(snaps[i - 1]!.x);
    expect(snaps[1]!.layers[0]!.gradientRms).toBeGreaterThan(0);
    // The weights' spread at the end is that of the final weight copy (quantiles of a strided sample: 784·16 > 8000).
    const W0 = h.of('weights').at(-1)!.weights.W[0]!;
    expect(snaps.at(-1)!.layers[0]!.weights).toEqual(quantiles(W0));
  });

  it('shows what one Step changed: the first layer’s update and the loss on held-out images before and after', async () => {
    const h = await withData();
    await h.session.handle({ type: 'step', settings: settings() });
    const [change] = h.of('step-change');
    expect(change).toMatchObject({ epoch: 1, batch: 1, probe: 200 });
    // The update is exactly the difference between the weights before (the initialisation) and after the step.
    const [before, after] = h.of('weights').map((m) => m.weights.W[0]!);
    expect(change!.delta).toHaveLength(before!.length);
    let worst = 0;
    for (let i = 0; i < before!.length; i++) worst = Math.max(worst, Math.abs(change!.delta[i]! - Math.fround(after![i]! - before![i]!)));
    expect(worst).toBe(0);
    expect(change!.delta.some((v) => v !== 0)).toBe(true);
    expect(Number.isFinite(change!.lossBefore) && Number.isFinite(change!.lossAfter)).toBe(true);
    expect(change!.lossAfter).not.toBe(change!.lossBefore);
    expect(change!.batchLoss).toBe(h.of('batches')[0]!.points.loss[0]);
  });

  it('trains at a set pace, one batch then a wait, to the same result as full speed; pause and a change of pace hand over', async () => {
    const straight = await withData();
    await straight.session.handle({ type: 'start', settings: settings({ epochs: 2 }) });

    // A clock that moves 1 ms per reading and a sleep that records its waits and lets the test act between batches.
    const messages: FromWorker[] = [];
    let t = 0;
    const waits: number[] = [];
    let onWait: (n: number) => Promise<void> = async () => {};
    const session = new TrainingSession(
      (m) => messages.push(m),
      () => t++,
      1,
      async (ms) => {
        waits.push(ms);
        await onWait(waits.length);
      },
    );
    await session.handle({ type: 'dataset', files: structuredClone(files) });
    await session.handle({ type: 'set-pace', batchesPerSecond: 10 });
    onWait = async (n) => {
      if (n === 5) await session.handle({ type: 'pause' });
    };
    await session.handle({ type: 'start', settings: settings({ epochs: 2 }) });
    const states = () => messages.filter((m) => m.type === 'state').map((m) => (m as { state: string }).state);
    expect(states().at(-1)).toBe('paused');
    expect(waits).toHaveLength(5);
    for (const w of waits) expect(w).toBeGreaterThan(90); // 100 ms a batch, less the (fake) time the step took
    for (const w of waits) expect(w).toBeLessThanOrEqual(100);
    // Back to full speed during the paced run: it hands over to core's run loop after the current batch.
    onWait = async (n) => {
      if (n === 8) await session.handle({ type: 'set-pace', batchesPerSecond: 0 });
    };
    await session.handle({ type: 'resume' });
    expect(states().at(-1)).toBe('done');
    expect(waits).toHaveLength(8);
    const evaluation = messages.filter((m) => m.type === 'evaluation');
    expect((evaluation[0] as { evaluation: unknown }).evaluation).toEqual(straight.of('evaluation')[0]!.evaluation);
  });

  it('changes the learning rate of a running trainer from the next batch', async () => {
    const h = await withData();
    await h.session.handle({ type: 'step', settings: settings() });
    await h.session.handle({ type: 'set-lr', lr: 0.05 });
    expect(h.of('state').at(-1)!.progress!.lr).toBe(0.05);
    await h.session.handle({ type: 'step', settings: settings() });
    expect(h.of('state').at(-1)!.settings!.lr).toBe(0.05);
  });

  it('trains with the optimiser section’s settings, and says when early stopping ended the run and which epoch it kept', async () => {
    const h = await withData();
    const s = settings({ optimizer: 'adamw', lr: 0.01, weightDecay: 0.01, dropout: 0.2, earlyStop: 'loss', patience: 1, epochs: 30 });
    await h.session.handle({ type: 'start', settings: s });
    expect(h.states().at(-1)).toBe('done');
    const last = h.of('state').at(-1)!;
    expect(last.settings).toMatchObject({ optimizer: 'adamw', dropout: 0.2, earlyStop: 'loss' });
    const epochs = h.of('epoch').map((m) => m.report);
    const p = last.progress!;
    // It stopped before epoch 30, one epoch without a better validation loss after the best one, and kept the best.
    expect(p.stoppedEarly).toBe(true);
    expect(p.epoch).toBe(epochs.length);
    expect(epochs.length).toBeLessThan(30);
    const losses = epochs.map((r) => r.validationLoss!);
    expect(p.keptEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    expect(p.keptEpoch).toBe(epochs.length - 1);
    // The model holds the kept epoch's weights: its evaluation is that epoch's validation loss.
    expect(h.of('evaluation').at(-1)!.evaluation.validationLoss).toBeCloseTo(losses[p.keptEpoch! - 1]!, 6);
  });

  it('reports divergence as an error and stops', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings({ hidden: 'relu', output: 'linear', loss: 'mse', init: 'normal', initStd: 5, lr: 50 }) });
    expect(h.of('error')[0]?.message).toMatch(/diverged/);
    expect(h.states().at(-1)).toBe('stopped');
  });

  it('exports a model file that, loaded again, shows the same weights, history and predictions', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings() });
    await h.session.handle({ type: 'export', id: 7, format: 'mlp' });
    const file = h.of('exported')[0]!;
    expect(file.id).toBe(7);
    expect(file.name).toBe('mnist-784-16-10-custom.mlp');
    const { meta } = loadModel(file.bytes);
    expect(meta).toMatchObject({ tool: 'mlp-desktop', dataset: 'mnist', scaling: { mode: '0,1', mul: 1 / 255, add: 0 } });
    expect((meta.history as unknown[]).length).toBe(3);

    // A fresh session opens it before the data arrives: weights at once, accuracy once the data is there.
    const g = harness();
    await g.session.handle({ type: 'load-model', bytes: file.bytes.slice(), name: 'run.mlp' });
    expect(g.of('model-loaded')[0]).toMatchObject({ name: 'run.mlp', settings: settings().train, preset: 'custom' });
    expect(g.of('model-loaded')[0]!.history).toHaveLength(3);
    expect(g.of('weights')[0]!.weights.W[1]).toEqual(h.of('weights').at(-1)!.weights.W[1]);
    expect(g.of('evaluation')).toHaveLength(0);
    await g.session.handle({ type: 'dataset', files: structuredClone(files) });
    expect(g.of('evaluation')[0]!.evaluation).toEqual(h.of('evaluation')[0]!.evaluation);
  });

  it('exports the model as ONNX and safetensors (@mlp/export), named after the model', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings() });
    await h.session.handle({ type: 'export', id: 1, format: 'onnx' });
    await h.session.handle({ type: 'export', id: 2, format: 'safetensors' });
    await h.session.handle({ type: 'export', id: 3, format: 'mlp' });
    const [onnx, st, mlp] = h.of('exported');
    expect([onnx!.name, st!.name]).toEqual(['mnist-784-16-10-custom.onnx', 'mnist-784-16-10-custom.safetensors']);
    expect([sniffExport(onnx!.bytes), sniffExport(st!.bytes), sniffExport(mlp!.bytes)]).toEqual(['onnx', 'safetensors', null]);
    // The safetensors file holds the saved model's weights (its header's offsets are into the data after it).
    const { model } = loadModel(mlp!.bytes);
    const bytes = st!.bytes;
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const [b, e] = header['layers.0.weight'].data_offsets;
    expect(new Float32Array(bytes.slice(8 + n + b, 8 + n + e).buffer)).toEqual(model.readWeights(0));
  });

  it('stores the seed and initialisation in a saved model, and an opened one draws its initial weights again', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings({ init: 'normal', initStd: 0.1, seed: 42 }) });
    await h.session.handle({ type: 'export', id: 1, format: 'mlp' });
    const { meta } = loadModel(h.of('exported')[0]!.bytes);
    expect(meta.initialisation).toEqual({ seed: 42, init: 'normal', initStd: 0.1 });
    const g = harness();
    await g.session.handle({ type: 'load-model', bytes: h.of('exported')[0]!.bytes.slice(), name: 'run.mlp' });
    const initial = g.of('initial-weights')[0]!.W;
    // The first weight copy of the run is its initialisation; the regenerated weights equal it exactly.
    const first = h.of('weights')[0]!.weights.W;
    expect(initial.map((w) => w.length)).toEqual(first.map((w) => w.length));
    expect(initial[0]).toEqual(first[0]);
    expect(initial[1]).toEqual(first[1]);
    // An older file without it (nor settings) still opens, just without initial weights.
    const { model } = loadModel(h.of('exported')[0]!.bytes);
    expect(initialWeights(model, undefined)).toBeNull();
    expect(initialWeights(model, { seed: 'x' })).toBeNull();
  });

  it('reports a damaged model file and keeps the current model', async () => {
    const h = await withData();
    await h.session.handle({ type: 'step', settings: settings() });
    await h.session.handle({ type: 'stop' });
    await h.session.handle({ type: 'load-model', bytes: new TextEncoder().encode('MLPW but not really a model'), name: 'bad.mlp' });
    expect(h.of('error').at(-1)!.message).toMatch(/version|model/);
    await h.session.handle({ type: 'export', id: 1, format: 'mlp' });
    expect(h.of('exported')).toHaveLength(1);
  });

  it('opens a model whose file names the long preset, and shows only the well-formed entries of a tampered history', async () => {
    const h = await withData();
    const good = { epoch: 1, loss: 0.5, trainAccuracy: 0.8, validationLoss: 0.4, validationAccuracy: 0.85, seconds: 1, evalSeconds: 0.1, lr: 0.002 };
    const history = [good, { ...good, epoch: 2, loss: 'NaN' }, null, { epoch: '3' }, { ...good, epoch: 4, validationAccuracy: { toFixed: 1 } }, { ...good, epoch: 5 }];
    const train = { ...PRESETS.long, layers: [784, 16, 10] };
    const bytes = saveModel(new MLP({ layers: [784, 16, 10], hidden: 'relu', output: 'softmax', loss: 'ce' }), { preset: 'long', settings: train, history } as never);
    await h.session.handle({ type: 'load-model', bytes, name: 'tampered.mlp' });
    const loaded = h.of('model-loaded').at(-1)!;
    expect(loaded.settings).toMatchObject({ optimizer: 'adamw', dropout: 0.5 });
    expect(loaded.history.map((r) => r.epoch)).toEqual([1, 5]);
    expect(h.of('error').at(-1)!.message).toBe('tampered.mlp: 4 of its 6 training-history entries are damaged and are not shown.');
    expect(h.of('state').at(-1)!.state).toBe('stopped');
    // The preset the file names is kept (long was once shown as custom).
    await h.session.handle({ type: 'export', id: 2, format: 'mlp' });
    const again = loadModel((h.of('exported').at(-1) as { bytes: Uint8Array }).bytes);
    expect(again.meta.preset).toBe('long');
  });

  it('answers an export with no model with an error carrying the request id', async () => {
    const h = harness();
    await h.session.handle({ type: 'export', id: 3, format: 'onnx' });
    expect(h.of('error')[0]).toMatchObject({ id: 3, message: expect.stringMatching(/no model/) });
  });

  it('rejects settings the dataset cannot satisfy', async () => {
    const h = await withData();
    await h.session.handle({ type: 'start', settings: settings({ layers: [100, 10, 10] }) });
    expect(h.of('error')[0]!.message).toMatch(/^layers starts with 100 inputs, but the images have 784 pixels/);
    await h.session.handle({ type: 'start', settings: settings({ valid: 1000 }) });
    expect(h.of('error')[1]!.message).toMatch(/^valid 1000 leaves no training data/);
    await h.session.handle({ type: 'start', settings: settings({ batch: 900 }) });
    expect(h.of('error')[2]!.message).toMatch(/^batch 900 is larger than the 800 training images/);
    expect(h.states()).not.toContain('running');
  });

  it('trains with two threads when asked, says so, and ends with the same weights bit for bit as one thread', async () => {
    const weightsAfter = async (threads: 1 | 2) => {
      const h = await withData(threads);
      await h.session.handle({ type: 'start', settings: settings({ epochs: 1 }) });
      await h.session.handle({ type: 'export', id: 1, format: 'mlp' });
      const [exported] = h.of('exported');
      const m = loadModel(exported!.bytes).model;
      const bytes = m.readParams().map((p) => new Uint8Array(p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength)));
      m.dispose();
      return { engine: h.of('engine').map((e) => e.threads), bytes };
    };
    const one = await weightsAfter(1);
    const two = await weightsAfter(2);
    expect(one.engine).toEqual([1, 1]);
    expect(two.engine).toEqual([2, 2]); // planned, then the trainer's own: Node's worker_threads run the core's helper
    expect(two.bytes).toEqual(one.bytes);
  });
});
