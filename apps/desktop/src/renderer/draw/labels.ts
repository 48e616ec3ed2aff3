// Number formatting for chart and legend labels.

/** A compact signed label for a colour-scale end: 0.123 → "0.12", -1.5e-3 → "-0.0015". */
export function scaleLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : Number(v.toPrecision(2)).toString();
}
