// `pnpm web` (scripts/web.mjs) and an offline `pnpm start` (scripts/start.mjs), run as a user runs them: the server
// prints its URL, serves the page and the data folder on 127.0.0.1 cross-origin isolated, and stops on SIGTERM; a
// start that cannot download Electron says so in one sentence that names pnpm web, with no stack trace.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../scripts/electron-binary.mjs';
import { APP_DIR, RENDERER_DIR } from './helpers.js';

const temp = mkdtempSync(join(tmpdir(), 'mlp-desktop-web-'));
/** Servers this file started: stopped at the end even when a test failed half-way. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

/** Run a script, collecting its output; resolves with its exit code. */
function finish(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

describe.skipIf(!existsSync(join(RENDERER_DIR, 'index.html')))('pnpm web', () => {
  it('serves the renderer and the data folder on 127.0.0.1, isolated, prints the URL, and stops on SIGTERM', async () => {
    const data = join(temp, 'data');
    const bytes = Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]);
    mkdirSync(data);
    writeFileSync(join(data, 'train-labels-idx1-ubyte.gz'), bytes);
    const child = spawn(process.execPath, [join(APP_DIR, 'scripts', 'web.mjs'), '--no-build', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    // The async iterator buffers lines, so two lines written at once are both read.
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = String((await lines.next()).value);
    const url = /^MLP workbench in your browser: (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(first)?.[1];
    expect(url, first).toBeDefined();
    expect(String((await lines.next()).value)).toMatch(/lacks 3 of the four MNIST files/);

    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const file = await fetch(new URL('data/train-labels-idx1-ubyte.gz', url));
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    expect((await fetch(new URL('data/../../../etc/passwd', url))).status).toBe(404);
    expect((await fetch(new URL('data/%2e%2e%2f%2e%2e%2fpackage.json', url))).status).toBe(404);

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad argument or a missing folder in one sentence', async () => {
    const bad = await finish(spawn(process.execPath, [join(APP_DIR, 'scripts', 'web.mjs'), '--no-build', '--port', 'x']));
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe('--port must be a number from 0 to 65535, got x; usage: pnpm web [--data DIR] [--port N] [--no-build]');
    const missing = await finish(spawn(process.execPath, [join(APP_DIR, 'scripts', 'web.mjs'), '--no-build', '--port', '0', '--data', join(temp, 'nope')]));
    expect(missing.code).toBe(2);
    expect(missing.err.trim()).toBe(`${join(temp, 'nope')} does not exist; pass --data a folder holding the four MNIST .gz files.`);
  });
});

const bin = electronBinary();
if (bin.path) console.log('skipping the offline pnpm start test: Electron’s binary is installed here, so start would launch the app.');

describe.skipIf(Boolean(bin.path))('pnpm start without Electron and without a connection', () => {
  it('says in one sentence how to fetch Electron and how to run the app in a browser now, with no stack trace', async () => {
    // Electron's release server, as seen offline: every request fails (here: a local server answering 404).
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const env = { ...process.env, ELECTRON_MIRROR: mirror, electron_config_cache: join(temp, 'electron-cache') };
      const r = await finish(spawn(process.execPath, [join(APP_DIR, 'scripts', 'start.mjs')], { env }));
      expect(r.code).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Cannot start the desktop app: Electron's binary is not installed and could not be downloaded \(.+\); run pnpm start once on a machine that can reach github\.com \(or set ELECTRON_MIRROR to a reachable mirror\) to fetch it, or run the same app in your browser now with pnpm web\.$/);
      expect(`${r.out}${r.err}`).not.toMatch(/^\s+at /m);
      expect(existsSync(join(APP_DIR, 'node_modules', 'electron', 'path.txt'))).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
