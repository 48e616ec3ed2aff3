// Test fixtures: small generated IDX datasets, the real MNIST files when present, and a deliberately unreliable HTTP server.
// For tests only (excluded from the build); nothing here is part of the package's API.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, expect } from 'vitest';
import { type DatasetDescriptor, MNIST, type MnistRole, ROLES } from '../descriptors.js';
import { writeIdx } from '../idx.js';

/** What `p` rejects with, asserted to be an instance of `kind`, so a test can inspect its code and text. */
export async function rejectsWith<E extends Error>(p: Promise<unknown>, kind: abstract new (...args: never[]) => E): Promise<E> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(kind);
  return e as E;
}

const made: string[] = [];
/** A fresh temporary folder, removed after the test file that asked for it has run. */
export function tempDir(prefix = 'mlp-mnist-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
// Registered once per test file (vitest loads this module afresh for each file).
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Deterministic bytes (LCG) so generated fixtures are the same on every run. */
export function pseudoBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A small MNIST-layout split: image i has every pixel of row 0 equal to i % 256 (so tests can trace examples). */
export function makeSplitBytes(count: number, rows = 28, cols = 28, classes = 10, seed = 1): { images: Uint8Array; labels: Uint8Array } {
  const pixels = pseudoBytes(count * rows * cols, seed);
  for (let i = 0; i < count; i++) pixels.fill(i % 256, i * rows * cols, i * rows * cols + cols);
  const labels = Uint8Array.from({ length: count }, (_, i) => (i * 7 + (i >> 3)) % classes);
  return { images: writeIdx({ dims: [count, rows, cols], data: pixels }), labels: writeIdx({ dims: [count], data: labels }) };
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Files to serve, by name, with the descriptor that describes them. */
export interface ServedDataset {
  descriptor: DatasetDescriptor;
  files: Map<string, Buffer>;
  /** A folder holding exactly the four files. */
  dir: string;
  real: boolean;
}

/** The repository's sibling `shared/data/mnist` (or $MNIST_DIR), when its four files are there. */
export function realMnistDir(): string | null {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const dir = process.env.MNIST_DIR || resolve(root, '../shared/data/mnist');
  return ROLES.every((r) => existsSync(join(dir, MNIST.files[r].name))) ? dir : null;
}

/** The real MNIST files when present, else generated ones with their own descriptor (and a printed reason). */
export function servedDataset(): ServedDataset {
  const dir = realMnistDir();
  if (dir) {
    const files = new Map(ROLES.map((r) => [MNIST.files[r].name, readFileSync(join(dir, MNIST.files[r].name))]));
    return { descriptor: MNIST, files, dir, real: true };
  }
  console.log('real MNIST files not found (../shared/data/mnist or $MNIST_DIR): downloader tests use generated IDX files');
  return generatedDataset();
}

/** Four small gzip IDX files (1,000 train and 200 test images) and a descriptor with their sizes and sha256. */
export function generatedDataset(): ServedDataset {
  const train = makeSplitBytes(1000, 28, 28, 10, 1);
  const test = makeSplitBytes(200, 28, 28, 10, 2);
  const raw: Record<MnistRole, Uint8Array> = { trainImages: train.images, trainLabels: train.labels, testImages: test.images, testLabels: test.labels };
  const dir = tempDir('mlp-mnist-gen-');
  const files = new Map<string, Buffer>();
  const spec = {} as DatasetDescriptor['files'];
  for (const role of ROLES) {
    const name = MNIST.files[role].name;
    const gz = gzipSync(raw[role]);
    files.set(name, gz);
    writeFileSync(join(dir, name), gz);
    spec[role] = { name, size: gz.length, sha256: sha256(gz) };
  }
  const descriptor: DatasetDescriptor = { id: 'test-mnist', title: 'generated MNIST', classes: 10, files: spec, mirrors: [], mirrorEnv: 'TEST_MNIST_MIRROR' };
  return { descriptor, files, dir, real: false };
}

/**
 * How a mirror path prefix misbehaves. `/<mode>/<file>`:
 * ok (Range supported), norange (always 200), 404, 500, reset (up to half the body, then the socket is destroyed: how
 * much of it reaches the client depends on TCP timing), cut (exactly half the body as a complete chunked response with
 * no Content-Length: the body ends cleanly, so the client keeps every byte and its partial file is exactly half),
 * stall (headers and 1 KB, then silence), wrong (right length, wrong bytes), slow (64 KB every 5 ms,
 * Range supported), redirect (302 to /ok/), flaky (503 the first time each file is asked for, then ok),
 * html (200 with an HTML page, as a misconfigured mirror or captive portal answers), chunked-html and json (200 with
 * an HTML page / a JSON error, chunked: no Content-Length), drip (the right headers, then one byte every 20 ms: never
 * stalls, never finishes).
 */
export type Mode = 'ok' | 'norange' | '404' | '500' | 'reset' | 'cut' | 'stall' | 'wrong' | 'slow' | 'redirect' | 'flaky' | 'html' | 'chunked-html' | 'json' | 'drip';

/** What the json mode serves for every file. */
export const JSON_ERROR = Buffer.from('{"error":"NoSuchKey","message":"The specified key does not exist."}\n');

/** What the html mode serves for every file. */
export const HTML_PAGE = Buffer.from('<!DOCTYPE html>\n<html><head><title>Not here</title></head><body>This mirror has moved.</body></html>\n');

export interface Hit {
  mode: string;
  file: string;
  range: string | undefined;
  status: number;
  /** Body bytes the server attempted to send. */
  bytes: number;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface TestServer {
  /** Base URL of a mode, ending in '/'. */
  mirror(mode: Mode): string;
  hits: Hit[];
  close(): Promise<void>;
}

export async function startServer(files: Map<string, Buffer>): Promise<TestServer> {
  const hits: Hit[] = [];
  const flakySeen = new Set<string>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const [, mode = '', file = ''] = (req.url ?? '').split('/');
    const range = req.headers.range;
    const body = files.get(file);
    const hit: Hit = { mode, file, range, status: 0, bytes: 0, at: performance.now() };
    hits.push(hit);
    const send = (status: number, headers: Record<string, string | number>, data?: Uint8Array) => {
      hit.status = status;
      hit.bytes = data?.length ?? 0;
      res.writeHead(status, headers);
      res.end(data);
    };
    if (!body || mode === '404') return send(404, {});
    if (mode === '500') return send(500, {}, Buffer.from('internal error'));
    if (mode === 'flaky' && !flakySeen.has(file)) {
      flakySeen.add(file);
      return send(503, {});
    }
    if (mode === 'redirect') return send(302, { location: `/ok/${file}` });
    if (mode === 'html') return send(200, { 'content-type': 'text/html', 'content-length': HTML_PAGE.length }, HTML_PAGE);
    if (mode === 'chunked-html' || mode === 'json') {
      const page = mode === 'json' ? JSON_ERROR : HTML_PAGE;
      hit.status = 200;
      hit.bytes = page.length;
      // No Content-Length: Node sends the two writes as chunks (Transfer-Encoding: chunked).
      res.writeHead(200, { 'content-type': mode === 'json' ? 'application/json' : 'text/html; charset=utf-8' });
      res.write(page.subarray(0, 20));
      res.end(page.subarray(20));
      return;
    }
    if (mode === 'drip') {
      hit.status = 200;
      res.writeHead(200, { 'content-length': body.length });
      let at = 0;
      const drip = setInterval(() => {
        if (res.destroyed || at >= body.length) return clearInterval(drip);
        res.write(body.subarray(at, ++at));
        hit.bytes = at;
      }, 20);
      res.on('close', () => clearInterval(drip));
      return;
    }
    if (mode === 'wrong') {
      const bad = Buffer.from(body);
      for (let i = 0; i < bad.length; i += 997) bad[i] = bad[i]! ^ 0xff;
      return send(200, { 'content-length': bad.length }, bad);
    }
    // A connection that breaks mid-body errors the client's body stream, which drops chunks it had queued but not yet
    // handed out; a body that ends (here: chunked, without Content-Length) keeps them all.
    if (mode === 'cut') return send(200, {}, body.subarray(0, body.length >> 1));
    if (mode === 'reset' || mode === 'stall') {
      hit.status = 200;
      const sent = mode === 'stall' ? body.subarray(0, 1024) : body.subarray(0, body.length >> 1);
      hit.bytes = sent.length;
      res.writeHead(200, { 'content-length': body.length });
      // reset: how much of what was sent the client keeps depends on timing, so tests assert only what any amount implies.
      res.write(sent, () => {
        if (mode === 'reset') res.socket?.destroy();
      });
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    const start = m && mode !== 'norange' ? Number(m[1]) : 0;
    if (start >= body.length && start > 0) return send(416, { 'content-range': `bytes */${body.length}` });
    const part = body.subarray(start);
    const headers: Record<string, string | number> = { 'content-length': part.length, 'accept-ranges': mode === 'norange' ? 'none' : 'bytes' };
    if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    const status = start > 0 ? 206 : 200;
    if (mode !== 'slow') return send(status, headers, part);
    hit.status = status;
    hit.bytes = part.length;
    res.writeHead(status, headers);
    let at = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (at >= part.length) return void res.end();
      res.write(part.subarray(at, at + 65536));
      at += 65536;
      setTimeout(tick, 5);
    };
    tick();
  };
  const server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    mirror: (mode) => `http://127.0.0.1:${port}/${mode}/`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
