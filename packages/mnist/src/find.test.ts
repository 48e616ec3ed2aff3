// findFile: regular files (and symlinks to them) are found by the first name that exists; a FIFO, a device or a
// folder under a name is refused by name, never opened (a FIFO would block the read forever, /dev/zero never end).
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './download.js';
import { findFile } from './find.js';
import { rejectsWith, tempDir } from './testing/fixtures.js';

describe('findFile', () => {
  it('returns the first candidate that is a regular file, following symlinks to one, else null', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b'), 'four');
    expect(await findFile(dir, ['a', 'b'])).toEqual({ path: join(dir, 'b'), size: 4 });
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    expect(await findFile(dir, ['a', 'b'])).toEqual({ path: join(dir, 'a'), size: 4 });
    expect(await findFile(dir, ['c'])).toBeNull();
  });

  it('refuses a folder, a FIFO and a symlink to a device by name, with its own reason', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.gz'));
    symlinkSync('/dev/zero', join(dir, 'zero.gz'));
    const cases: [string, RegExp][] = [
      ['folder.gz', /folder\.gz is a folder, not a regular file; put the file itself there\.$/],
      ['zero.gz', /zero\.gz is a device, not a regular file/],
    ];
    if (spawnSync('mkfifo', [join(dir, 'fifo.gz')]).status === 0) cases.push(['fifo.gz', /fifo\.gz is a FIFO \(named pipe\), not a regular file/]);
    else console.log('skipping the FIFO case: mkfifo is not available here');
    for (const [name, message] of cases) {
      const e = await rejectsWith(findFile(dir, [name, 'other']), DatasetError);
      expect([e.code, e.reason, e.file]).toEqual(['MISSING_FILE', 'not a regular file', name]);
      expect(e.message).toMatch(message);
    }
  });
});
