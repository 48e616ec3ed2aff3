// Test-only Web Worker: trains a small network on sparse byte images and posts back its backend and final weights,
// so a browser test can check that the wasm kernels load and train inside a worker as on the page.
import { MLP } from '../mlp.js';
import { Trainer } from '../train.js';
import { sparseImages } from './datasets.js';

export interface WorkerResult {
  backend: string;
  weights: Float32Array;
  loss: number;
}

export async function trainSmall(): Promise<WorkerResult> {
  const data = sparseImages(3, 80, 30, 0.2, 4);
  const model = new MLP({ layers: [80, 20, 3] }, { seed: 1 });
  const t = new Trainer(model, data, { epochs: 2, batchSize: 30, lr: 0.3, seed: 1 });
  await t.run();
  return { backend: model.backend, weights: Float32Array.from(model.readWeights(0)), loss: t.history.at(-1)!.loss };
}

const scope = globalThis as { document?: unknown; postMessage?: (m: unknown) => void; onmessage?: unknown };
if (scope.document === undefined && typeof scope.postMessage === 'function') {
  scope.onmessage = async () => scope.postMessage!(await trainSmall());
}
