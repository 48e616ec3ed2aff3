// The weight views: every first-layer unit's incoming weights as a tile grid (by default what training changed since
// initialisation, which shows learned strokes from the first epoch), units that barely changed outlined with the reason,
// a click enlarges a unit with its outgoing weights, and the last layer as a labelled heat map. Drawn once per frame at
// most; each draw acks the worker. Colours are explained on screen; no training logic here.
import { gridMove } from '../analysis/confusion.js';
import { unitSaturation } from '../analysis/saturation.js';
import { column } from '../draw/bars.js';
import { scaleLabel } from '../draw/labels.js';
import { sharedScale } from '../draw/scale.js';
import { gridLayout, heatmap, rowNorms, rowScales, singleTile, stillUnits, tileGrid, unitAt, weightChange } from '../draw/tiles.js';
import type { Controller } from '../controller.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';
import type { Weights } from '../train/protocol.js';
import { drawBars, legendGradient, putRgba } from './canvas.js';
import { throttle } from './throttle.js';

/** A colour legend: the diverging gradient between −s and +s. */
export const legend = (id: string) => {
  const lo = el('span', {});
  const hi = el('span', {});
  const bar = el('span', { class: 'legend-bar' });
  bar.style.background = legendGradient();
  const set = (s: number | null) => {
    lo.textContent = s === null ? '−max' : scaleLabel(-s);
    hi.textContent = s === null ? '+max' : scaleLabel(s);
  };
  return { root: el('span', { class: 'legend', id, 'aria-label': 'colour scale: blue negative, white zero, red positive' }, lo, bar, hi), set };
};

/** Test images used to tell why a unit barely changed. */
const PROBE_IMAGES = 200;

/** What the tiles show (the last Step's update, the change since initialisation, or the weights) and their scale(s). */
export function tileView(w: Weights, initial: Float32Array[] | null, showChange: boolean, perTile: boolean, step: Float32Array | null = null) {
  const inputs = w.layers[0]!;
  const units = w.layers[1]!;
  const delta = weightChange(w.W[0]!, initial?.[0]);
  const showStep = step !== null && step.length === w.W[0]!.length;
  const change = !showStep && showChange && delta !== null;
  const values = showStep ? step : change ? delta : w.W[0]!;
  const scale = perTile ? rowScales(values, units, inputs) : sharedScale(values);
  const view: 'step' | 'change' | 'weights' = showStep ? 'step' : change ? 'change' : 'weights';
  return { values, scale, change, view, canChange: delta !== null, delta };
}

/** Mount the tile grid into `root` and the unit detail and heat-map cards into `details`. */
export function mountWeights(root: HTMLElement, details: HTMLElement, store: Store, c: Controller): void {
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
  const gridTitle = el('h3', { id: 'grid-title' }, 'Hidden units');
  const gridLegend = legend('grid-legend');
  const colours = el('p', { id: 'weights-caption', class: 'caption' });
  const still = el('p', { id: 'still-units', class: 'caption still' });
  const detailTile = el('canvas', { id: 'unit-detail', class: 'pixelated' });
  const detailTitle = el('h3', { id: 'unit-title' }, 'Unit');
  const outBars = el('canvas', { id: 'unit-out', width: 300, height: 150 });
  const outTitle = el('p', { class: 'caption' }, 'Its weights into each output');
  const map = el('canvas', { id: 'output-map', class: 'pixelated' });
  const mapMark = el('div', { id: 'output-map-mark', class: 'map-mark' });
  const mapTitle = el('h3', { id: 'output-map-title' }, 'Hidden → output weights');
  const mapLegend = legend('map-legend');
  const mapLabels = el('div', { class: 'map-labels' }, ...Array.from({ length: 10 }, (_, i) => el('span', {}, String(i))));
  const mapAxis = el('div', { class: 'map-axis', id: 'output-map-axis' });
  const empty = el(
    'div',
    { class: 'empty placeholder', id: 'weights-empty' },
    el('strong', {}, 'Each hidden unit will appear here as a 28×28 tile.'),
    el('span', {}, 'A tile is the unit’s 784 incoming weights laid out like the image: after a few hundred batches you will see which strokes of a digit make the unit fire (red) or hold it back (blue).'),
  );
  const view = el(
    'select',
    { id: 'weight-view', 'aria-label': 'what the tiles show' },
    el('option', { value: 'change' }, 'change since start'),
    el('option', { value: 'weights' }, 'weights'),
    el('option', { value: 'step' }, 'last step’s update'),
  );
  const stepLine = el('p', { id: 'step-change', class: 'step-line', 'aria-live': 'polite' });
  const viewLabel = el('label', { class: 'inline' }, 'show ', view);
  const perTile = el('input', { type: 'checkbox', id: 'per-tile' });
  const perTileLabel = el('label', { class: 'toggle', title: 'Give every tile its own colour scale, so faint units show their pattern too' }, perTile, 'contrast per tile');
  view.addEventListener('change', () => c.setWeightView(view.value as 'change' | 'weights' | 'step'));
  perTile.addEventListener('change', () => c.perTileScale(perTile.checked));

  root.append(
    el('section', { class: 'card tiles' }, el('header', { class: 'wrap' }, gridTitle, el('span', { class: 'header-tools' }, viewLabel, perTileLabel)), empty, stepLine, grid, el('div', { class: 'tile-foot' }, gridLegend.root, colours), still),
  );
  const below = el(
    'div',
    { class: 'grid weights-more' },
    el(
      'section',
      { class: 'card detail' },
      el('header', {}, detailTitle),
      el('div', { class: 'detail-body' }, detailTile, el('div', { class: 'detail-bars' }, outTitle, outBars)),
    ),
    el(
      'section',
      { class: 'card map' },
      el('header', {}, mapTitle, mapLegend.root),
      el('div', { class: 'map-body' }, el('span', { class: 'axis-title vertical' }, 'output digit'), mapLabels, el('div', { class: 'map-frame' }, map, mapMark, mapAxis)),
      el('p', { class: 'caption' }, 'Row d, column j: how strongly hidden unit j votes for digit d (red for, blue against). The outlined column is the selected unit.'),
    ),
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

  // Why units barely changed: their saturation on test images, measured at most once a second.
  let stuck: number[] = [];
  const explainStill = throttle(() => {
    const s = store.state;
    const w = s.weights;
    if (!w || stuck.length === 0 || !s.testSet) {
      still.textContent = stuck.length ? `Orange outline: units ${list(stuck)} barely changed (under a quarter of the median unit’s change).` : '';
      return;
    }
    const n = Math.min(PROBE_IMAGES, s.testSet.count);
    const sat = unitSaturation(w, s.testSet.images, n);
    const mean = stuck.reduce((a, u) => a + sat[u]!, 0) / stuck.length;
    const act = w.layers.length > 2 ? w.hidden : w.output;
    const why =
      act === 'sigmoid'
        ? `their sigmoid is saturated (output near 0 or 1) on ${(mean * 100).toFixed(0)}% of ${n} test images, where its slope a(1−a) is almost 0, so almost no gradient reaches their weights`
        : act === 'relu'
          ? `their ReLU is below zero (no slope) on ${(mean * 100).toFixed(0)}% of ${n} test images, so almost no gradient reaches their weights`
          : `their ${act} is saturated on ${(mean * 100).toFixed(0)}% of ${n} test images, so little gradient reaches their weights`;
    still.textContent = `Orange outline: unit${stuck.length > 1 ? 's' : ''} ${list(stuck)} barely changed (under a quarter of the median unit’s change): ${why}.`;
  }, 1000);

  const card = root.querySelector('.card.tiles') as HTMLElement;
  const draw = (s: AppState) => {
    const w = s.weights;
    empty.hidden = w !== null;
    grid.hidden = w === null;
    card.classList.toggle('waiting', w === null);
    for (const e of [gridLegend.root, colours, viewLabel, perTileLabel]) e.hidden = w === null;
    below.hidden = w === null;
    if (!w) return;
    const inputs = w.layers[0]!;
    const units = w.layers[1]!;
    const deep = w.layers.length > 2;
    const step = s.showStep ? (s.lastStep?.delta ?? null) : null;
    const t = tileView(w, s.initialWeights, s.showChange, s.perTile, step);
    (view.options[0] as HTMLOptionElement).disabled = !t.canChange;
    (view.options[2] as HTMLOptionElement).disabled = s.lastStep === null;
    view.value = t.view;
    const ls = s.lastStep;
    stepLine.hidden = !(t.view === 'step' && ls);
    if (ls) {
      const d = ls.lossAfter - ls.lossBefore;
      stepLine.textContent = `Step: batch ${ls.batch} of epoch ${ls.epoch}. Loss on ${ls.probe.toLocaleString('en')} held-out images ${ls.lossBefore.toFixed(4)} → ${ls.lossAfter.toFixed(4)} (${d <= 0 ? '−' : '+'}${Math.abs(d).toFixed(4)}); this batch’s own loss before the update ${ls.batchLoss.toFixed(4)}.`;
    }
    perTile.checked = s.perTile;
    const unit = Math.min(s.selectedUnit, units - 1);
    const norms = t.delta ? rowNorms(t.delta, units, inputs) : null;
    const nextStuck = norms && s.run !== 'idle' ? stillUnits(norms) : [];
    if (nextStuck.join() !== stuck.join()) {
      stuck = nextStuck;
      explainStill(true);
    } else if (stuck.length) explainStill();
    still.hidden = stuck.length === 0;
    gridTitle.textContent = `${units} ${deep ? 'hidden' : 'output'} units`;
    grid.dataset.view = `${t.view}/${s.perTile ? 'tile' : 'shared'}`;
    gridLegend.set(typeof t.scale === 'number' ? t.scale : null);
    const what = t.view === 'step'
      ? 'Each tile: what this one step (one batch) changed in the unit’s 784 incoming weights, laid out as the 28×28 image. Red: raised, blue: lowered, white: untouched. The update is −(learning rate) × this batch’s gradient: the direction that lowers the batch’s loss fastest.'
      : t.change
      ? 'Each tile: how one unit’s 784 incoming weights changed since training began, laid out as the 28×28 image. Red: the weight grew (ink there now excites the unit); blue: it fell (ink there holds it back); white: unchanged.'
      : 'Each tile: one unit’s 784 incoming weights, laid out as the 28×28 image. Red: ink there excites the unit; blue: it holds it back; white: near zero.';
    colours.textContent = `${what} ${s.perTile ? 'Each tile has its own scale (its 99th percentile of |value| is full colour).' : 'One scale for all tiles.'}${t.view === 'weights' && t.canChange ? ' The random start hides what was learned: pick “change since start”.' : ''}`;
    putRgba(grid, tileGrid(t.values, units, inputs, t.scale, unit, stuck));
    putRgba(detailTile, singleTile(t.values, unit, inputs, t.scale));
    detailTitle.textContent = `Unit ${unit}${t.view === 'step' ? ' · last step’s update' : t.change ? ' · change since start' : ''}`;
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
      drawBars(outBars, out, scale1, rows <= 16, -1, { axis: true, xLabel: w.layers.length === 3 ? 'output digit' : 'next-layer unit' });
    }
    // The last layer as a heat map: rows = outputs, columns = last hidden layer; the selected unit's column outlined
    // when the last hidden layer is the first one.
    const last = w.W[w.W.length - 1]!;
    const rows = w.layers[w.layers.length - 1]!;
    const cols = w.layers[w.layers.length - 2]!;
    (map.closest('.card') as HTMLElement).hidden = !deep;
    if (deep) {
      const scaleL = sharedScale(last);
      mapLegend.set(scaleL);
      mapTitle.textContent = `Hidden → output weights (${rows} × ${cols})`;
      putRgba(map, heatmap(last, rows, cols, scaleL));
      const marked = w.layers.length === 3;
      mapMark.hidden = !marked;
      if (marked) {
        mapMark.style.left = `${(unit / cols) * 100}%`;
        mapMark.style.width = `${100 / cols}%`;
      }
      map.dataset.selected = marked ? String(unit) : '';
      const ticks = axisTicks(cols);
      mapAxis.replaceChildren(
        ...ticks.map((j) => {
          const tick = el('span', { class: 'tick' }, String(j));
          tick.style.left = `${((j + 0.5) / cols) * 100}%`;
          return tick;
        }),
        el('span', { class: 'axis-title' }, w.layers.length === 3 ? 'hidden unit' : `unit of hidden layer ${w.layers.length - 2}`),
      );
    }
  };

  store.subscribe((s, changed) => {
    if (!changed.has('weights') && !changed.has('selectedUnit') && !changed.has('showChange') && !changed.has('showStep') && !changed.has('lastStep') && !changed.has('perTile') && !changed.has('initialWeights') && !changed.has('testSet')) return;
    draw(s);
    if (changed.has('weights') && s.weights) c.ackWeights();
  });
  details.append(below);
}

const list = (units: number[]) => (units.length > 8 ? `${units.slice(0, 8).join(', ')} and ${units.length - 8} more` : units.join(', '));

/** Column ticks for an n-column axis: about 6 round numbers. */
export function axisTicks(n: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500].find((k) => n / k <= 6) ?? Math.ceil(n / 6);
  const out: number[] = [];
  for (let j = 0; j < n; j += step) out.push(j);
  return out;
}
