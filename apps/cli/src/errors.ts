// The CLI's two failure kinds and their exit codes: bad usage (2) and a problem with files, data or network (1).
// Messages are one sentence naming the file and what to do; stack traces only with --verbose.

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Unknown flags, bad values, missing arguments: exit code 2, with a pointer to --help. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Ctrl-C: conventional exit code 130 after the checkpoint is written. */
export const EXIT_INTERRUPTED = 130;

/**
 * How the user ran the CLI, for hints that name a command: `pnpm mlp` when started by the workspace's
 * `pnpm mlp` / `pnpm train` scripts, else the installed binary's name `mlp`.
 */
export function mlpCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'mlp' ? 'pnpm mlp' : 'mlp';
}
