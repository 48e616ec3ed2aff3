// `pnpm test` for @mlp/core: the Node suite, then the Chromium suite whatever the Node suite's outcome, so one failure
// never hides the other's report; exits non-zero when either failed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
const node = run([join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run']);
const browser = run([join(root, 'scripts', 'test-browser.mjs')]);
if (node !== 0) console.error(`@mlp/core: the Node suite failed (exit ${node})${browser === 0 ? '; the Chromium suite passed' : ''}`);
if (browser !== 0) console.error(`@mlp/core: the Chromium suite failed (exit ${browser})`);
process.exit(node || browser);
