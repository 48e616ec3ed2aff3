// A network diagram in the style of TensorFlow Playground: one column per layer, hidden units as small squares (the
// view paints each as its weight tile), outputs as labelled circles, and only the strongest connections between
// them. Pure geometry: layer sizes and weights in, positions and edges out; the view does the painting.

export interface Node {
  x: number;
  y: number;
  /** Side of a unit's square (hidden), diameter (output), or the input box's height. */
  size: number;
}

export interface NetworkLayout {
  /** One column per layer: the input (one box), each hidden layer's units, the outputs. */
  columns: { x: number; width: number; nodes: Node[] }[];
}

/** Lay out `layers` (e.g. [784, 50, 10]) in a width × height box with a margin for labels. */
export function networkLayout(layers: readonly number[], width: number, height: number): NetworkLayout {
  const top = 22;
  const h = height - top - 6;
  const n = layers.length;
  // The input and output columns are narrow; hidden layers share the rest.
  const edge = Math.min(90, width * 0.12);
  const gap = Math.min(110, width * 0.12);
  const hiddenW = Math.max(20, (width - 2 * edge - (n - 1) * gap) / Math.max(1, n - 2));
  const columns: NetworkLayout['columns'] = [];
  let x = 0;
  layers.forEach((units, l) => {
    const w = l === 0 || l === n - 1 ? edge : hiddenW;
    let nodes: Node[];
    if (l === 0) nodes = [{ x: x + w / 2, y: top + h / 2, size: Math.min(w, h) * 0.9 }];
    else if (l === n - 1) {
      const d = Math.min(h / units, 26) * 0.8;
      nodes = Array.from({ length: units }, (_, i) => ({ x: x + w / 2, y: top + ((i + 0.5) * h) / units, size: d }));
    } else nodes = gridNodes(units, x, top, w, h);
    columns.push({ x, width: w, nodes });
    x += w + gap;
  });
  return { columns };
}

/** Squares for `units` in a w × h box: as many grid columns as make the squares largest, centred vertically. */
function gridNodes(units: number, x0: number, y0: number, w: number, h: number): Node[] {
  let best = { cols: 1, side: 0 };
  for (let cols = 1; cols <= units; cols++) {
    const side = Math.min(w / cols, h / Math.ceil(units / cols));
    if (side > best.side) best = { cols, side };
  }
  const rows = Math.ceil(units / best.cols);
  const s = best.side;
  const offX = x0 + (w - best.cols * s) / 2;
  const offY = y0 + (h - rows * s) / 2;
  return Array.from({ length: units }, (_, i) => ({ x: offX + ((i % best.cols) + 0.5) * s, y: offY + (Math.floor(i / best.cols) + 0.5) * s, size: s * 0.86 }));
}

export interface Edge {
  /** Unit of the layer below. */
  from: number;
  /** Unit of the layer above. */
  to: number;
  w: number;
}

/** The `k` connections of W (rows = units above, cols = units below, row-major) with the largest |w|, largest first. */
export function strongestEdges(W: ArrayLike<number>, rows: number, cols: number, k: number): Edge[] {
  const idx = Array.from({ length: rows * cols }, (_, i) => i);
  idx.sort((a, b) => Math.abs(W[b]!) - Math.abs(W[a]!) || a - b);
  return idx.slice(0, Math.min(k, idx.length)).map((i) => ({ from: i % cols, to: Math.floor(i / cols), w: W[i]! }));
}
