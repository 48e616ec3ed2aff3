// Model files the operating system hands the app: on the command line (Windows and Linux file associations, a shell),
// through macOS's open-file event, or forwarded from a second start by the single-instance lock. Pure parsing of argv
// and a queue that holds paths until the window's renderer can take them; reading the files is models.ts's job.
import { isAbsolute, resolve } from 'node:path';

/** Extensions of files the app opens as models (`.mlp` is the declared association; checkpoints open too). */
export const MODEL_EXTENSIONS = ['.mlp', '.ckpt'] as const;

export const isModelPath = (p: string): boolean => MODEL_EXTENSIONS.some((ext) => p.toLowerCase().endsWith(ext));

/**
 * The model paths in a process's argv, made absolute against `cwd` (the second start's own working folder when the
 * lock forwards it). argv[0] is the executable; when `defaultApp` (a development run, `electron .`), argv[1] is the
 * app's folder. Switches (Chromium's or Electron's, added to forwarded argv) and other files are ignored; after `--`
 * everything is a path.
 */
export function modelPathsFromArgv(argv: readonly string[], cwd: string, defaultApp: boolean): string[] {
  const args = argv.slice(defaultApp ? 2 : 1);
  const paths: string[] = [];
  let switches = true;
  for (const a of args) {
    if (switches && a === '--') {
      switches = false;
      continue;
    }
    if (switches && a.startsWith('-')) continue;
    if (a === '' || a.includes('\0') || !isModelPath(a)) continue;
    paths.push(isAbsolute(a) ? a : resolve(cwd, a));
  }
  return paths;
}

/**
 * Paths that arrive before the renderer can take them (macOS sends open-file before the app is ready; a window
 * needs a moment to load) wait here; once `ready` is called, later paths go straight to the deliverer.
 */
export class OpenQueue {
  private pending: string[] = [];
  private deliver: ((path: string) => void) | null = null;

  push(path: string): void {
    if (this.deliver) this.deliver(path);
    else if (!this.pending.includes(path)) this.pending.push(path);
  }

  /** Start delivering (again, e.g. to a reloaded renderer): what waited goes first, in order. */
  ready(deliver: (path: string) => void): void {
    this.deliver = deliver;
    const waiting = this.pending;
    this.pending = [];
    for (const p of waiting) deliver(p);
  }

  /** The window went away: hold paths again until the next ready. */
  hold(): void {
    this.deliver = null;
  }
}
