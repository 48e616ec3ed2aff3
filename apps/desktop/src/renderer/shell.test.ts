import { MLP, saveModel } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { DesktopApi, ShellCommand, ShellState } from '../shared/api.js';
import { initialState } from './app.js';
import { Controller } from './controller.js';
import { connectShell, shellStateOf } from './shell.js';
import { Store } from './store.js';
import type { FromWorker, ToWorker } from './train/protocol.js';

/** The shell connected to a real store and controller over a fake worker and an API that records what it is told. */
function harness() {
  const sent: ToWorker[] = [];
  let listener: ((e: MessageEvent<FromWorker>) => void) | null = null;
  const worker = { postMessage: (m: ToWorker) => sent.push(m), addEventListener: (_: 'message', l: (e: MessageEvent<FromWorker>) => void) => (listener = l) };
  const reports: ShellState[] = [];
  let command: ((c: ShellCommand) => void) | null = null;
  const saved: string[] = [];
  const exported: string[] = [];
  const api = {
    exportModel: async (_b: Uint8Array, name: string, format: string) => {
      exported.push(`${format}:${name}`);
      return { location: `/home/u/models/${name}` };
    },
    kind: 'electron',
    loadSettings: async () => null,
    saveSettings: async () => {},
    saveModel: async (_b: Uint8Array, name: string) => {
      saved.push(name);
      return { location: `/home/u/models/${name}` };
    },
    importDataset: async () => null,
    onCommand: (l: (c: ShellCommand) => void) => (command = l),
    reportState: async (s: ShellState) => void reports.push(s),
  } as unknown as DesktopApi;
  const store = new Store(initialState(), () => {});
  const c = new Controller(store, api, worker);
  connectShell(api, store, c);
  const reply = (m: FromWorker) => {
    listener!({ data: m } as MessageEvent<FromWorker>);
    store.flush();
  };
  return { store, sent, reports, reply, saved, exported, command: (x: ShellCommand) => command!(x) };
}

const points = { x: new Float64Array([0.5]), loss: new Float64Array([1]), accuracy: new Float64Array([0.5]) };
const progress = { epoch: 1, epochs: 1, batch: 1, batches: 2, examplesPerSecond: 1, lr: 0.1, keptEpoch: null, stoppedEarly: false, threads: 1 };

describe('shellStateOf', () => {
  it('is clean with no model or an opened one, unsaved for a trained one until it is saved, running while paused too', () => {
    expect(shellStateOf({ model: null, run: 'idle' })).toEqual({ modelName: null, unsaved: false, running: false });
    expect(shellStateOf({ model: { name: 'a.mlp', source: 'loaded' }, run: 'ready' })).toEqual({ modelName: 'a.mlp', unsaved: false, running: false });
    expect(shellStateOf({ model: { name: 'trained model', source: 'trained' }, run: 'paused' })).toEqual({ modelName: 'trained model', unsaved: true, running: true });
    expect(shellStateOf({ model: { name: 'b.mlp', source: 'trained', saved: true }, run: 'done' })).toEqual({ modelName: 'b.mlp', unsaved: false, running: false });
  });
});

describe('connectShell', () => {
  it('reports the state at start and on each change only: trained → unsaved, saved → clean, trained on → unsaved again', async () => {
    const { store, reports, reply, command, sent } = harness();
    expect(reports).toEqual([{ modelName: null, unsaved: false, running: false }]);
    reply({ type: 'state', state: 'running', settings: null, progress: null });
    expect(reports.at(-1)).toEqual({ modelName: 'trained model', unsaved: true, running: true });
    reply({ type: 'state', state: 'done', settings: null, progress: null });
    expect(reports.at(-1)).toEqual({ modelName: 'trained model', unsaved: true, running: false });
    const n = reports.length;
    store.set({ tab: 'draw' });
    store.flush();
    expect(reports).toHaveLength(n); // nothing the shell cares about changed

    command({ type: 'save-model' });
    await Promise.resolve();
    const exp = sent.find((m) => m.type === 'export') as { id: number };
    reply({ type: 'exported', id: exp.id, bytes: saveModel(new MLP({ layers: [2, 2] }, { seed: 1 })), name: 'trained model.mlp' });
    await new Promise((r) => setTimeout(r, 0));
    store.flush();
    expect(reports.at(-1)).toEqual({ modelName: 'trained model.mlp', unsaved: false, running: false });
    reply({ type: 'batches', points, progress });
    expect(reports.at(-1)).toEqual({ modelName: 'trained model.mlp', unsaved: true, running: false });
  });

  it('counts a model made by Step as trained and unsaved, and a paused run as running', () => {
    const { reports, reply } = harness();
    reply({ type: 'state', state: 'paused', settings: null, progress: null });
    expect(reports.at(-1)).toEqual({ modelName: 'trained model', unsaved: true, running: true });
    reply({ type: 'state', state: 'stopped', settings: null, progress: null });
    expect(reports.at(-1)).toEqual({ modelName: 'trained model', unsaved: true, running: false });
  });

  it('runs the menu’s commands: open dialog, a file from the OS, import, and export (through the same path as the Model buttons)', async () => {
    const { store, sent, reply, exported, command } = harness();
    const bytes = new Uint8Array([1, 2, 3]);
    command({ type: 'model-file', file: { name: 'm.mlp', bytes } });
    expect(sent.at(-1)).toEqual({ type: 'load-model', bytes, name: 'm.mlp' });
    command({ type: 'export-model', format: 'onnx' });
    const ask = sent.at(-1) as Extract<ToWorker, { type: 'export' }>;
    expect(ask).toMatchObject({ type: 'export', format: 'onnx' });
    reply({ type: 'exported', id: ask.id, bytes, name: 'm.onnx' });
    await new Promise((r) => setTimeout(r, 0));
    expect(exported).toEqual(['onnx:m.onnx']);
    expect(store.state.message?.text).toBe('Exported /home/u/models/m.onnx');
    command({ type: 'error', message: '/x.mlp is not a model file this app can open: bad magic.' });
    expect(store.state.message).toEqual({ kind: 'error', text: '/x.mlp is not a model file this app can open: bad magic.' });
  });
});
