// Putting pure drawing results on a canvas: the only place RGBA buffers and bar layouts meet the DOM.
import { bars } from '../draw/bars.js';
import { DIVERGING_LUT } from '../draw/colormap.js';
import type { Rgba } from '../draw/image.js';
import { scaleLabel } from '../draw/labels.js';

export function putRgba(canvas: HTMLCanvasElement, img: Rgba): void {
  if (canvas.width !== img.width) canvas.width = img.width;
  if (canvas.height !== img.height) canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
}

/** CSS gradient of the diverging map, for legends. */
export function legendGradient(): string {
  const stops: string[] = [];
  for (let i = 0; i <= 8; i++) {
    const k = Math.round((i / 8) * 255) * 3;
    stops.push(`rgb(${DIVERGING_LUT[k]}, ${DIVERGING_LUT[k + 1]}, ${DIVERGING_LUT[k + 2]}) ${(i / 8) * 100}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

export interface BarAxes {
  /** A value axis on the left: −scale, 0 and +scale. */
  axis?: boolean;
  /** A title under the bar labels, e.g. "output digit". */
  xLabel?: string;
}

/**
 * Diverging bars of `values` (zero line in the middle, |v| = scale at the edge), labelled underneath when `labelled`;
 * bar `mark` is outlined; `axes` adds a value axis and an x title.
 */
export function drawBars(canvas: HTMLCanvasElement, values: Float32Array, scale: number, labelled: boolean, mark = -1, axes: BarAxes = {}): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const W = canvas.width;
  const H = canvas.height;
  const left = axes.axis ? 40 : 0;
  const bottom = (labelled ? 16 : 0) + (axes.xLabel ? 16 : 0);
  const plotH = H - bottom;
  ctx.clearRect(0, 0, W, H);
  ctx.font = '12px system-ui, sans-serif';
  ctx.strokeStyle = '#9aa3ad';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, plotH / 2 + 0.5);
  ctx.lineTo(W, plotH / 2 + 0.5);
  ctx.stroke();
  if (axes.axis) {
    ctx.fillStyle = '#444';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.beginPath();
    ctx.moveTo(left - 0.5, 2);
    ctx.lineTo(left - 0.5, plotH - 2);
    ctx.stroke();
    for (const [v, y] of [
      [scale, 8],
      [0, plotH / 2],
      [-scale, plotH - 8],
    ] as const) ctx.fillText(scaleLabel(v), left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  bars(values, scale, W - left, plotH).forEach((b, i) => {
    const x = b.x + left;
    ctx.fillStyle = b.color;
    ctx.fillRect(x, b.y, b.w, Math.max(1, b.h));
    ctx.strokeStyle = i === mark ? '#111' : '#6b7580';
    ctx.lineWidth = i === mark ? 2 : 1;
    ctx.strokeRect(x + 0.5, b.y + 0.5, b.w - 1, Math.max(1, b.h) - 1);
    if (labelled) {
      ctx.fillStyle = '#333';
      ctx.fillText(b.label, x + b.w / 2, plotH + 13);
    }
  });
  if (axes.xLabel) {
    ctx.fillStyle = '#555';
    ctx.fillText(axes.xLabel, left + (W - left) / 2, H - 3);
  }
}
