import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from '@mlp/core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { drawText, textWidth } from './font.js';
import { gridPng, pngDataShortfall, readPng, toGray } from './images.js';

describe('images', () => {
  it('converts RGBA to grey, compositing transparency over white', () => {
    const g = toGray({ width: 3, height: 1, data: Uint8Array.from([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0]) });
    expect(Array.from(g)).toEqual([255, 0, 255]);
  });
  it('draws text with the bitmap font', () => {
    const lit: string[] = [];
    drawText('1', 0, 0, 1, (x, y) => lit.push(`${x},${y}`));
    expect(lit).toContain('2,0'); // the top of the 1's stem
    expect(lit).toContain('1,6'); // its foot
    expect(textWidth('7→1', 2)).toBe((3 * 6 - 1) * 2);
    const arrow: string[] = [];
    drawText('→', 0, 0, 1, (x, y) => arrow.push(`${x},${y}`));
    expect(arrow.sort()).toEqual(['0,3', '1,3', '2,1', '2,3', '2,5', '3,2', '3,3', '3,4', '4,3'].sort()); // shaft and head, not a blank
  });
  it('lays tiles out in a grid with labels under them', () => {
    const tile = new Uint8Array(784).fill(255);
    const buf = gridPng(
      Array.from({ length: 12 }, () => ({ pixels: tile, label: '4→9' })),
      { columns: 5, scale: 2 },
    );
    const png = PNG.sync.read(buf);
    const cellW = 28 * 2 + 8;
    expect(png.width).toBe(cellW * 5);
    expect(png.height % 3).toBe(0);
    const red = Array.from({ length: png.width * png.height }, (_, i) => png.data[i * 4] === 200 && png.data[i * 4 + 1] === 30).filter(Boolean).length;
    expect(red).toBeGreaterThan(12 * 20);
  });
});

describe('truncated pixel data', () => {
  /** A PNG with one IDAT holding `rows` rows of a w×h 8-bit grey image (pngjs alone would zero-fill the rest). */
  const greyPng = (w: number, h: number, rows: number): Buffer => {
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    const data = deflateSync(Buffer.alloc((w + 1) * rows, 7).map((b, i) => (i % (w + 1) === 0 ? 0 : b)));
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', data), chunk('IEND', Buffer.alloc(0))]);
  };

  it('measures the shortfall of the inflated data against the header, and finds none in whole files', async () => {
    expect(await pngDataShortfall(greyPng(28, 28, 28))).toBeNull();
    expect(await pngDataShortfall(greyPng(28, 28, 3))).toEqual({ got: 3 * 29, want: 28 * 29 });
    const rgba = new PNG({ width: 30, height: 17 });
    rgba.data.fill(200);
    expect(await pngDataShortfall(PNG.sync.write(rgba))).toBeNull();
    expect(await pngDataShortfall(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('readPng refuses a truncated PNG by name instead of reading it as blank', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-png-'));
    try {
      const file = join(dir, 'cut.png');
      writeFileSync(file, greyPng(28, 28, 3));
      await expect(readPng(file)).rejects.toThrow(/^Image .*cut\.png is truncated: its pixel data ends after 87 of the 812 bytes its header needs; give the whole file\.$/);
      writeFileSync(file, greyPng(28, 28, 28));
      expect((await readPng(file)).gray.length).toBe(784);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
