// Packaging test: `pnpm pack` @mlp/core, install the tarball offline into a fresh project outside the repo, and use it from ESM, CJS and type-checked TypeScript.
// It exercises the built dist/ (turbo builds it first; see ../turbo.json) and never touches the network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as source from '../src/index.js';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(import.meta.url);
// Both are devDependencies of @mlp/core, so they resolve from here on a clean `pnpm install --frozen-lockfile`.
const tscBin = requireHere.resolve('typescript/bin/tsc');
const nodeTypeRoots = dirname(dirname(requireHere.resolve('@types/node/package.json')));

const sourceExports = Object.keys(source).sort();

interface Ran {
  status: number | null;
  out: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Ran {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', shell: process.platform === 'win32', timeout: 300_000 });
  if (r.error) throw new Error(`could not run ${cmd}: ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function runOk(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const r = run(cmd, args, cwd, env);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.out}`);
  return r.out;
}

/** Regular files of a .tgz, by path. Enough of ustar for npm/pnpm tarballs. */
function readTarball(file: string): Map<string, Buffer> {
  const buf = gunzipSync(readFileSync(file));
  const files = new Map<string, Buffer>();
  for (let off = 0; off + 512 <= buf.length; ) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const field = (at: number, len: number) => h.toString('utf8', at, at + len).replace(/\0[\s\S]*$/, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = h.toString('latin1', 257, 263) === 'ustar\0' ? field(345, 155) : '';
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    if (type === '0' || type === '') files.set(name, Buffer.from(buf.subarray(off + 512, off + 512 + size)));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Every string target in an `exports` map, any depth. */
function exportTargets(e: unknown): string[] {
  if (typeof e === 'string') return [e];
  if (e && typeof e === 'object') return Object.values(e).flatMap(exportTargets);
  return [];
}

/** The last line of a script's output, parsed. */
function lastJson(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

// The consumer's sources. XOR as a 4-example Dataset; settings that reach 100% for any seed we tried.
const XOR_MJS = `
import { MLP, Trainer, evaluate, saveModel, loadModel } from '@mlp/core';
import * as core from '@mlp/core';
const data = { inputs: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), labels: [0, 1, 1, 0], count: 4, inputSize: 2 };
const model = new MLP({ layers: [2, 8, 2], hidden: 'tanh', output: 'softmax', loss: 'ce' }, { seed: 1 });
const trainer = new Trainer(model, data, { epochs: 500, batchSize: 4, lr: 0.5, momentum: 0.9, seed: 1 });
const { status, history } = await trainer.run();
const ev = evaluate(model, data);
const reloaded = loadModel(saveModel(model)).model;
// Sparse bytes through the wasm kernels with a helper thread (the dist's embedded helper program) and without.
let s = 7;
const bytes = Uint8Array.from({ length: 200 * 64 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24 < 50 ? s & 255 : 0));
const bytesData = { inputs: bytes, labels: Array.from({ length: 200 }, (_, i) => i % 2), count: 200, inputSize: 64, scaling: { mul: 1 / 255, add: 0 } };
const trained = (threads) => {
  const m = new MLP({ layers: [64, 8, 2] }, { seed: 2, threads });
  const t = new Trainer(m, bytesData, { epochs: 2, batchSize: 50, lr: 0.5, seed: 3 });
  while (!t.done) t.step();
  m.dispose();
  return { threads: m.threads, weights: Array.from(m.readWeights(0)).join() };
};
const [one, two] = [trained(1), trained(2)];
console.log(JSON.stringify({
  threads: two.threads,
  sameBits: one.weights === two.weights,
  resolved: import.meta.resolve('@mlp/core'),
  exports: Object.keys(core).sort(),
  status,
  epochs: history.length,
  accuracy: ev.accuracy,
  loss: ev.loss,
  predictions: Array.from(ev.predictions),
  reloadedAccuracy: evaluate(reloaded, data).accuracy,
}));
`;

const XOR_CJS = `
const core = require('@mlp/core');
const model = new core.MLP({ layers: [2, 3, 2], hidden: 'tanh', output: 'softmax', loss: 'ce' }, { seed: 1 });
const out = model.predict([0, 1, 1, 0], 2);
console.log(JSON.stringify({
  resolved: require.resolve('@mlp/core'),
  exports: Object.keys(core).sort(),
  outputs: Array.from(out),
  parameterCount: model.parameterCount,
}));
`;

const XOR_TS = `
import { MLP, Trainer, evaluate, type Dataset, type EpochReport, type Evaluation, type MLPConfig } from '@mlp/core';

const cfg: MLPConfig = { layers: [2, 8, 2], hidden: 'tanh', output: 'softmax', loss: 'ce' };
const data: Dataset = { inputs: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), labels: [0, 1, 1, 0], count: 4, inputSize: 2 };
const model = new MLP(cfg, { seed: 1 });
const trainer = new Trainer(model, data, { epochs: 500, batchSize: 4, lr: 0.5, momentum: 0.9 });
const { history } = await trainer.run({ onEpoch: (r: EpochReport) => void r.loss });
const ev: Evaluation = evaluate(model, data);
const accuracy: number = ev.accuracy;
const predicted: Int32Array = ev.predictions;
export { accuracy, history, predicted };
`;

// A CommonJS TypeScript consumer (import = require).
const XOR_CTS = `
import core = require('@mlp/core');
const model: core.MLP = new core.MLP({ layers: [2, 3, 2] }, { seed: 1 });
const out: Float32Array = model.predict([0, 1]);
export = out;
`;

// Deliberate misuses, one per line; each must be a type error.
const BAD_TS = `
import { MLP, evaluate, type Dataset } from '@mlp/core';
const wrongLayers = new MLP({ layers: '2,8,2' });
const wrongActivation = new MLP({ layers: [2, 2], hidden: 'tahn' });
declare const data: Dataset;
const wrongField: string = evaluate(wrongActivation, data).accuracy;
export { wrongLayers, wrongField };
`;

function tsconfig(files: string[], lib: string[], types: string[], typeRoots?: string[]): string {
  const compilerOptions = {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2022',
    lib,
    types,
    ...(typeRoots ? { typeRoots } : {}),
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  };
  return JSON.stringify({ compilerOptions, files }, null, 2);
}

// Packing, installing and type-checking spawn pnpm, npm and tsc: seconds on a quiet machine, minutes on a busy one.
// Their own spawn limit (300 s each) is what bounds them; no per-test wall-time limit may fail them first.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

describe('@mlp/core as an installed package', () => {
  let work = '';
  let consumer = '';
  let tarball = new Map<string, Buffer>();
  const installedDir = () => join(consumer, 'node_modules', '@mlp', 'core');

  beforeAll(() => {
    if (!existsSync(join(pkgDir, 'dist', 'index.js'))) {
      // Only when dist/ is absent (e.g. `vitest run` straight after a clone): nothing else can be reading it.
      // Under `turbo run test` it is always there, because test dependsOn build (packages/core/turbo.json).
      runOk('pnpm', ['run', 'build'], pkgDir);
    }
    work = realpathSync(mkdtempSync(join(tmpdir(), 'mlp-core-pack-')));
    expect(relative(pkgDir, work).startsWith('..'), 'the consumer must live outside the repo').toBe(true);

    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    // dist/ is built (test dependsOn build); without scripts, prepack does not rebuild it under the other packages' tests.
    runOk('pnpm', ['--config.ignore-scripts=true', 'pack', '--pack-destination', packDir], pkgDir);
    const tgzs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    expect(tgzs).toHaveLength(1);
    const tgz = join(packDir, tgzs[0]!);
    tarball = readTarball(tgz);

    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'mlp-core-consumer', private: true, type: 'module' }));
    // Offline: an empty private cache, --offline, and an unreachable registry. @mlp/core has no runtime
    // dependencies, so npm needs nothing but the tarball. npm_* variables set by pnpm/turbo are dropped.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    env.npm_config_cache = join(work, 'npm-cache');
    env.npm_config_userconfig = join(work, 'no-npmrc');
    runOk(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--no-update-notifier', '--ignore-scripts', '--registry=http://127.0.0.1:9/', tgz],
      consumer,
      env,
    );
    expect(existsSync(join(installedDir(), 'package.json'))).toBe(true);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs the built entry points and honours `files` (no sources, no tests)', () => {
    const names = [...tarball.keys()];
    expect(names.every((n) => n.startsWith('package/'))).toBe(true);
    const files = names.map((n) => n.slice('package/'.length)).sort();
    const expected = ['package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts'];
    if (existsSync(join(pkgDir, 'README.md'))) expected.push('README.md');
    expect(files).toEqual(expect.arrayContaining(expected));
    for (const f of files) {
      expect(f, `unexpected file in the tarball: ${f}`).toMatch(/^(package\.json|README\.md|LICENSE(\.md)?|dist\/[^/]+)$/);
      expect(f).not.toMatch(/(^|\/)(src|test)\/|\.test\.|tsconfig|vitest|tsup/);
    }
  });

  it('publishes a package.json that points only into dist/ (no @mlp/source condition)', () => {
    const packed = JSON.parse(tarball.get('package/package.json')!.toString('utf8'));
    expect(JSON.stringify(packed.exports)).not.toContain('@mlp/source');
    const targets = [...exportTargets(packed.exports), packed.main, packed.module, packed.types];
    for (const t of targets) {
      expect(t, `${t} must point at a packed file`).toMatch(/^\.\/(dist\/|package\.json$)/);
      expect(tarball.has(`package/${t.slice(2)}`), `${t} is missing from the tarball`).toBe(true);
    }
    expect(packed.dependencies ?? {}).toEqual({});
    expect(JSON.stringify(packed)).not.toContain('workspace:');
  });

  it('imports from JavaScript (ESM) and trains XOR to 100%', () => {
    writeFileSync(join(consumer, 'xor.mjs'), XOR_MJS);
    const r = lastJson(runOk(process.execPath, ['xor.mjs'], consumer));
    expect(fileURLToPath(String(r.resolved))).toBe(join(installedDir(), 'dist', 'index.js'));
    expect(r.exports, 'dist/ exports differ from src/index.ts: rebuild with `pnpm --filter @mlp/core build`').toEqual(sourceExports);
    expect(r.status).toBe('done');
    expect(r.epochs).toBe(500);
    expect(r.predictions).toEqual([0, 1, 1, 0]);
    expect(r.accuracy).toBe(1);
    expect(r.loss).toBeLessThan(0.05);
    expect(r.reloadedAccuracy).toBe(1);
    expect(r.threads, 'a helper thread from the dist').toBe(2);
    expect(r.sameBits, 'two threads give the same bits as one').toBe(true);
  });

  it('requires from JavaScript (CJS) and gets the CommonJS build with the same API', () => {
    writeFileSync(join(consumer, 'xor.cjs'), XOR_CJS);
    const r = lastJson(runOk(process.execPath, ['xor.cjs'], consumer));
    expect(r.resolved).toBe(join(installedDir(), 'dist', 'index.cjs'));
    expect(r.exports).toEqual(sourceExports);
    expect(r.parameterCount).toBe(2 * 3 + 3 + 3 * 2 + 2);
    const outputs = r.outputs as number[];
    expect(outputs).toHaveLength(4);
    // Softmax rows: finite, each summing to 1.
    expect(outputs.every(Number.isFinite)).toBe(true);
    expect(outputs[0]! + outputs[1]!).toBeCloseTo(1, 5);
    expect(outputs[2]! + outputs[3]!).toBeCloseTo(1, 5);
  });

  it('type-checks a TypeScript consumer against the published declarations (Node and DOM libs)', () => {
    writeFileSync(join(consumer, 'xor.ts'), XOR_TS);
    writeFileSync(join(consumer, 'xor-cjs.cts'), XOR_CTS);
    const files = ['xor.ts', 'xor-cjs.cts'];
    writeFileSync(join(consumer, 'tsconfig.node.json'), tsconfig(files, ['ES2022'], ['node'], [nodeTypeRoots]));
    writeFileSync(join(consumer, 'tsconfig.dom.json'), tsconfig(files, ['ES2022', 'DOM'], []));
    for (const project of ['tsconfig.node.json', 'tsconfig.dom.json']) {
      const out = runOk(process.execPath, [tscBin, '-p', project, '--listFiles'], consumer);
      // The declarations came from the installed tarball, not from the workspace sources.
      expect(out).toContain(join(installedDir(), 'dist', 'index.d.ts'));
      expect(out).not.toContain(join(pkgDir, 'src'));
    }
  });

  it('rejects wrong uses of the API in the type-check (the check can fail)', () => {
    writeFileSync(join(consumer, 'bad.ts'), BAD_TS);
    writeFileSync(join(consumer, 'tsconfig.bad.json'), tsconfig(['bad.ts'], ['ES2022'], ['node'], [nodeTypeRoots]));
    const r = run(process.execPath, [tscBin, '-p', 'tsconfig.bad.json'], consumer);
    expect(r.status, r.out).not.toBe(0);
    const errors = r.out.split('\n').filter((l) => l.includes('error TS'));
    // layers as a string, a misspelt activation, and a number used as a string: nothing else.
    expect(errors.map((l) => l.match(/^bad\.ts\((\d+),\d+\): error (TS\d+)/)?.slice(1).join(' ')), r.out).toEqual([
      '3 TS2322',
      '4 TS2322',
      '6 TS2322',
    ]);
  });
});
