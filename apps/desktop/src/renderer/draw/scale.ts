// Shared colour scales for weight views: one symmetric range for a whole layer, robust to a few outliers.

/**
 * The q-quantile of |w| (default the 99th percentile) over a strided sample of at most `sample` values, so one
 * huge weight cannot wash every tile out to white. Never 0 (a zero layer gets 1e-6).
 */
export function sharedScale(w: ArrayLike<number>, q = 0.99, sample = 20_000): number {
  const n = w.length;
  if (n === 0) return 1e-6;
  const stride = Math.max(1, Math.floor(n / sample));
  const a = new Float32Array(Math.ceil(n / stride));
  let k = 0;
  for (let i = 0; i < n; i += stride) {
    const v = Math.abs(w[i]!);
    a[k++] = Number.isFinite(v) ? v : 0;
  }
  const s = a.subarray(0, k).sort();
  const v = s[Math.min(k - 1, Math.floor(q * (k - 1)))]!;
  return v > 1e-6 ? v : 1e-6;
}
