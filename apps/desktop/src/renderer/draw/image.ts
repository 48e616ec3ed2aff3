// RGBA pixel buffers that drawing functions return and views put on a canvas (new ImageData(data, width, height)).
import { DIVERGING_LUT, lutIndex } from './colormap.js';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export function rgba(width: number, height: number, fill: [number, number, number] = [255, 255, 255]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = fill[0];
    data[i + 1] = fill[1];
    data[i + 2] = fill[2];
    data[i + 3] = 255;
  }
  return { width, height, data };
}

/** Paint a w×h block of values (row-major, starting at `offset` in `values`) at (x, y) through the diverging LUT. */
export function paintValues(img: Rgba, x: number, y: number, values: ArrayLike<number>, offset: number, w: number, h: number, scale: number): void {
  for (let r = 0; r < h; r++) {
    let p = ((y + r) * img.width + x) * 4;
    for (let c = 0; c < w; c++, p += 4) {
      const i = lutIndex(values[offset + r * w + c]!, scale) * 3;
      img.data[p] = DIVERGING_LUT[i]!;
      img.data[p + 1] = DIVERGING_LUT[i + 1]!;
      img.data[p + 2] = DIVERGING_LUT[i + 2]!;
    }
  }
}

/** A 1-pixel rectangle outline in colour `rgb` around the box (x, y, w, h), clipped to the image. */
export function outline(img: Rgba, x: number, y: number, w: number, h: number, rgb: [number, number, number]): void {
  const set = (px: number, py: number) => {
    if (px < 0 || py < 0 || px >= img.width || py >= img.height) return;
    const p = (py * img.width + px) * 4;
    img.data[p] = rgb[0];
    img.data[p + 1] = rgb[1];
    img.data[p + 2] = rgb[2];
  };
  for (let i = -1; i <= w; i++) {
    set(x + i, y - 1);
    set(x + i, y + h);
  }
  for (let j = -1; j <= h; j++) {
    set(x - 1, y + j);
    set(x + w, y + j);
  }
}
