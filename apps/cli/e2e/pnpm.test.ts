// The CLI as the root README tells a user to run it: `pnpm mlp …` and `pnpm exec mlp …` from the checkout's root,
// spawned with a shell's environment. Checks what reaches the terminal (only JSON on stdout with --json, no pnpm or turbo
// lines, no ELIFECYCLE after a failure or Ctrl-C); the CLI's own behaviour is tested in the other e2e files.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK, type RunResult, cleanup, tempDir, trainedModel } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** What pnpm, turbo or npm print around a script; none of it may reach the user. */
const NOISE = /ELIFECYCLE|ERR_PNPM|> mlp-workbench@|\bturbo\b|Tasks: |Cached: |telemetry|WARN/;

let data: string;
let work: string;
let model: string;
beforeAll(async () => {
  ({ data, work, model } = await trainedModel());
});
afterAll(cleanup);

/** The environment of a shell: nothing inherited from the pnpm and turbo that run this test. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|pnpm_|turbo_)/i.test(k)) env[k] = v;
  return { ...env, CI: 'true', MLP_CACHE_DIR: tempDir() };
}

function pnpm(args: string[]): ChildProcess & { result: Promise<RunResult>; out: () => string } {
  const child = spawn('pnpm', args, { cwd: ROOT, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const result = new Promise<RunResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
  return Object.assign(child, { result, out: () => stdout });
}

describe('pnpm mlp from the root', () => {
  it('--json prints only JSON on stdout, and nothing from pnpm or turbo anywhere', async () => {
    const r = await pnpm(['mlp', 'eval', model, '--data', data, '--json']).result;
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.test_acc).toBeGreaterThan(0.9);
    expect(r.stdout + r.stderr).not.toMatch(NOISE);
  });

  it('pnpm exec mlp works the same', async () => {
    const r = await pnpm(['exec', 'mlp', 'info', model]).result;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/784-32-10/);
    expect(r.stdout + r.stderr).not.toMatch(NOISE);
  });

  it('a failure ends with the project sentence only', async () => {
    const missing = join(work, 'missing.mlp');
    for (const args of [
      ['mlp', 'info', missing],
      ['exec', 'mlp', 'info', missing],
    ]) {
      const r = await pnpm(args).result;
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`mlp: Model file ${missing} does not exist; check the path (make one with: pnpm mlp train --out ${missing}).\n`);
    }
  });

  // pnpm itself dies of the terminal's SIGINT (the shell then reports 130) and sends the CLI a SIGTERM as it goes, which
  // the CLI takes as the same stop request: it finishes the batch, writes the checkpoint and says how to resume.
  it('Ctrl-C (SIGINT to the terminal’s process group) ends with the checkpoint sentence', async () => {
    const out = join(work, 'cut.mlp');
    const run = pnpm(['mlp', 'train', '--data', data, ...QUICK, '--epochs', '200', '--batch', '10', '--out', out]);
    await new Promise<void>((res) => {
      const check = () => (/epoch +1\/200 /.test(run.out()) ? res() : setTimeout(check, 20));
      check();
    });
    process.kill(-run.pid!, 'SIGINT');
    const r = await run.result;
    expect(r.code === 130 || run.signalCode === 'SIGINT', r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(NOISE);
    expect(r.stderr).toMatch(/Checkpoint written to .*cut\.mlp\.ckpt\./);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`Resume with: pnpm mlp train --resume ${out}.ckpt --data ${data}`);
  });
});
