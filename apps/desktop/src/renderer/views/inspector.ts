// The Inspect tab: one image's forward pass. The input (a test or validation image, or the drawn digit), a hidden
// layer's units sorted by activation (any layer of a deeper network), each with its weights as a tile (traced back to
// the pixels beyond the first layer) and, for the last hidden layer, its vote for every digit (activation ×
// hidden→output weight), then the outputs. So a learner sees which hidden units pushed the network to its answer.
import { argmax, forwardPass, rankDescending, tracedWeights, votes } from '../analysis/forward.js';
import { outputsMeaning } from '../analysis/outputs.js';
import type { Controller } from '../controller.js';
import { column } from '../draw/bars.js';
import { digitImage } from '../draw/digits.js';
import { scaleLabel } from '../draw/labels.js';
import { sharedScale } from '../draw/scale.js';
import { rowScales, singleTile } from '../draw/tiles.js';
import { el } from '../dom.js';
import type { AppState, InspectTarget, Store } from '../store.js';
import type { Weights } from '../train/protocol.js';
import { drawBars, putRgba } from './canvas.js';
import { classBars } from './class-bars.js';
import { throttle } from './throttle.js';
import { tileView } from './weights.js';

/** Units shown before "Show all". */
const FIRST_UNITS = 40;
const SOURCES: [InspectTarget['set'], string][] = [
  ['test', 'Test image'],
  ['validation', 'Validation image'],
  ['drawn', 'Drawn digit'],
];

/** The pixels and label of the target, or why there are none. */
function imageOf(s: AppState, t: InspectTarget): { pixels: Uint8Array; label: number | null; count: number } | string {
  if (t.set === 'drawn') return s.drawn ? { pixels: s.drawn, label: null, count: 1 } : 'Draw a digit on the Draw tab first.';
  const src = t.set === 'test' ? s.testSet : s.analyses.validation;
  if (!src) return t.set === 'test' ? 'Load the dataset to pick a test image.' : 'Evaluate a model to pick validation images.';
  const i = Math.min(src.count - 1, Math.max(0, t.index));
  return { pixels: src.images.subarray(i * 784, (i + 1) * 784), label: src.labels[i]!, count: src.count };
}

export function mountInspector(root: HTMLElement, store: Store, c: Controller): void {
  const source = el('select', { id: 'inspect-source', 'aria-label': 'image source' }, ...SOURCES.map(([v, label]) => el('option', { value: v }, label)));
  const index = el('input', { id: 'inspect-index', type: 'number', min: 0, step: 1, 'aria-label': 'image number' });
  const prev = el('button', { id: 'inspect-prev', 'aria-label': 'previous image' }, '‹');
  const next = el('button', { id: 'inspect-next', 'aria-label': 'next image' }, '›');
  const input = el('canvas', { id: 'inspect-input', class: 'pixelated', width: 28, height: 28, role: 'img', 'aria-label': 'the input image' });
  const caption = el('p', { id: 'inspect-caption', class: 'verdict', 'aria-live': 'polite' });
  const bars = classBars('inspect-bars');
  const outNote = el('p', { class: 'caption' });
  const unitsTitle = el('h3', { id: 'inspect-units-title' }, 'Hidden units');
  const unitsNote = el('p', { class: 'caption', id: 'inspect-units-note' });
  const layerPick = el('select', { id: 'inspect-layer', 'aria-label': 'hidden layer' });
  const layerLabel = el('label', { class: 'inline' }, 'layer ', layerPick);
  const sort = el('select', { id: 'inspect-sort', 'aria-label': 'sort units by' }, el('option', { value: 'activation' }, 'activation'), el('option', { value: 'vote' }, 'vote for the prediction'));
  const all = el('button', { id: 'inspect-all', 'aria-pressed': 'false' }, 'Show all');
  const units = el('div', { id: 'inspect-units', class: 'units', role: 'list' });
  const message = el('p', { class: 'empty', id: 'inspect-empty' });
  const body = el(
    'div',
    { class: 'grid inspector' },
    el('section', { class: 'card inspect-input' }, el('header', {}, el('h3', {}, 'Input')), input, caption),
    el('section', { class: 'card inspect-output' }, el('header', {}, el('h3', {}, 'Output')), bars.root, outNote),
    el('section', { class: 'card inspect-units wide' }, el('header', {}, unitsTitle, el('span', { class: 'header-tools' }, layerLabel, el('label', { class: 'inline' }, 'sort by ', sort), all)), unitsNote, units),
  );
  root.append(el('div', { class: 'toolbar' }, el('label', { class: 'inline' }, 'Show ', source), el('span', { class: 'inline' }, '#', index, prev, next)), message, body);

  let showAll = false;
  // Traced weights are a product of matrices: made once per weight snapshot and layer.
  let traced: { net: Weights; byLayer: Map<number, Float32Array> } | null = null;
  const tilesOf = (net: Weights, k: number): Float32Array => {
    if (traced?.net !== net) traced = { net, byLayer: new Map() };
    let t = traced.byLayer.get(k);
    if (!t) {
      t = tracedWeights(net, k);
      traced.byLayer.set(k, t);
    }
    return t;
  };
  layerPick.addEventListener('change', () => draw(true));
  const go = (set: InspectTarget['set'], i: number) => c.inspect(set === 'drawn' ? { set } : { set, index: Math.max(0, i) }, false);
  source.addEventListener('change', () => go(source.value as InspectTarget['set'], Number(index.value) || 0));
  index.addEventListener('change', () => go(source.value as InspectTarget['set'], Math.floor(Number(index.value) || 0)));
  prev.addEventListener('click', () => go(source.value as InspectTarget['set'], Number(index.value) - 1));
  next.addEventListener('click', () => go(source.value as InspectTarget['set'], Number(index.value) + 1));
  sort.addEventListener('change', () => draw(true));
  all.addEventListener('click', () => {
    showAll = !showAll;
    all.setAttribute('aria-pressed', String(showAll));
    draw(true);
  });

  const render = () => {
    const s = store.state;
    const t = s.inspect;
    source.value = t.set;
    (source.options[1] as HTMLOptionElement).disabled = s.analyses.validation === null;
    const img = imageOf(s, t);
    const net = s.weights;
    const numbered = t.set !== 'drawn';
    index.disabled = prev.disabled = next.disabled = !numbered || typeof img === 'string';
    if (numbered && typeof img !== 'string') {
      index.max = String(img.count - 1);
      // Leave the number alone while someone is typing in it.
      if (document.activeElement !== index) index.value = String(Math.min(img.count - 1, t.index));
      prev.disabled = t.index <= 0;
      next.disabled = t.index >= img.count - 1;
    }
    const why = typeof img === 'string' ? img : net?.layers[0] !== 784 ? 'Train or open a model to see its forward pass.' : null;
    message.textContent = why ?? '';
    message.hidden = why === null;
    body.hidden = why !== null;
    if (why !== null || typeof img === 'string' || !net) return;

    putRgba(input, digitImage(img.pixels));
    const pass = forwardPass(net, img.pixels);
    const out = pass.layers.at(-1)!;
    const pred = argmax(out);
    const what = t.set === 'drawn' ? 'your drawing' : `${t.set} image #${t.index}`;
    caption.textContent = img.label === null ? `${what}: predicted ${pred}` : `${what}: a ${img.label}, predicted ${pred}${img.label === pred ? ' ✓' : ' ✗'}`;
    caption.dataset.predicted = String(pred);
    bars.update(out, img.label, net.output);
    outNote.textContent = `The ten outputs, ${outputsMeaning(net.output)}.`;

    // One hidden layer (the picked one of a deeper network): every unit's activation, its weight tile and, for the
    // last hidden layer, its votes.
    const depth = net.layers.length - 2;
    if (layerPick.options.length !== depth) {
      layerPick.replaceChildren(...Array.from({ length: depth }, (_, k) => el('option', { value: k }, `${k + 1} of ${depth} (${net.layers[k + 1]} units)`)));
    }
    layerLabel.hidden = depth === 1;
    const k = Math.min(depth - 1, Math.max(0, Number(layerPick.value) || 0));
    layerPick.value = String(k);
    const hidden = pass.layers[k]!;
    const voting = k === depth - 1;
    sort.disabled = !voting;
    if (!voting) sort.value = 'activation';
    const myVotes = voting ? votes(net, hidden, pred) : null;
    const order = rankDescending(sort.value === 'vote' && myVotes ? myVotes : hidden);
    const shown = showAll ? order : order.slice(0, FIRST_UNITS);
    all.hidden = order.length <= FIRST_UNITS;
    all.textContent = showAll ? `Show the first ${FIRST_UNITS}` : `Show all ${order.length}`;
    unitsTitle.textContent = depth > 1 ? `Hidden layer ${k + 1} of ${depth} · ${hidden.length} units` : `Hidden layer · ${hidden.length} units`;
    // The first layer's tiles as on the Training tab: by default what training changed since initialisation.
    const firstTiles = k === 0 ? tileView(net, s.initialWeights, s.showChange, s.perTile) : null;
    const weightsSay =
      k === 0
        ? firstTiles?.change
          ? 'how its incoming weights changed since training began (red: grew, blue: fell)'
          : 'its incoming weights (red +, blue −)'
        : `its weights traced back to the pixels (${k === 1 ? 'W2·W1' : `W${k + 1}·…·W1`}, red +, blue −: what it would respond to if the layers below were linear)`;
    // One scale for every unit's votes: a high quantile of |activation × weight| over the layer, so a few big votes
    // do not flatten the rest (they saturate instead).
    const W1 = net.W[net.W.length - 1]!; // into the outputs
    const voteScale = myVotes ? sharedScale(W1.map((w, i) => w * hidden[i % hidden.length]!), 0.98) : 1;
    unitsNote.textContent = voting
      ? `Sorted by ${sort.value === 'vote' ? `vote for ${pred}` : 'activation'}. Each unit: ${weightsSay}, its activation (bar: full width = the layer’s largest, ${Math.max(1e-6, ...hidden).toFixed(2)}), and its vote for each digit 0–9 (activation × weight into that output; ${pred} outlined; one scale for all units: a full bar is a vote of ±${scaleLabel(voteScale)}). The votes plus the output biases make the outputs.`
      : `Sorted by activation. Each unit: ${weightsSay} and its activation. This layer feeds hidden layer ${k + 2}, not the outputs, so its votes are not shown (pick layer ${depth} for them).`;
    const W0 = firstTiles?.values ?? tilesOf(net, k);
    const scale = firstTiles?.scale ?? (s.perTile ? rowScales(W0, W0.length / 784, 784) : sharedScale(W0));
    const maxAct = Math.max(1e-6, ...hidden);
    units.replaceChildren(
      ...shown.map((u) => {
        const tile = el('canvas', { class: 'pixelated unit-tile' });
        putRgba(tile, singleTile(W0, u, 784, scale));
        const fill = el('span', { class: 'act-fill' });
        fill.style.width = `${Math.max(0, Math.min(1, hidden[u]! / maxAct)) * 100}%`;
        const a = hidden[u]!.toFixed(2);
        const parts: (Node | string)[] = [tile, el('span', { class: 'unit-text' }, el('strong', {}, `#${u}`), ` a=${a}`), el('span', { class: 'act-bar' }, fill)];
        let label = `unit ${u}: activation ${a}`;
        if (myVotes) {
          const v = column(W1, out.length, hidden.length, u).map((w) => w * hidden[u]!);
          const canvas = el('canvas', { class: 'votes', width: 160, height: 76 });
          drawBars(canvas, v, voteScale, true, pred, { axis: true });
          const mine = myVotes[u]!;
          parts.push(canvas, el('span', { class: 'vote' }, `vote for ${pred}: ${mine >= 0 ? '+' : ''}${mine.toFixed(2)}`));
          label += `, vote for ${pred} ${mine.toFixed(2)}`;
        }
        return el('div', { class: 'unit', role: 'listitem', 'aria-label': label, 'data-unit': u }, ...parts);
      }),
    );
  };
  const draw = throttle(render, 250);

  store.subscribe((s, changed) => {
    if (s.tab !== 'inspect') return;
    if (changed.has('tab') || changed.has('inspect') || changed.has('drawn') || changed.has('testSet') || changed.has('analyses')) draw(true);
    else if (changed.has('weights') || changed.has('showChange') || changed.has('perTile') || changed.has('initialWeights')) draw();
  });
}
