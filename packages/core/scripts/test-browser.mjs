// Runs the browser tests (vitest.browser.config.ts) in Debian's Chromium, or, when it is not installed, says so and
// writes a report with the suite marked skipped, so CI shows the skip instead of passing silently.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`browser tests SKIPPED: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const report = { numTotalTests: 1, numPassedTests: 0, numFailedTests: 0, numPendingTests: 1, numTodoTests: 0, success: true, skipped: `no Chromium at ${chromium}` };
  writeFileSync(join(root, 'test-results', 'vitest-browser.json'), JSON.stringify(report));
  process.exit(0);
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.browser.config.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
});
process.exit(r.status ?? 1);
