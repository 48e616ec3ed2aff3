// `pnpm --filter @mlp/desktop start`: make sure Electron's binary is there (downloading it once, on a machine that
// can reach Electron's releases), build main, preload and renderer, then launch the app.
// pnpm never runs electron's install script (it is not in onlyBuiltDependencies), so `pnpm install` never downloads it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronPackageDir } from './electron-binary.mjs';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = process.env, failure = '') => {
  const r = spawnSync(cmd, args, { cwd: app, stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (r.status !== 0) {
    if (failure) console.error(failure);
    process.exit(r.status ?? 1);
  }
};

let bin = electronBinary();
if (!bin.path) {
  const dir = electronPackageDir();
  if (!dir) {
    console.error(`Cannot start: ${bin.reason}.`);
    process.exit(1);
  }
  console.log(`${bin.reason}; downloading it once (node ${join(dir, 'install.js')})…`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  run(process.execPath, [join(dir, 'install.js')], env, "Could not download Electron's binary: check the network, or set ELECTRON_MIRROR to a reachable mirror.");
  bin = electronBinary();
  if (!bin.path) {
    console.error(`Cannot start: ${bin.reason}. Check the network, or set ELECTRON_MIRROR.`);
    process.exit(1);
  }
}

run('pnpm', ['run', 'build']);
const r = spawnSync(bin.path, ['.', ...process.argv.slice(2)], { cwd: app, stdio: 'inherit' });
process.exit(r.status ?? 0);
