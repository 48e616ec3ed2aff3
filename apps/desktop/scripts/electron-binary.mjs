// Where Electron's binary is, without ever downloading it: the electron package's own lookup (require('electron'))
// downloads a missing binary, so this reads its path.txt the same way and only checks that the file exists.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The electron package folder, or null when it is not installed. */
export function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Absolute path of the Electron executable, or null with the reason it is unavailable. */
export function electronBinary() {
  const dir = electronPackageDir();
  if (!dir) return { path: null, reason: 'the electron package is not installed (run pnpm install)' };
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)" };
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(exe)) return { path: null, reason: `Electron's binary is missing (${exe})` };
  return { path: exe, reason: null };
}
