// Putting pure drawing results on a canvas: the only place RGBA buffers meet the DOM.
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
