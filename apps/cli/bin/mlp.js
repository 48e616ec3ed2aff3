#!/usr/bin/env node
// The `mlp` executable: runs the built CLI (dist/cli.js), or says how to build it in a checkout that has not yet.
// It exists in the source tree so that `pnpm install` can link the bin before anything is built.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('mlp: the CLI is not built yet; run `pnpm build` (or `pnpm --filter @mlp/cli build`) in the checkout first.\n');
  process.exit(1);
}
await import(cli.href);
