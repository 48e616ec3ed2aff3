// The renderer's layout: sidebar controls, a status strip, and tabbed panels of views. A view is a mount function
// over the store; each tab is one entry in TABS.
import type { DesktopApi } from '../shared/api.js';
import { Controller, type WorkerLike, defaultSettings } from './controller.js';
import { el } from './dom.js';
import { connectShell } from './shell.js';
import { type AppState, Store } from './store.js';
import { mountCharts } from './views/charts.js';
import { mountCompare } from './views/compare.js';
import { mountControls } from './views/controls.js';
import { mountDrawing } from './views/drawing.js';
import { mountInspector } from './views/inspector.js';
import { mountMistakes } from './views/mistakes.js';
import { mountModelInfo } from './views/model-info.js';
import { mountOrientation } from './views/orientation.js';
import { mountRunbar } from './views/runbar.js';
import { mountStatus } from './views/status.js';
import { mountWeights } from './views/weights.js';
import { mountWhy } from './views/why.js';

export interface Tab {
  id: string;
  title: string;
  mount(root: HTMLElement, store: Store, c: Controller): void;
}

export const TABS: Tab[] = [
  {
    id: 'train',
    title: 'Training',
    mount: (root, store, c) => {
      // Weights and curves side by side, so a learner sees both at once; the unit detail and heat map below.
      const weights = el('div', { class: 'train-tiles' });
      const charts = el('div', { class: 'train-charts' });
      const details = el('div', { class: 'train-details' });
      const start = el('div', {});
      root.append(start, el('div', { class: 'train-top' }, weights, charts), details);
      mountOrientation(start, store);
      mountWeights(weights, details, store, c);
      mountCharts(charts, store, () => c.setTab('why'));
    },
  },
  { id: 'why', title: 'Why it learns', mount: (root, store) => mountWhy(root, store) },
  { id: 'mistakes', title: 'Mistakes', mount: mountMistakes },
  { id: 'draw', title: 'Draw', mount: mountDrawing },
  { id: 'inspect', title: 'Inspect', mount: mountInspector },
  { id: 'compare', title: 'Compare', mount: mountCompare },
  { id: 'model', title: 'Model', mount: (root, store) => mountModelInfo(root, store) },
];

export function initialState(): AppState {
  return {
    dataset: { status: 'none', files: {}, origin: '', train: 0, test: 0 },
    run: 'idle',
    threads: 1,
    progress: null,
    settings: defaultSettings(),
    settingsError: null,
    history: [],
    batches: { x: [], loss: [], accuracy: [] },
    weights: null,
    initialWeights: null,
    showChange: true,
    lastStep: null,
    showStep: false,
    pace: 0,
    stats: [],
    perTile: false,
    evaluation: null,
    selectedUnit: 0,
    model: null,
    message: null,
    tab: 'train',
    testSet: null,
    analyses: { validation: null, test: null },
    analysisSet: 'validation',
    inspect: { set: 'test', index: 0 },
    drawn: null,
    runs: [],
  };
}

export async function startApp(root: HTMLElement, api: DesktopApi, worker: WorkerLike): Promise<Controller> {
  const store = new Store(initialState());
  const c = new Controller(store, api, worker);
  await c.restoreSettings();

  const controls = el('aside', { id: 'controls', 'aria-label': 'Data and settings' });
  const runbar = el('div', { id: 'runbar', class: 'runbar', role: 'toolbar', 'aria-label': 'Run' });
  const status = el('div', { id: 'status' });
  const tabBar = el('nav', { class: 'tabs', role: 'tablist' });
  const panels = el('div', { class: 'panels' });
  root.replaceChildren(
    // The title, tabs and run controls stay at the top while the page scrolls, at every window size.
    el('div', { class: 'topbar' }, el('header', { class: 'app-header' }, el('h1', {}, 'MLP workbench'), el('span', { class: 'subtitle' }, 'watch a multilayer perceptron learn to read digits'), tabBar), runbar),
    el('div', { class: 'app-body' }, controls, el('main', {}, status, panels)),
  );
  mountRunbar(runbar, store, c, api.kind);
  mountControls(controls, store, c, api.kind);
  mountStatus(status, store);
  TABS.forEach((tab, i) => {
    const button = el('button', { role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}` }, tab.title);
    button.addEventListener('click', () => c.setTab(tab.id));
    // Left/Right move between tabs (the WAI-ARIA tabs pattern); Tab still reaches every one.
    button.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = TABS[(i + step + TABS.length) % TABS.length]!;
      c.setTab(next.id);
      document.getElementById(`tab-${next.id}`)!.focus();
    });
    const panel = el('section', { id: `panel-${tab.id}`, role: 'tabpanel', class: 'panel', 'aria-labelledby': `tab-${tab.id}` });
    tabBar.append(button);
    panels.append(panel);
    tab.mount(panel, store, c);
  });
  connectShell(api, store, c);
  store.subscribe((s, changed) => {
    if (!changed.has('tab')) return;
    for (const tab of TABS) {
      document.getElementById(`panel-${tab.id}`)!.hidden = tab.id !== s.tab;
      document.getElementById(`tab-${tab.id}`)!.setAttribute('aria-selected', String(tab.id === s.tab));
    }
  });
  return c;
}
