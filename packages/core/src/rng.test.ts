import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
  });

  it('fillU32 gives the values of as many nextU32 calls and leaves the generator where they would', () => {
    const [a, b] = [new Rng(77), new Rng(77)];
    const out = new Uint32Array(1000);
    a.fillU32(out, 999);
    expect(Array.from(out.subarray(0, 999))).toEqual(Array.from({ length: 999 }, () => b.nextU32()));
    expect(out[999]).toBe(0);
    expect(a.state()).toEqual(b.state());
  });

  it('restores from a snapshot of its state exactly', () => {
    const r = new Rng(7);
    r.float();
    const s = r.state();
    const expected = [r.float(), r.normal(), r.int(10)];
    const r2 = Rng.fromState(JSON.parse(JSON.stringify(s)));
    expect([r2.float(), r2.normal(), r2.int(10)]).toEqual(expected);
  });

  it('rejects invalid seeds and states', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/seed/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/zero/);
    expect(() => Rng.fromState([1, 2, 3] as never)).toThrow(/four/);
    expect(() => new Rng(1).int(0)).toThrow(/positive/);
  });

  it('draws uniform floats in [0,1) and standard normals', () => {
    const r = new Rng(1);
    let mean = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      expect(u >= 0 && u < 1).toBe(true);
      const z = r.normal();
      mean += z / n;
      sq += (z * z) / n;
    }
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(sq - mean * mean) - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation', () => {
    const p = new Rng(5).permutation(1000);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
