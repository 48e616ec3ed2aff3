import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILDER_CONFIG, WORKFLOWS, checkBuilderConfig, lintWorkflows } from './check-config.mjs';

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

  it('finds electron-builder.yml valid, with the .mlp association and every release target', () => {
    const text = readFileSync(BUILDER_CONFIG, 'utf8');
    expect(checkBuilderConfig(text)).toEqual([]);
    expect(text).toMatch(/fileAssociations:\n\s+- ext: mlp/);
  });

  it('catches a misspelt key, a wrong type and broken YAML in the builder config', () => {
    expect(checkBuilderConfig('appId: x\nfileAssociation:\n  - ext: mlp\n').join('\n')).toMatch(/must NOT have additional properties \(fileAssociation\)/);
    expect(checkBuilderConfig('appId: x\nfileAssociations:\n  - ext: mlp\n    role: 5\n').join('\n')).toMatch(/at \/fileAssociations\/0\/role: must be (string|null)/);
    expect(checkBuilderConfig('appId: [x')).toEqual([expect.stringMatching(/^not YAML: /)]);
  });
});
