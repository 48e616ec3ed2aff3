// Argument checks for every IPC channel: untrusted values in, typed arguments out, or a TypeError saying what is wrong.
// One validator per channel, keyed by the contract, so a new channel cannot be registered without one.
import { EXPORT_FORMATS, EXTENSIONS, type ExportFormat } from '@mlp/export';
import { CHANNELS, type Channel, type IpcContract, MAX_MODEL_BYTES, type ShellState } from '../shared/api.js';
import { checkAppSettings } from '../shared/settings.js';

export type Validators = { [K in Channel]: (args: unknown[]) => IpcContract[K]['args'] };

function arity(channel: Channel, args: unknown[], n: number): void {
  if (args.length !== n) throw new TypeError(`${channel} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

/** A file name for the save dialog: no folders, no control characters, at most 120 characters, ending in `ext`. */
export function safeModelName(name: unknown, ext = '.mlp', channel: Channel = 'model:save'): string {
  if (typeof name !== 'string') throw new TypeError(`${channel}: the suggested name must be a string, got ${typeof name}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  let clean = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  if (clean === '') clean = 'model';
  return clean.endsWith(ext) ? clean : `${clean}${ext}`;
}

/** Bytes of a file the app writes: a non-empty Uint8Array no larger than any model this app writes. */
function fileBytes(channel: Channel, bytes: unknown, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${channel}: the ${what} must be a Uint8Array`);
  if (bytes.length === 0 || bytes.length > MAX_MODEL_BYTES) throw new TypeError(`${channel}: the ${what} must hold 1 to ${MAX_MODEL_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

/** The renderer's state report: exactly a model name (or null; a short one-line string) and two booleans. */
export function checkShellState(v: unknown): ShellState {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError('shell:state: the state must be an object');
  const { modelName, unsaved, running, ...rest } = v as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new TypeError(`shell:state: unknown field ${extra[0]}`);
  if (modelName !== null && (typeof modelName !== 'string' || modelName.length > 200)) throw new TypeError('shell:state: modelName must be null or a string of at most 200 characters');
  if (typeof unsaved !== 'boolean' || typeof running !== 'boolean') throw new TypeError('shell:state: unsaved and running must be booleans');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a window title is one line
  return { modelName: modelName === null ? null : modelName.replace(/[\u0000-\u001f\u007f]/g, ' '), unsaved, running };
}

/** A validator for a channel that takes no arguments. */
const none =
  (channel: Channel) =>
  (args: unknown[]): [] => {
    arity(channel, args, 0);
    return [];
  };

export const validators: Validators = {
  'dataset:load': none('dataset:load'),
  'dataset:import': none('dataset:import'),
  'model:open': none('model:open'),
  'settings:load': none('settings:load'),
  'model:save': (a) => {
    arity('model:save', a, 2);
    return [fileBytes('model:save', a[0], 'model file'), safeModelName(a[1])];
  },
  'model:export': (a) => {
    arity('model:export', a, 3);
    const format = a[2];
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new TypeError(`model:export: the format must be one of ${EXPORT_FORMATS.join(', ')}, got ${String(format)}`);
    const f = format as ExportFormat;
    return [fileBytes('model:export', a[0], `${f} file`), safeModelName(a[1], EXTENSIONS[f], 'model:export'), f];
  },
  'shell:state': (a) => {
    arity('shell:state', a, 1);
    return [checkShellState(a[0])];
  },
  'settings:save': (a) => {
    arity('settings:save', a, 1);
    return [checkAppSettings(a[0])];
  },
};

// Compile-time and load-time proof that CHANNELS and the validators agree.
for (const c of CHANNELS) if (typeof validators[c] !== 'function') throw new Error(`no validator for ${c}`);
