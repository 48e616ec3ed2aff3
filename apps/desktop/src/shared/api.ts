// The one typed contract between the renderer and whatever serves it: Electron's main process (through the
// preload) or the browser build's implementation. Types and channel names only; no behaviour lives here.
import type { ExportFormat } from '@mlp/export';
import type { AppSettings } from './settings.js';

export type { ExportFormat };

/** Where one dataset file stands while it is fetched: `source` is a URL, 'cache', 'import' or 'lock'. */
export interface DatasetProgress {
  file: string;
  bytesDone: number;
  /** null when nobody says how big the file is. */
  bytesTotal: number | null;
  source: string;
  /**
   * With source 'lock' only: who holds the file's download lock ('host:pid'), another window or process fetching the
   * same file into the same folder. This load waits for it, then uses the file it verified.
   */
  waitingFor?: string;
}

/** The four MNIST files as stored (gzip), parsed by the renderer's worker with @mlp/mnist. */
export interface DatasetFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
  /** Where they came from, for the status line (a folder, a URL). */
  origin: string;
}

/** A model file's bytes (the @mlp/core format) and its file name. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

export interface SavedModel {
  /** Where it went: a path in the desktop app, the download name in a browser. */
  location: string;
}

/**
 * What the shell asks the renderer to do: a menu item (or, in a browser, its keyboard shortcut) was chosen, or the
 * operating system handed the app a model file (double-click, command line, a second start).
 */
export type ShellCommand =
  | { type: 'open-model' }
  | { type: 'save-model' }
  | { type: 'import-dataset' }
  | { type: 'export-model'; format: ExportFormat }
  | { type: 'model-file'; file: ModelFile }
  | { type: 'error'; message: string };

/** What the renderer tells the shell, for the window title and the unsaved-work prompt. */
export interface ShellState {
  /** The open or trained model's name, or null when there is none. */
  modelName: string | null;
  /** A trained model that has not been saved since it changed. */
  unsaved: boolean;
  /** A run is training or paused mid-run. */
  running: boolean;
}

/**
 * What the renderer can ask for. Electron: `window.desktop`, exposed by the preload (one function per action).
 * Browser: createBrowserApi(). Every method rejects with an Error whose message is one sentence for the user.
 */
export interface DesktopApi {
  readonly kind: 'electron' | 'browser';
  /** MNIST from the app's data folder (Electron, downloading it first when missing) or over HTTP (browser). */
  loadDataset(onProgress?: (p: DatasetProgress) => void): Promise<DatasetFiles>;
  /** The four files from a folder the user picks; null when the user cancels. */
  importDataset(onProgress?: (p: DatasetProgress) => void): Promise<DatasetFiles | null>;
  /** Save a model through a save dialog (atomically) or as a download; null when the user cancels. */
  saveModel(bytes: Uint8Array, suggestedName: string): Promise<SavedModel | null>;
  /**
   * Save a model exported as ONNX or safetensors (bytes made by @mlp/export) through a save dialog (atomically) or as
   * a download; null when the user cancels.
   */
  exportModel(bytes: Uint8Array, suggestedName: string, format: ExportFormat): Promise<SavedModel | null>;
  /** Pick a model file to open; null when the user cancels. */
  openModel(): Promise<ModelFile | null>;
  loadSettings(): Promise<AppSettings | null>;
  saveSettings(settings: AppSettings): Promise<void>;
  /** Receive the shell's commands (menu, OS file opening; in a browser the file shortcuts). One listener. */
  onCommand(listener: (command: ShellCommand) => void): void;
  /** Tell the shell the model's name and whether work would be lost on close. */
  reportState(state: ShellState): Promise<void>;
}

/** IPC channels: arguments as sent by the preload, and the result main answers with. */
export interface IpcContract {
  'dataset:load': { args: []; result: DatasetFiles };
  'dataset:import': { args: []; result: DatasetFiles | null };
  'model:save': { args: [bytes: Uint8Array, suggestedName: string]; result: SavedModel | null };
  'model:export': { args: [bytes: Uint8Array, suggestedName: string, format: ExportFormat]; result: SavedModel | null };
  'model:open': { args: []; result: ModelFile | null };
  'settings:load': { args: []; result: AppSettings | null };
  'settings:save': { args: [settings: AppSettings]; result: null };
  'shell:state': { args: [state: ShellState]; result: null };
}

export type Channel = keyof IpcContract;

export const CHANNELS = ['dataset:load', 'dataset:import', 'model:save', 'model:export', 'model:open', 'settings:load', 'settings:save', 'shell:state'] as const satisfies readonly Channel[];

/** Events main sends to the renderer. */
export interface IpcEvents {
  'dataset:progress': DatasetProgress;
  'shell:command': ShellCommand;
}

/** Every reply: main never throws across IPC, so the renderer gets the plain message (not Electron's wrapper). */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: string };

/** Name of the object the preload puts on window. */
export const API_GLOBAL = 'desktop';

/** Largest model file the app reads or writes (a 784-4096-4096-10 network is about 80 MB). */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
