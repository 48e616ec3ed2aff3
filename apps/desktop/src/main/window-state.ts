// What the shell remembers between starts (window bounds and maximised state, the last folders, the update setting)
// and where the window opens: parsed field by field from a file that may be damaged, old or written by someone else,
// and clamped onto a display that exists now. Pure functions of JSON text and display rectangles; no Electron.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ShellPrefs {
  window: { bounds: Rect | null; maximized: boolean };
  /** The last folders a model was saved to or opened from, and a dataset imported from. */
  folders: { model: string | null; dataset: string | null };
  /** Automatic update checks: on unless turned off; when the last check ran (ms since the epoch). */
  updates: { enabled: boolean; lastCheck: number | null };
}

/** The window's size before anything is remembered, on a screen large enough for it. */
export const DEFAULT_SIZE = { width: 1360, height: 880 };
/** The smallest window the layout is designed for (the renderer works from 1024×700; a little less still scrolls). */
export const MIN_SIZE = { width: 900, height: 600 };
/** How much of a stored window must lie on a display for it to be put back there (a reachable title bar). */
const VISIBLE = 64;
/** Larger than any real screen: a width or height beyond it is garbage. */
const MAX_EDGE = 32768;

export const defaultPrefs = (): ShellPrefs => ({ window: { bounds: null, maximized: false }, folders: { model: null, dataset: null }, updates: { enabled: true, lastCheck: null } });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const int = (v: unknown, lo: number, hi: number): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? Math.round(v) : null);
const folder = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 4096 && !v.includes('\0') ? v : null);

function rect(v: unknown): Rect | null {
  if (!isObject(v)) return null;
  const x = int(v.x, -MAX_EDGE, MAX_EDGE);
  const y = int(v.y, -MAX_EDGE, MAX_EDGE);
  const width = int(v.width, 1, MAX_EDGE);
  const height = int(v.height, 1, MAX_EDGE);
  return x === null || y === null || width === null || height === null ? null : { x, y, width, height };
}

/** The remembered prefs from the file's text (null: no file). Every field that is missing or wrong takes its default. */
export function parsePrefs(text: string | null): ShellPrefs {
  const d = defaultPrefs();
  let raw: unknown;
  try {
    raw = text === null ? null : JSON.parse(text);
  } catch {
    return d;
  }
  if (!isObject(raw)) return d;
  const w = isObject(raw.window) ? raw.window : {};
  const f = isObject(raw.folders) ? raw.folders : {};
  const u = isObject(raw.updates) ? raw.updates : {};
  return {
    window: { bounds: rect(w.bounds), maximized: w.maximized === true },
    folders: { model: folder(f.model), dataset: folder(f.dataset) },
    updates: { enabled: u.enabled !== false, lastCheck: int(u.lastCheck, 0, Number.MAX_SAFE_INTEGER) },
  };
}

export function serializePrefs(p: ShellPrefs): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}

/** The width and height of the part of `a` that lies on `b`. */
const overlap = (a: Rect, b: Rect) => ({
  w: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
  h: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
});

/** The window's minimum size on this work area: the design minimum, or the whole area on a smaller screen. */
export function minimumSize(area: Rect): { width: number; height: number } {
  return { width: Math.min(MIN_SIZE.width, area.width), height: Math.min(MIN_SIZE.height, area.height) };
}

/** `r` made to fit inside `area`: no larger than it, moved in from any edge it crosses. */
function clampInto(r: Rect, area: Rect): Rect {
  const min = minimumSize(area);
  const width = Math.min(Math.max(r.width, min.width), area.width);
  const height = Math.min(Math.max(r.height, min.height), area.height);
  const x = Math.min(Math.max(r.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(r.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

/** The first window: the default size, at most 90% of a small screen, centred on the primary display's work area. */
export function firstBounds(primary: Rect): Rect {
  const min = minimumSize(primary);
  const width = Math.max(min.width, Math.min(DEFAULT_SIZE.width, Math.floor(primary.width * 0.9)));
  const height = Math.max(min.height, Math.min(DEFAULT_SIZE.height, Math.floor(primary.height * 0.9)));
  return clampInto({ x: primary.x + Math.floor((primary.width - width) / 2), y: primary.y + Math.floor((primary.height - height) / 2), width, height }, primary);
}

/**
 * Where the window opens: the stored bounds when a good part of them lies on a display that exists now (clamped
 * into that display), otherwise the first-start bounds on the primary display. `displays` are work areas.
 */
export function initialBounds(stored: Rect | null, displays: Rect[], primary: Rect): Rect {
  if (!stored) return firstBounds(primary);
  let best: Rect | null = null;
  let bestArea = 0;
  for (const d of displays) {
    const { w, h } = overlap(stored, d);
    // At least VISIBLE pixels each way (or the whole window or display, if smaller) must be on it.
    if (w < Math.min(VISIBLE, stored.width, d.width) || h < Math.min(VISIBLE, stored.height, d.height)) continue;
    if (w * h > bestArea) [best, bestArea] = [d, w * h];
  }
  return best ? clampInto(stored, best) : firstBounds(primary);
}
