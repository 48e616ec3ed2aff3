// Tests for the test helper that decides when dist/ must be rebuilt (a fake package in a temp folder; no real build).
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distIsStale } from './build.js';
import { tempDir } from './fixtures.js';

describe('distIsStale', () => {
  it('is true when dist is missing, or older than any non-test source file; test files do not count', () => {
    const root = tempDir();
    mkdirSync(join(root, 'src', 'testing'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    const at = (path: string, seconds: number) => {
      writeFileSync(path, '');
      utimesSync(path, seconds, seconds);
    };
    at(join(root, 'package.json'), 1000);
    at(join(root, 'src', 'a.ts'), 1000);
    expect(distIsStale(root)).toBe(true);
    for (const f of ['index.js', 'index.cjs', 'node.js', 'node.cjs']) at(join(root, 'dist', f), 2000);
    expect(distIsStale(root)).toBe(false);
    at(join(root, 'src', 'a.test.ts'), 3000);
    at(join(root, 'src', 'testing', 'fixtures.ts'), 3000);
    expect(distIsStale(root)).toBe(false);
    at(join(root, 'src', 'a.ts'), 3000);
    expect(distIsStale(root)).toBe(true);
  });
});
