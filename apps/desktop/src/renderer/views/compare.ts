// Compare runs: every run of this session (and every opened model's history) kept with its curves; the selected
// ones overlaid on one loss chart per loss (MSE and cross-entropy are never on one axis) and one accuracy chart, one
// colour per run: training batches dashed (running average), validation per epoch bold with points. Every series spans
// the x values of the other runs (each run is thinned on its own), so no curve breaks where runs overlap.
// The run in progress is drawn live.
import type uPlot from 'uplot';
import { type Controller, MAX_RUNS } from '../controller.js';
import { compareColumns, drawnStretches, lossName } from '../draw/curves.js';
import { el, pct } from '../dom.js';
import type { AppState, RunRecord, Store } from '../store.js';
import { CHART_INTERVAL_MS, fitCharts, logToggle, makeChart, sparsePoints } from './charts.js';
import { throttle } from './throttle.js';

const STATUS: Record<RunRecord['status'], string> = { running: 'training', paused: 'paused', stopped: 'stopped', done: 'done', opened: 'opened file' };

function runSeries(r: RunRecord): uPlot.Series[] {
  return [
    { label: `${r.label} · train`, stroke: r.color, width: 1.5, dash: [5, 3], spanGaps: true, points: sparsePoints(r.color) },
    { label: `${r.label} · validation`, stroke: r.color, width: 2.5, spanGaps: true, points: { show: true, size: 6, fill: r.color } },
  ];
}

export function mountCompare(root: HTMLElement, store: Store, c: Controller): void {
  const table = el('table', { id: 'runs-table', class: 'runs' });
  const empty = el('p', { class: 'empty' }, 'Each run you train (and each model you open) is kept here for this session. Train two runs, e.g. the seed preset with two learning rates, or the seed and the best preset, to compare them.');
  const lossBox = el('div', { id: 'compare-loss', class: 'loss-charts' });
  const accBox = el('div', { id: 'compare-accuracy', class: 'chart' });
  const log = logToggle('compare-log', (on) => {
    logScale = on;
    shownKey = '';
    draw(true);
  });
  const charts = el(
    'div',
    { class: 'grid charts' },
    el('section', { class: 'card chart-card' }, el('div', { class: 'chart-tools' }, log), lossBox),
    el('section', { class: 'card chart-card' }, accBox, el('p', { class: 'caption' }, 'Accuracy is comparable across losses: it is the share of images whose highest output is the right digit.')),
  );
  root.append(
    el(
      'section',
      { class: 'card wide' },
      el('header', { class: 'wrap' }, el('h3', {}, 'Runs in this session'), el('span', { class: 'caption' }, `tick the runs to overlay; dashed: training batches (running average), solid with points: validation at the end of each epoch; one loss chart per loss; the latest ${MAX_RUNS} runs are kept`)),
      empty,
      table,
    ),
    charts,
  );

  let losses: { loss: string; runs: RunRecord[]; chart: uPlot; box: HTMLElement }[] = [];
  let acc: uPlot | null = null;
  let shownKey = '';
  let logScale = false;

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

  /** Per series, the stretches uPlot draws from the data and options it was given (for the tests, and honest). */
  const recordStretches = (box: HTMLElement, u: uPlot) => {
    const xs = u.data[0] as number[];
    const out = u.series.slice(1).map((sr, k) => ({ label: String(sr.label), stretches: drawnStretches(xs, u.data[k + 1] as (number | null)[], sr.spanGaps === true) }));
    box.dataset.stretches = JSON.stringify(out);
  };

  const draw = throttle(() => {
    const runs = store.state.runs.filter((r) => r.selected);
    charts.hidden = runs.length === 0;
    if (runs.length === 0) return;
    // New series (a run ticked or added, the scale changed): build the charts again; otherwise only new data.
    const key = `${runs.map((r) => r.id).join(',')}/${logScale}`;
    if (key !== shownKey) {
      for (const l of losses) l.chart.destroy();
      acc?.destroy();
      const byLoss = new Map<string, RunRecord[]>();
      for (const r of runs) byLoss.set(r.loss, [...(byLoss.get(r.loss) ?? []), r]);
      lossBox.replaceChildren();
      losses = [...byLoss].map(([loss, rs]) => {
        const box = el('div', { class: 'chart', 'data-loss': loss });
        lossBox.append(box);
        const name = lossName(loss);
        return { loss, runs: rs, box, chart: makeChart(box, `Loss (${name}${logScale ? ', log scale' : ''})`, name, rs.flatMap(runSeries), logScale) };
      });
      acc = makeChart(accBox, 'Accuracy (every loss)', 'accuracy %', runs.flatMap(runSeries));
      shownKey = key;
    }
    for (const l of losses) {
      l.chart.setData(compareColumns(l.runs, 'loss') as uPlot.AlignedData);
      recordStretches(l.box, l.chart);
    }
    acc!.setData(compareColumns(runs, 'accuracy') as uPlot.AlignedData);
    recordStretches(accBox, acc!);
    lossBox.dataset.runs = String(runs.length);
    lossBox.dataset.losses = losses.map((l) => l.loss).join(',');
  }, CHART_INTERVAL_MS);

  store.subscribe((s, changed) => {
    if (s.tab !== 'compare') return;
    const runsChanged = changed.has('runs') || changed.has('tab');
    if (runsChanged || changed.has('history')) renderTable(s);
    if (runsChanged || changed.has('history') || changed.has('batches')) draw(runsChanged || changed.has('history'));
  });

  fitCharts(charts, () => [...losses.map((l) => [l.chart, l.box] as [uPlot, HTMLElement]), [acc, accBox]]);
}
