// The renderer's state and a store that batches changes into one notification per animation frame, naming the
// keys that changed, so each view redraws only what it shows and never more than once a frame.
import type { EpochReport } from '@mlp/core';
import type { DesktopApi } from '../shared/api.js';
import type { AppSettings } from '../shared/settings.js';
import type { BatchSeries } from './draw/curves.js';
import type { Evaluation, Progress, RunState, Weights } from './train/protocol.js';

export interface FileProgress {
  done: number;
  total: number | null;
}

export interface AppState {
  dataset: {
    status: 'none' | 'loading' | 'ready' | 'error';
    files: Record<string, FileProgress>;
    origin: string;
    train: number;
    test: number;
  };
  run: RunState;
  progress: Progress | null;
  settings: AppSettings;
  /** Why the settings form cannot start a run, or null. */
  settingsError: string | null;
  history: EpochReport[];
  batches: BatchSeries;
  weights: Weights | null;
  /** The first weights of the run in progress, to show what training changed; null for an opened model. */
  initialWeights: Weights | null;
  /** Tiles show W − W(start) instead of W. */
  showChange: boolean;
  evaluation: Evaluation | null;
  selectedUnit: number;
  model: { name: string; source: 'trained' | 'loaded' } | null;
  message: { kind: 'info' | 'error'; text: string } | null;
  tab: string;
}

export type Key = keyof AppState;
export type Listener = (s: AppState, changed: ReadonlySet<Key>) => void;

export class Store {
  private listeners: Listener[] = [];
  private changed = new Set<Key>();
  private scheduled = false;

  constructor(
    public state: AppState,
    private readonly schedule: (f: () => void) => void = (f) => requestAnimationFrame(f),
  ) {}

  set(patch: Partial<AppState>): void {
    Object.assign(this.state, patch);
    for (const k of Object.keys(patch) as Key[]) this.changed.add(k);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Mark keys changed after mutating their values in place (e.g. appending to batches). */
  touch(...keys: Key[]): void {
    this.set(Object.fromEntries(keys.map((k) => [k, this.state[k]])) as Partial<AppState>);
  }

  subscribe(l: Listener): void {
    this.listeners.push(l);
    l(this.state, new Set(Object.keys(this.state) as Key[]));
  }

  flush(): void {
    this.scheduled = false;
    const changed = this.changed;
    this.changed = new Set();
    for (const l of this.listeners) l(this.state, changed);
  }
}

export interface Ctx {
  store: Store;
  api: DesktopApi;
}
