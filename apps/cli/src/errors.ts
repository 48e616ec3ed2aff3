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
 * How the user ran the CLI, for hints that name a command: `pnpm mlp` when pnpm started it (`pnpm mlp …` or
 * `pnpm exec mlp …`, in the checkout or in a project that installed it), else the binary's name `mlp`.
 */
export function mlpCommand(env: NodeJS.ProcessEnv = process.env): string {
  const viaPnpm = env.npm_config_user_agent?.startsWith('pnpm/') && (env.npm_command === 'run-script' || env.npm_command === 'exec');
  return viaPnpm ? 'pnpm mlp' : 'mlp';
}
