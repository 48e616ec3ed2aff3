// The renderer's state and a store that batches changes into one notification per animation frame, naming the
// keys that changed, so each view redraws only what it shows and never more than once a frame.
import type { EpochReport } from '@mlp/core';
import type { DesktopApi } from '../shared/api.js';
import type { AppSettings } from '../shared/settings.js';
import type { BatchSeries } from './draw/curves.js';
import type { StatsSnapshot } from './train/stats.js';
import type { Analysis, AnalysisSet, Evaluation, FromWorker, Progress, RunState, TestSet, Weights } from './train/protocol.js';

/** What one Step changed, from the worker's 'step-change' message. */
export type StepChange = Omit<Extract<FromWorker, { type: 'step-change' }>, 'type'>;

/** The image the inspector shows: one from a set, or the digit drawn on the pad. */
export type InspectTarget = { set: AnalysisSet; index: number } | { set: 'drawn' };

/** A run kept for comparison: its curves (live arrays while it trains), a label and a colour. */
export interface RunRecord {
  id: number;
  label: string;
  /** The full settings, for a tooltip. */
  detail: string;
  /** The loss it was trained with: runs with different losses never share a loss axis. */
  loss: string;
  color: string;
  status: 'running' | 'paused' | 'stopped' | 'done' | 'opened';
  history: EpochReport[];
  batches: BatchSeries;
  testAccuracy: number | null;
  /** Shown on the comparison charts. */
  selected: boolean;
}

export interface FileProgress {
  done: number;
  total: number | null;
  /** Set while this file waits for another download of it (the lock's holder, 'host:pid'). */
  waitingFor?: string;
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
  /** Threads training uses (the worker says: 2 where the page is cross-origin isolated and has two cores). */
  threads: number;
  progress: Progress | null;
  settings: AppSettings;
  /** Why the settings form cannot start a run, or null. */
  settingsError: string | null;
  history: EpochReport[];
  batches: BatchSeries;
  weights: Weights | null;
  /** W[l] at initialisation (the run's first copy, or an opened model's drawn again from its seed); null when unknown. */
  initialWeights: Float32Array[] | null;
  /** Tiles show W − W(start) instead of W, where the start is known (the default: it shows learning from the first epoch). */
  showChange: boolean;
  /** What the last Step changed (cleared when a run starts or resumes). */
  lastStep: StepChange | null;
  /** The tiles show the last Step's update instead. */
  showStep: boolean;
  /** The run's statistics snapshots, oldest first (cleared by a new run). */
  stats: StatsSnapshot[];
  /** Batches a second the worker trains at; 0: as fast as it can. */
  pace: number;
  /** Each tile on its own colour scale (its own 99th percentile of |value|) instead of one scale for the layer. */
  perTile: boolean;
  evaluation: Evaluation | null;
  selectedUnit: number;
  /** The model shown; `saved` once a trained one is saved and until it trains further. */
  model: { name: string; source: 'trained' | 'loaded'; saved?: boolean } | null;
  message: { kind: 'info' | 'error'; text: string } | null;
  tab: string;
  /** The test images and labels (from the dataset), for the inspector. */
  testSet: TestSet | null;
  /** The latest evaluation of each set with every output kept; null until the model is evaluated, cleared by a new run. */
  analyses: Record<AnalysisSet, Analysis | null>;
  /** Which set the confusion matrix and the mistakes show. */
  analysisSet: AnalysisSet;
  inspect: InspectTarget;
  /** The pad's drawing preprocessed to 28×28 (0..255), or null when the pad is empty. */
  drawn: Uint8Array | null;
  /** This session's runs, oldest first. */
  runs: RunRecord[];
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
