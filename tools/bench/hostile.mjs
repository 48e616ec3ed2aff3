// Benchmark: what each hostile input of issue 15's kinds costs the built `mlp` CLI — wall time, peak RSS and the one
// sentence it ends with. Prints numbers; never asserts (the tests assert the memory ceilings, never the time).
// Every hostile file is generated here, in a temporary folder; each case runs in a fresh child process whose peak RSS
// is read from /proc (VmHWM) as it exits. Needs the built CLI (turbo's bench task builds it) and real MNIST.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import { crc32 } from '@mlp/core';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'apps/cli/dist/cli.js');
const dataDir = process.env.MNIST_DIR || resolve(root, '../shared/data/mnist');
const NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
if (!existsSync(cli)) {
  console.error(`hostile: ${cli} is missing; run \`pnpm turbo run bench --filter @mlp/bench\`, which builds it first`);
  process.exit(1);
}
const missing = NAMES.filter((n) => !existsSync(join(dataDir, n)));
if (missing.length > 0) {
  console.log(`hostile: skipped, ${missing.join(', ')} not found in ${dataDir} (set MNIST_DIR to a folder with the four MNIST files)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'mlp-bench-hostile-'));
const reporter = join(work, 'rss.cjs');
writeFileSync(
  reporter,
  `process.on('exit', () => {
  const m = /VmHWM:\\s*(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
  process.stderr.write('\\nVmHWM ' + (m ? m[1] : process.resourceUsage().maxRSS) + '\\n');
});
`,
);

/** One run of the CLI: seconds, peak MB, exit code and the last line it printed on stderr (its sentence). */
function run(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-r', reporter, cli, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', MLP_CACHE_DIR: join(work, 'cache') },
  });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/VmHWM (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  const said = r.stderr.replace(/VmHWM \d+\s*$/, '').trim().split('\n').filter(Boolean).at(-1) ?? '';
  return { seconds, mb: kb / 1024, code: r.status, said };
}

/** A gzip stream that inflates to `head` then zeros, `mib` MiB in all: concatenated members, ~1 KB per MiB. */
function bomb(head, mib) {
  const zeros = gzipSync(Buffer.alloc(1 << 20));
  const first = gzipSync(Buffer.concat([head, Buffer.alloc((1 << 20) - head.length)]));
  return Buffer.concat([first, ...Array.from({ length: mib - 1 }, () => zeros)]);
}

/** A PNG whose header declares width × height (8-bit grey), with one tiny IDAT: nothing to decode but the header. */
function pngDeclaring(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  // Row filters and pixels for the whole image, all zeros: deflate squeezes 100 M bytes into ~100 KB.
  const idat = deflateSync(Buffer.alloc((width + 1) * Math.min(height, 2000)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A model file whose header declares `layers` and holds no weights at all (the format of @mlp/core's format.ts). */
function lyingModel(layers) {
  const json = JSON.stringify({ kind: 'model', config: { layers, hidden: 'sigmoid', output: 'sigmoid', loss: 'mse' }, tensors: [], meta: {} });
  const header = Buffer.from(json.padEnd(json.length + ((4 - ((12 + json.length) % 4)) % 4), ' '));
  const fixed = Buffer.alloc(12);
  fixed.write('MLPW', 0, 'latin1');
  fixed.writeUInt32LE(1, 4);
  fixed.writeUInt32LE(header.length, 8);
  return Buffer.concat([fixed, header, Buffer.alloc(4)]); // no tensors, then where the checksum goes
}

const cases = [];
try {
  // 1. A 1 MB train-images file that inflates to 1 GiB (an honest IDX header for 60000×28×28, then zeros far past it).
  const bombDir = join(work, 'bomb');
  mkdirSync(bombDir);
  for (const n of NAMES.slice(1)) copyFileSync(join(dataDir, n), join(bombDir, n));
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x00000803, 0);
  head.writeUInt32BE(60000, 4);
  head.writeUInt32BE(28, 8);
  head.writeUInt32BE(28, 12);
  writeFileSync(join(bombDir, NAMES[0]), bomb(head, 1024));
  cases.push(['gzip bomb: 1 MB train-images.gz → 1 GiB (mlp train --data)', ['train', '--data', bombDir, '--epochs', '1', '--out', join(work, 'b.mlp')]]);

  // 2. A 96-byte .mlp declaring 784-15000-15000-10 (237 M parameters) and holding none.
  writeFileSync(join(work, 'lying.mlp'), lyingModel([784, 15000, 15000, 10]));
  cases.push(['lying model header: 784-15000-15000-10 in ~100 bytes (mlp info)', ['info', join(work, 'lying.mlp')]]);

  // 3. A ~100 KB PNG declaring 10000×10000 pixels, given to predict (with a genuine small model).
  const model = join(work, 'm.mlp');
  const trained = run(['train', '--data', dataDir, '--layers', '784,16,10', '--epochs', '1', '--out', model]);
  if (trained.code !== 0) throw new Error(`could not train the model that predict needs: ${trained.said}`);
  writeFileSync(join(work, 'huge.png'), pngDeclaring(10000, 10000));
  cases.push(['PNG declaring 10000×10000 (mlp predict)', ['predict', model, join(work, 'huge.png')]]);

  // 4. A model whose metadata names /etc/passwd as its dataset (a fact to show, never a descriptor to read).
  const { loadModel, saveModel } = await import('@mlp/core');
  const genuine = loadModel(new Uint8Array(readFileSync(model)));
  writeFileSync(join(work, 'passwd.mlp'), saveModel(genuine.model, { ...genuine.meta, dataset: '/etc/passwd' }));
  cases.push(['model metadata naming /etc/passwd as its dataset (mlp eval)', ['eval', join(work, 'passwd.mlp')]]);
  // For scale: the same model's ordinary evaluation on the real test files.
  cases.push(['reference: mlp eval of a genuine model with --data', ['eval', model, '--data', dataDir]]);

  console.log('| case | exit | seconds | peak MB | what it said |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, args] of cases) {
    const r = run(args);
    console.log(`| ${name} | ${r.code} | ${r.seconds.toFixed(2)} | ${r.mb.toFixed(0)} | ${r.said.slice(0, 160)} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
