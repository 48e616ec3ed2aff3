// The diverging colour map used for every weight view: blue for negative, near-white for zero, red for positive.
// A 256-entry lookup table (ColorBrewer RdBu stops, linearly interpolated) and the value → entry rule.

const STOPS: [number, [number, number, number]][] = [
  [0, [33, 102, 172]],
  [0.25, [103, 169, 207]],
  [0.5, [247, 247, 247]],
  [0.75, [239, 138, 98]],
  [1, [178, 24, 43]],
];

/** RGB of position t in [0, 1] (0 = most negative, 0.5 = zero, 1 = most positive). */
export function divergingRgb(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i]!;
    if (u <= t1) {
      const [t0, c0] = STOPS[i - 1]!;
      const f = (u - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => Math.round(c0[k]! + f * (c1[k]! - c0[k]!))) as [number, number, number];
    }
  }
  return [...STOPS[STOPS.length - 1]![1]];
}

/** LUT[3i..3i+2]: RGB of entry i of 256. */
export const DIVERGING_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(divergingRgb(i / 255), i * 3);
  return lut;
})();

/** LUT entry of value v on a symmetric scale [-scale, scale]; values beyond it saturate. */
export function lutIndex(v: number, scale: number): number {
  if (!(scale > 0) || !Number.isFinite(v)) return 128;
  const i = Math.round(((v / scale + 1) / 2) * 255);
  return i < 0 ? 0 : i > 255 ? 255 : i;
}

/** CSS colour of a value (for legends and bars). */
export function cssColor(v: number, scale: number): string {
  const i = lutIndex(v, scale) * 3;
  return `rgb(${DIVERGING_LUT[i]}, ${DIVERGING_LUT[i + 1]}, ${DIVERGING_LUT[i + 2]})`;
}

/** Sequential map for shares in [0, 1] (confusion-matrix cells): near-white → the app's deep blue. */
export function sequentialRgb(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  // A square-root ramp so that small off-diagonal shares (1–5%) are already visible.
  const f = Math.sqrt(u);
  const lo = [247, 250, 253];
  const hi = [12, 52, 110];
  return [0, 1, 2].map((k) => Math.round(lo[k]! + f * (hi[k]! - lo[k]!))) as [number, number, number];
}

/** Black or white text, whichever reads better on `rgb`. */
export function textOn(rgb: readonly [number, number, number]): '#111' | '#fff' {
  return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 150 ? '#111' : '#fff';
}
