// Loss and accuracy curves with uPlot: training smoothed per batch, training and validation per epoch.
// Data comes from the pure curveColumns(); updates are limited to 4 per second so drawing never competes with training.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { curveColumns } from '../draw/curves.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';

const COLORS = { batch: '#9db7d5', train: '#1f5fa8', valid: '#c0392b' };
const MIN_INTERVAL_MS = 250;

function makeChart(target: HTMLElement, title: string, unit: string): uPlot {
  const opts: uPlot.Options = {
    title,
    width: Math.max(300, target.clientWidth),
    height: 220,
    scales: { x: { time: false } },
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [
      { label: 'epoch', size: 36, labelSize: 16, stroke: '#555', grid: { stroke: '#eceef1' } },
      { label: unit, size: 52, labelSize: 16, stroke: '#555', grid: { stroke: '#eceef1' } },
    ],
    series: [
      {},
      { label: 'train (batches, smoothed)', stroke: COLORS.batch, width: 1.5, points: { show: false } },
      { label: 'train (epoch)', stroke: COLORS.train, width: 2, spanGaps: true, points: { show: true, size: 6, fill: COLORS.train } },
      { label: 'validation (epoch)', stroke: COLORS.valid, width: 2, spanGaps: true, points: { show: true, size: 6, fill: COLORS.valid } },
    ],
  };
  return new uPlot(opts, [[], [], [], []], target);
}

export function mountCharts(root: HTMLElement, store: Store): void {
  const lossBox = el('div', { id: 'loss-chart', class: 'chart' });
  const accBox = el('div', { id: 'accuracy-chart', class: 'chart' });
  root.append(el('section', { class: 'card chart-card' }, lossBox), el('section', { class: 'card chart-card' }, accBox));
  let loss: uPlot | null = null;
  let acc: uPlot | null = null;
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const draw = (s: AppState) => {
    last = performance.now();
    timer = null;
    loss ??= makeChart(lossBox, 'Loss', 'loss');
    acc ??= makeChart(accBox, 'Accuracy', '%');
    loss.setData(curveColumns(s.batches, s.history, 'loss') as uPlot.AlignedData);
    acc.setData(curveColumns(s.batches, s.history, 'accuracy') as uPlot.AlignedData);
  };

  store.subscribe((s, changed) => {
    if (!changed.has('batches') && !changed.has('history') && !changed.has('tab')) return;
    if (!root.isConnected || root.offsetParent === null) return;
    const wait = MIN_INTERVAL_MS - (performance.now() - last);
    if (wait <= 0 && !timer) draw(s);
    else timer ??= setTimeout(() => draw(store.state), Math.max(0, wait));
  });

  new ResizeObserver(() => {
    for (const [chart, box] of [
      [loss, lossBox],
      [acc, accBox],
    ] as const) {
      if (chart && box.clientWidth > 0) chart.setSize({ width: box.clientWidth, height: 220 });
    }
  }).observe(root);
}
