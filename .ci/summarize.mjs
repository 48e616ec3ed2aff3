// Sums every workspace's vitest JSON reports (test-results/*.json: vitest.json, and e.g. vitest-browser.json from a
// second run in Chromium) into the line CI reads: "N passed, N failed".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const group of ['packages', 'apps', 'tools']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name, 'test-results');
    if (!existsSync(join(group, name, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(group, name, 'package.json'), 'utf8'));
    if (!pkg.scripts?.test) continue;
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
    const reports = files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]).filter(([, r]) => typeof r.numPassedTests === 'number');
    if (reports.length === 0) {
      rows.push(`${group}/${name}: no report (its tests did not run or crashed)`);
      failed += 1;
      continue;
    }
    for (const [f, r] of reports) {
      const fl = r.numFailedTests + (r.numFailedTestSuites ?? 0);
      const sk = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      passed += r.numPassedTests;
      failed += fl;
      skipped += sk;
      rows.push(`${group}/${name} (${f}): ${r.numPassedTests} passed, ${fl} failed, ${sk} skipped`);
    }
  }
}
for (const row of rows) console.log(row);
console.log(`(${skipped} skipped, each with its reason printed above)`);
// The last line is exactly what CI reads.
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
