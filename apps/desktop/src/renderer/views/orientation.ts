// The first screen's three steps (load, start, watch), each ticked when done; hidden once there are weights to watch.
// Text only: it points at the controls, it does not duplicate them.
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';

const STEPS: [string, string, (s: AppState) => boolean][] = [
  ['Load', 'the MNIST digits: Load MNIST, top left (about 11 MB, kept for next time).', (s) => s.dataset.status === 'ready'],
  ['Start', 'training: the Start button above (Ctrl+Enter). The seed preset is the classic 784-50-10 sigmoid network.', (s) => s.run !== 'idle' && s.run !== 'ready'],
  ['Watch', 'each hidden unit’s tile fill with the strokes it learns, and the loss fall. Slow it down with pace; see why it learns on “Why it learns”.', () => false],
];

export function mountOrientation(root: HTMLElement, store: Store): void {
  const items = STEPS.map(([word, rest], i) => el('li', { 'data-step': i + 1 }, el('strong', {}, `${i + 1}. ${word} `), rest));
  const box = el('section', { class: 'card orientation', id: 'orientation', 'aria-label': 'Getting started' }, el('ol', {}, ...items));
  root.append(box);
  store.subscribe((s, changed) => {
    if (!changed.has('dataset') && !changed.has('run') && !changed.has('weights')) return;
    box.hidden = s.weights !== null;
    STEPS.forEach(([, , done], i) => items[i]!.classList.toggle('done', done(s)));
  });
}
