// Loss and accuracy curves with uPlot: training smoothed per batch, training and validation per epoch.
// Data comes from the pure curveColumns(); updates are limited to 4 per second so drawing never competes with training,
// except that an epoch's end and the run's end are drawn at once (the chart never lags behind the numbers).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { curveColumns } from '../draw/curves.js';
import { el } from '../dom.js';
import type { Store } from '../store.js';
import { throttle } from './throttle.js';

const COLORS = { batch: '#9db7d5', train: '#1f5fa8', valid: '#c0392b' };
export const CHART_INTERVAL_MS = 250;
/** Two charts and the status fit beside the tiles: their height follows the window's (150–230 px). */
export const chartHeight = (): number => Math.max(150, Math.min(230, Math.floor((window.innerHeight - 380) / 2)));

/** A uPlot chart over fractional epochs with the given series (after the x series). */
export function makeChart(target: HTMLElement, title: string, unit: string, series: uPlot.Series[]): uPlot {
  const opts: uPlot.Options = {
    title,
    width: Math.max(300, target.clientWidth),
    height: chartHeight(),
    scales: { x: { time: false } },
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [
      { label: 'epoch', size: 36, labelSize: 16, stroke: '#555', grid: { stroke: '#eceef1' } },
      { label: unit, size: 52, labelSize: 16, stroke: '#555', grid: { stroke: '#eceef1' } },
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
export function fitCharts(root: HTMLElement, charts: () => [uPlot | null, HTMLElement][]): void {
  const fit = () => {
    for (const [chart, box] of charts()) if (chart && box.clientWidth > 0) chart.setSize({ width: box.clientWidth, height: chartHeight() });
  };
  new ResizeObserver(fit).observe(root);
  window.addEventListener('resize', fit);
}

const epochPoints = (color: string, label: string): uPlot.Series => ({ label, stroke: color, width: 2, spanGaps: true, points: { show: true, size: 6, fill: color } });

export function mountCharts(root: HTMLElement, store: Store): void {
  const lossBox = el('div', { id: 'loss-chart', class: 'chart' });
  const accBox = el('div', { id: 'accuracy-chart', class: 'chart' });
  root.append(el('section', { class: 'card chart-card' }, lossBox), el('section', { class: 'card chart-card' }, accBox));
  let loss: uPlot | null = null;
  let acc: uPlot | null = null;
  const series = () => [
    { label: 'train (batches, smoothed)', stroke: COLORS.batch, width: 1.5, points: { show: false } },
    epochPoints(COLORS.train, 'train (epoch)'),
    epochPoints(COLORS.valid, 'validation (epoch)'),
  ];

  const draw = throttle(() => {
    const s = store.state;
    loss ??= makeChart(lossBox, 'Loss', 'loss', series());
    acc ??= makeChart(accBox, 'Accuracy', '%', series());
    const lossCols = curveColumns(s.batches, s.history, 'loss');
    loss.setData(lossCols as uPlot.AlignedData);
    acc.setData(curveColumns(s.batches, s.history, 'accuracy') as uPlot.AlignedData);
    // How many epoch points are on screen, for tests and for anyone checking the chart against the history table.
    lossBox.dataset.epochs = String(lossCols[2].filter((v) => v !== null).length);
  }, CHART_INTERVAL_MS);

  store.subscribe((s, changed) => {
    if (!changed.has('batches') && !changed.has('history') && !changed.has('tab') && !changed.has('run')) return;
    if (!root.isConnected || root.offsetParent === null) return;
    draw(changed.has('history') || changed.has('tab') || (changed.has('run') && s.run !== 'running'));
  });

  fitCharts(root, () => [
    [loss, lossBox],
    [acc, accBox],
  ]);
}
