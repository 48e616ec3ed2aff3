// Executable documentation: every runnable code block of the READMEs (root, packages/*, apps/*, tools/*; the
// convention is in blocks.ts and this tool's README) runs against what a stranger gets. ts blocks are type-checked as
// CommonJS (node16) and as ESM (nodenext) in an outside project holding the packed libraries, then run in both; js
// blocks run as ES modules there; python blocks run with python3; sh blocks run in bash in a fresh copy of the
// checkout. Blocks run in a folder holding model.mlp, model.onnx and model.safetensors, with MNIST in a fresh cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MLP, saveModel } from '@mlp/core';
import { toOnnx, toSafetensors } from '@mlp/export';
import { MNIST, importFrom } from '@mlp/mnist/node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type Block, readBlocks } from './blocks.js';
import { ROOT, shellEnv } from './pack.js';
import { MODULE_KINDS, type ModuleKind, compile, outsideProject } from './project.js';

const READMES = [
  'README.md',
  ...['packages', 'apps', 'tools'].flatMap((group) =>
    readdirSync(join(ROOT, group))
      .filter((d) => existsSync(join(ROOT, group, d, 'README.md')))
      .map((d) => `${group}/${d}/README.md`),
  ),
];
const blocks = READMES.flatMap((f) => readBlocks(join(ROOT, f), f));
const slug = (b: Block) => `${b.file.replace(/\W+/g, '_')}_${b.line}`;
const kindsOf = (b: Block): ModuleKind[] => (b.esmOnly ? ['esm'] : (Object.keys(MODULE_KINDS) as ModuleKind[]));

const MNIST_DIR = process.env.MNIST_DIR ?? join(ROOT, '..', 'shared', 'data', 'mnist');
const mnistFiles = Object.values(MNIST.files).map((f) => f.name);
const noMnist = mnistFiles.every((f) => existsSync(join(MNIST_DIR, f))) ? '' : `no MNIST files in ${MNIST_DIR} (set MNIST_DIR to a folder with them)`;
const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const noPython = python.status === 0 ? '' : `python3 with numpy is not available (${(python.error?.message ?? python.stderr).trim()})`;

let project: string;
let work: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  // The fixtures the READMEs name: a model (784-16-10, seeded, untrained: the snippets show the calls, not accuracy).
  work = mkdtempSync(join(inject('scratch'), 'readme-'));
  const model = new MLP({ layers: [784, 16, 10] }, { seed: 1 });
  const meta = { scaling: { mul: 2 / 255, add: -1 }, dataset: 'mnist' };
  writeFileSync(join(work, 'model.mlp'), saveModel(model, meta));
  writeFileSync(join(work, 'model.onnx'), toOnnx(model, meta));
  writeFileSync(join(work, 'model.safetensors'), toSafetensors(model, meta));
  const cache = join(work, 'cache');
  if (!noMnist) await importFrom(MNIST_DIR, MNIST, { cacheDir: cache });
  // No block may reach the network: a dead mirror first, and the seeded cache satisfies every MNIST load.
  env = shellEnv({ CI: 'true', MLP_CACHE_DIR: cache, MNIST_MIRROR: 'http://127.0.0.1:9/', npm_config_prefer_offline: 'true' });
  project = outsideProject(inject('tarballs'), ['@mlp/core', '@mlp/mnist', '@mlp/recipe', '@mlp/export'], 'pnpm', inject('scratch'));
  for (const b of blocks.filter((b) => b.lang === 'ts' && b.mode !== 'skip')) {
    for (const kind of kindsOf(b)) writeFileSync(join(project, kind, `${slug(b)}.ts`), `${b.code}\nexport {};\n`);
  }
});

function runIn(cwd: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, `${cmd} ${args.join(' ')} (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stdout}${r.stderr}`).toBe(0);
}

describe.each(Object.keys(MODULE_KINDS) as ModuleKind[])('the ts blocks type-check as %s', (kind) => {
  it('against the packed packages’ types', () => compile(project, kind));
});

for (const file of READMES) {
  const mine = blocks.filter((b) => b.file === file);
  if (mine.length === 0) continue;
  describe(file, () => {
    for (const b of mine) {
      const title = `${b.lang} block at line ${b.line}`;
      if (b.mode === 'skip' || b.mode === 'typecheck') {
        it.skip(`${title}: not run (${b.reason})`, () => {});
        continue;
      }
      const why = b.lang === 'python' ? noPython : b.lang === 'js' ? '' : noMnist;
      if (why) {
        it.skip(`${title}: skipped, ${why}`, () => {});
        console.log(`skipping ${file}:${b.line}: ${why}`);
        continue;
      }
      it(title, () => {
        if (b.lang === 'ts') for (const kind of kindsOf(b)) runIn(work, process.execPath, [join(project, kind, 'out', `${slug(b)}.js`)]);
        if (b.lang === 'js') {
          const f = join(project, `${slug(b)}.mjs`);
          writeFileSync(f, b.code);
          runIn(work, process.execPath, [f]);
        }
        if (b.lang === 'python') {
          writeFileSync(join(work, `${slug(b)}.py`), b.code);
          runIn(work, 'python3', [`${slug(b)}.py`]);
        }
        if (b.lang === 'sh') runIn(inject('copy'), 'bash', ['-euo', 'pipefail', '-c', b.code]);
      });
    }
  });
}
