// Putting pure drawing results on a canvas: the only place RGBA buffers and bar layouts meet the DOM.
import { bars } from '../draw/bars.js';
import { DIVERGING_LUT } from '../draw/colormap.js';
import type { Rgba } from '../draw/image.js';

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

/** Diverging bars of `values` (zero line in the middle, |v| = scale at the edge), labelled underneath when `labelled`; bar `mark` is outlined. */
export function drawBars(canvas: HTMLCanvasElement, values: Float32Array, scale: number, labelled: boolean, mark = -1): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const W = canvas.width;
  const H = canvas.height;
  const labelH = labelled ? 16 : 0;
  ctx.clearRect(0, 0, W, H);
  ctx.strokeStyle = '#9aa3ad';
  ctx.beginPath();
  ctx.moveTo(0, (H - labelH) / 2 + 0.5);
  ctx.lineTo(W, (H - labelH) / 2 + 0.5);
  ctx.stroke();
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  bars(values, scale, W, H - labelH).forEach((b, i) => {
    ctx.fillStyle = b.color;
    ctx.fillRect(b.x, b.y, b.w, Math.max(1, b.h));
    ctx.strokeStyle = i === mark ? '#111' : '#6b7580';
    ctx.lineWidth = i === mark ? 2 : 1;
    ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w - 1, Math.max(1, b.h) - 1);
    if (labelled) {
      ctx.fillStyle = '#333';
      ctx.fillText(b.label, b.x + b.w / 2, H - 3);
    }
  });
}
