// Packs the workspace's installable packages as a stranger's checkout would: from a fresh copy of the working tree
// (tracked and unignored files only, so no dist/ and no node_modules), installed offline, before any build. It does
// not install the tarballs anywhere (project.ts does) nor check their contents (pack.test.ts does).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The packages a stranger installs: the four libraries (published) and the CLI (packed, not published). */
export const PACKED = ['@mlp/core', '@mlp/mnist', '@mlp/recipe', '@mlp/export', '@mlp/cli'] as const;
export type PackedName = (typeof PACKED)[number];
export type Tarballs = Record<PackedName, string>;

/** Run a command to completion; throw one sentence with its output when it fails. */
export function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const r = spawnSync(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${options.cwd} (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/** The environment of a shell: nothing inherited from the pnpm and turbo running the tests. */
export function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|pnpm_|turbo_)/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** A copy of the working tree's tracked and unignored files (what a clone of this commit plus its edits holds). */
export function freshCopy(): string {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }).split('\0').filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'mlp-fresh-'));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      cpSync(join(ROOT, f), join(dir, f), { verbatimSymlinks: true });
    } catch (e) {
      // A tracked file deleted in the working tree is not part of what a stranger would get either.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return dir;
}

/** In a fresh copy: install offline (the store already holds every package), then `pnpm pack` each package into `dest`. */
export function packFresh(copy: string, dest: string): Tarballs {
  const env = shellEnv({ CI: 'true' });
  run('pnpm', ['install', '--offline', '--frozen-lockfile', '--filter', '@mlp/cli...'], { cwd: copy, env });
  run('pnpm', ['-r', ...PACKED.flatMap((p) => ['--filter', p]), 'pack', '--pack-destination', dest], { cwd: copy, env });
  const made = readdirSync(dest);
  const tarballs = {} as Tarballs;
  for (const name of PACKED) {
    const file = made.find((f) => f.startsWith(`${name.replace('@', '').replace('/', '-')}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack made no tarball for ${name} in ${dest} (found: ${made.join(', ')}).`);
    tarballs[name] = join(dest, file);
  }
  return tarballs;
}
