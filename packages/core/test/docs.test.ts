// The API reference builds without a warning (every export documented, no broken links): TypeDoc as `pnpm docs` runs
// it, in a child process, writing nothing. It checks that comments exist, not what they say. The files of the core
// rewrite in progress (REWRITE) are reported, not failed, until that rewrite lands with its doc comments.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { expect, it } from 'vitest';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REWRITE = /defined in @mlp\/core\/src\/(mlp|train|sgd|backend|evaluate|dense|matmul|activations|losses|index)\.ts|src\/kernels\//;

it('TypeDoc documents every export of @mlp/core without a warning (outside the files being rewritten)', () => {
  const manifest = createRequire(import.meta.url).resolve('typedoc/package.json');
  const bin = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.typedoc);
  const r = spawnSync(process.execPath, [bin, '--emit', 'none'], { cwd: pkgDir, encoding: 'utf8' });
  const lines = stripVTControlCharacters(`${r.stdout}${r.stderr}`).split('\n');
  const problems = lines.filter((l) => /^\[(warning|error)\]/.test(l) && !/^\[warning\] Found \d+ errors and \d+ warnings$/.test(l));
  const pending = problems.filter((l) => REWRITE.test(l));
  if (pending.length > 0) console.log(`${pending.length} TypeDoc warnings remain in the files being rewritten:\n${pending.join('\n')}`);
  expect(problems.filter((l) => !REWRITE.test(l))).toEqual([]);
  expect(lines.some((l) => l.startsWith('[error]'))).toBe(false);
});
