// Runs every benchmark script in this folder (or those named: `node run-all.mjs mnist-load`), one after another.
// Benchmarks print numbers; this exits non-zero only when a script crashes, never because something was slow.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
/** Scripts here that are tools, not benchmarks: tune.mjs trains for minutes and is run by hand with its settings. */
const TOOLS = ['tune.mjs'];
const wanted = process.argv.slice(2).map((n) => n.replace(/\.mjs$/, ''));
const benchmarks = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== self && !TOOLS.includes(f));
const scripts = benchmarks.filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.mjs$/, ''))).sort();
if (scripts.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${benchmarks.join(', ')}`);
  process.exit(1);
}
let crashed = 0;
for (const s of scripts) {
  console.log(`\n== ${s}`);
  const r = spawnSync(process.execPath, [join(here, s)], { stdio: 'inherit' });
  if (r.status !== 0) {
    crashed++;
    console.error(`${s} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(crashed === 0 ? 0 : 1);
