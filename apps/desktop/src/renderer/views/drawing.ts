// The Draw tab: a pad to draw a digit on with mouse, pen or touch (Pointer Events) or the keyboard, preprocessed the
// way MNIST was made and fed to the current network as you draw: live output bars, and the 28×28 input it sees.
// Strokes are stamped into the ink buffer at once; preprocessing and prediction run once per animation frame.
import { argmax, forwardPass } from '../analysis/forward.js';
import { outputsMeaning } from '../analysis/outputs.js';
import { SURE_MARGIN, verdict as judge } from '../analysis/verdict.js';
import { PAD_SIZE, padDigit, stampSegment } from '../analysis/pad.js';
import type { Controller } from '../controller.js';
import { digitImage } from '../draw/digits.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';
import { putRgba } from './canvas.js';
import { classBars } from './class-bars.js';

/** How far one arrow key moves the keyboard pen (pad pixels); with Shift, a fifth of it. */
const KEY_STEP = 14;

export function mountDrawing(root: HTMLElement, store: Store, c: Controller): void {
  const pad = el('canvas', {
    id: 'pad',
    width: PAD_SIZE,
    height: PAD_SIZE,
    tabindex: 0,
    role: 'img',
    'aria-label': 'Drawing pad. Draw a digit with the mouse, a pen or a finger. Keyboard: Space puts the pen down or lifts it, arrow keys move it (Shift for small steps), Delete clears.',
  });
  const clear = el('button', { id: 'pad-clear' }, 'Clear');
  const inspect = el('button', { id: 'pad-inspect', title: 'See which hidden units respond to your digit' }, 'Inspect this digit');
  const preview = el('canvas', { id: 'pad-input', class: 'pixelated', width: 28, height: 28, role: 'img', 'aria-label': 'the 28×28 input the network sees' });
  const bars = classBars('pad-bars');
  const verdict = el('p', { id: 'pad-prediction', class: 'verdict', 'aria-live': 'polite' });
  const note = el('p', { class: 'caption', id: 'pad-note' });
  root.append(
    el(
      'div',
      { class: 'grid drawing' },
      el(
        'section',
        { class: 'card pad-card' },
        el('header', {}, el('h3', {}, 'Draw a digit'), el('span', { class: 'caption' }, 'mouse, pen or touch; keyboard: Space, arrows, Delete')),
        pad,
        el('div', { class: 'buttons' }, clear, inspect),
      ),
      el(
        'section',
        { class: 'card pad-result' },
        el('header', {}, el('h3', {}, 'What the network sees')),
        el('div', { class: 'pad-input-row' }, preview, el('p', { class: 'caption' }, 'Your drawing as MNIST made its digits: cropped to its bounding box, scaled into 20×20 (antialiased), centred by its centre of mass in 28×28.')),
        verdict,
        bars.root,
        note,
      ),
    ),
  );

  const ink = new Uint8ClampedArray(PAD_SIZE * PAD_SIZE);
  const ctx = pad.getContext('2d');
  let last: [number, number] | null = null;
  let scheduled = false;
  const pen = { x: PAD_SIZE / 2, y: PAD_SIZE / 4, down: false, shown: false };

  /** Once per frame: show the ink, preprocess it, publish the 28×28 input (the subscriber predicts). */
  const refresh = () => {
    scheduled = false;
    putRgba(pad, digitImage(ink, 0, PAD_SIZE));
    if (ctx && pen.shown) {
      ctx.strokeStyle = pen.down ? '#c0392b' : '#1f5fa8';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(pen.x, pen.y, 12, 0, 2 * Math.PI);
      ctx.stroke();
    }
    c.setDrawn(padDigit(ink));
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(refresh);
  };
  const point = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * PAD_SIZE, ((e.clientY - r.top) / r.height) * PAD_SIZE];
  };
  const lineTo = (p: [number, number]) => {
    const from = last ?? p;
    stampSegment(ink, PAD_SIZE, from[0], from[1], p[0], p[1]);
    last = p;
  };

  pad.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    pad.focus({ preventScroll: true });
    pen.shown = false;
    last = null;
    lineTo(point(e));
    schedule();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last || !pad.hasPointerCapture(e.pointerId)) return;
    for (const ev of e.getCoalescedEvents?.() ?? [e]) lineTo(point(ev));
    schedule();
  });
  const end = () => {
    last = null;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);

  const clearPad = () => {
    ink.fill(0);
    last = null;
    pen.down = false;
    schedule();
  };
  clear.addEventListener('click', clearPad);
  inspect.addEventListener('click', () => c.inspect({ set: 'drawn' }));

  // The keyboard pen: a ring shows where it is (red while down).
  pad.addEventListener('focus', () => {
    pen.shown = !last;
    schedule();
  });
  pad.addEventListener('blur', () => {
    pen.shown = false;
    pen.down = false;
    schedule();
  });
  pad.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? KEY_STEP / 5 : KEY_STEP;
    const move: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (e.key === ' ' || e.key === 'Enter') {
      pen.down = !pen.down;
      if (pen.down) stampSegment(ink, PAD_SIZE, pen.x, pen.y, pen.x, pen.y);
    } else if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') {
      clearPad();
    } else if (move[e.key]) {
      const [dx, dy] = move[e.key]!;
      const x = Math.min(PAD_SIZE, Math.max(0, pen.x + dx));
      const y = Math.min(PAD_SIZE, Math.max(0, pen.y + dy));
      if (pen.down) stampSegment(ink, PAD_SIZE, pen.x, pen.y, x, y);
      pen.x = x;
      pen.y = y;
    } else return;
    e.preventDefault();
    pen.shown = true;
    schedule();
  });

  const predict = (s: AppState) => {
    const digit = s.drawn;
    inspect.disabled = digit === null;
    if (digit) putRgba(preview, digitImage(digit));
    else preview.getContext('2d')?.clearRect(0, 0, 28, 28);
    const net = s.weights;
    if (net?.layers[0] !== 784) {
      bars.update(null);
      verdict.textContent = '';
      note.textContent = 'Train or open a model to see what it makes of your digit.';
      return;
    }
    note.textContent = `Bars: the ten outputs, ${outputsMeaning(net.output)}. The pad says “Not sure” when the top two are within ${SURE_MARGIN} of each other.`;
    if (!digit) {
      bars.update(null);
      verdict.textContent = 'Draw a digit on the pad.';
      verdict.dataset.digit = '';
      verdict.dataset.sure = '';
      return;
    }
    const out = forwardPass(net, digit).layers.at(-1)!;
    const top = argmax(out);
    bars.update(out, null, net.output);
    const v = judge(out, net.output);
    verdict.dataset.digit = String(top);
    verdict.dataset.sure = String(v.sure);
    verdict.textContent = v.text;
  };

  store.subscribe((s, changed) => {
    if (s.tab !== 'draw') return;
    if (changed.has('tab')) schedule();
    if (changed.has('drawn') || changed.has('weights') || changed.has('tab')) predict(s);
  });
}
