// Loss and accuracy curves with uPlot: training per batch (running average), training per epoch (the epoch's mean) and
// validation per epoch, each captioned; the loss axis names the loss, and a log scale is a tick away.
// Data comes from the pure curveColumns(); updates are limited to 4 per second so drawing never competes with training,
// except that an epoch's end and the run's end are drawn at once (the chart never lags behind the numbers).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { curveColumns, lossName } from '../draw/curves.js';
import { epochRange, epochTicks, tickLabels } from '../draw/ticks.js';
import { el } from '../dom.js';
import type { Store } from '../store.js';
import { throttle } from './throttle.js';

const COLORS = { batch: '#9db7d5', train: '#1f5fa8', valid: '#c0392b' };
export const CHART_INTERVAL_MS = 250;
/** Axis text at 12 px (uPlot's default is 10 px). */
export const AXIS_FONT = '12px system-ui, sans-serif';
export const AXIS_LABEL_FONT = 'bold 12px system-ui, sans-serif';

/** Two charts and the status fit beside the tiles: their height follows the window's (150–230 px). */
export const chartHeight = (): number => Math.max(150, Math.min(230, Math.floor((window.innerHeight - 380) / 2)));

/** Room for one tick label of the epoch axis ("0.0015" at 12 px, with a gap), in CSS pixels. */
const EPOCH_TICK_PX = 56;

/**
 * The x axis of every chart over fractional epochs: from epoch 0, ticks at nice steps labelled with just enough
 * decimals (draw/ticks.ts), so one Step's axis reads 0, 0.0005, 0.0010 instead of uPlot's repeated 0.001, 0.001.
 */
export const EPOCH_SCALE: uPlot.Scale = { time: false, range: (_u, min, max) => epochRange(min, max) };
export function epochAxis(size: number): uPlot.Axis {
  return {
    label: 'epoch',
    size,
    labelSize: 16,
    stroke: '#555',
    grid: { stroke: '#eceef1' },
    font: AXIS_FONT,
    labelFont: AXIS_LABEL_FONT,
    splits: (u, _axis, min, max) => epochTicks(min, max, Math.max(2, Math.floor(u.bbox.width / uPlot.pxRatio / EPOCH_TICK_PX))),
    values: (_u, splits) => tickLabels(splits),
  };
}

/** A uPlot chart over fractional epochs with the given series (after the x series); `log` puts y on a log scale. */
export function makeChart(target: HTMLElement, title: string, unit: string, series: uPlot.Series[], log = false): uPlot {
  const opts: uPlot.Options = {
    title,
    width: Math.max(300, target.clientWidth),
    height: chartHeight(),
    scales: { x: EPOCH_SCALE, ...(log ? { y: { distr: 3 } } : {}) },
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [
      epochAxis(40),
      { label: unit, size: 60, labelSize: 18, stroke: '#555', grid: { stroke: '#eceef1' }, font: AXIS_FONT, labelFont: AXIS_LABEL_FONT },
    ],
    series: [{}, ...series],
    hooks: { setSeries: [(u) => keyboardLegend(u)] },
  };
  const chart = new uPlot(opts, [[], ...series.map(() => [])], target);
  keyboardLegend(chart);
  return chart;
}

/**
 * uPlot's legend entries hide and show their series on a mouse click only: make each one a toggle button that Tab
 * reaches and Enter or Space presses, with aria-pressed saying whether its curve is shown.
 */
export function keyboardLegend(u: uPlot): void {
  const rows = u.root.querySelectorAll<HTMLElement>('.u-legend tr.u-series');
  // Without a live legend uPlot leaves out the x series' row.
  const first = u.series.length - rows.length;
  rows.forEach((row, i) => {
    const label = row.querySelector<HTMLElement>('th');
    const s = u.series[i + first];
    if (!label || !s || i + first === 0) return;
    label.setAttribute('aria-pressed', String(s.show !== false));
    if (label.getAttribute('role') === 'button') return;
    label.setAttribute('role', 'button');
    label.tabIndex = 0;
    label.title = 'Show or hide this curve (Enter or Space)';
    label.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      label.click();
    });
  });
}

/** Keep charts as wide as their boxes. */
export function fitCharts(root: HTMLElement, charts: () => [uPlot | null, HTMLElement][], height: () => number = chartHeight): void {
  const fit = () => {
    for (const [chart, box] of charts()) if (chart && box.clientWidth > 0) chart.setSize({ width: box.clientWidth, height: height() });
  };
  new ResizeObserver(fit).observe(root);
  window.addEventListener('resize', fit);
}

/** A line's points, drawn only while it has a few (a line through one Step's single batch would show nothing). */
export const sparsePoints = (color: string): uPlot.Series.Points => ({
  show: (u, si) => {
    let n = 0;
    for (const v of u.data[si] ?? []) if (v !== null && v !== undefined && ++n > 12) return false;
    return true;
  },
  size: 5,
  fill: color,
});

const epochPoints = (color: string, label: string): uPlot.Series => ({ label, stroke: color, width: 2, spanGaps: true, points: { show: true, size: 6, fill: color } });

/** The series of the training charts, in curveColumns()'s order. */
export const TRAINING_SERIES = (): uPlot.Series[] => [
  { label: 'train, per batch (running average)', stroke: COLORS.batch, width: 1.5, spanGaps: true, points: sparsePoints(COLORS.batch) },
  epochPoints(COLORS.train, 'train, epoch mean'),
  epochPoints(COLORS.valid, 'validation, end of epoch'),
];

/** What the curves are, in a sentence a learner can read. */
export const CURVES_CAPTION =
  'Light line: the training batches, a running average. Dark points: the mean over each epoch’s batches (the early ones were made by a worse network, so it trails). Red points: the held-out validation images, measured at the end of each epoch.';

/** A "log scale" checkbox that calls `on` with its state. */
export function logToggle(id: string, on: (log: boolean) => void): HTMLLabelElement {
  const box = el('input', { type: 'checkbox', id });
  box.addEventListener('change', () => on(box.checked));
  return el('label', { class: 'toggle', title: 'A logarithmic loss axis: the early spike stops flattening the rest' }, box, 'log scale');
}

export function mountCharts(root: HTMLElement, store: Store, showWhy: () => void): void {
  const lossBox = el('div', { id: 'loss-chart', class: 'chart' });
  const accBox = el('div', { id: 'accuracy-chart', class: 'chart' });
  const log = logToggle('log-loss', (on) => {
    shown = '';
    logScale = on;
    draw(true);
  });
  root.append(
    el('section', { class: 'card chart-card' }, el('div', { class: 'chart-tools' }, log), lossBox),
    el(
      'section',
      { class: 'card chart-card' },
      accBox,
      el('p', { class: 'caption', id: 'curves-caption' }, CURVES_CAPTION),
      el('button', { class: 'link', id: 'to-why', onclick: showWhy }, 'Why does it learn this fast, or this slowly? Look inside →'),
    ),
    el('div', { class: 'empty placeholder', id: 'curves-empty' }, el('strong', {}, 'The loss and accuracy curves will appear here.'), el('span', {}, 'The loss falls and the accuracy rises as the network learns; the validation points show how it does on images it never trains on.')),
  );
  let loss: uPlot | null = null;
  let acc: uPlot | null = null;
  let logScale = false;
  let shown = '';

  const draw = throttle(() => {
    const s = store.state;
    const name = lossName(s.settings.train.loss);
    const key = `${name}/${logScale}`;
    if (key !== shown) {
      loss?.destroy();
      loss = makeChart(lossBox, `Loss (${name}${logScale ? ', log scale' : ''})`, name, TRAINING_SERIES(), logScale);
      lossBox.dataset.scale = logScale ? 'log' : 'linear';
      shown = key;
    }
    acc ??= makeChart(accBox, 'Accuracy', 'accuracy %', TRAINING_SERIES());
    const lossCols = curveColumns(s.batches, s.history, 'loss');
    loss!.setData(lossCols as uPlot.AlignedData);
    acc.setData(curveColumns(s.batches, s.history, 'accuracy') as uPlot.AlignedData);
    lossBox.dataset.loss = name;
    // How many epoch points are on screen, for tests and for anyone checking the chart against the history table.
    lossBox.dataset.epochs = String(lossCols[2].filter((v) => v !== null).length);
  }, CHART_INTERVAL_MS);

  store.subscribe((s, changed) => {
    if (!changed.has('batches') && !changed.has('history') && !changed.has('tab') && !changed.has('run') && !changed.has('settings')) return;
    const empty = s.history.length === 0 && s.batches.x.length === 0;
    root.classList.toggle('waiting', empty);
    if (!root.isConnected || root.offsetParent === null) return;
    draw(changed.has('history') || changed.has('tab') || changed.has('settings') || (changed.has('run') && s.run !== 'running'));
  });

  fitCharts(root, () => [
    [loss, lossBox],
    [acc, accBox],
  ]);
}
