#!/usr/bin/env node
// The `mlp` executable. Installed from the package it runs dist/cli.js; in a checkout (`pnpm mlp …`, `pnpm exec mlp …`)
// it first brings the build up to date through turbo, silently unless the build fails. It never prints anything else.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
const checkout = fileURLToPath(new URL('../../../', import.meta.url));
const inCheckout = existsSync(new URL('../src/cli.ts', import.meta.url)) && existsSync(`${checkout}turbo.json`);

if (inCheckout) {
  // turbo's banner, summary and telemetry notice stay in this pipe; only a failed build shows its log.
  const bin = `${checkout}node_modules/.bin/turbo${process.platform === 'win32' ? '.cmd' : ''}`;
  const turbo = spawnSync(bin, ['run', 'build', '--filter=@mlp/cli', '--output-logs=errors-only'], {
    cwd: checkout,
    shell: process.platform === 'win32',
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (turbo.signal === 'SIGINT') {
    process.stderr.write('mlp: interrupted while building the CLI; nothing was run.\n');
    process.exit(130);
  }
  if (turbo.status !== 0) {
    process.stderr.write(`${turbo.stdout ?? ''}${turbo.stderr ?? ''}`);
    const why = turbo.error ? turbo.error.message : turbo.signal ? `stopped by ${turbo.signal}` : `exit code ${turbo.status}`;
    process.stderr.write(`mlp: building the CLI failed (turbo run build --filter=@mlp/cli, ${why}); its log is above.\n`);
    process.exit(1);
  }
}
if (!existsSync(cli)) {
  process.stderr.write('mlp: the CLI is not built yet; run `pnpm build` (or `pnpm --filter @mlp/cli build`) in the checkout first.\n');
  process.exit(1);
}
await import(cli.href);
