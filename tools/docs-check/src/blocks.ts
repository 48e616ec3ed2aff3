// The README convention, in one place: which fenced code blocks run, and how they are marked otherwise. Extraction
// only; readme.test.ts runs the blocks.
//
//   ```ts / ```js / ```sh / ```python   runs (ts: type-checked as CommonJS and as ESM against the packed packages,
//                                         then run; js: run as an ES module; sh: bash in a fresh copy; python: python3)
//   <!-- docs-check: skip (reason) -->   on the line before the fence: never runs; the reason is required
//   <!-- docs-check: typecheck (reason) --> before a ts block: type-checked, not run (a placeholder path, a browser URL)
//   <!-- docs-check: esm (reason) -->    before a ts block: checked and run as an ES module only (top-level await)
//   <!-- docs-check: esm typecheck (reason) -->  both: checked as an ES module only, not run
//   any other info string (```text, plain ```)  is prose, never run
import { readFileSync } from 'node:fs';

export const LANGS = ['ts', 'js', 'sh', 'python'] as const;
export type Lang = (typeof LANGS)[number];

export interface Block {
  /** The README, as given to `extractBlocks`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: Lang;
  /** The block's text, its fence's indentation removed. */
  code: string;
  /** 'skip': nothing; 'typecheck': checked, not run; 'run': checked and run. */
  mode: 'run' | 'typecheck' | 'skip';
  /** ts only: checked (and run) as an ES module only, not as CommonJS. */
  esmOnly: boolean;
  /** Why, for any marker. */
  reason?: string;
}

const MARKER = /^\s*<!--\s*docs-check:\s*(skip|typecheck|esm|esm typecheck)\s*(?:\((.+)\))?\s*-->\s*$/;

/** Every block of a runnable language in `text`, with its mode; throws on a marker without a reason or on a bad one. */
export function extractBlocks(text: string, file: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[end]!)) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    const marker = i > 0 ? MARKER.exec(lines[i - 1]!) : null;
    if (i > 0 && /docs-check/.test(lines[i - 1]!) && !marker) throw new Error(`${file}:${i}: a docs-check marker must read <!-- docs-check: skip|typecheck|esm|esm typecheck (reason) -->.`);
    if ((LANGS as readonly string[]).includes(info)) {
      const block: Block = { file, line: i + 1, lang: info as Lang, code: `${body.join('\n')}\n`, mode: 'run', esmOnly: false };
      if (marker) {
        if (!marker[2]) throw new Error(`${file}:${i}: say why the block at line ${i + 1} does not run: <!-- docs-check: ${marker[1]} (reason) -->.`);
        if (marker[1] !== 'skip' && info !== 'ts') throw new Error(`${file}:${i}: only ts blocks take the ${marker[1]} marker.`);
        block.mode = marker[1] === 'skip' ? 'skip' : marker[1]!.includes('typecheck') ? 'typecheck' : 'run';
        block.esmOnly = marker[1]!.startsWith('esm');
        block.reason = marker[2];
      }
      blocks.push(block);
    }
    i = end;
  }
  return blocks;
}

export function readBlocks(path: string, name: string): Block[] {
  return extractBlocks(readFileSync(path, 'utf8'), name);
}
