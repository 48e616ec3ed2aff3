// Ten labelled horizontal bars of a network's outputs (the pad's live prediction, the inspector's output layer):
// text and widths in the DOM, so screen readers read them and the e2e test can count them.
import type { ActivationName } from '@mlp/core';
import { formatOutput } from '../analysis/outputs.js';
import { el } from '../dom.js';

export interface ClassBars {
  root: HTMLElement;
  /**
   * Show `values` (one per class; null clears), marking the largest and, when known, the true class; softmax values
   * print as percentages, other activations as plain numbers.
   */
  update(values: ArrayLike<number> | null, truth?: number | null, output?: ActivationName): void;
}

export function classBars(id: string, classes = 10): ClassBars {
  const rows = Array.from({ length: classes }, (_, k) => {
    const fill = el('span', { class: 'fill' });
    const value = el('span', { class: 'value' }, '—');
    const li = el('li', { 'data-class': k }, el('span', { class: 'digit' }, String(k)), el('span', { class: 'bar' }, fill), value);
    return { li, fill, value };
  });
  const root = el('ol', { id, class: 'class-bars', 'aria-label': 'output for each digit' }, ...rows.map((r) => r.li));
  return {
    root,
    update(values, truth = null, output = 'softmax') {
      let top = -1;
      if (values) for (let k = 0; k < classes; k++) if (top < 0 || values[k]! > values[top]!) top = k;
      root.dataset.predicted = top < 0 ? '' : String(top);
      rows.forEach((r, k) => {
        const v = values ? values[k]! : 0;
        r.fill.style.width = `${Math.min(100, Math.max(0, v * 100)).toFixed(1)}%`;
        r.value.textContent = values ? formatOutput(v, output) : '—';
        r.li.classList.toggle('top', k === top);
        r.li.classList.toggle('truth', k === truth);
        r.li.classList.toggle('wrong', k === top && truth !== null && truth !== top);
      });
    },
  };
}
