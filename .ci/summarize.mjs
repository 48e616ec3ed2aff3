// Sums every workspace's vitest JSON report (test-results/vitest.json) into the line CI reads: "N passed, N failed".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const group of ['packages', 'apps', 'tools']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = join(group, name, 'test-results', 'vitest.json');
    if (!existsSync(join(group, name, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(group, name, 'package.json'), 'utf8'));
    if (!pkg.scripts?.test) continue;
    if (!existsSync(file)) {
      rows.push(`${group}/${name}: no report (its tests did not run or crashed)`);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const f = r.numFailedTests + (r.numFailedTestSuites ?? 0);
    passed += r.numPassedTests;
    failed += f;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    rows.push(`${group}/${name}: ${r.numPassedTests} passed, ${f} failed, ${(r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)} skipped`);
  }
}
for (const row of rows) console.log(row);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
