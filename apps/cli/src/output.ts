// Where the CLI's words go: results on stdout (JSON lines with --json), notes on stderr, and progress bars
// (cli-progress) only on an interactive terminal outside CI; plain lines otherwise.
import cliProgress from 'cli-progress';

export class Output {
  readonly interactive: boolean;
  constructor(
    readonly json: boolean,
    interactive = Boolean(process.stderr.isTTY) && !process.env.CI && !json,
  ) {
    this.interactive = interactive;
  }

  /** A result line for people (suppressed with --json, whose stdout is only JSON). */
  result(line: string): void {
    if (!this.json) process.stdout.write(`${line}\n`);
  }
  /** A note: progress messages, hints. Stderr, so stdout stays parseable. */
  note(line: string): void {
    process.stderr.write(`${line}\n`);
  }
  /** One JSON object per line, with --json only. */
  record(obj: Record<string, unknown>): void {
    if (this.json) process.stdout.write(`${JSON.stringify(obj)}\n`);
  }

  /** A progress bar on a TTY; a no-op elsewhere. */
  bar(format: string): Bar {
    if (!this.interactive) return { start() {}, update() {}, stop() {} };
    const b = new cliProgress.SingleBar(
      { format, stream: process.stderr, hideCursor: true, clearOnComplete: true, fps: 10, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      start(total, payload) {
        b.start(total, 0, payload);
        started = true;
      },
      update(value, payload) {
        if (started) b.update(value, payload);
      },
      stop() {
        if (started) b.stop();
        started = false;
      },
    };
  }
}

export interface Bar {
  start(total: number, payload?: Record<string, unknown>): void;
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

export const pct = (x: number | undefined): string => (x === undefined ? '   -   ' : `${(x * 100).toFixed(2)}%`);

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "12.3 MB" style sizes for download progress. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A metadata value for a terminal: strings without control characters, anything else as short JSON. */
export function show(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point (no terminal escapes from a file)
  s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** A value from a file, quoted as JSON, for a message: escaped and at most ~200 characters. */
export const quoted = (v: unknown): string => show(JSON.stringify(v) ?? String(v));
