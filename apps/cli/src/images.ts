// Image files for the CLI: decode PNGs into 28×28 MNIST-like pixels, and draw a labelled grid of digits into a PNG.
// PNG encoding and decoding is pngjs's; the MNIST-style centring of an arbitrary drawing is @mlp/mnist's.
// A PNG is decoded only when its header's width × height is within PNG_PIXEL_BUDGET and the file within PNG_MAX_BYTES.
import { constants as zlibConstants, createInflate } from 'node:zlib';
import { PNG } from 'pngjs';
import { drawText, GLYPH_H, textWidth } from './font.js';
import { CliError } from './errors.js';
import { readInput } from './files.js';

/** Grayscale of a decoded RGBA PNG, alpha composited over the background the image implies. Row-major Uint8. */
export function toGray(png: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const n = png.width * png.height;
  const g = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = png.data[4 * i]!;
    const gr = png.data[4 * i + 1]!;
    const b = png.data[4 * i + 2]!;
    const a = png.data[4 * i + 3]! / 255;
    const lum = 0.299 * r + 0.587 * gr + 0.114 * b;
    g[i] = Math.round(lum * a + 255 * (1 - a)); // transparent areas count as white paper
  }
  return g;
}

/**
 * The most pixels (width × height) a PNG may declare: 8 megapixels (e.g. 4096 × 2048, 2896 × 2896). At the budget
 * a 16-bit RGBA image peaks near 330 MB (pngjs's inflated rows and 16-bit bitmap, then grey and centring), an
 * 8-bit RGBA one near 165 MB.
 */
export const PNG_PIXEL_BUDGET = 2 ** 23;
/** The largest PNG file read: 64 MiB (a 4096 × 4096 RGBA photo compresses to well under that). */
export const PNG_MAX_BYTES = 64 * 1024 * 1024;

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Width and height from a PNG's IHDR chunk (which must come first), or null when `buf` does not start like a PNG. */
export function pngSize(buf: Uint8Array): { width: number; height: number } | null {
  if (buf.length < 24 || PNG_SIGNATURE.some((b, i) => buf[i] !== b)) return null;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (String.fromCharCode(buf[12]!, buf[13]!, buf[14]!, buf[15]!) !== 'IHDR') return null;
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

export async function readPng(path: string): Promise<{ width: number; height: number; gray: Uint8Array }> {
  const buf = await readInput(path, 'Image', PNG_MAX_BYTES);
  const size = pngSize(buf);
  if (size && (size.width === 0 || size.height === 0)) {
    throw new CliError(`Image ${path} has no pixels (${size.width}×${size.height}); give a PNG with a digit drawn on it.`);
  }
  if (size && size.width * size.height > PNG_PIXEL_BUDGET) {
    throw new CliError(
      `Image ${path} declares ${size.width}×${size.height} pixels, over mlp's budget of ${PNG_PIXEL_BUDGET.toLocaleString('en-US')} (8 megapixels); scale it down first.`,
    );
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (e) {
    throw new CliError(`Image ${path} is not a readable PNG (${(e as Error).message}); give a PNG or an IDX image file.`);
  }
  // pngjs fills missing rows with zeros: a file cut short would be read as a (partly) blank image.
  const short = await pngDataShortfall(buf);
  if (short) throw new CliError(`Image ${path} is truncated: its pixel data ends after ${short.got} of the ${short.want} bytes its header needs; give the whole file.`);
  return { width: png.width, height: png.height, gray: toGray(png) };
}

/** PNG colour types → channels per pixel (grey, RGB, palette, grey + alpha, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * How far a PNG's inflated pixel data (the IDAT chunks) falls short of what its IHDR needs, or null when it does not
 * (or `buf` is not a PNG pngjs would decode). Counts the inflated bytes as they stream, keeping none of them.
 */
export async function pngDataShortfall(buf: Uint8Array): Promise<{ got: number; want: number } | null> {
  if (!pngSize(buf)) return null;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const [w, h, depth, color, interlace] = [v.getUint32(16), v.getUint32(20), buf[24]!, buf[25]!, buf[28]!];
  const channels = CHANNELS[color];
  if (channels === undefined) return null;
  const rowBytes = (pixels: number) => Math.ceil((pixels * channels * depth) / 8) + 1; // + the filter byte
  let want = 0;
  if (interlace === 1) {
    // Adam7: seven passes, each a smaller image of its own rows.
    const [x0, y0, dx, dy] = [[0, 4, 0, 2, 0, 1, 0], [0, 0, 4, 0, 2, 0, 1], [8, 8, 4, 4, 2, 2, 1], [8, 8, 8, 4, 4, 2, 2]];
    for (let p = 0; p < 7; p++) {
      const pw = Math.ceil((w - x0[p]!) / dx[p]!);
      const ph = Math.ceil((h - y0[p]!) / dy[p]!);
      if (pw > 0 && ph > 0) want += rowBytes(pw) * ph;
    }
  } else {
    want = rowBytes(w) * h;
  }
  const inflater = createInflate({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
  let got = 0;
  inflater.on('data', (d: Buffer) => {
    got += d.length;
  });
  const done = new Promise<void>((resolve) => {
    inflater.on('end', resolve);
    inflater.on('error', () => resolve()); // pngjs has accepted the stream; count what came out
  });
  for (let at = 8; at + 12 <= buf.length; ) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(buf[at + 4]!, buf[at + 5]!, buf[at + 6]!, buf[at + 7]!);
    if (type === 'IDAT') inflater.write(buf.subarray(at + 8, Math.min(at + 8 + len, buf.length)));
    if (type === 'IEND') break;
    at += 12 + len;
  }
  inflater.end();
  await done;
  return got < want ? { got, want } : null;
}

export interface Tile {
  /** 28×28 (or rows×cols) Uint8 pixels, white ink on black like MNIST. */
  pixels: Uint8Array;
  label: string;
}

/** The most tiles a grid holds: 1000 MNIST digits at scale 3 make a 920×11,000 image (40 MB while drawn). */
export const GRID_MAX_TILES = 1000;

/** A grid of digit tiles, each scaled up with its label printed underneath, as PNG bytes. */
export function gridPng(tiles: Tile[], options: { rows?: number; cols?: number; columns?: number; scale?: number } = {}): Buffer {
  const rows = options.rows ?? 28;
  const cols = options.cols ?? 28;
  const k = options.scale ?? 3;
  const columns = Math.max(1, Math.min(options.columns ?? 10, tiles.length));
  const gridRows = Math.max(1, Math.ceil(tiles.length / columns));
  const pad = 4;
  const labelH = GLYPH_H * 2 + 4;
  const cellW = cols * k + pad * 2;
  const cellH = rows * k + labelH + pad * 2;
  const png = new PNG({ width: cellW * columns, height: cellH * gridRows });
  png.data.fill(255);
  const put = (x: number, y: number, v: number, rgb?: [number, number, number]) => {
    const o = (y * png.width + x) * 4;
    png.data[o] = rgb ? rgb[0] : v;
    png.data[o + 1] = rgb ? rgb[1] : v;
    png.data[o + 2] = rgb ? rgb[2] : v;
    png.data[o + 3] = 255;
  };
  tiles.forEach((t, i) => {
    const x0 = (i % columns) * cellW + pad;
    const y0 = Math.floor(i / columns) * cellH + pad;
    for (let y = 0; y < rows * k; y++) {
      for (let x = 0; x < cols * k; x++) put(x0 + x, y0 + y, t.pixels[Math.floor(y / k) * cols + Math.floor(x / k)]!);
    }
    const tx = x0 + Math.max(0, Math.floor((cols * k - textWidth(t.label, 2)) / 2));
    drawText(t.label, tx, y0 + rows * k + 3, 2, (x, y) => {
      if (x < png.width && y < png.height) put(x, y, 0, [200, 30, 30]);
    });
  });
  return PNG.sync.write(png);
}
