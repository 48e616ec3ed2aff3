import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopApi } from '../shared/api.js';

// The preload only touches contextBridge and ipcRenderer: both faked here.
const exposed: Record<string, unknown> = {};
const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
const invoke = vi.fn();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) },
  ipcRenderer: {
    invoke: (...a: unknown[]) => invoke(...a),
    on: (c: string, l: (...a: unknown[]) => void) => listeners.set(c, [...(listeners.get(c) ?? []), l]),
    removeListener: (c: string, l: (...a: unknown[]) => void) => listeners.set(c, (listeners.get(c) ?? []).filter((x) => x !== l)),
    removeAllListeners: (c: string) => listeners.set(c, []),
  },
}));

await import('./index.js');
const api = exposed.desktop as DesktopApi;

beforeEach(() => invoke.mockReset());

describe('the preload', () => {
  it('exposes one named function per action and nothing that reaches IPC generically', () => {
    expect(Object.keys(exposed)).toEqual(['desktop']);
    expect(Object.keys(api).sort()).toEqual(['exportModel', 'importDataset', 'kind', 'loadDataset', 'loadSettings', 'onCommand', 'openModel', 'reportState', 'saveModel', 'saveSettings']);
    expect(api.kind).toBe('electron');
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/invoke|ipc|send/i);
  });

  it('calls its own channel and unwraps the reply', async () => {
    invoke.mockResolvedValueOnce({ ok: true, value: { location: '/m.mlp' } });
    const bytes = new Uint8Array([1]);
    expect(await api.saveModel(bytes, 'm.mlp')).toEqual({ location: '/m.mlp' });
    expect(invoke).toHaveBeenCalledWith('model:save', bytes, 'm.mlp');
    invoke.mockResolvedValueOnce({ ok: true, value: { location: '/m.onnx' } });
    expect(await api.exportModel(bytes, 'm.onnx', 'onnx')).toEqual({ location: '/m.onnx' });
    expect(invoke).toHaveBeenLastCalledWith('model:export', bytes, 'm.onnx', 'onnx');
  });

  it('turns an error reply into a rejected promise with main’s message', async () => {
    invoke.mockResolvedValueOnce({ ok: false, error: 'model:save: the model must be a Uint8Array of model-file bytes' });
    await expect(api.saveModel('x' as unknown as Uint8Array, 'm')).rejects.toThrow('model:save: the model must be a Uint8Array of model-file bytes');
  });

  it('forwards dataset progress only while the load is in flight', async () => {
    const seen: unknown[] = [];
    invoke.mockImplementationOnce(async () => {
      for (const l of listeners.get('dataset:progress') ?? []) l({}, { file: 'a', bytesDone: 1, bytesTotal: 2, source: 's' });
      return { ok: true, value: 'files' };
    });
    expect(await api.loadDataset((p) => seen.push(p))).toBe('files');
    expect(seen).toEqual([{ file: 'a', bytesDone: 1, bytesTotal: 2, source: 's' }]);
    expect(listeners.get('dataset:progress')).toEqual([]);
  });

  it('hands the shell’s commands to one listener, and reports state through its channel', async () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    api.onCommand((c) => first.push(c));
    api.onCommand((c) => second.push(c));
    for (const l of listeners.get('shell:command') ?? []) l({ sender: 'hidden' }, { type: 'save-model' });
    expect(first).toEqual([]);
    expect(second).toEqual([{ type: 'save-model' }]);
    invoke.mockResolvedValueOnce({ ok: true, value: null });
    await api.reportState({ modelName: 'm.mlp', unsaved: true, running: false });
    expect(invoke).toHaveBeenCalledWith('shell:state', { modelName: 'm.mlp', unsaved: true, running: false });
  });
});
