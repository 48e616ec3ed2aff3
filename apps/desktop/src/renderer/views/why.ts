// The "Why it learns" tab: a live diagram of the network (hidden units drawn as their tiles, the strongest connections
// coloured by weight), and per layer, over training, the distributions of its weights, of its activations on
// held-out images (saturated sigmoid units show as bands pinned to 0 and 1) and of its gradient sizes — which is why
// sigmoid+MSE starts slowly and ReLU+softmax+cross-entropy does not. Captions say what to look for.
import uPlot from 'uplot';
import { tracedWeights } from '../analysis/forward.js';
import { cssColor } from '../draw/colormap.js';
import { lossName } from '../draw/curves.js';
import { networkLayout, strongestEdges } from '../draw/network.js';
import { sharedScale } from '../draw/scale.js';
import { singleTile } from '../draw/tiles.js';
import { el } from '../dom.js';
import type { AppState, Store } from '../store.js';
import type { Weights } from '../train/protocol.js';
import { QUANTILES, type StatsSnapshot } from '../train/stats.js';
import { AXIS_FONT, AXIS_LABEL_FONT, EPOCH_SCALE, epochAxis, fitCharts } from './charts.js';
import { throttle } from './throttle.js';
import { tileView } from './weights.js';

/** Connections drawn between two layers. */
const EDGES = 150;
const BAND_HEIGHT = 170;
type Quantity = 'weights' | 'activations' | 'gradients';

const QUANTITY: Record<Quantity, { title: (l: number, last: boolean) => string; y: string; log: boolean; caption: string }> = {
  weights: {
    title: (l) => `Layer ${l + 1} weights`,
    y: 'weight',
    log: false,
    caption: 'The spread of the weights: it widens as units specialise.',
  },
  activations: {
    title: (l, last) => `${last ? 'Output' : `Hidden layer ${l + 1}`} activations`,
    y: 'activation',
    log: false,
    caption: 'On 100 held-out images. Sigmoid: bands pinned at 0 or 1 are saturated units, whose slope is ≈ 0. ReLU: a band flat at 0 is units that are off, which pass no gradient.',
  },
  gradients: {
    title: (l) => `Layer ${l + 1} gradient sizes`,
    y: '|gradient| (log)',
    log: true,
    caption: 'How big the last batch’s gradient was for each weight (a step moves a weight by the learning rate × this); weights that got none — pixels never inked, ReLU units that are off — sit on the floor.',
  },
};

/** Quantile bands over time: the median as a line, 31–69, 16–84, 7–93 and min–max as ever lighter fills. */
function bandChart(target: HTMLElement, title: string, y: string, log: boolean, color: string): uPlot {
  const n = QUANTILES.length;
  const series: uPlot.Series[] = [{}];
  for (let k = 0; k < n; k++) series.push({ label: `q${QUANTILES[k]}`, stroke: k === (n - 1) / 2 ? color : 'transparent', width: k === (n - 1) / 2 ? 2 : 0, points: { show: false } });
  const alphas = ['22', '33', '55', '77'];
  const bands: uPlot.Band[] = alphas.map((a, k) => ({ series: [n - k, k + 1] as [number, number], fill: `${color}${a}` }));
  return new uPlot(
    {
      title,
      width: target.clientWidth || 220,
      height: BAND_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: EPOCH_SCALE, ...(log ? { y: { distr: 3 } } : {}) },
      axes: [
        epochAxis(36),
        { label: y, size: 64, labelSize: 18, stroke: '#555', grid: { stroke: '#eceef1' }, font: AXIS_FONT, labelFont: AXIS_LABEL_FONT, ...(log ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (v === null || v === undefined ? '' : v === 0 ? '0' : v.toExponential(0))) } : {}) },
      ],
      series,
      bands,
    },
    [[], ...QUANTILES.map(() => [])],
    target,
  );
}

/** uPlot columns for one quantity of one layer: x, then one column per quantile (gradients kept above 1e-9 for the log axis). */
export function bandColumns(stats: readonly StatsSnapshot[], layer: number, q: Quantity): number[][] {
  const rows = stats.filter((s) => q !== 'gradients' || s.layers[layer]?.gradients);
  const cols: number[][] = [rows.map((s) => s.x)];
  for (let k = 0; k < QUANTILES.length; k++) {
    cols.push(
      rows.map((s) => {
        const L = s.layers[layer]!;
        // Gradient sizes: the smallest are often exactly 0 (pixels that are never ink), which a log axis cannot show;
        // the lowest band starts at the 7th percentile instead of the minimum.
        const v = (q === 'gradients' ? L.gradients! : L[q])[q === 'gradients' && k === 0 ? 1 : k]!;
        return q === 'gradients' ? Math.max(1e-9, v) : v;
      }),
    );
  }
  return cols;
}

export function mountWhy(root: HTMLElement, store: Store): void {
  const diagram = el('canvas', { id: 'network', role: 'img', 'aria-label': 'network diagram' });
  const diagramCaption = el('p', { class: 'caption', id: 'network-caption' });
  const story = el('p', { class: 'story', id: 'why-story' });
  const empty = el(
    'div',
    { class: 'empty placeholder', id: 'why-empty' },
    el('strong', {}, 'Start a run to see inside the network.'),
    el('span', {}, 'A diagram of the network will appear here, then, per layer, how its weights, its activations and its gradients change as it learns. Try the seed preset (sigmoid, MSE), then the best one (ReLU, softmax, cross-entropy), and compare the gradient sizes.'),
  );
  const layersBox = el('div', { id: 'why-layers', class: 'why-layers' });
  const body = el(
    'div',
    { class: 'why-body' },
    el('section', { class: 'card' }, el('header', {}, el('h3', {}, 'The network, live')), diagram, diagramCaption),
    el('section', { class: 'card' }, el('header', {}, el('h3', {}, 'Why it learns fast or slowly')), story, layersBox),
  );
  root.append(empty, body);

  let charts: { layer: number; q: Quantity; chart: uPlot | null; box: HTMLElement }[] = [];
  let shape = '';

  const build = (layers: number) => {
    for (const ch of charts) ch.chart?.destroy();
    layersBox.replaceChildren();
    charts = [];
    for (let l = 0; l < layers; l++) {
      const row = el('div', { class: 'why-row', 'data-layer': l });
      for (const q of ['weights', 'activations', 'gradients'] as Quantity[]) {
        const box = el('div', { class: 'band-chart', id: `why-${q}-${l}` });
        const d = QUANTITY[q];
        const cell = el('div', { class: 'why-cell' }, box, el('p', { class: 'caption' }, d.caption));
        row.append(cell);
        charts.push({ layer: l, q, box, chart: null });
      }
      layersBox.append(row);
    }
  };

  const drawCharts = (s: AppState) => {
    const layers = s.stats[0]?.layers.length ?? 0;
    const key = `${layers}/${s.settings.train.layers.join('-')}/${s.settings.train.hidden}`;
    if (key !== shape) {
      build(layers);
      shape = key;
    }
    for (const ch of charts) {
      if (!ch.chart) {
        const last = ch.layer === layers - 1;
        const d = QUANTITY[ch.q];
        ch.chart = bandChart(ch.box, d.title(ch.layer, last), d.y, d.log, ch.q === 'gradients' ? '#8e44ad' : ch.q === 'activations' ? '#e67e22' : '#1f5fa8');
      }
      const cols = bandColumns(s.stats, ch.layer, ch.q);
      ch.chart!.setData(cols as uPlot.AlignedData);
      ch.box.dataset.points = String(cols[0]!.length);
      // The typical gradient at the first snapshot after training began: how fast this network starts to learn.
      const early = s.stats.find((x) => x.layers[ch.layer]?.gradientRms !== null);
      if (ch.q === 'gradients' && early) ch.box.dataset.early = String(early.layers[ch.layer]!.gradientRms);
    }
    const now = s.stats.at(-1);
    if (now) story.textContent = storyText(s, now);
  };

  const drawDiagram = (s: AppState) => {
    const net = s.weights;
    if (!net) return;
    const width = Math.max(300, Math.min(820, diagram.parentElement!.clientWidth - 24));
    const height = Math.max(220, Math.min(340, Math.round(width * 0.42)));
    if (diagram.width !== width || diagram.height !== height) {
      diagram.width = width;
      diagram.height = height;
    }
    paintNetwork(diagram, net, s);
    diagramCaption.textContent = `${net.layers.join(' → ')}. Each hidden unit is drawn as its tile (${s.initialWeights && s.showChange ? 'its change since the start' : 'its weights'}${net.layers.length > 3 ? '; deeper units traced back to the pixels' : ''}); lines are the ${EDGES} strongest connections into each next layer, red positive and blue negative, thicker when stronger.`;
  };

  const draw = throttle(() => {
    const s = store.state;
    const has = s.weights !== null;
    empty.hidden = has;
    body.hidden = !has;
    if (!has) return;
    drawDiagram(s);
    drawCharts(s);
  }, 250);

  store.subscribe((s, changed) => {
    if (s.tab !== 'why') return;
    // On the tab's first frame the panel may still be hidden (no width to lay out in): draw on the next frame.
    if (changed.has('tab')) requestAnimationFrame(() => draw(true));
    else if (changed.has('stats') || changed.has('weights') || changed.has('initialWeights')) draw();
  });
  fitCharts(layersBox, () => charts.map((c) => [c.chart, c.box] as [uPlot | null, HTMLElement]), () => BAND_HEIGHT);
}

/** The sentences under the title: what the numbers of this run say, in words. */
function storyText(s: AppState, now: StatsSnapshot): string {
  const t = s.settings.train;
  const first = now.layers[0]!;
  const last = now.layers.at(-1)!;
  const g = (L: typeof first) => (L.gradientRms !== null ? L.gradientRms.toExponential(1) : '—');
  const sat = `${(first.saturated * 100).toFixed(0)}%`;
  const why =
    t.output === 'sigmoid' && t.loss === 'mse'
      ? 'With sigmoid outputs and MSE, the error signal is (a − y) · a(1 − a): the slope a(1 − a) is at most 0.25 and near 0 where an output is saturated, so the gradients are small and learning starts slowly (about 75% after the first epoch).'
      : t.output === 'softmax' && t.loss === 'ce'
        ? 'With softmax and cross-entropy, the error signal is simply p − y: no slope factor shrinks it, so even confident wrong answers give large gradients and learning is fast from the first batches.'
        : `With ${t.output} outputs and ${lossName(t.loss)}, watch how large the gradients stay.`;
  const hiddenSay = t.hidden === 'sigmoid' ? `${sat} of the first hidden layer’s activations are saturated (near 0 or 1)` : t.hidden === 'relu' ? `${sat} of the first hidden layer’s activations are 0 (ReLU off, no gradient)` : `${sat} of the first hidden layer’s activations are saturated`;
  return `${why} Now: a typical gradient (root mean square) is ${g(first)} in layer 1 and ${g(last)} in the last layer; ${hiddenSay}; ${(last.saturated * 100).toFixed(0)}% of the outputs are saturated.`;
}

/** Paint the diagram: the strongest edges first, then the input box, hidden tiles and output circles. */
function paintNetwork(canvas: HTMLCanvasElement, net: Weights, s: AppState): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const L = net.layers;
  const layout = networkLayout(L, canvas.width, canvas.height);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillStyle = '#444';
  layout.columns.forEach((c, l) => {
    ctx.textAlign = l === 0 ? 'left' : l === L.length - 1 ? 'right' : 'center';
    ctx.fillText(l === 0 ? `input · ${L[0]} pixels` : l === L.length - 1 ? `output · ${L[l]}` : `hidden ${l} · ${L[l]} units`, l === 0 ? 2 : l === L.length - 1 ? canvas.width - 2 : c.x + c.width / 2, 14);
  });
  ctx.textAlign = 'center';
  // Edges between hidden and output layers (the input's 784 weights per unit are the tiles themselves).
  for (let l = 1; l < L.length - 1; l++) {
    const W = net.W[l]!;
    const scale = sharedScale(W, 1);
    const from = layout.columns[l]!.nodes;
    const to = layout.columns[l + 1]!.nodes;
    for (const e of strongestEdges(W, L[l + 1]!, L[l]!, EDGES).reverse()) {
      const a = from[e.from]!;
      const b = to[e.to]!;
      ctx.strokeStyle = cssColor(e.w, scale);
      ctx.globalAlpha = 0.25 + 0.75 * Math.min(1, Math.abs(e.w) / scale);
      ctx.lineWidth = 0.5 + 2.5 * Math.min(1, Math.abs(e.w) / scale);
      ctx.beginPath();
      ctx.moveTo(a.x + a.size / 2, a.y);
      ctx.lineTo(b.x - b.size / 2, b.y);
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  // The input: a grey box standing for the 784 pixels, with a fan to the first hidden layer.
  const input = layout.columns[0]!.nodes[0]!;
  ctx.strokeStyle = '#9aa3ad';
  ctx.lineWidth = 1;
  ctx.strokeRect(input.x - input.size / 2, input.y - input.size / 2, input.size, input.size);
  ctx.fillStyle = '#666';
  ctx.fillText('28×28', input.x, input.y + input.size / 2 + 14);
  for (const n of layout.columns[1]!.nodes.filter((_, i) => i % 5 === 0)) {
    ctx.strokeStyle = '#dde1e6';
    ctx.beginPath();
    ctx.moveTo(input.x + input.size / 2, input.y);
    ctx.lineTo(n.x - n.size / 2, n.y);
    ctx.stroke();
  }
  // Hidden units as their tiles.
  const tile = document.createElement('canvas');
  tile.width = 28;
  tile.height = 28;
  const tctx = tile.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  for (let l = 1; l < L.length - 1; l++) {
    const first = l === 1 ? tileView(net, s.initialWeights, s.showChange, s.perTile) : null;
    const values = first?.values ?? tracedWeights(net, l - 1);
    const scale = first?.scale ?? sharedScale(values);
    layout.columns[l]!.nodes.forEach((n, u) => {
      const img = singleTile(values, u, 784, scale);
      tctx.putImageData(new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, 28, 28), 0, 0);
      ctx.drawImage(tile, n.x - n.size / 2, n.y - n.size / 2, n.size, n.size);
    });
  }
  // Outputs: circles with their digit.
  ctx.fillStyle = '#fff';
  for (const [k, n] of layout.columns.at(-1)!.nodes.entries()) {
    ctx.beginPath();
    ctx.arc(n.x, n.y, n.size / 2, 0, 2 * Math.PI);
    ctx.fillStyle = '#fff';
    ctx.fill();
    ctx.strokeStyle = '#555';
    ctx.stroke();
    ctx.fillStyle = '#222';
    ctx.fillText(String(k), n.x, n.y + 4);
  }
}
