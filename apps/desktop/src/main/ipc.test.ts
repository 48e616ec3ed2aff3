import { saveModel, MLP } from '@mlp/core';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../shared/api.js';
import { PRESETS } from '@mlp/recipe';
import { type Handlers, type InvokeEvent, dispatch, registerHandlers } from './ipc.js';
import { safeModelName, validators } from './validate.js';

const appEvent = (url = 'app://desktop/index.html'): InvokeEvent & { sent: unknown[][] } => {
  const sent: unknown[][] = [];
  return { senderFrame: { url }, sender: { send: (c, p) => sent.push([c, p]), isDestroyed: () => false }, sent };
};
const trusted = (url: string) => url.startsWith('app://desktop/');

function fakeHandlers(): Handlers {
  return {
    'dataset:load': vi.fn(async (ctx) => {
      ctx.emit('dataset:progress', { file: 'f', bytesDone: 1, bytesTotal: 2, source: 'cache' });
      return { trainImages: new Uint8Array(1), trainLabels: new Uint8Array(1), testImages: new Uint8Array(1), testLabels: new Uint8Array(1), origin: 'x' };
    }),
    'dataset:import': vi.fn(async () => null),
    'model:save': vi.fn(async (_ctx, _bytes, name) => ({ location: `/tmp/${name}` })),
    'model:export': vi.fn(async (_ctx, _bytes, name) => ({ location: `/tmp/${name}` })),
    'model:open': vi.fn(async () => null),
    'settings:load': vi.fn(async () => null),
    'settings:save': vi.fn(async () => {
      throw new Error('disk full');
    }),
    'shell:state': vi.fn(async () => null),
  };
}

const model = saveModel(new MLP({ layers: [4, 3, 2] }, { seed: 1 }));

describe('IPC dispatch', () => {
  it('answers a good call with { ok: true, value } and lets handlers send events to the caller', async () => {
    const h = fakeHandlers();
    const e = appEvent();
    const r = await dispatch('dataset:load', e, [], h, validators, trusted);
    expect(r.ok).toBe(true);
    expect(e.sent).toEqual([['dataset:progress', { file: 'f', bytesDone: 1, bytesTotal: 2, source: 'cache' }]]);
    expect(await dispatch('model:save', e, [model, 'my/../run'], h, validators, trusted)).toEqual({ ok: true, value: { location: '/tmp/my_.._run.mlp' } });
    expect(await dispatch('model:export', e, [model, 'run.mlp', 'onnx'], h, validators, trusted)).toEqual({ ok: true, value: { location: '/tmp/run.mlp.onnx' } });
    expect(await dispatch('model:export', e, [model, '../w', 'safetensors'], h, validators, trusted)).toEqual({ ok: true, value: { location: '/tmp/_w.safetensors' } });
  });

  it('answers bad arguments with an error naming the problem, without calling the handler', async () => {
    const h = fakeHandlers();
    const e = appEvent();
    const cases: [(typeof CHANNELS)[number], unknown[], RegExp][] = [
      ['dataset:load', ['extra'], /takes 0 arguments, got 1/],
      ['model:save', ['not bytes', 'a.mlp'], /must be a Uint8Array/],
      ['model:save', [[1, 2, 3], 'a.mlp'], /must be a Uint8Array/],
      ['model:save', [new Uint8Array(0), 'a.mlp'], /1 to \d+ bytes, got 0/],
      ['model:save', [model, 42], /suggested name must be a string/],
      ['model:save', [model], /takes 2 arguments/],
      ['model:export', [model, 'a.onnx'], /takes 3 arguments/],
      ['model:export', [model, 'a.onnx', 'tflite'], /format must be one of onnx, safetensors, got tflite/],
      ['model:export', ['bytes', 'a.onnx', 'onnx'], /onnx file must be a Uint8Array/],
      ['model:export', [new Uint8Array(0), 'a.onnx', 'onnx'], /1 to \d+ bytes, got 0/],
      ['model:export', [model, null, 'onnx'], /model:export: the suggested name must be a string/],
      ['settings:save', [{ preset: 'seed', train: { ...PRESETS.seed, lr: -1 } }], /lr must be a number in \(0, 100\], got -1/],
      ['settings:save', [{ preset: 'nope', train: PRESETS.seed }], /preset must be/],
      ['settings:save', [null], /must be an object/],
      ['settings:save', [{ preset: 'seed', train: { ...PRESETS.seed, layers: [784, 1e9, 10] } }], /more than the 50,000,000 a model file holds/],
      ['shell:state', [], /takes 1 argument, got 0/],
      ['shell:state', ['dirty'], /must be an object/],
      ['shell:state', [{ modelName: 'a', unsaved: 'yes', running: false }], /unsaved and running must be booleans/],
      ['shell:state', [{ modelName: 5, unsaved: true, running: false }], /modelName must be null or a string/],
      ['shell:state', [{ modelName: 'x'.repeat(201), unsaved: true, running: false }], /at most 200 characters/],
      ['shell:state', [{ modelName: null, unsaved: true, running: false, quit: true }], /unknown field quit/],
    ];
    for (const [channel, args, message] of cases) {
      const r = await dispatch(channel, e, args, h, validators, trusted);
      expect(r.ok, `${channel} ${JSON.stringify(args)}`).toBe(false);
      expect(r.ok ? '' : r.error).toMatch(message);
    }
    expect(h['model:save']).not.toHaveBeenCalled();
    expect(h['model:export']).not.toHaveBeenCalled();
    expect(h['settings:save']).not.toHaveBeenCalled();
    expect(h['shell:state']).not.toHaveBeenCalled();
    // A good state report gets through, its name made one line.
    expect(await dispatch('shell:state', e, [{ modelName: 'a\nb.mlp', unsaved: true, running: false }], h, validators, trusted)).toEqual({ ok: true, value: null });
    expect(h['shell:state']).toHaveBeenCalledWith(expect.anything(), { modelName: 'a b.mlp', unsaved: true, running: false });
  });

  it('refuses calls from any other page', async () => {
    const h = fakeHandlers();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', '']) {
      const r = await dispatch('settings:load', appEvent(url), [], h, validators, trusted);
      expect(r).toEqual({ ok: false, error: expect.stringMatching(/refused a call/) });
    }
    const noFrame = { ...appEvent(), senderFrame: null };
    expect((await dispatch('settings:load', noFrame, [], h, validators, trusted)).ok).toBe(false);
    expect(h['settings:load']).not.toHaveBeenCalled();
  });

  it('turns a handler failure into an error reply instead of throwing', async () => {
    const r = await dispatch('settings:save', appEvent(), [{ preset: 'seed', train: PRESETS.seed }], fakeHandlers(), validators, trusted);
    expect(r).toEqual({ ok: false, error: 'disk full' });
  });

  it('does not send events to a window that has gone', async () => {
    const e = appEvent();
    e.sender.isDestroyed = () => true;
    expect((await dispatch('dataset:load', e, [], fakeHandlers(), validators, trusted)).ok).toBe(true);
    expect(e.sent).toEqual([]);
  });

  it('registers exactly the contract channels', () => {
    const handle = vi.fn();
    registerHandlers({ handle }, fakeHandlers(), validators, trusted);
    expect(handle.mock.calls.map((c) => c[0]).sort()).toEqual([...CHANNELS].sort());
  });

  it('makes safe file names for the save dialog', () => {
    expect(safeModelName('run 1')).toBe('run 1.mlp');
    expect(safeModelName('a.mlp')).toBe('a.mlp');
    expect(safeModelName('../../etc/passwd')).toBe('_.._etc_passwd.mlp');
    expect(safeModelName('..')).toBe('model.mlp');
    expect(safeModelName('x'.repeat(500)).length).toBeLessThanOrEqual(124);
    expect(safeModelName('a\u0000b\nc')).toBe('a_b_c.mlp');
  });
});
