import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { drawText, textWidth } from './font.js';
import { gridPng, toGray } from './images.js';

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
