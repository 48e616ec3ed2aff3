// Peak memory of refusing hostile model files, measured in a child process (src/ transpiled as is, no build step):
// a tiny file that declares a huge network must be refused from its header, never by building the network first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, saveModel } from '../src/index.js';
import { build } from '../src/testing/model-files.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
/** Peak resident memory a refusal may take, baseline Node included (the unbounded reader took ~1 GB). */
const CEILING_MB = 250;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-hostile-'));
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const file of walk(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const out = join(dir, relative(SRC, file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(out, js.outputText);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model file whose header declares `layers` (with the tensor list they need, or none) and holds no tensor values. */
function hostile(layers: number[], listTensors = true): Uint8Array {
  const tensors = listTensors ? layers.slice(1).flatMap((w, l) => [{ name: `W${l}`, shape: [w, layers[l]!] }, { name: `b${l}`, shape: [w] }]) : [];
  return build({ kind: 'model', config: { layers }, tensors, meta: {} }, []);
}

/** Load `bytes` with `fn` (loadModel or loadCheckpoint) in a fresh Node; its message and peak RSS in MB. */
function loadInChild(bytes: Uint8Array, fn: string): { message: string; peakMB: number } {
  const file = join(dir, `${fn}-${bytes.length}.mlp`);
  writeFileSync(file, bytes);
  const script = `
    const { ${fn} } = await import(${JSON.stringify(join(dir, 'index.js'))});
    const { readFileSync } = await import('node:fs');
    let message = 'accepted';
    try { ${fn}(new Uint8Array(readFileSync(${JSON.stringify(file)}))); } catch (e) { message = e.name + ': ' + e.message; }
    process.stdout.write(JSON.stringify({ message, peakMB: process.resourceUsage().maxRSS / 1024 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('hostile model files stay within bounded memory', () => {
  it('a 784-15000-15000-10 header in a tiny file is refused by the parameter ceiling', () => {
    // As reported: 96 bytes, no tensor list (the old reader built the network, ~1 GB, before comparing); and with one.
    expect(hostile([784, 15000, 15000, 10], false).length).toBe(96);
    for (const [bytes, fn] of [[hostile([784, 15000, 15000, 10], false), 'loadModel'], [hostile([784, 15000, 15000, 10]), 'loadCheckpoint']] as const) {
      const r = loadInChild(bytes, fn);
      expect(r.message).toMatch(/^ModelFormatError: model file declares layers 784-15000-15000-10: 236,940,010 parameters, more than the 50,000,000/);
      expect(r.peakMB).toBeLessThan(CEILING_MB);
    }
  });

  it('a network just under the ceiling (7000-7000-10, 196 MB of weights) declared in a tiny file is refused by its length', () => {
    const r = loadInChild(hostile([7000, 7000, 10]), 'loadModel');
    expect(r.message).toMatch(/^ModelFormatError: model file is truncated: \d+ bytes, but its header and layers 7000-7000-10 need 196\d{6} bytes$/);
    expect(r.peakMB).toBeLessThan(CEILING_MB);
  });

  it('the harness measures real loads: a genuine 2000-2000-10 model loads in the child and takes its memory', () => {
    // Not a hostile case: shows the child really builds networks, so the ceilings above can fail.
    const full = saveModel(new MLP({ layers: [2000, 2000, 10] }, { backend: 'js' }));
    const r = loadInChild(full, 'loadModel');
    expect(r.message).toBe('accepted');
    expect(r.peakMB).toBeGreaterThan(60);
  });
});
