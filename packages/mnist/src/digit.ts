// Preprocess an arbitrary grayscale drawing the way MNIST's digits were made: crop to the ink's bounding box,
// scale it (antialiased, aspect kept) so the longer side is 20 px, and centre it by centre of mass in 28×28.
// Isomorphic and allocation-light; no canvas needed. Output is white ink on black, 0..255, like MNIST.

/** How `centerDigit` reads and places a drawing: polarity, box size and output size. */
export interface CenterOptions {
  /** Input polarity: true = dark ink on light paper (inverted first), false = light ink on dark, 'auto' (default) = decide from the border. */
  invert?: boolean | 'auto';
  /** Side of the box the digit is scaled into. Default 20 (MNIST). */
  box?: number;
  /** Side of the output. Default 28 (MNIST). */
  size?: number;
}

/** True when the picture's border is mostly bright: dark ink on light paper, the opposite of MNIST. */
export function isInkOnPaper(gray: ArrayLike<number>, width: number, height: number): boolean {
  let sum = 0;
  let n = 0;
  for (let x = 0; x < width; x++) {
    sum += gray[x]! + gray[(height - 1) * width + x]!;
    n += 2;
  }
  for (let y = 0; y < height; y++) {
    sum += gray[y * width]! + gray[y * width + width - 1]!;
    n += 2;
  }
  return sum / n > 127;
}

/** MNIST-style 28×28 (size×size) Uint8 digit from a width×height grayscale image (row-major, 0..255). */
export function centerDigit(gray: ArrayLike<number>, width: number, height: number, options: CenterOptions = {}): Uint8Array {
  if (!(width > 0 && height > 0) || gray.length < width * height) {
    throw new RangeError(`centerDigit: ${gray.length} pixels do not fill a ${width}x${height} image`);
  }
  const box = options.box ?? 20;
  const size = options.size ?? 28;
  const invert = options.invert === 'auto' || options.invert === undefined ? isInkOnPaper(gray, width, height) : options.invert;
  const ink = new Float32Array(width * height);
  let max = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = invert ? 255 - gray[i]! : gray[i]!;
    ink[i] = v;
    if (v > max) max = v;
  }
  const out = new Uint8Array(size * size);
  if (max === 0) return out;
  // Bounding box of the ink (anything above 10% of the strongest stroke, so paper noise does not widen it).
  const th = max * 0.1;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > th) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const s = box / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * s));
  const th2 = Math.max(1, Math.round(bh * s));
  // Area-averaging resample: each target pixel averages the source area it covers (antialiasing when shrinking).
  const small = new Float32Array(tw * th2);
  const sx = bw / tw;
  const sy = bh / th2;
  for (let ty = 0; ty < th2; ty++) {
    const fy0 = y0 + ty * sy;
    const fy1 = fy0 + sy;
    for (let tx = 0; tx < tw; tx++) {
      const fx0 = x0 + tx * sx;
      const fx1 = fx0 + sx;
      let acc = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        if (wy <= 0 || y >= height) continue;
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          if (wx <= 0 || x >= width) continue;
          acc += ink[y * width + x]! * wx * wy;
        }
      }
      small[ty * tw + tx] = acc / (sx * sy);
    }
  }
  // Centre of mass of the scaled digit, moved to the centre of the output.
  let m = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th2; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]!;
      m += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const ox = Math.round(size / 2 - cx / m);
  const oy = Math.round(size / 2 - cy / m);
  const scale = 255 / max;
  for (let y = 0; y < th2; y++) {
    for (let x = 0; x < tw; x++) {
      const X = x + ox;
      const Y = y + oy;
      if (X < 0 || Y < 0 || X >= size || Y >= size) continue;
      out[Y * size + X] = Math.min(255, Math.round(small[y * tw + x]! * scale));
    }
  }
  return out;
}
