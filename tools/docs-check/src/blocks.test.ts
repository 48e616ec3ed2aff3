// The README convention's extractor: languages that run, the skip and typecheck markers (with their reasons), indented fences.
import { describe, expect, it } from 'vitest';
import { extractBlocks } from './blocks.js';

const md = (...lines: string[]) => lines.join('\n');

describe('extractBlocks', () => {
  it('runs ts, js, sh and python blocks; other info strings are prose', () => {
    const blocks = extractBlocks(md('```ts', 'const a = 1;', '```', '```text', 'not code', '```', '```', 'plain', '```', '```sh', 'echo hi', '```'), 'R.md');
    expect(blocks.map((b) => [b.lang, b.line, b.mode, b.code])).toEqual([
      ['ts', 1, 'run', 'const a = 1;\n'],
      ['sh', 10, 'run', 'echo hi\n'],
    ]);
  });
  it('honours the markers on the line before the fence, with their reasons', () => {
    const blocks = extractBlocks(
      md('<!-- docs-check: skip (needs a GPU) -->', '```python', 'x', '```', '<!-- docs-check: typecheck (a placeholder path) -->', '```ts', 'y', '```', '<!-- docs-check: esm (top-level await) -->', '```ts', 'z', '```', '<!-- docs-check: esm typecheck (both) -->', '```ts', 'w', '```'),
      'R.md',
    );
    expect(blocks.map((b) => [b.mode, b.esmOnly, b.reason])).toEqual([
      ['skip', false, 'needs a GPU'],
      ['typecheck', false, 'a placeholder path'],
      ['run', true, 'top-level await'],
      ['typecheck', true, 'both'],
    ]);
  });
  it('removes the fence indentation of blocks inside lists', () => {
    const [b] = extractBlocks(md('- item', '', '  ```js', '  if (a) {', '    b();', '  }', '  ```'), 'R.md');
    expect(b!.code).toBe('if (a) {\n  b();\n}\n');
  });
  it('refuses a marker without a reason, a misspelt one, and typecheck on a non-ts block', () => {
    expect(() => extractBlocks(md('<!-- docs-check: skip -->', '```sh', 'x', '```'), 'R.md')).toThrow(/say why/);
    expect(() => extractBlocks(md('<!-- docs-check: skipp (x) -->', '```sh', 'x', '```'), 'R.md')).toThrow(/must read/);
    expect(() => extractBlocks(md('<!-- docs-check: typecheck (x) -->', '```sh', 'x', '```'), 'R.md')).toThrow(/only ts blocks take the typecheck marker/);
  });
});
