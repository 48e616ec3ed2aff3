// The built browser entry (dist/index.js and every chunk it imports, and dist/index.cjs) reaches no Node module:
// no node: specifier and no bare builtin ('fs', 'zlib', ...), whether imported, re-exported, loaded lazily or required.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PKG, ensureBuilt } from './testing/build.js';

beforeAll(() => ensureBuilt(), 120_000);

/** import/export ... from 'x', import 'x', import('x'), require('x'). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g;
const isNodeBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s) || builtinModules.includes(s.split('/')[0]!);

/** Every Node builtin that `entry` reaches through relative imports, as 'file: specifier'; also the files read. */
function nodeImports(entry: string): { found: string[]; files: string[] } {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const spec = m[2]!;
      if (isNodeBuiltin(spec)) found.push(`${file}: ${spec}`);
      else if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
    }
  };
  visit(entry);
  return { found, files: [...seen] };
}

describe('built browser entry', () => {
  it('dist/index.js and the chunks it imports contain no node: import or require', () => {
    const { found, files } = nodeImports(join(PKG, 'dist', 'index.js'));
    expect(files.length).toBeGreaterThan(1); // the entry and at least one shared chunk were followed
    expect(found).toEqual([]);
  });

  it('dist/index.cjs requires no Node module', () => {
    expect(nodeImports(join(PKG, 'dist', 'index.cjs')).found).toEqual([]);
  });

  it('the check can fail: it finds the node: imports of the Node entry dist/node.js', () => {
    const { found } = nodeImports(join(PKG, 'dist', 'node.js'));
    expect(found.some((f) => f.endsWith(': node:fs/promises'))).toBe(true);
    expect(found.some((f) => f.endsWith(': node:zlib'))).toBe(true);
  });
});
