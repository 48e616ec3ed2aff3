// An outside project, as a stranger makes one next to their own code: the packed tarballs installed with npm (offline)
// or pnpm, and two module settings side by side, cjs/ ("type": "commonjs", module node16, what `npm init -y` gives)
// and esm/ ("type": "module", module nodenext). TypeScript and Node's types are linked from this checkout, not fetched.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKED, type PackedName, ROOT, type Tarballs, run, shellEnv } from './pack.js';

export const MODULE_KINDS = {
  cjs: { type: 'commonjs', module: 'node16' },
  esm: { type: 'module', module: 'nodenext' },
} as const;
export type ModuleKind = keyof typeof MODULE_KINDS;

const json = (file: string, value: unknown) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/**
 * A new project in `parent` with `names` installed from their tarballs. npm installs offline (for packages whose dependencies are
 * all among the tarballs); pnpm overrides every @mlp/* dependency with its tarball and may fetch third-party ones.
 */
export function outsideProject(tarballs: Tarballs, names: readonly PackedName[], installer: 'npm' | 'pnpm', parent: string): string {
  const dir = mkdtempSync(join(parent, 'outside-'));
  const env = shellEnv({ CI: 'true' });
  if (installer === 'npm') {
    json(join(dir, 'package.json'), { name: 'outside', version: '1.0.0', private: true });
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...names.map((n) => tarballs[n])], { cwd: dir, env });
  } else {
    const file = (n: PackedName) => `file:${tarballs[n]}`;
    json(join(dir, 'package.json'), {
      name: 'outside',
      version: '1.0.0',
      private: true,
      dependencies: Object.fromEntries(names.map((n) => [n, file(n)])),
      pnpm: { overrides: Object.fromEntries(PACKED.map((n) => [n, file(n)])) },
    });
    run('pnpm', ['install', '--prefer-offline'], { cwd: dir, env });
  }
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', 'typescript'), join(dir, 'node_modules', 'typescript'));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'));
  for (const [kind, { type, module }] of Object.entries(MODULE_KINDS)) {
    mkdirSync(join(dir, kind));
    json(join(dir, kind, 'package.json'), { type });
    json(join(dir, kind, 'tsconfig.json'), {
      compilerOptions: { module, moduleResolution: module, target: 'es2022', lib: ['es2022'], types: ['node'], strict: true, outDir: 'out', skipLibCheck: false },
      include: ['*.ts'],
    });
  }
  return dir;
}

/** Type-check and compile `<dir>/<kind>/*.ts` into `<kind>/out/`; throws with tsc's messages on any error. */
export function compile(dir: string, kind: ModuleKind): void {
  run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, kind)], { cwd: dir });
}
