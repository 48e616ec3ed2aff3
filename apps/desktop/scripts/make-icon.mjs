// Draws the app icon (build/icon.png, 512×512, and the page's 64×64 favicon) with pngjs: a rounded tile holding a
// pixel "7" drawn like a learned weight tile (red ink, blue halo) in the app's diverging colours. Also the .mlp
// document icon (the same tile on a pale ground) as build/mlp.png, build/mlp.ico (Windows) and build/mlp.icns (macOS),
// the last two being PNG images in their containers, which both formats allow.
// Run `pnpm --filter @mlp/desktop icon` after changing it; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The digit, on a 12×12 grid: 2 = strong positive (red), 1 = weaker positive, -1 = negative halo (blue).
const DIGIT = [
  '............',
  '.1222222221.',
  '.1222222222.',
  '.........22.',
  '........22..',
  '.......22...',
  '......221...',
  '.....22.....',
  '....221.....',
  '....22......',
  '...122......',
  '............',
];

const BG = [31, 95, 168];
const PAPER = [247, 247, 247];
const RED = [178, 24, 43];
const PINK = [239, 138, 98];
const BLUE = [103, 169, 207];

function draw(size, bg = BG) {
  const png = new pngjs.PNG({ width: size, height: size });
  const r = size * 0.18;
  const set = (x, y, [R, G, B], a = 255) => {
    const i = (y * size + x) * 4;
    png.data[i] = R;
    png.data[i + 1] = G;
    png.data[i + 2] = B;
    png.data[i + 3] = a;
  };
  const inRounded = (x, y, x0, y0, x1, y1, rad) => {
    const cx = Math.min(Math.max(x, x0 + rad), x1 - rad);
    const cy = Math.min(Math.max(y, y0 + rad), y1 - rad);
    return (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad;
  };
  const m = size * 0.04;
  const paper0 = size * 0.17;
  const paper1 = size * 0.83;
  const cell = (paper1 - paper0) / DIGIT.length;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!inRounded(x + 0.5, y + 0.5, m, m, size - m, size - m, r)) {
        set(x, y, [0, 0, 0], 0);
        continue;
      }
      let c = bg;
      if (inRounded(x + 0.5, y + 0.5, paper0, paper0, paper1, paper1, size * 0.04)) {
        const gx = Math.floor((x - paper0) / cell);
        const gy = Math.floor((y - paper0) / cell);
        const ch = DIGIT[gy]?.[gx] ?? '.';
        const near = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => (DIGIT[gy + dy]?.[gx + dx] ?? '.') !== '.'));
        c = ch === '2' ? RED : ch === '1' ? PINK : near ? BLUE : PAPER;
      }
      set(x, y, c);
    }
  }
  return pngjs.PNG.sync.write(png);
}

/** A .ico holding one 256×256 PNG (ICONDIR, one ICONDIRENTRY, the image). */
function ico(png) {
  const head = Buffer.alloc(22);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2); // type: icon
  head.writeUInt16LE(1, 4); // one image
  head.writeUInt8(0, 6); // width 256
  head.writeUInt8(0, 7); // height 256
  head.writeUInt16LE(1, 10); // colour planes
  head.writeUInt16LE(32, 12); // bits per pixel
  head.writeUInt32LE(png.length, 14);
  head.writeUInt32LE(22, 18);
  return Buffer.concat([head, png]);
}

/** An .icns holding PNGs: [type, png] pairs (ic08 256×256, ic09 512×512). */
function icns(entries) {
  const parts = entries.map(([type, png]) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'latin1');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'latin1');
  h.writeUInt32BE(8 + parts.reduce((a, p) => a + p.length, 0), 4);
  return Buffer.concat([h, ...parts]);
}

const DOC = [214, 226, 240];
for (const [file, bytes] of [
  ['build/icon.png', draw(512)],
  ['src/renderer/public/icon.png', draw(64)],
  ['build/mlp.png', draw(512, DOC)],
  ['build/mlp.ico', ico(draw(256, DOC))],
  ['build/mlp.icns', icns([['ic08', draw(256, DOC)], ['ic09', draw(512, DOC)]])],
]) {
  const out = join(root, file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`wrote ${file} (${bytes.length} bytes)`);
}
