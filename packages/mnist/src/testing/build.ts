// Test helper: make sure dist/ is built from the current src/ before a test uses the built package.
// Rebuilds when dist is missing or older than any source file that goes into it; one build at a time across test files.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from '../cache.js';

/** The package root (the folder holding package.json, src/ and dist/). */
export const PKG = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUTPUTS = ['index.js', 'index.cjs', 'node.js', 'node.cjs'];
const mtime = (path: string): number => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;

/** Newest mtime among the build's inputs: src/ except tests and test helpers, plus the build config. */
function newestInput(root: string): number {
  let newest = Math.max(...['package.json', 'tsup.config.ts', 'tsconfig.node.json'].map((f) => mtime(join(root, f))));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'testing') walk(p);
      } else if (!e.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(p).mtimeMs);
      }
    }
  };
  walk(join(root, 'src'));
  return newest;
}

/** True when some output in `<root>/dist` is missing or older than the newest input. */
export function distIsStale(root: string = PKG): boolean {
  const oldest = Math.min(...OUTPUTS.map((f) => mtime(join(root, 'dist', f))));
  return oldest < newestInput(root);
}

/** Build dist/ (pnpm run build) when it is stale. Test files calling this at once share one build. */
export async function ensureBuilt(): Promise<void> {
  if (!distIsStale()) return;
  const lock = join(tmpdir(), `mlp-mnist-build-${createHash('sha256').update(PKG).digest('hex').slice(0, 12)}.lock`);
  await withLock(lock, async () => {
    if (!distIsStale()) return;
    // Asynchronous, so the lock's heartbeat keeps running during the build.
    const b = spawn('pnpm', ['run', 'build'], { cwd: PKG, shell: process.platform === 'win32' });
    let out = '';
    b.stdout.on('data', (d) => {
      out += d;
    });
    b.stderr.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((r) => b.on('close', r));
    if (code !== 0) throw new Error(`building @mlp/mnist failed (exit ${code}):\n${out}`);
  });
}

/** The built entry points as file: URLs, for child scripts to import (after ensureBuilt). */
export const DIST_URL = { index: new URL(`file://${join(PKG, 'dist', 'index.js')}`).href, node: new URL(`file://${join(PKG, 'dist', 'node.js')}`).href };

/** Run an ES module script in a fresh Node process with extra environment variables; its exit code and output. */
export function nodeScript(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => {
    out += d;
  });
  p.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((res) => p.on('close', (code) => res({ code, out, err })));
}
