import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../testing/temp.js';
import { writeAtomic } from './atomic.js';

const temp = tempDirs('mlp-desktop-atomic-');

describe('writeAtomic', () => {
  it('writes a new file, creating folders, and replaces an old one whole', async () => {
    const path = join(temp(), 'a', 'b', 'model.mlp');
    await writeAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await writeAtomic(path, 'hello');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    expect(readdirSync(join(path, '..'))).toEqual(['model.mlp']);
  });

  it('leaves the old file untouched and no temporary file behind when the rename fails', async () => {
    const dir = temp();
    const path = join(dir, 'settings.json');
    writeFileSync(path, 'old');
    const failing = { ...fs, rename: async () => Promise.reject(new Error('disk on fire')) };
    await expect(writeAtomic(path, 'new', failing)).rejects.toThrow(`Could not write ${path}: disk on fire`);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('leaves the old file untouched when writing the data fails half-way', async () => {
    const dir = temp();
    const path = join(dir, 'model.mlp');
    writeFileSync(path, 'old');
    const failing = {
      ...fs,
      open: (async (p: string, flags: string) => {
        const fh = await fs.open(p, flags);
        return Object.assign(Object.create(fh), {
          writeFile: async (data: Uint8Array) => {
            await fh.writeFile(data.subarray(0, 1));
            throw new Error('ENOSPC: no space left on device');
          },
          sync: () => fh.sync(),
          close: () => fh.close(),
        });
      }) as typeof fs.open,
    };
    await expect(writeAtomic(path, new Uint8Array(100), failing)).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['model.mlp']);
  });
});
