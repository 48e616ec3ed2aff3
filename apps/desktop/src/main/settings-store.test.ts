import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '@mlp/recipe';
import { writeAtomic } from './atomic.js';
import { createSettingsHandlers } from './settings-store.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-desktop-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const store = (path: string) => createSettingsHandlers({ path, readText: (p) => readFile(p, 'utf8'), writeAtomic });

describe('remembered settings', () => {
  it('has none at first, then returns what was saved', async () => {
    const s = store(join(dir, 'settings.json'));
    expect(await s['settings:load']()).toBeNull();
    const saved = { preset: 'custom' as const, train: { ...PRESETS.best, layers: [784, 64, 32, 10], epochs: 3 } };
    await s['settings:save']({}, saved);
    expect(await s['settings:load']()).toEqual(saved);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual(saved);
  });

  it('treats a damaged or tampered file as no settings', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"preset": "seed", "train": {');
    expect(await store(path)['settings:load']()).toBeNull();
    writeFileSync(path, JSON.stringify({ preset: 'seed', train: { ...PRESETS.seed, batch: -5 } }));
    expect(await store(path)['settings:load']()).toBeNull();
  });
});
