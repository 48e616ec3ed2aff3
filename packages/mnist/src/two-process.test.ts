// Two separate Node processes download the same dataset into the same cache at once (the built package, as a
// user's two terminals would run it): each file is fetched once, both get verified files, nothing half-written stays.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDir } from './cache.js';
import { ROLES } from './descriptors.js';
import { DIST_URL, ensureBuilt, nodeScript } from './testing/build.js';
import { type ServedDataset, type TestServer, servedDataset, startServer, tempDir } from './testing/fixtures.js';

let data: ServedDataset;
let server: TestServer;

beforeAll(async () => {
  // Turbo builds before testing; a bare `vitest` run builds here (when dist is missing or older than src) so the
  // child processes import the code under test, not a stale build.
  await ensureBuilt();
  data = servedDataset();
  server = await startServer(data.files);
});
afterAll(() => server?.close());

const CHILD = `
const { download } = await import(process.env.MNIST_DIST_URL);
const paths = await download(JSON.parse(process.env.DESC), {
  mirrors: [process.env.MIRROR], cacheDir: process.env.CACHE, env: {}, timeoutMs: 10000, retries: 0,
});
process.stdout.write(JSON.stringify(paths));
`;

function child(cache: string): Promise<{ code: number | null; out: string; err: string }> {
  return nodeScript(CHILD, {
    MNIST_DIST_URL: DIST_URL.node,
    DESC: JSON.stringify({ ...data.descriptor, mirrors: [] }),
    MIRROR: server.mirror('slow'),
    CACHE: cache,
  });
}

describe('two processes, one cache', () => {
  it('fetch each file once, agree on the paths, and leave only verified files', async () => {
    const cache = tempDir();
    const before = server.hits.filter((h) => h.mode === 'slow').length;
    const [a, b] = await Promise.all([child(cache), child(cache)]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    expect(JSON.parse(a.out)).toEqual(JSON.parse(b.out));
    const full = server.hits.filter((h) => h.mode === 'slow').length - before;
    expect(full).toBe(4);
    const dir = datasetDir(cache, data.descriptor);
    const names = ROLES.map((r) => data.descriptor.files[r].name);
    expect(readdirSync(dir).sort()).toEqual(names.flatMap((n) => [n, `${n}.verified`]).sort());
    for (const n of names) expect(readFileSync(join(dir, n)).equals(data.files.get(n)!)).toBe(true);
  });
});
