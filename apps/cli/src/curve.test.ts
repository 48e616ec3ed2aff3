import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CURVE_COLOURS, type CurvePoint, curveFrame, curvePng } from './curve.js';
import { curvePoints } from './commands/info.js';

const points: CurvePoint[] = Array.from({ length: 12 }, (_, i) => ({ epoch: i + 1, trainAccuracy: 0.95 + 0.004 * i, validationAccuracy: 0.955 + 0.0025 * i }));
const colourAt = (png: PNG, x: number, y: number) => Array.from(png.data.subarray((Math.round(y) * png.width + Math.round(x)) * 4, (Math.round(y) * png.width + Math.round(x)) * 4 + 3));

describe('the learning curve', () => {
  it('draws each validation accuracy where the frame puts it, the test line and the kept epoch', () => {
    const o = { title: 'best', testAccuracy: 0.9801, keptEpoch: 9 };
    const png = PNG.sync.read(curvePng(points, o));
    const f = curveFrame(points, o);
    expect([png.width, png.height]).toEqual([720, 420]);
    expect(f.lo).toBe(95);
    for (const p of points.slice(1)) expect(colourAt(png, f.x(p.epoch), f.y(p.validationAccuracy!))).toEqual(CURVE_COLOURS.valid);
    expect(colourAt(png, f.x(9), f.top + 3)).toEqual(CURVE_COLOURS.kept);
    expect(colourAt(png, f.left + 2, f.y(0.9801))).toEqual(CURVE_COLOURS.test);
    // Where no line passes, the background stays white (the check can fail).
    expect(colourAt(png, f.right - 2, f.top + 2)).toEqual([255, 255, 255]);
  });

  it('keeps only well-formed history entries from an untrusted file', () => {
    const history = [{ epoch: 1, trainAccuracy: 0.9, validationAccuracy: 0.91 }, { epoch: 2, trainAccuracy: 'x' }, null, { epoch: 3, trainAccuracy: 0.95, validationAccuracy: 7 }];
    expect(curvePoints(history)).toEqual([{ epoch: 1, trainAccuracy: 0.9, validationAccuracy: 0.91 }, { epoch: 3, trainAccuracy: 0.95 }]);
  });
});
