import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, defaultPrefs, firstBounds, initialBounds, minimumSize, parsePrefs, serializePrefs } from './window-state.js';

const FULL_HD = { x: 0, y: 0, width: 1920, height: 1040 };
const SECOND = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('parsePrefs', () => {
  it('gives the defaults for no file, empty, broken or foreign JSON', () => {
    for (const text of [null, '', '{', 'null', '[]', '42', '"x"', '{"something":"else"}']) expect(parsePrefs(text)).toEqual(defaultPrefs());
  });

  it('round-trips what it wrote', () => {
    const p = { window: { bounds: { x: -1200, y: 40, width: 1100, height: 800 }, maximized: true }, folders: { model: '/home/a/models', dataset: 'C:\\data' }, updates: { enabled: false, lastCheck: 1_790_000_000_000 } };
    expect(parsePrefs(serializePrefs(p))).toEqual(p);
  });

  it('drops each bad field on its own and keeps the good ones', () => {
    const p = parsePrefs(
      JSON.stringify({
        window: { bounds: { x: 10, y: 'top', width: 800, height: 600 }, maximized: 'yes' },
        folders: { model: 42, dataset: '/data' },
        updates: { enabled: 0, lastCheck: -5 },
      }),
    );
    expect(p).toEqual({ window: { bounds: null, maximized: false }, folders: { model: null, dataset: '/data' }, updates: { enabled: true, lastCheck: null } });
    for (const bad of [{ x: 0, y: 0, width: 0, height: 10 }, { x: 0, y: 0, width: 1e9, height: 10 }, { x: Number.NaN, y: 0, width: 10, height: 10 }, [0, 0, 10, 10], null]) {
      expect(parsePrefs(JSON.stringify({ window: { bounds: bad } })).window.bounds).toBeNull();
    }
    expect(parsePrefs(JSON.stringify({ folders: { model: 'a\0b', dataset: '' } })).folders).toEqual({ model: null, dataset: null });
    expect(parsePrefs(JSON.stringify({ window: { bounds: { x: 10.4, y: 20.6, width: 1000, height: 700 } } })).window.bounds).toEqual({ x: 10, y: 21, width: 1000, height: 700 });
  });
});

describe('window bounds', () => {
  it('opens at the default size, centred, on a large screen', () => {
    expect(firstBounds(FULL_HD)).toEqual({ x: 280, y: 80, ...DEFAULT_SIZE });
    expect(initialBounds(null, [FULL_HD], FULL_HD)).toEqual(firstBounds(FULL_HD));
  });

  it('opens at 90% of a small screen, never below the minimum the screen allows', () => {
    const laptop = { x: 0, y: 25, width: 1280, height: 695 };
    const b = firstBounds(laptop);
    expect(b).toEqual({ x: 64, y: 25 + 35, width: 1152, height: 625 });
    const tiny = { x: 0, y: 0, width: 800, height: 560 };
    expect(firstBounds(tiny)).toEqual({ x: 0, y: 0, width: 800, height: 560 });
    expect(minimumSize(tiny)).toEqual({ width: 800, height: 560 });
    expect(minimumSize(FULL_HD)).toEqual(MIN_SIZE);
  });

  it('puts a stored window back where it was, on whichever display holds it', () => {
    const onSecond = { x: 2000, y: 100, width: 1000, height: 700 };
    expect(initialBounds(onSecond, [FULL_HD, SECOND], FULL_HD)).toEqual(onSecond);
  });

  it('moves a window that hangs off a display back onto it, and shrinks one larger than it', () => {
    expect(initialBounds({ x: 1500, y: 900, width: 1000, height: 700 }, [FULL_HD], FULL_HD)).toEqual({ x: 920, y: 340, width: 1000, height: 700 });
    expect(initialBounds({ x: 0, y: 0, width: 3000, height: 2000 }, [FULL_HD], FULL_HD)).toEqual(FULL_HD);
  });

  it('forgets a window on a display that is gone, or with only a sliver visible', () => {
    expect(initialBounds({ x: 2000, y: 100, width: 1000, height: 700 }, [FULL_HD], FULL_HD)).toEqual(firstBounds(FULL_HD));
    expect(initialBounds({ x: 1900, y: 100, width: 1000, height: 700 }, [FULL_HD], FULL_HD)).toEqual(firstBounds(FULL_HD));
    expect(initialBounds({ x: -5000, y: -5000, width: 1000, height: 700 }, [FULL_HD, SECOND], FULL_HD)).toEqual(firstBounds(FULL_HD));
  });
});
