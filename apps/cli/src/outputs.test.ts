// Output checks and writes against real files: folders, devices, FIFOs, symlinks, a file as a parent, read-only and
// full tmpfs mounts (where this sandbox may mount; skipped with the reason printed otherwise), and the rescue path.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, tempDir, tmpfs } from '../e2e/helpers.js';
import { CliError } from './errors.js';
import { checkOutput, checkOutputs, describeFsError, rescueDirs, writeAtomic, writeOrRescue } from './outputs.js';

const root = tempDir();
afterAll(cleanup);

const spec = (path: string, bytes?: number) => ({ path, flag: '--out', what: 'the model', ...(bytes ? { bytes } : {}) });
const refused = async (path: string, message: RegExp, bytes?: number) => {
  const e = await checkOutput(spec(path, bytes)).catch((x) => x);
  expect(e).toBeInstanceOf(CliError);
  expect(e.message).toMatch(/^Cannot write the model to .* \(--out\): /);
  expect(e.message).toMatch(message);
  expect(e.message).not.toMatch(/E[A-Z]{3,}:/); // no raw errno text
};

describe('checkOutput', () => {
  it('accepts a new file in folders yet to be made, without making them, and an existing regular file', async () => {
    await checkOutput(spec(join(root, 'a', 'b', 'm.mlp')));
    expect(existsSync(join(root, 'a'))).toBe(false);
    writeFileSync(join(root, 'old.mlp'), 'x');
    await checkOutput(spec(join(root, 'old.mlp')));
    expect(readdirSync(root).filter((f) => f.startsWith('.mlp-probe'))).toEqual([]); // the probe is removed
  });
  it('refuses a folder, a file as a parent, a symlink, a FIFO and a device', async () => {
    await refused(root, /it is a folder; name a file inside it/);
    await refused(`${join(root, 'new-folder')}/`, /new-folder\/ ends with a slash, so it names a folder; add a file name/);
    writeFileSync(join(root, 'plain'), 'x');
    await refused(join(root, 'plain', 'sub', 'm.mlp'), /plain is a file, not a folder/);
    symlinkSync(join(root, 'old.mlp'), join(root, 'link.mlp'));
    await refused(join(root, 'link.mlp'), /it is a symbolic link, which mlp never replaces or writes through/);
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling.mlp'));
    await refused(join(root, 'dangling.mlp'), /symbolic link/);
    execFileSync('mkfifo', [join(root, 'fifo')]);
    await refused(join(root, 'fifo'), /it is a FIFO \(named pipe\), and mlp only replaces regular files/);
    // A character device like /dev/null; without the right to mknod, /dev/null itself (still only checked, never written).
    const dev = join(root, 'null');
    const made = spawnSync('mknod', [dev, 'c', '1', '3']).status === 0;
    await refused(made ? dev : '/dev/null', /it is a device, and mlp only replaces regular files/);
  });
  it('refuses a read-only disk and a disk without room for the model', async () => {
    const ro = tmpfs('ro,size=64k');
    if (ro) await refused(join(ro, 'm.mlp'), /is not writable \(the disk is read-only\); choose another path/);
    const small = tmpfs('size=64k');
    if (small) await refused(join(small, 'sub', 'm.mlp'), /has 64 KB free and the model needs about 98 KB; free some space/, 100_000);
  });
  it('refuses two outputs, or an output and an input, that are the same file', async () => {
    const p = join(root, 'same.mlp');
    await expect(checkOutputs([spec(p), { path: p, flag: '--checkpoint', what: 'the checkpoint' }])).rejects.toThrow(
      /--checkpoint .*same\.mlp is the same file as --out/,
    );
    await expect(checkOutputs([{ path: p, flag: '--misclassified', what: 'the image' }], [{ path: p, flag: 'the model file' }])).rejects.toThrow(
      /is the same file as the model file/,
    );
    // By another path: a hard link to the input, or a new name reached through a symlinked folder.
    writeFileSync(join(root, 'model.mlp'), 'm');
    linkSync(join(root, 'model.mlp'), join(root, 'hard.png'));
    await expect(checkOutputs([{ path: join(root, 'hard.png'), flag: '--misclassified', what: 'the image' }], [{ path: join(root, 'model.mlp'), flag: 'the model file' }])).rejects.toThrow(
      /hard\.png is the same file as the model file/,
    );
    symlinkSync(root, join(root, 'via'));
    await expect(checkOutputs([spec(join(root, 'via', 'new.mlp')), { path: join(root, 'new.mlp'), flag: '--checkpoint', what: 'the checkpoint' }])).rejects.toThrow(
      /is the same file as --out/,
    );
  });
});

describe('writeAtomic and writeOrRescue', () => {
  it('replaces a regular file, and refuses what appeared at the path since the check', async () => {
    const p = join(root, 'w.mlp');
    writeFileSync(p, 'old');
    await writeAtomic(p, new TextEncoder().encode('new'));
    expect(readFileSync(p, 'utf8')).toBe('new');
    const fifo = join(root, 'late-fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(writeAtomic(fifo, new Uint8Array(3))).rejects.toThrow(/^it is a FIFO \(named pipe\), and mlp only replaces regular files/);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]); // no temp file left behind
  });
  it('writes to the first rescue folder that takes it when the path fails, under a fresh name', async () => {
    writeFileSync(join(root, 'blocker'), 'x');
    const bad = join(root, 'blocker', 'm.mlp'); // its folder is a file
    const first = join(root, 'blocker', 'rescue'); // fails the same way
    const second = join(root, 'rescued');
    const w = await writeOrRescue(spec(bad), Uint8Array.of(1, 2, 3), [first, second]);
    expect(w).toMatchObject({ rescued: true, failed: bad, reason: 'part of its folder path is a file, not a folder' });
    expect(w.path.startsWith(join(second, 'm.'))).toBe(true);
    expect(w.path.endsWith('.mlp')).toBe(true);
    expect([...readFileSync(w.path)]).toEqual([1, 2, 3]);
    const again = await writeOrRescue(spec(bad), Uint8Array.of(4), [second]);
    expect(again.path).not.toBe(w.path); // never replaces an earlier rescue
    expect([...readFileSync(w.path)]).toEqual([1, 2, 3]);
  });
  it('skips a rescue folder that is a symlink (someone else could have planted it in the shared temp folder)', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(root, 'planted'));
    writeFileSync(join(root, 'blocker2'), 'x');
    const w = await writeOrRescue(spec(join(root, 'blocker2', 'p.mlp')), Uint8Array.of(9), [join(root, 'planted'), join(root, 'safe')]);
    expect(w.path.startsWith(join(root, 'safe', 'p.'))).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
  it('names every place it tried when nothing takes the file', async () => {
    const bad = join(root, 'blocker', 'x.mlp');
    await expect(writeOrRescue(spec(bad), Uint8Array.of(1), [join(root, 'blocker', 'r')])).rejects.toThrow(
      /^Could not write the model anywhere: tried .*blocker\/x\.mlp \(part of its folder path is a file, not a folder\), .*blocker\/r\/x\..*\.mlp \(part of/,
    );
  });
  it('a full disk (a 16 KB tmpfs) sends the model to the rescue folder', async () => {
    const full = tmpfs('size=16k');
    if (!full) return;
    mkdirSync(join(full, 'sub'));
    const w = await writeOrRescue(spec(join(full, 'sub', 'm.mlp')), new Uint8Array(64 * 1024), [join(root, 'rescue-full')]);
    expect(w).toMatchObject({ rescued: true, reason: 'the disk is full' });
    expect(readFileSync(w.path).length).toBe(64 * 1024);
    expect(readdirSync(join(full, 'sub'))).toEqual([]); // the partial temp file is gone
  });
});

describe('describeFsError and rescueDirs', () => {
  it('says what an errno means in words', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(describeFsError(err('ENOSPC'))).toBe('the disk is full');
    expect(describeFsError(err('EROFS'))).toBe('the disk is read-only');
    expect(describeFsError(err('EFBIG'))).toMatch(/ulimit -f/);
    expect(describeFsError(err('EWHATEVER'))).toBe('the system refused (EWHATEVER)');
  });
  it('rescues into the cache folder first, then the OS temp folder', () => {
    expect(rescueDirs(undefined, { MLP_CACHE_DIR: '/c' })).toEqual(['/c/rescued', join(tmpdir(), 'mlp-rescued')]);
    expect(rescueDirs('/flag', { MLP_CACHE_DIR: '/c' })[0]).toBe('/flag/rescued');
  });
});
