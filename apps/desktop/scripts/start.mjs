// `pnpm --filter @mlp/desktop start`: make sure Electron's binary is there (downloading it once, on a machine that
// can reach Electron's releases), build main, preload and renderer, then launch the app. Offline, it says in one
// sentence how to fetch Electron later and how to run the same app in a browser now (`pnpm web`); no stack trace.
// pnpm never runs electron's install script (it is not in onlyBuiltDependencies), so `pnpm install` never downloads it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronPackageDir } from './electron-binary.mjs';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: app, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
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
  // Its output is kept back: a failed download prints a stack trace, which says less than the sentence below.
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: app, env, encoding: 'utf8' });
  if (r.status !== 0) {
    const why = /^\w*Error: (.+)$/m.exec(`${r.stderr}\n${r.stdout}`)?.[1]?.trim() ?? `its installer exited with ${r.status ?? r.signal}`;
    console.error(
      `Cannot start the desktop app: Electron's binary is not installed and could not be downloaded (${why}); run pnpm start once on a machine that can reach github.com (or set ELECTRON_MIRROR to a reachable mirror) to fetch it, or run the same app in your browser now with pnpm web.`,
    );
    process.exit(1);
  }
  bin = electronBinary();
  if (!bin.path) {
    console.error(`Cannot start: ${bin.reason}. Check the network, or set ELECTRON_MIRROR.`);
    process.exit(1);
  }
}

run('pnpm', ['run', 'build']);
const r = spawnSync(bin.path, ['.', ...process.argv.slice(2)], { cwd: app, stdio: 'inherit' });
process.exit(r.status ?? 0);
