// The renderer's layout: sidebar controls, a status strip, and tabbed panels of views. A view is a mount function
// over the store; new views (confusion matrix, misclassified gallery, drawing pad, …) are added as tabs here.
import type { DesktopApi } from '../shared/api.js';
import { Controller, type WorkerLike, defaultSettings } from './controller.js';
import { el } from './dom.js';
import { type AppState, Store } from './store.js';
import { mountCharts } from './views/charts.js';
import { mountControls } from './views/controls.js';
import { mountModelInfo } from './views/model-info.js';
import { mountStatus } from './views/status.js';
import { mountWeights } from './views/weights.js';

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
      const weights = el('div', { class: 'grid weights' });
      const charts = el('div', { class: 'grid charts' });
      root.append(weights, charts);
      mountWeights(weights, store, c);
      mountCharts(charts, store);
    },
  },
  { id: 'model', title: 'Model', mount: (root, store) => mountModelInfo(root, store) },
];

export function initialState(): AppState {
  return {
    dataset: { status: 'none', files: {}, origin: '', train: 0, test: 0 },
    run: 'idle',
    progress: null,
    settings: defaultSettings(),
    settingsError: null,
    history: [],
    batches: { x: [], loss: [], accuracy: [] },
    weights: null,
    initialWeights: null,
    showChange: false,
    evaluation: null,
    selectedUnit: 0,
    model: null,
    message: null,
    tab: 'train',
  };
}

export async function startApp(root: HTMLElement, api: DesktopApi, worker: WorkerLike): Promise<Controller> {
  const store = new Store(initialState());
  const c = new Controller(store, api, worker);
  await c.restoreSettings();

  const controls = el('aside', { id: 'controls' });
  const status = el('div', { id: 'status' });
  const tabBar = el('nav', { class: 'tabs', role: 'tablist' });
  const panels = el('div', { class: 'panels' });
  root.replaceChildren(
    el('header', { class: 'app-header' }, el('h1', {}, 'MLP workbench'), el('span', { class: 'subtitle' }, 'watch a multilayer perceptron learn to read digits'), tabBar),
    el('div', { class: 'app-body' }, controls, el('main', {}, status, panels)),
  );
  mountControls(controls, store, c, api.kind);
  mountStatus(status, store);
  for (const tab of TABS) {
    const button = el('button', { role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}` }, tab.title);
    button.addEventListener('click', () => c.setTab(tab.id));
    const panel = el('section', { id: `panel-${tab.id}`, role: 'tabpanel', class: 'panel' });
    tabBar.append(button);
    panels.append(panel);
    tab.mount(panel, store, c);
  }
  store.subscribe((s, changed) => {
    if (!changed.has('tab')) return;
    for (const tab of TABS) {
      document.getElementById(`panel-${tab.id}`)!.hidden = tab.id !== s.tab;
      document.getElementById(`tab-${tab.id}`)!.setAttribute('aria-selected', String(tab.id === s.tab));
    }
  });
  return c;
}
