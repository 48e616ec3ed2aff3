import { describe, expect, it } from 'vitest';
import type { AppState } from '../store.js';
import { datasetLine, progressLine } from './status.js';

const dataset = (over: Partial<AppState['dataset']>): AppState['dataset'] => ({ status: 'none', files: {}, origin: '', train: 0, test: 0, ...over });

describe('datasetLine: the status strip’s dataset cell', () => {
  it('shows bytes fetched, then unpacking, then the split sizes', () => {
    expect(datasetLine(dataset({ status: 'loading' }))).toEqual({ text: 'Fetching…', value: 0 });
    const two = datasetLine(dataset({ status: 'loading', files: { a: { done: 1024, total: 4096 }, b: { done: 0, total: 4096 } } }));
    expect(two.text).toMatch(/^Fetching 2\/4 files · /);
    expect(two.value).toBe(0.125);
    const all = Object.fromEntries(['a', 'b', 'c', 'd'].map((f) => [f, { done: 10, total: 10 }]));
    expect(datasetLine(dataset({ status: 'loading', files: all }))).toEqual({ text: 'Unpacking…', value: 1 });
    expect(datasetLine(dataset({ status: 'ready', train: 55000, test: 10000 })).text).toBe('MNIST · 55k train · 10k test');
    expect(datasetLine(dataset({ status: 'error' })).text).toBe('Could not load');
  });

  it('says whose download it waits for while another one holds a file’s lock, instead of looking stuck', () => {
    const line = datasetLine(dataset({ status: 'loading', files: { a: { done: 5, total: 10 }, b: { done: 0, total: 10, waitingFor: 'box:4242' } } }));
    expect(line.text).toBe('Waiting for another download of the same files (box:4242) to finish…');
    expect(line.value).toBe(0.25);
  });
});

describe('progressLine: the status strip’s run cell', () => {
  const p = { epoch: 3, epochs: 20, batch: 7, batches: 430, examplesPerSecond: 0, lr: 0.1, keptEpoch: null, stoppedEarly: false };
  it('says where the run is, and with early stopping which epoch is best so far and which one was kept', () => {
    expect(progressLine(p)).toBe('epoch 3/20 · batch 7/430');
    expect(progressLine({ ...p, keptEpoch: 2 })).toBe('epoch 3/20 · batch 7/430 · best so far: epoch 2');
    expect(progressLine({ ...p, epoch: 9, batch: 430, keptEpoch: 4, stoppedEarly: true })).toBe('stopped early after epoch 9/20 · kept epoch 4’s weights');
  });
});
