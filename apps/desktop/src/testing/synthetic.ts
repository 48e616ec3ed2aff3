// Test fixtures: a small, easy MNIST-layout dataset as the four gzip IDX files (a bright block whose place encodes
// the class, on a noisy background), its descriptor with sizes and checksums, and a fetch that serves it in chunks.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Rng } from '@mlp/core';
import type { DatasetDescriptor } from '@mlp/mnist/node';
import { writeIdx } from '@mlp/mnist';

export const NAMES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export type SyntheticFiles = Record<keyof typeof NAMES, Uint8Array>;

function split(count: number, rng: Rng): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    labels[i] = c;
    const img = images.subarray(i * 784, (i + 1) * 784);
    for (let p = 0; p < 784; p++) img[p] = rng.float() < 0.1 ? rng.int(60) : 0;
    const r0 = 3 + Math.floor(c / 5) * 12 + rng.int(3) - 1;
    const c0 = 1 + (c % 5) * 5 + rng.int(2);
    for (let r = r0; r < r0 + 6; r++) for (let k = c0; k < c0 + 6; k++) img[r * 28 + k] = 200 + rng.int(56);
  }
  return { images, labels };
}

/** Gzip IDX files of `train` and `test` synthetic 28×28 images (deterministic for a seed). */
export function syntheticMnist(train = 600, test = 200, seed = 7): SyntheticFiles {
  const rng = new Rng(seed);
  const tr = split(train, rng);
  const te = split(test, rng);
  const gz = (dims: number[], data: Uint8Array) => new Uint8Array(gzipSync(writeIdx({ dims, data })));
  return {
    trainImages: gz([train, 28, 28], tr.images),
    trainLabels: gz([train], tr.labels),
    testImages: gz([test, 28, 28], te.images),
    testLabels: gz([test], te.labels),
  };
}

export function syntheticDescriptor(files: SyntheticFiles, mirror = 'https://mirror.test/mnist/'): DatasetDescriptor {
  const spec = (k: keyof SyntheticFiles) => ({ name: NAMES[k], size: files[k].length, sha256: createHash('sha256').update(files[k]).digest('hex') });
  return {
    id: 'synthetic-mnist',
    title: 'Synthetic MNIST',
    classes: 10,
    files: { trainImages: spec('trainImages'), trainLabels: spec('trainLabels'), testImages: spec('testImages'), testLabels: spec('testLabels') },
    mirrors: [mirror],
  };
}

/** A fetch serving the files by name in `chunk`-byte pieces with Content-Length; 404 for anything else. */
export function fakeFetch(files: SyntheticFiles, chunk = 1024): typeof fetch & { urls: string[] } {
  const urls: string[] = [];
  const byName = new Map<string, Uint8Array>(Object.entries(NAMES).map(([k, n]) => [n, files[k as keyof SyntheticFiles]]));
  const f = async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    urls.push(url);
    const body = byName.get(url.slice(url.lastIndexOf('/') + 1));
    if (!body) return new Response('not found', { status: 404 });
    let off = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (off >= body.length) return ctl.close();
        ctl.enqueue(body.slice(off, off + chunk));
        off += chunk;
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-length': String(body.length) } });
  };
  return Object.assign(f as typeof fetch, { urls });
}
