import { describe, expect, it } from 'vitest';
import { type WorkerResult, trainSmall } from '../../testing/train-worker.js';

// Browsers only: Node has no Web Worker (its helper thread is covered by the threads tests).
describe.skipIf(typeof Worker === 'undefined')('wasm kernels inside a Web Worker (browsers; skipped in Node)', () => {
  it('load, pick the wasm backend and train to the same bits as on the page', async () => {
    const worker = new Worker(new URL('../../testing/train-worker.ts', import.meta.url), { type: 'module' });
    const inWorker = await new Promise<WorkerResult>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data as WorkerResult);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage('train');
    });
    worker.terminate();
    const onPage = await trainSmall();
    expect(inWorker.backend).toBe('wasm');
    expect(inWorker.weights).toEqual(onPage.weights);
    expect(inWorker.loss).toBe(onPage.loss);
  });
});
