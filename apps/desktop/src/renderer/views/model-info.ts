// The Model tab: what the current model is (architecture, parameters, settings, where it came from) and its
// per-epoch history as a table.

import { type AppSettings, OPTIMISER_NAMES } from '../../shared/settings.js';
import { el, pct } from '../dom.js';
import type { AppState, Store } from '../store.js';

/** The optimiser, its schedule, regularisation and stopping rule, in words: a row each. */
export function optimiserRows(t: AppSettings['train']): [string, string][] {
  const adam = t.optimizer === 'adam' || t.optimizer === 'adamw';
  const opt = [`${OPTIMISER_NAMES[t.optimizer]} lr ${t.lr}`, adam ? `β1 ${t.beta1}, β2 ${t.beta2}, ε ${t.eps}` : `momentum ${t.momentum}`, t.weightDecay > 0 ? `weight decay ${t.weightDecay}` : '', `L2 ${t.l2}`, `batch ${t.batch}`];
  const schedule = {
    exponential: `lr × ${t.lrDecay} after each epoch`,
    step: `lr × ${t.lrDecay} every ${t.stepEvery} epochs`,
    cosine: `cosine to 0 after ${t.warmup} warm-up epochs`,
    onecycle: `one-cycle (${t.warmup > 0 ? `${t.warmup} warm-up epochs` : 'warm-up 30% of the run'})`,
  }[t.schedule];
  const reg = [t.dropout > 0 ? `dropout ${t.dropout}` : '', t.maxNorm > 0 ? `max-norm ${t.maxNorm}` : '', t.clipNorm > 0 ? `gradient norm clipped at ${t.clipNorm}` : ''].filter(Boolean);
  return [
    ['Optimiser', opt.filter(Boolean).join(', ')],
    ['Schedule', schedule],
    ['Regularisation', reg.length ? reg.join(', ') : 'none besides L2'],
    ['Early stopping', t.earlyStop === 'off' ? 'off' : `on validation ${t.earlyStop}, patience ${t.patience} epoch${t.patience === 1 ? '' : 's'} (the best epoch’s weights are kept)`],
  ];
}

export function mountModelInfo(root: HTMLElement, store: Store): void {
  const summary = el('dl', { id: 'model-summary', class: 'summary' });
  const table = el('table', { id: 'history-table' });
  root.append(
    el('section', { class: 'card wide' }, el('header', {}, el('h3', {}, 'Model')), summary),
    el('section', { class: 'card wide' }, el('header', {}, el('h3', {}, 'History')), table),
  );

  const render = (s: AppState) => {
    const w = s.weights;
    const t = s.settings.train;
    const params = w ? w.layers.slice(1).reduce((sum, n, i) => sum + n * w.layers[i]! + n, 0) : null;
    const rows: [string, string][] = [
      ['Source', s.model ? (s.model.source === 'loaded' ? `opened ${s.model.name}` : 'trained in this window') : 'none yet'],
      ['Layers', w ? w.layers.join(' → ') : t.layers.join(' → ')],
      ['Parameters', params === null ? '—' : params.toLocaleString('en')],
      ['Activations', `${t.hidden} hidden, ${t.output} output, ${t.loss === 'ce' ? 'cross-entropy' : 'MSE'} loss`],
      ...optimiserRows(t),
      ['Validation', pct(s.evaluation?.validationAccuracy ?? s.history.at(-1)?.validationAccuracy)],
      ['Test', pct(s.evaluation?.testAccuracy)],
    ];
    summary.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    const head = el('tr', {}, ...['epoch', 'loss', 'train acc', 'valid loss', 'valid acc', 'lr', 'seconds'].map((h) => el('th', {}, h)));
    const body = s.history.map((h) =>
      el(
        'tr',
        {},
        el('td', {}, String(h.epoch)),
        el('td', {}, h.loss.toFixed(4)),
        el('td', {}, pct(h.trainAccuracy)),
        el('td', {}, h.validationLoss?.toFixed(4) ?? '—'),
        el('td', {}, pct(h.validationAccuracy)),
        el('td', { class: 'lr' }, String(Number(h.lr.toPrecision(4)))),
        el('td', {}, h.seconds.toFixed(1)),
      ),
    );
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
  };

  store.subscribe((s, changed) => {
    if (s.tab !== 'model') return;
    if (changed.has('tab') || changed.has('history') || changed.has('weights') || changed.has('evaluation') || changed.has('model')) render(s);
  });
}
