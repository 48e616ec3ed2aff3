// The training settings' reference stays whole: every recipe setting has a `mlp train` flag, and apps/cli/README.md
// has a row for that flag with the recipe's range, word for word.
import { readFileSync } from 'node:fs';
import { SETTING_KEYS, allowed } from '@mlp/recipe';
import { describe, expect, it } from 'vitest';
import { program } from './cli.js';
import { flagOf } from './values.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const train = program(() => {}).commands.find((c) => c.name() === 'train')!;

describe('the training settings', () => {
  it.each(SETTING_KEYS)('%s has its flag and a README row with its range', (key) => {
    const flag = flagOf(key);
    expect(train.options.map((o) => o.long)).toContain(flag);
    expect(readme).toContain(`| \`${flag}\` | ${allowed(key)} |`);
  });
  it('the README check can fail: a row with another range is not found', () => {
    expect(readme).not.toContain(`| \`--lr\` | a number in (0, 1000] |`);
  });
});
