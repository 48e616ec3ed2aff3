import type { EpochReport } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '@mlp/recipe';
import type { DatasetFiles, DesktopApi } from '../shared/api.js';
import { initialState } from './app.js';
import { Controller, MAX_RUNS, RUN_COLORS, runLabel } from './controller.js';
import { Store } from './store.js';
import type { Analysis, FromWorker, ToWorker } from './train/protocol.js';

/** A controller over a fake worker (records what it is sent, lets the test answer) and an API that does nothing. */
function harness() {
  const sent: ToWorker[] = [];
  let listener: ((e: MessageEvent<FromWorker>) => void) | null = null;
  const worker = {
    postMessage: (m: ToWorker) => sent.push(m),
    addEventListener: (_: 'message', l: (e: MessageEvent<FromWorker>) => void) => (listener = l),
  };
  const api = { kind: 'browser', loadSettings: async () => null, saveSettings: async () => {} } as unknown as DesktopApi;
  const store = new Store(initialState(), () => {});
  const c = new Controller(store, api, worker);
  const reply = (m: FromWorker) => listener!({ data: m } as MessageEvent<FromWorker>);
  return { c, store, sent, reply };
}

const report = (epoch: number): EpochReport => ({ epoch, loss: 1 / epoch, trainAccuracy: 0.5, validationAccuracy: 0.6 + epoch / 100, validationLoss: 0.5, seconds: 1 }) as EpochReport;
const analysis = (set: Analysis['set']): Analysis => ({ set, count: 0, classes: 10, images: new Uint8Array(), labels: new Uint8Array(), predictions: new Int32Array(), outputs: new Float32Array(), output: 'sigmoid', when: 'after epoch 1 of 1' });

describe('Controller: runs kept for comparison', () => {
  it('records a run once the worker starts it, follows its curves and status, and keeps its test accuracy', () => {
    const { c, store, sent, reply } = harness();
    c.start();
    expect(sent.at(-1)).toMatchObject({ type: 'start' });
    expect(store.state.runs).toEqual([]); // nothing yet: the worker may refuse (no data)
    reply({ type: 'state', state: 'running', settings: null, progress: null });
    const [run] = store.state.runs;
    expect(run).toMatchObject({ id: 1, status: 'running', selected: true, color: RUN_COLORS[0], label: '#1 seed · 784-50-10 sigmoid/MSE · lr 0.1', loss: 'mse' });
    reply({ type: 'epoch', report: report(1) });
    expect(run!.history).toHaveLength(1); // the live history of the run in progress
    reply({ type: 'state', state: 'done', settings: null, progress: null });
    reply({ type: 'evaluation', evaluation: { validationAccuracy: 0.6, validationLoss: 0.5, testAccuracy: 0.75, testLoss: 0.4, fingerprint: '00000000' } });
    expect(run).toMatchObject({ status: 'done', testAccuracy: 0.75 });

    // A second run gets fresh curves; the first keeps its own.
    c.start();
    reply({ type: 'state', state: 'running', settings: null, progress: null });
    expect(store.state.runs).toHaveLength(2);
    expect(store.state.runs[1]!.history).toEqual([]);
    expect(run!.history).toHaveLength(1);
    c.selectRun(1, false);
    expect(store.state.runs[0]!.selected).toBe(false);
  });

  it('keeps at most MAX_RUNS, dropping the oldest, and records an opened model’s history as a run', () => {
    const { c, store, reply } = harness();
    for (let i = 0; i < MAX_RUNS + 2; i++) {
      c.start();
      reply({ type: 'state', state: 'running', settings: null, progress: null });
      reply({ type: 'state', state: 'stopped', settings: null, progress: null });
    }
    expect(store.state.runs.map((r) => r.id)).toEqual(Array.from({ length: MAX_RUNS }, (_, i) => i + 3));
    reply({ type: 'model-loaded', name: 'old.mlp', settings: null, history: [report(1), report(2)], preset: null });
    reply({ type: 'state', state: 'stopped', settings: null, progress: null });
    expect(store.state.runs.at(-1)).toMatchObject({ label: '#11 old.mlp · sigmoid/MSE', status: 'opened' });
    expect(store.state.runs.at(-1)!.history).toHaveLength(2);
  });

  it('labels runs by what usually differs between them', () => {
    const s = initialState().settings;
    expect(runLabel(4, { ...s, train: { ...s.train, lr: 0.5 } }).label).toBe('#4 seed · 784-50-10 sigmoid/MSE · lr 0.5');
    // A run with another optimiser says so: the same learning rate means something else under Adam.
    const adamw = runLabel(5, { preset: 'best', train: PRESETS.best });
    expect(adamw.label).toBe('#5 best · 784-1024-10 relu→softmax/cross-entropy · AdamW lr 0.002');
    expect(adamw.detail).toContain('AdamW · decay 0.01 · dropout 0.4 · cosine');
    expect(runLabel(4, s).detail).toContain('batch 100');
  });
});

describe('Controller: analyses', () => {
  it('stores each set’s analysis, falls back to the test set without a validation set, and clears them for a new run', () => {
    const { c, store, sent, reply } = harness();
    expect(store.state.analysisSet).toBe('validation');
    reply({ type: 'analysis', analysis: analysis('test') });
    expect(store.state.analysisSet).toBe('test');
    expect(store.state.analyses.test?.set).toBe('test');
    c.setAnalysisSet('validation');
    reply({ type: 'analysis', analysis: analysis('validation') });
    reply({ type: 'analysis', analysis: analysis('test') });
    expect(store.state.analysisSet).toBe('validation');
    c.analyse();
    expect(sent.at(-1)).toEqual({ type: 'analyse' });
    c.start();
    expect(store.state.analyses).toEqual({ validation: null, test: null });
  });

  it('opens an image in the inspector, switching tabs unless asked not to', () => {
    const { c, store } = harness();
    c.inspect({ set: 'validation', index: 12 });
    expect(store.state).toMatchObject({ inspect: { set: 'validation', index: 12 }, tab: 'inspect' });
    c.setTab('draw');
    c.inspect({ set: 'drawn' }, false);
    expect(store.state).toMatchObject({ inspect: { set: 'drawn' }, tab: 'draw' });
  });
});

describe('Controller: dataset progress', () => {
  it('marks a file waiting for another download of it, and clears the mark when its bytes arrive', async () => {
    const { c, store } = harness();
    const seen: (string | undefined)[] = [];
    (c as unknown as { api: DesktopApi }).api.loadDataset = async (report) => {
      const onProgress = report!;
      onProgress({ file: 'train-images-idx3-ubyte.gz', bytesDone: 0, bytesTotal: 9912422, source: 'lock', waitingFor: 'box:4242' });
      seen.push(store.state.dataset.files['train-images-idx3-ubyte.gz']?.waitingFor);
      onProgress({ file: 'train-images-idx3-ubyte.gz', bytesDone: 9912422, bytesTotal: 9912422, source: 'cache' });
      seen.push(store.state.dataset.files['train-images-idx3-ubyte.gz']?.waitingFor);
      return null as unknown as DatasetFiles; // the controller treats a null result as nothing loaded
    };
    await c.loadDataset();
    expect(seen).toEqual(['box:4242', undefined]);
  });
});

