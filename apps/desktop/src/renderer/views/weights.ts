// The weight views: every first-layer unit's incoming weights as a tile grid (click one to enlarge it with its
// outgoing weights), and the last layer as a heat map. Drawn once per frame at most; each draw acks the worker.
import { gridMove } from '../analysis/confusion.js';
import { column } from '../draw/bars.js';
import { scaleLabel } from '../draw/labels.js';
import { sharedScale } from '../draw/scale.js';
import { gridLayout, heatmap, singleTile, tileGrid, unitAt, weightChange } from '../draw/tiles.js';
import type { Controller } from '../controller.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';
import { drawBars, legendGradient, putRgba } from './canvas.js';

const legend = (id: string) => {
  const lo = el('span', {});
  const hi = el('span', {});
  const bar = el('span', { class: 'legend-bar' });
  bar.style.background = legendGradient();
  const set = (s: number) => {
    lo.textContent = scaleLabel(-s);
    hi.textContent = scaleLabel(s);
  };
  return { root: el('span', { class: 'legend', id }, lo, bar, hi), set };
};

export function mountWeights(root: HTMLElement, store: Store, c: Controller): void {
  // One canvas for all units (hundreds of tiles redrawn every frame); the keyboard moves the selection like a slider
  // laid out in a grid: arrows move by one tile, Home/End to the row's ends (Ctrl: the first and last unit).
  const grid = el('canvas', {
    id: 'unit-grid',
    class: 'pixelated',
    tabindex: 0,
    role: 'slider',
    'aria-label': 'Hidden unit to enlarge',
    'aria-valuemin': 0,
    title: 'Click a unit (or use the arrow keys) to enlarge it',
  });
  const gridTitle = el('h3', {}, 'Hidden units · incoming weights');
  const gridLegend = legend('grid-legend');
  const detailTile = el('canvas', { id: 'unit-detail', class: 'pixelated' });
  const detailTitle = el('h3', { id: 'unit-title' }, 'Unit');
  const outBars = el('canvas', { id: 'unit-out', width: 300, height: 140 });
  const outTitle = el('p', { class: 'caption' }, 'Its weights into each output');
  const map = el('canvas', { id: 'output-map', class: 'pixelated' });
  const mapTitle = el('h3', {}, 'Hidden → output weights');
  const mapLegend = legend('map-legend');
  const mapLabels = el('div', { class: 'map-labels' }, ...Array.from({ length: 10 }, (_, i) => el('span', {}, String(i))));
  const empty = el('p', { class: 'empty' }, 'Start training or open a model to see its weights.');
  const change = el('input', { type: 'checkbox', id: 'show-change' });
  const changeLabel = el('label', { class: 'toggle', title: 'Subtract the random initial weights to see what training has learned' }, change, 'change since start');
  change.addEventListener('change', () => c.showChange(change.checked));

  root.append(
    el('section', { class: 'card tiles' }, el('header', {}, gridTitle, el('span', { class: 'header-tools' }, changeLabel, gridLegend.root)), empty, grid),
    el(
      'section',
      { class: 'card detail' },
      el('header', {}, detailTitle),
      el('div', { class: 'detail-body' }, detailTile, el('div', {}, outTitle, outBars)),
    ),
    el('section', { class: 'card map' }, el('header', {}, mapTitle, mapLegend.root), el('div', { class: 'map-body' }, mapLabels, map)),
  );

  grid.addEventListener('click', (e) => {
    const w = store.state.weights;
    if (!w) return;
    const L = gridLayout(w.layers[1]!, w.layers[0]!);
    const u = unitAt(L, Math.floor((e.offsetX / grid.clientWidth) * grid.width), Math.floor((e.offsetY / grid.clientHeight) * grid.height));
    if (u >= 0) c.selectUnit(u);
  });
  grid.addEventListener('keydown', (e) => {
    const w = store.state.weights;
    if (!w) return;
    const L = gridLayout(w.layers[1]!, w.layers[0]!);
    const next = gridMove(Math.min(store.state.selectedUnit, L.units - 1), e.key, L.cols, L.units, e.ctrlKey);
    if (next === null) return;
    e.preventDefault();
    c.selectUnit(next);
  });

  const cards = [detailTile.closest('.card'), map.closest('.card')] as HTMLElement[];
  const draw = (s: AppState) => {
    const w = s.weights;
    empty.hidden = w !== null;
    grid.hidden = w === null;
    gridLegend.root.hidden = w === null;
    for (const card of cards) card.hidden = w === null;
    if (!w) return;
    const inputs = w.layers[0]!;
    const units = w.layers[1]!;
    const deep = w.layers.length > 2;
    const delta = weightChange(w.W[0]!, s.initialWeights?.W[0]);
    changeLabel.hidden = delta === null;
    change.checked = s.showChange;
    const showDelta = s.showChange && delta !== null;
    const W0 = showDelta ? delta : w.W[0]!;
    const unit = Math.min(s.selectedUnit, units - 1);
    const scale0 = sharedScale(W0);
    gridTitle.textContent = `${units} ${deep ? 'hidden' : 'output'} units · ${showDelta ? 'change since start' : 'incoming weights'}`;
    gridLegend.set(scale0);
    putRgba(grid, tileGrid(W0, units, inputs, scale0, unit));
    putRgba(detailTile, singleTile(W0, unit, inputs, scale0));
    detailTitle.textContent = `Unit ${unit}`;
    grid.setAttribute('aria-valuemax', String(units - 1));
    grid.setAttribute('aria-valuenow', String(unit));
    grid.setAttribute('aria-valuetext', `unit ${unit} of ${units}, row ${Math.floor(unit / gridLayout(units, inputs).cols) + 1}`);
    // Outgoing weights of the selected unit into the next layer.
    const next = w.W[1];
    outBars.hidden = !next;
    outTitle.hidden = !next;
    if (next) {
      const rows = w.layers[2]!;
      const out = column(next, rows, units, unit);
      const scale1 = sharedScale(next, 1);
      outTitle.textContent = w.layers.length === 3 ? 'Its weights into each output digit' : `Its weights into the ${rows} units of the next layer`;
      drawBars(outBars, out, scale1, rows <= 16);
    }
    // The last layer as a heat map: rows = outputs, columns = last hidden layer.
    const last = w.W[w.W.length - 1]!;
    const rows = w.layers[w.layers.length - 1]!;
    const cols = w.layers[w.layers.length - 2]!;
    (map.closest('.card') as HTMLElement).hidden = !deep;
    if (deep) {
      const scaleL = sharedScale(last);
      mapLegend.set(scaleL);
      mapTitle.textContent = `Hidden → output weights (${rows} × ${cols})`;
      putRgba(map, heatmap(last, rows, cols, scaleL));
    }
  };

  store.subscribe((s, changed) => {
    if (!changed.has('weights') && !changed.has('selectedUnit') && !changed.has('showChange') && !changed.has('initialWeights')) return;
    draw(s);
    if (changed.has('weights') && s.weights) c.ackWeights();
  });
}
