// The packages as a stranger gets them: complete tarballs packed before any build, real version ranges for workspace
// dependencies, and an outside project that installs core and mnist offline with npm, type-checks an import of both
// under CommonJS (node16) and ESM (nodenext), and runs it; the packed CLI installs and runs as a plain `mlp`.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { PACKED, type PackedName, run, shellEnv } from './pack.js';
import { MODULE_KINDS, type ModuleKind, compile, outsideProject } from './project.js';

const tarballs = inject('tarballs');
const listing = (tgz: string) => run('tar', ['-tzf', tgz], { cwd: '/' }).split('\n').filter(Boolean);
const manifest = (tgz: string) => JSON.parse(run('tar', ['-xOzf', tgz, 'package/package.json'], { cwd: '/' }));

describe('pnpm pack from a fresh copy, before any build', () => {
  it.each(PACKED.filter((n) => n !== '@mlp/cli'))('%s: dist complete, no workspace: ranges, no source condition', (name) => {
    const files = listing(tarballs[name]);
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'README.md', 'LICENSE', 'package.json']) {
      expect(files).toContain(`package/${f}`);
    }
    expect(files.some((f) => f.startsWith('package/src/'))).toBe(false);
    const m = manifest(tarballs[name]);
    const text = JSON.stringify(m);
    expect(text).not.toMatch(/workspace:/);
    expect(text).not.toMatch(/@mlp\/source/);
    for (const [dep, range] of Object.entries<string>(m.dependencies ?? {})) {
      if (dep.startsWith('@mlp/')) expect(range).toBe(`^${manifest(tarballs[dep as PackedName]).version}`);
    }
  });
  it('@mlp/cli: its bin and the built CLI', () => {
    const files = listing(tarballs['@mlp/cli']);
    expect(files).toEqual(expect.arrayContaining(['package/bin/mlp.js', 'package/dist/cli.js', 'package/package.json']));
    expect(manifest(tarballs['@mlp/cli']).bin).toEqual({ mlp: './bin/mlp.js' });
  });
});

const PROGRAM = `import { MLP, Trainer, evaluate, saveModel, loadModel, type Dataset } from '@mlp/core';
import { parseIdxRaw, writeIdx, toDataset, scaling } from '@mlp/mnist';
import { defaultCacheDir } from '@mlp/mnist/node';

async function main(): Promise<void> {
  const xor: Dataset = { inputs: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), labels: Uint8Array.from([0, 1, 1, 0]), count: 4, inputSize: 2 };
  const model = new MLP({ layers: [2, 8, 2], hidden: 'tanh', output: 'softmax', loss: 'ce' }, { seed: 1 });
  await new Trainer(model, xor, { epochs: 300, batchSize: 4, lr: 0.5, momentum: 0.9, seed: 1 }).run();
  const count: number = model.parameterCount;
  // @ts-expect-error: the types are real, so a wrong one is an error (with \`any\` types this line would fail tsc).
  const wrong = () => new MLP({ layers: 'two' });
  const again = loadModel(saveModel(model, { note: 'xor' })).model;
  const idx = parseIdxRaw(writeIdx({ dims: [2, 28, 28], data: new Uint8Array(2 * 784).fill(255) }));
  const images = toDataset({ images: idx.data as Uint8Array, labels: Uint8Array.from([3, 4]), count: 2, rows: 28, cols: 28 }, scaling('0,1'));
  console.log(JSON.stringify({ accuracy: evaluate(again, xor).accuracy, count, first: images.inputs[0], cache: typeof defaultCacheDir(), wrong: typeof wrong }));
}
main();
`;

describe('an outside project installs the tarballs of @mlp/core and @mlp/mnist (npm, offline)', () => {
  const dir = outsideProject(tarballs, ['@mlp/core', '@mlp/mnist'], 'npm', inject('scratch'));
  it.each(Object.keys(MODULE_KINDS) as ModuleKind[])('%s: type-checks with the packages\u2019 types, and runs', (kind) => {
    writeFileSync(join(dir, kind, 'main.ts'), PROGRAM);
    compile(dir, kind);
    const out = JSON.parse(run(process.execPath, [join(dir, kind, 'out', 'main.js')], { cwd: dir }));
    expect(out).toEqual({ accuracy: 1, count: 42, first: 255, cache: 'string', wrong: 'function' });
  });
});

describe('the packed CLI', () => {
  it('installs from its tarball (with the libraries’) and runs as a plain `mlp`', (ctx) => {
    let dir: string;
    try {
      dir = outsideProject(tarballs, ['@mlp/cli'], 'pnpm', inject('scratch'));
    } catch (e) {
      const why = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|META_FETCH_FAIL|NO_OFFLINE/.exec(String(e));
      if (!why) throw e;
      console.log(`skipping the packed CLI: its third-party dependencies are neither in the pnpm store nor reachable (${why[0]})`);
      return ctx.skip();
    }
    const env = shellEnv({ CI: 'true' });
    expect(run('pnpm', ['exec', 'mlp', '--version'], { cwd: dir, env }).trim()).toBe(manifest(tarballs['@mlp/cli']).version);
    const r = spawnSync(join(dir, 'node_modules', '.bin', 'mlp'), ['info', 'missing.mlp'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('mlp: Model file missing.mlp does not exist; check the path (make one with: mlp train --out missing.mlp).\n');
  });
});
