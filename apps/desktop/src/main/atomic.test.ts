import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('replaces only regular files: a symlink, a folder and a FIFO are refused and left as they were', async () => {
    const dir = temp();
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'keep');
    const link = join(dir, 'link.mlp');
    symlinkSync(target, link);
    await expect(writeAtomic(link, 'new')).rejects.toThrow(`Could not write ${link}: it is a symbolic link, and only regular files are replaced; choose another name.`);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    mkdirSync(join(dir, 'folder.mlp'));
    await expect(writeAtomic(join(dir, 'folder.mlp'), 'new')).rejects.toThrow(/it is a folder/);
    const fifo = join(dir, 'fifo.mlp');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      await expect(writeAtomic(fifo, 'new')).rejects.toThrow(/it is not a regular file \(a device, FIFO or socket\)/);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
    } else console.log('skipping the FIFO case: mkfifo is not available here');
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
