// Compare runs: every run of this session (and every opened model's history) kept with its curves; the selected
// ones overlaid on a loss and an accuracy chart, one colour per run: smoothed training batches thin, validation
// per epoch bold with points. The run in progress is drawn live.
import type uPlot from 'uplot';
import { type Controller, MAX_RUNS } from '../controller.js';
import { compareColumns } from '../draw/curves.js';
import { el, pct } from '../dom.js';
import type { AppState, RunRecord, Store } from '../store.js';
import { CHART_INTERVAL_MS, fitCharts, makeChart } from './charts.js';
import { throttle } from './throttle.js';

const STATUS: Record<RunRecord['status'], string> = { running: 'training', paused: 'paused', stopped: 'stopped', done: 'done', opened: 'opened file' };

function runSeries(r: RunRecord): uPlot.Series[] {
  return [
    { label: `${r.label} · train`, stroke: r.color, width: 1, dash: [4, 3], points: { show: false } },
    { label: `${r.label} · validation`, stroke: r.color, width: 2.5, spanGaps: true, points: { show: true, size: 6, fill: r.color } },
  ];
}

export function mountCompare(root: HTMLElement, store: Store, c: Controller): void {
  const table = el('table', { id: 'runs-table', class: 'runs' });
  const empty = el('p', { class: 'empty' }, 'Each run you train (and each model you open) is kept here for this session. Train two runs, e.g. the seed preset with two learning rates, to compare them.');
  const lossBox = el('div', { id: 'compare-loss', class: 'chart' });
  const accBox = el('div', { id: 'compare-accuracy', class: 'chart' });
  const charts = el('div', { class: 'grid charts' }, el('section', { class: 'card chart-card' }, lossBox), el('section', { class: 'card chart-card' }, accBox));
  root.append(
    el('section', { class: 'card wide' }, el('header', {}, el('h3', {}, 'Runs in this session'), el('span', { class: 'caption' }, `tick the runs to overlay; dashed: training (smoothed), solid: validation per epoch; the latest ${MAX_RUNS} runs are kept`)), empty, table),
    charts,
  );

  let loss: uPlot | null = null;
  let acc: uPlot | null = null;
  let shownKey = '';

  const renderTable = (s: AppState) => {
    empty.hidden = s.runs.length > 0;
    table.hidden = s.runs.length === 0;
    const head = el('tr', {}, ...['', 'run', 'status', 'epochs', 'validation', 'test'].map((h) => el('th', {}, h)));
    const rows = s.runs.map((r) => {
      const box = el('input', { type: 'checkbox', id: `run-${r.id}`, 'aria-label': `overlay ${r.label}`, checked: r.selected });
      box.addEventListener('change', () => c.selectRun(r.id, box.checked));
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = r.color;
      const last = r.history.at(-1);
      return el(
        'tr',
        { 'data-run': r.id },
        el('td', {}, box),
        el('td', { class: 'run-label' }, el('label', { for: `run-${r.id}`, title: r.detail }, swatch, r.label)),
        el('td', {}, STATUS[r.status]),
        el('td', {}, String(r.history.length)),
        el('td', {}, pct(last?.validationAccuracy)),
        el('td', {}, pct(r.testAccuracy)),
      );
    });
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  };

  const draw = throttle(() => {
    const runs = store.state.runs.filter((r) => r.selected);
    charts.hidden = runs.length === 0;
    if (runs.length === 0) return;
    // New series (a run ticked or added): build the charts again; otherwise only new data.
    const key = runs.map((r) => r.id).join(',');
    if (key !== shownKey) {
      loss?.destroy();
      acc?.destroy();
      loss = makeChart(lossBox, 'Loss', 'loss', runs.flatMap(runSeries));
      acc = makeChart(accBox, 'Accuracy', '%', runs.flatMap(runSeries));
      shownKey = key;
    }
    loss!.setData(compareColumns(runs, 'loss') as uPlot.AlignedData);
    acc!.setData(compareColumns(runs, 'accuracy') as uPlot.AlignedData);
    lossBox.dataset.runs = String(runs.length);
  }, CHART_INTERVAL_MS);

  store.subscribe((s, changed) => {
    if (s.tab !== 'compare') return;
    const runsChanged = changed.has('runs') || changed.has('tab');
    if (runsChanged || changed.has('history')) renderTable(s);
    if (runsChanged || changed.has('history') || changed.has('batches')) draw(runsChanged || changed.has('history'));
  });

  fitCharts(charts, () => [
    [loss, lossBox],
    [acc, accBox],
  ]);
}
