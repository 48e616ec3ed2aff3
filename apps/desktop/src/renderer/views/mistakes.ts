// The Mistakes tab: the confusion matrix of the validation or test set (counts printed, colours by share of the
// row), a drill-down showing exactly the images of a clicked cell with each one's outputs, and a gallery of every
// misclassified image sorted by confidence. Any tile opens that image in the inspector.
import { confusionMatrix, mostConfused } from '@mlp/core';
import { cellIndices, mistakes, rowShares, sortByConfidence } from '../analysis/confusion.js';
import { outputsMeaning } from '../analysis/outputs.js';
import type { Controller } from '../controller.js';
import { sequentialRgb, textOn } from '../draw/colormap.js';
import { el, pct } from '../dom.js';
import type { AppState, Store } from '../store.js';
import type { Analysis, AnalysisSet } from '../train/protocol.js';
import { tilePages } from './digit-tiles.js';
import { rovingGrid } from './keys.js';

const SET_LABEL: Record<AnalysisSet, string> = { validation: 'Validation set', test: 'Test set' };

export function mountMistakes(root: HTMLElement, store: Store, c: Controller): void {
  const setSelect = el('select', { id: 'analysis-set', 'aria-label': 'which images' }, ...(['validation', 'test'] as const).map((v) => el('option', { value: v }, SET_LABEL[v])));
  const when = el('span', { id: 'analysis-when', class: 'caption' });
  const evaluate = el('button', { id: 'evaluate', title: 'Evaluate the current model on the validation and test sets' }, 'Evaluate now');
  const empty = el('p', { class: 'empty', id: 'mistakes-empty' });
  const matrix = el('table', { id: 'confusion', role: 'grid', 'aria-label': 'Confusion matrix: rows are the true digits, columns the predicted digits' });
  const pairs = el('p', { id: 'confused-pairs', class: 'pairs' });
  const matrixCard = el(
    'section',
    { class: 'card matrix-card' },
    el('header', {}, el('h3', {}, 'Confusion matrix'), el('span', { class: 'caption' }, 'row = true digit, column = predicted; colour = share of the row')),
    matrix,
    matrixLegend(),
    pairs,
  );
  const cellTitle = el('h3', { id: 'cell-title' }, 'Pick a cell');
  const cellPages = tilePages('cell', (i) => c.inspect({ set: store.state.analysisSet, index: i }));
  const cellHint = el('p', { class: 'caption' }, 'Click a cell of the matrix (or a most-confused pair) to see exactly its images; the arrow keys move between cells.');
  const cellCard = el('section', { class: 'card cell-card' }, el('header', {}, cellTitle), cellHint, cellPages.root);
  const sort = el('select', { id: 'gallery-sort', 'aria-label': 'order' }, el('option', { value: 'desc' }, 'most confident first'), el('option', { value: 'asc' }, 'least confident first'));
  const galleryTitle = el('h3', { id: 'gallery-title' }, 'Misclassified');
  const gallery = tilePages('gallery', (i) => c.inspect({ set: store.state.analysisSet, index: i }));
  const galleryCard = el('section', { class: 'card gallery-card' }, el('header', {}, galleryTitle, el('label', { class: 'inline' }, 'sort ', sort)), gallery.root);
  const outputsNote = el('p', { id: 'outputs-note', class: 'caption' });
  const body = el('div', { class: 'grid mistakes' }, matrixCard, cellCard, galleryCard);
  root.append(el('div', { class: 'toolbar' }, el('label', { class: 'inline' }, 'Show ', setSelect), when, evaluate), empty, outputsNote, body);

  let cell: { t: number; p: number } | null = null;
  let shown: Analysis | null = null;
  const keys = rovingGrid(matrix, 'button.cell', () => 10);

  setSelect.addEventListener('change', () => c.setAnalysisSet(setSelect.value as AnalysisSet));
  evaluate.addEventListener('click', () => c.analyse());
  sort.addEventListener('change', () => shown && renderGallery(shown));
  matrix.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('button.cell');
    if (b) selectCell(Number(b.dataset.t), Number(b.dataset.p));
  });
  pairs.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('button');
    if (b) selectCell(Number(b.dataset.t), Number(b.dataset.p), true);
  });

  const selectCell = (t: number, p: number, focus = false) => {
    cell = { t, p };
    if (!shown) return;
    for (const b of matrix.querySelectorAll<HTMLElement>('button.cell')) b.setAttribute('aria-pressed', String(b.dataset.t === String(t) && b.dataset.p === String(p)));
    if (focus) matrix.querySelector<HTMLElement>(`#cell-${t}-${p}`)?.focus();
    renderCell(shown);
  };

  const renderCell = (a: Analysis) => {
    cellHint.hidden = cell !== null;
    if (!cell) {
      cellTitle.textContent = 'Pick a cell';
      cellPages.root.hidden = true;
      return;
    }
    const { t, p } = cell;
    const idx = cellIndices(a.predictions, a.labels, t, p);
    let row = 0;
    for (let i = 0; i < a.count; i++) if (a.labels[i] === t) row++;
    cellTitle.textContent = t === p ? `${t}s recognised as ${t}` : `${t}s taken for ${p}s`;
    cellPages.root.hidden = false;
    cellPages.show(a, sortByConfidence(idx, a.outputs, a.classes, a.predictions, 'desc'), `{n} images (${pct(row ? idx.length / row : 0, 1)} of the ${row} ${t}s), most confident first`);
  };

  const renderGallery = (a: Analysis) => {
    const wrong = mistakes(a.predictions, a.labels);
    galleryTitle.textContent = `Misclassified · ${wrong.length.toLocaleString('en')} of ${a.count.toLocaleString('en')}`;
    gallery.show(a, sortByConfidence(wrong, a.outputs, a.classes, a.predictions, sort.value as 'asc' | 'desc'), `{n} images, ${sort.value === 'desc' ? 'the most confident mistakes' : 'the least confident mistakes'} first`);
  };

  const renderMatrix = (a: Analysis) => {
    const k = a.classes;
    const cm = confusionMatrix(a.predictions, a.labels, k);
    const shares = rowShares(cm);
    const head = el('tr', {}, el('th', { class: 'corner' }, 'true ╲ pred'), ...Array.from({ length: k }, (_, p) => el('th', { scope: 'col' }, String(p))), el('th', { scope: 'col' }, 'recall'));
    const rows = Array.from({ length: k }, (_, t) => {
      let total = 0;
      for (let p = 0; p < k; p++) total += cm.counts[t * k + p]!;
      const cells = Array.from({ length: k }, (_, p) => {
        const n = cm.counts[t * k + p]!;
        const share = shares[t * k + p]!;
        const rgb = sequentialRgb(share);
        const b = el(
          'button',
          {
            class: t === p ? 'cell diagonal' : 'cell',
            id: `cell-${t}-${p}`,
            tabindex: -1,
            'data-t': t,
            'data-p': p,
            'data-count': n,
            'aria-pressed': String(cell?.t === t && cell?.p === p),
            'aria-label': `true ${t}, predicted ${p}: ${n} images, ${pct(share, 1)} of the ${t}s`,
          },
          String(n),
        );
        b.style.backgroundColor = `rgb(${rgb.join(', ')})`;
        b.style.color = textOn(rgb);
        return el('td', { role: 'gridcell' }, b);
      });
      return el('tr', {}, el('th', { scope: 'row' }, String(t)), ...cells, el('td', { class: 'recall' }, pct(total ? cm.counts[t * k + t]! / total : 0, 1)));
    });
    matrix.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    const focusIndex = cell ? cell.t * k + cell.p : 0;
    keys.reset(focusIndex);
    const top = mostConfused(cm, 5);
    pairs.replaceChildren(
      ...(top.length ? [el('span', { class: 'caption' }, 'Most confused: ')] : []),
      ...top.map((q) => el('button', { class: 'link', 'data-t': q.actual, 'data-p': q.predicted, 'aria-label': `${q.actual}s taken for ${q.predicted}s: ${q.count} images` }, `${q.actual} → ${q.predicted} (${q.count})`)),
    );
  };

  const render = (s: AppState) => {
    const a = s.analyses[s.analysisSet];
    setSelect.value = s.analysisSet;
    (setSelect.options[0] as HTMLOptionElement).disabled = s.analyses.validation === null && s.analyses.test !== null;
    evaluate.disabled = s.weights === null || s.dataset.status !== 'ready' || s.run === 'running';
    body.hidden = a === null;
    empty.hidden = a !== null;
    outputsNote.hidden = a === null;
    if (!a) {
      when.textContent = '';
      empty.textContent =
        s.run === 'running'
          ? 'Training… the matrix appears when training ends; or pause and press Evaluate now.'
          : s.weights === null || s.dataset.status !== 'ready'
            ? 'Load the dataset and train (or open) a model: its predictions on every validation and test image show here.'
            : 'Press Evaluate now to see how the current model does on each digit.';
      shown = null;
      return;
    }
    let correct = 0;
    for (let i = 0; i < a.count; i++) if (a.predictions[i] === a.labels[i]) correct++;
    when.textContent = `${SET_LABEL[a.set]}, ${a.count.toLocaleString('en')} images · model ${a.when} · accuracy ${pct(correct / a.count)}`;
    outputsNote.textContent = `Each tile: the image, its ten outputs as bars (true digit green, a wrong prediction red), and the outputs of the predicted digit and of the runner-up: ${outputsMeaning(a.output)}.`;
    if (a === shown) return;
    shown = a;
    renderMatrix(a);
    renderCell(a);
    renderGallery(a);
  };

  store.subscribe((s, changed) => {
    if (s.tab !== 'mistakes') return;
    if (changed.has('tab') || changed.has('analyses') || changed.has('analysisSet') || changed.has('run') || changed.has('weights') || changed.has('dataset')) render(s);
  });
}

/** The matrix's colour legend: share of the row, 0% to 100%, on its square-root ramp (ticks where the colours are). */
function matrixLegend(): HTMLElement {
  const bar = el('span', { class: 'legend-bar wide' });
  const stops = Array.from({ length: 11 }, (_, i) => `rgb(${sequentialRgb(i / 10).join(', ')}) ${i * 10}%`);
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  return el('p', { class: 'legend', id: 'confusion-legend', 'aria-label': 'colour: share of the row, light 0% to dark 100%' }, 'share of the row: 0%', bar, '100% (1%, 5% and 25% are already clearly tinted)');
}
