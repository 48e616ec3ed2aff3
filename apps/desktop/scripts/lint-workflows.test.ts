import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS, lintWorkflows } from './lint-workflows.mjs';

describe('the workflow check', () => {
  it('finds nothing wrong with the repository’s workflows', async () => {
    const names = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));
    expect(names).toContain('desktop.yml');
    expect(await lintWorkflows(Object.fromEntries(names.map((f) => [f, readFileSync(join(WORKFLOWS, f), 'utf8')])))).toEqual([]);
  });

  it('catches a mistyped matrix key, a missing job in needs, a step output that does not exist and a bad trigger', async () => {
    const bad = `on:
  push:
    branch: [main]
jobs:
  build:
    needs: tset
    strategy:
      matrix:
        os: [ubuntu-latest]
    runs-on: \${{ matrix.sos }}
    steps:
      - id: a
        run: echo hi
      - run: echo \${{ steps.b.outputs.x }}
`;
    const found = await lintWorkflows({ 'bad.yml': bad });
    expect(found.join('\n')).toMatch(/bad\.yml:3:\d+: .*"branch"/);
    expect(found.join('\n')).toMatch(/"tset"/);
    expect(found.join('\n')).toMatch(/"sos"/);
    expect(found.join('\n')).toMatch(/"b"/);
  });
});
