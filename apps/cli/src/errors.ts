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
