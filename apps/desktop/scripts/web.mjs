// `pnpm web`: the desktop app's renderer in your browser, no Electron needed. Builds it (turbo, with the packages it
// bundles), then serves it and a data folder on 127.0.0.1 (cross-origin isolated, so training uses two threads as in
// the app) and prints the URL. The page's Load MNIST reads the data folder: by default the MNIST cache that `pnpm mlp
// download` and `pnpm train` fill; `--data DIR` serves another folder. `--port N` (default 5180; 0: any free port),
// `--no-build` (serve what is built). Serves files only, to this machine only; Ctrl+C stops it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveRenderer } from './serve.mjs';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(app, '..', '..');
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const USAGE = 'usage: pnpm web [--data DIR] [--port N] [--no-build]';

function fail(sentence) {
  console.error(sentence);
  process.exit(2);
}

function parse(argv) {
  const o = { data: null, port: 5180, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-build') o.build = false;
    else if (a === '--data' || a === '--port') {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value; ${USAGE}`);
      if (a === '--data') o.data = resolve(process.env.INIT_CWD ?? process.cwd(), v);
      else if (!/^\d+$/.test(v) || Number(v) > 65535) fail(`--port must be a number from 0 to 65535, got ${v}; ${USAGE}`);
      else o.port = Number(v);
    } else if (a !== '--') fail(`unknown argument ${a}; ${USAGE}`);
  }
  return o;
}

const o = parse(process.argv.slice(2));
if (o.build) {
  const r = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@mlp/desktop', '--output-logs=errors-only'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) fail('Could not build the renderer (the errors are above); fix them and run pnpm web again.');
}
const root = join(app, 'dist', 'renderer');
if (!existsSync(join(root, 'index.html'))) fail(`${root} has no built renderer; run pnpm web without --no-build.`);
// The MNIST cache (@mlp/mnist's, as the CLI uses it), unless --data names a folder.
const { MNIST, datasetDir, defaultCacheDir } = await import('@mlp/mnist/node');
const dataDir = o.data ?? datasetDir(defaultCacheDir(), MNIST);
if (o.data && !existsSync(o.data)) fail(`${o.data} does not exist; pass --data a folder holding the four MNIST .gz files.`);

let server;
try {
  server = await serveRenderer({ root, dataDir, port: o.port, isolated: true });
} catch (e) {
  fail(e.code === 'EADDRINUSE' ? `Port ${o.port} is in use; pass --port with another number (0 picks a free one).` : `Could not serve on 127.0.0.1:${o.port}: ${e.message}.`);
}
const missing = FILES.filter((f) => !existsSync(join(dataDir, f)));
console.log(`MLP workbench in your browser: ${server.url}`);
console.log(
  missing.length === 0
    ? `Load MNIST reads ${dataDir}. Ctrl+C stops the server.`
    : `${dataDir} lacks ${missing.length} of the four MNIST files, so Load MNIST will fail there: fill the cache with pnpm mlp download, or pass --data DIR, or use Choose files… on the page. Ctrl+C stops the server.`,
);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
