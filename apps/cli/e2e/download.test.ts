// End-to-end tests of `mlp download` against a loopback mirror: Ctrl-C says truly what the cache keeps (and a later
// run resumes it), --verify re-hashes and repairs the cache, --from takes uncompressed IDX files when checksums exist.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanup, finish, makeDataset, mlp, start, tempDir } from './helpers.js';

const NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const ROLES = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let data: string;
let descriptor: string;
let withInflated: string;
/** How the mirror answers: 'ok', 'hold' (half the train images, then silence), 'mute' (never answers). */
let mode: 'ok' | 'hold' | 'mute' = 'ok';
const requests: { file: string; range?: string }[] = [];
const waiters: (() => void)[] = [];
let server: Server;
let mirror: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (pnpm --filter @mlp/cli build)`);
  data = makeDataset(200, 50);
  const files = (inflated: boolean) =>
    Object.fromEntries(
      ROLES.map((role, i) => {
        const gz = readFileSync(join(data, NAMES[i]!));
        const raw = gunzipSync(gz);
        return [role, { name: NAMES[i], size: gz.length, sha256: sha256(gz), ...(inflated ? { inflated: { size: raw.length, sha256: sha256(raw) } } : {}) }];
      }),
    );
  const work = tempDir();
  descriptor = join(work, 'gen.json');
  writeFileSync(descriptor, JSON.stringify({ id: 'gen', title: 'Generated', classes: 10, files: files(false), mirrors: [] }));
  withInflated = join(work, 'gen-raw.json');
  writeFileSync(withInflated, JSON.stringify({ id: 'gen-raw', title: 'Generated', classes: 10, files: files(true), mirrors: [] }));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const file = (req.url ?? '').slice(1);
    requests.push({ file, range: req.headers.range });
    for (const w of waiters.splice(0)) w();
    if (!NAMES.includes(file)) return void res.writeHead(404).end();
    const body = readFileSync(join(data, file));
    if (mode === 'mute') return;
    if (mode === 'hold' && file === NAMES[0]) {
      res.writeHead(200, { 'content-length': body.length });
      return void res.write(body.subarray(0, body.length >> 1));
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = m ? Number(m[1]) : 0;
    const headers: Record<string, string | number> = { 'content-length': body.length - from };
    if (from > 0) headers['content-range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
    res.writeHead(from > 0 ? 206 : 200, headers).end(body.subarray(from));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  cleanup();
});

/** Resolves when the mirror next receives a request. */
const nextRequest = () => new Promise<void>((r) => waiters.push(r));

/** Resolves when the child's stderr first contains `s` (checked as output arrives). */
function waitFor(child: ReturnType<typeof start>, s: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (child.err().includes(s)) resolve();
    };
    child.stderr!.on('data', check);
    child.on('close', () => reject(new Error(`exited before printing ${JSON.stringify(s)}: ${child.err()}`)));
    check();
  });
}

describe('mlp download, interrupted', () => {
  it('Ctrl-C after bytes arrived: says which .part it kept, and the next run resumes from it', async () => {
    const cache = tempDir();
    const dir = join(cache, 'datasets', 'gen');
    mode = 'hold';
    const child = start(['download', '--dataset', descriptor, '--mirror', mirror, '--cache', cache]);
    // The note is printed on the first progress event, after the first bytes were written to the .part file.
    await waitFor(child, `${NAMES[0]}: from ${mirror}`);
    child.kill('SIGINT');
    const r = await finish(child);
    expect(r.code).toBe(130);
    const part = join(dir, `${NAMES[0]}.part`);
    expect(r.stderr).toContain(`Download interrupted; the partial file ${part} (`);
    expect(r.stderr).toContain('is kept in the cache, and the next mlp download resumes from it (delete it to start over).');
    expect(r.stderr).not.toMatch(/nothing partial/);
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual([`${NAMES[0]}.part`]);

    mode = 'ok';
    const before = requests.length;
    const again = await mlp(['download', '--dataset', descriptor, '--mirror', mirror, '--cache', cache]);
    expect(again.code, again.stderr).toBe(0);
    expect(requests[before]).toEqual({ file: NAMES[0], range: `bytes=${kept}-` });
    expect(readFileSync(join(dir, NAMES[0]!)).equals(readFileSync(join(data, NAMES[0]!)))).toBe(true);
  });

  it('Ctrl-C before any byte arrived: says nothing partial was kept, and nothing is', async () => {
    const cache = tempDir();
    mode = 'mute';
    const asked = nextRequest();
    const child = start(['download', '--dataset', descriptor, '--mirror', mirror, '--cache', cache]);
    await asked;
    child.kill('SIGINT');
    const r = await finish(child);
    mode = 'ok';
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^mlp: Download interrupted; nothing partial was kept in the cache\.$/m);
    expect(readdirSync(join(cache, 'datasets', 'gen'))).toEqual([]);
  });
});

/** A cache with the generated dataset imported into it (each file verified, with its marker). */
async function importedCache(): Promise<{ cache: string; dir: string }> {
  const cache = tempDir();
  expect((await mlp(['download', '--dataset', descriptor, '--from', data, '--cache', cache])).code).toBe(0);
  return { cache, dir: join(cache, 'datasets', 'gen') };
}

/**
 * Flip bytes in the middle of a cached file in place (same size, same inode) and rewrite its marker to describe the
 * result: what the marker sees when the mtime is put back to the nanosecond.
 */
function corruptInPlace(path: string): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from('flipped'), 0, 7, statSync(path).size >> 1);
  closeSync(fd);
  const st = statSync(path);
  const marker = JSON.parse(readFileSync(`${path}.verified`, 'utf8'));
  writeFileSync(`${path}.verified`, JSON.stringify({ ...marker, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }));
}

describe('mlp download --verify', () => {
  it('reports each file ok / mismatched / missing, removes the bad ones and fetches them again', async () => {
    const { cache, dir } = await importedCache();
    corruptInPlace(join(dir, NAMES[2]!));
    rmSync(join(dir, NAMES[3]!));

    const before = requests.length;
    const r = await mlp(['download', '--verify', '--dataset', descriptor, '--mirror', mirror, '--cache', cache]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${NAMES[0]}: ok (sha256 matches)`);
    expect(lines[1]).toBe(`${NAMES[1]}: ok (sha256 matches)`);
    expect(lines[2]).toMatch(new RegExp(`^${NAMES[2]}: mismatched \\(sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}\\); removed from the cache, fetching it again$`));
    expect(lines[3]).toBe(`${NAMES[3]}: missing; fetching it`);
    expect(lines[4]).toBe(`Generated is ready in ${dir}`);
    expect(requests.slice(before).map((q) => q.file)).toEqual([NAMES[2], NAMES[3]]);
    for (const n of NAMES) expect(readFileSync(join(dir, n)).equals(readFileSync(join(data, n)))).toBe(true);
  });
});

describe('a cached file corrupted in place, its marker fooled', () => {
  it('training offline refuses it, removes it, and says to download; mlp download then fetches it', async () => {
    const { cache, dir } = await importedCache();
    const victim = join(dir, NAMES[0]!);
    corruptInPlace(victim);

    const t = await mlp(['train', '--dataset', descriptor, '--cache', cache, '--offline', '--epochs', '1', '--out', join(tempDir(), 'm.mlp')]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/train-images-idx3-ubyte\.gz is not the published file \(sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}: it changed since it was verified, so it was removed from the cache\), and --offline forbids downloading\. Run mlp download/);
    expect(existsSync(victim)).toBe(false);
    const before = requests.length;
    expect((await mlp(['download', '--dataset', descriptor, '--mirror', mirror, '--cache', cache])).code).toBe(0);
    expect(requests.slice(before).map((q) => q.file)).toEqual([NAMES[0]]);
  });
});

describe('mlp download --from a folder of uncompressed IDX files', () => {
  function rawFolder(): string {
    const dir = tempDir();
    for (const n of NAMES) writeFileSync(join(dir, n.replace(/\.gz$/, '')), gunzipSync(readFileSync(join(data, n))));
    return dir;
  }

  it('imports them verified when the descriptor has their checksums, and training reads them offline', async () => {
    const raw = rawFolder();
    const cache = tempDir();
    const r = await mlp(['download', '--dataset', withInflated, '--from', raw, '--cache', cache]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cache, 'datasets', 'gen-raw')).filter((f) => !f.endsWith('.verified')).sort()).toEqual(NAMES.map((n) => n.replace(/\.gz$/, '')).sort());
    const t = await mlp(['train', '--dataset', withInflated, '--cache', cache, '--offline', '--layers', '784,10', '--epochs', '1', '--valid', '20', '--out', join(tempDir(), 'm.mlp')]);
    expect(t.code, t.stderr).toBe(0);
  });

  it('refuses them, pointing at --data, when no checksum exists for them', async () => {
    const raw = rawFolder();
    const r = await mlp(['download', '--dataset', descriptor, '--from', raw, '--cache', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `mlp: Cannot import Generated from ${raw}: train-images-idx3-ubyte is uncompressed, and Generated publishes no checksum for uncompressed files, so it cannot be verified; put train-images-idx3-ubyte.gz there, or use the folder as it is with --data ${raw}.\n`,
    );
  });
});
