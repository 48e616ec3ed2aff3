// The API reference builds without a warning (every export documented, no broken links): TypeDoc as `pnpm docs` runs
// it, in a child process, writing nothing. It checks that comments exist, not what they say.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { expect, it } from 'vitest';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

it('TypeDoc documents every export of @mlp/mnist and @mlp/mnist/node without a warning', () => {
  const manifest = createRequire(import.meta.url).resolve('typedoc/package.json');
  const bin = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.typedoc);
  const r = spawnSync(process.execPath, [bin, '--emit', 'none'], { cwd: pkgDir, encoding: 'utf8' });
  const lines = stripVTControlCharacters(`${r.stdout}${r.stderr}`).split('\n');
  expect(lines.filter((l) => /^\[(warning|error)\]/.test(l))).toEqual([]);
  expect(r.status, r.stdout + r.stderr).toBe(0);
});
