// Pages of image tiles (the confusion-cell drill-down and the misclassified gallery): each tile is a button with the
// digit, its ten outputs as small bars (true class green, a wrong prediction red) and "true → predicted · confidence",
// the values printed as the pad prints them (formatOutput: "%" only for softmax probabilities).
// One keyboard stop per page; arrows move between tiles, Enter or Space opens the image in the inspector.
import { pageOf } from '../analysis/confusion.js';
import { formatOutput } from '../analysis/outputs.js';
import { digitImage, outputStrip } from '../draw/digits.js';
import { el } from '../dom.js';
import type { Analysis } from '../train/protocol.js';
import { putRgba } from './canvas.js';
import { itemsPerRow, rovingGrid } from './keys.js';

export const PAGE_SIZE = 100;

export interface TilePages {
  root: HTMLElement;
  /** Show `indices` of `analysis` from page `page`; the caption names what they are ({n}: how many). */
  show(analysis: Analysis, indices: readonly number[], caption: string, page?: number): void;
}

export function tilePages(id: string, onOpen: (index: number) => void): TilePages {
  const caption = el('p', { class: 'caption', id: `${id}-caption`, 'aria-live': 'polite' });
  const grid = el('div', { id: `${id}-tiles`, class: 'tiles-grid', role: 'list' });
  const prev = el('button', { id: `${id}-prev`, 'aria-label': 'previous page' }, '‹ Prev');
  const next = el('button', { id: `${id}-next`, 'aria-label': 'next page' }, 'Next ›');
  const pageText = el('span', { class: 'page-text' });
  const pager = el('div', { class: 'pager' }, prev, pageText, next);
  const root = el('div', { id, class: 'tile-pages' }, caption, grid, pager);
  const keys = rovingGrid(grid, 'button.tile', () => itemsPerRow(grid, 'button.tile'));
  let current: { analysis: Analysis; indices: readonly number[]; caption: string; page: number } | null = null;

  const render = () => {
    if (!current) return;
    const { analysis: a, indices } = current;
    const p = pageOf(indices, current.page, PAGE_SIZE);
    current.page = p.page;
    caption.textContent = current.caption;
    pageText.textContent = `page ${p.page + 1} of ${p.pages}`;
    pager.hidden = p.pages <= 1;
    prev.disabled = p.page === 0;
    next.disabled = p.page >= p.pages - 1;
    const K = a.classes;
    const value = (v: number) => formatOutput(v, a.output);
    const tiles = p.items.map((i) => {
      const truth = a.labels[i]!;
      const pred = a.predictions[i]!;
      const conf = a.outputs[i * K + pred]!;
      // The runner-up: what the network would have said next (often the true digit, for a near miss).
      let second = pred === 0 ? 1 : 0;
      for (let k = 0; k < K; k++) if (k !== pred && a.outputs[i * K + k]! > a.outputs[i * K + second]!) second = k;
      const img = el('canvas', { class: 'pixelated digit' });
      putRgba(img, digitImage(a.images, i * 784));
      const strip = el('canvas', { class: 'strip' });
      putRgba(strip, outputStrip(a.outputs, i * K, K, truth, pred, 4 * K, 28));
      const wrong = truth !== pred;
      return el(
        'button',
        {
          class: wrong ? 'tile wrong' : 'tile',
          role: 'listitem',
          tabindex: -1,
          'data-index': i,
          title: `${a.set} image #${i} · outputs ${Array.from(a.outputs.subarray(i * K, i * K + K), (v, k) => `${k}: ${value(v)}`).join(', ')} · open in the inspector`,
          'aria-label': `${a.set} image ${i}: a ${truth}, predicted ${pred} with output ${value(conf)}, then ${second} with ${value(a.outputs[i * K + second]!)}`,
        },
        el('span', { class: 'tile-images' }, img, strip),
        el('span', { class: 'tile-text' }, `${truth} → ${pred}`, el('span', { class: 'conf' }, value(conf))),
        el('span', { class: 'runner-up', title: 'the second-highest output' }, `next: ${second} ${value(a.outputs[i * K + second]!)}`),
      );
    });
    grid.replaceChildren(...tiles);
    keys.reset();
  };

  grid.addEventListener('click', (e) => {
    const tile = (e.target as HTMLElement).closest<HTMLElement>('button.tile');
    if (tile) onOpen(Number(tile.dataset.index));
  });
  prev.addEventListener('click', () => {
    if (current) current.page--;
    render();
  });
  next.addEventListener('click', () => {
    if (current) current.page++;
    render();
  });

  return {
    root,
    show(analysis, indices, text, page = 0) {
      current = { analysis, indices, caption: text.replace('{n}', indices.length.toLocaleString('en')), page };
      render();
    },
  };
}
