// The core redesign's size rule kept true: no hand-written source file in packages/*/src over 400 lines (tests and
// files whose header says GENERATED aside), and MLP, the file a learner opens first, about 150–250 lines.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('the packages’ source layout', () => {
  const packages = readdirSync(join(ROOT, 'packages'));
  const files = packages.flatMap((p) => sources(join(ROOT, 'packages', p, 'src')));

  it('has no hand-written source file over 400 lines', () => {
    expect(files.length).toBeGreaterThan(20);
    const long = files.filter((f) => !readFileSync(f, 'utf8').startsWith('// GENERATED') && lines(f) > 400).map((f) => `${relative(ROOT, f)}: ${lines(f)} lines`);
    expect(long).toEqual([]);
  });

  it('keeps MLP readable: packages/core/src/mlp.ts is 150–250 lines', () => {
    const n = lines(join(ROOT, 'packages', 'core', 'src', 'mlp.ts'));
    expect(n).toBeGreaterThanOrEqual(150);
    expect(n).toBeLessThanOrEqual(250);
  });
});
