// Keyboard movement inside a grid of focusable items (the confusion matrix, the image tiles): one tab stop for the
// whole grid (a roving tabindex), arrow keys and Home/End move between items, Enter and Space activate the buttons.
import { gridMove } from '../analysis/confusion.js';

/**
 * Make the `selector` items inside `root` one keyboard stop: arrow keys move focus, `cols()` says how many items a
 * row holds. Call `reset()` after re-rendering the items (it keeps the stop on the item at `index`, else the first).
 */
export function rovingGrid(root: HTMLElement, selector: string, cols: () => number): { reset(index?: number): void } {
  const items = () => [...root.querySelectorAll<HTMLElement>(selector)];
  const setStop = (list: HTMLElement[], k: number) => list.forEach((e, i) => (e.tabIndex = i === k ? 0 : -1));
  root.addEventListener('keydown', (e) => {
    const list = items();
    const i = list.indexOf(e.target as HTMLElement);
    if (i < 0) return;
    const next = gridMove(i, e.key, cols(), list.length, e.ctrlKey);
    if (next === null) return;
    e.preventDefault();
    setStop(list, next);
    list[next]!.focus();
  });
  root.addEventListener('focusin', (e) => {
    const list = items();
    const i = list.indexOf(e.target as HTMLElement);
    if (i >= 0) setStop(list, i);
  });
  return {
    reset: (index = 0) => {
      const list = items();
      setStop(list, index < list.length ? index : 0);
    },
  };
}

/** Items per row of a wrapping layout: how many share the first item's top edge. */
export function itemsPerRow(root: HTMLElement, selector: string): number {
  const list = root.querySelectorAll<HTMLElement>(selector);
  if (list.length === 0) return 1;
  const top = list[0]!.offsetTop;
  let n = 0;
  while (n < list.length && list[n]!.offsetTop === top) n++;
  return Math.max(1, n);
}
