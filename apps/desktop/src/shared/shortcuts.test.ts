import { describe, expect, it } from 'vitest';
import { BROWSER_FILE_SHORTCUTS, MENU_ACCELERATORS, RENDERER_SHORTCUTS, acceleratorLabel, matchesAccelerator } from './shortcuts.js';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

/** One spelling per accelerator, per platform, so 'CmdOrCtrl+S' and 'Ctrl+S' count as the same keys on Linux. */
const canonical = (a: string, mac: boolean) => acceleratorLabel(a, mac).split('+').sort().join('+').toLowerCase();

describe('shortcuts', () => {
  it('gives no two actions the same keys, menu and renderer together, on any platform', () => {
    for (const mac of [true, false]) {
      const all = [...Object.values(MENU_ACCELERATORS), ...Object.values(RENDERER_SHORTCUTS)].map((a) => canonical(a, mac));
      expect(new Set(all).size).toBe(all.length);
    }
  });

  it('keeps the renderer off keys browsers and the views already use', () => {
    const taken = ['CmdOrCtrl+P', 'CmdOrCtrl+L', 'CmdOrCtrl+T', 'CmdOrCtrl+N', 'CmdOrCtrl+F', 'Space', 'Enter'].map((a) => canonical(a, false));
    for (const a of Object.values(RENDERER_SHORTCUTS)) expect(taken).not.toContain(canonical(a, false));
  });

  it('matches events with CmdOrCtrl as Cmd on macOS and Ctrl elsewhere', () => {
    expect(matchesAccelerator(BROWSER_FILE_SHORTCUTS.saveModel, key('s', { ctrlKey: true }), false)).toBe(true);
    expect(matchesAccelerator(BROWSER_FILE_SHORTCUTS.saveModel, key('S', { ctrlKey: true }), false)).toBe(true);
    expect(matchesAccelerator(BROWSER_FILE_SHORTCUTS.saveModel, key('s', { metaKey: true }), false)).toBe(false);
    expect(matchesAccelerator(BROWSER_FILE_SHORTCUTS.saveModel, key('s', { metaKey: true }), true)).toBe(true);
    expect(matchesAccelerator(BROWSER_FILE_SHORTCUTS.saveModel, key('s', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchesAccelerator(BROWSER_FILE_SHORTCUTS.openModel, key('o', { ctrlKey: true }), false)).toBe(true);
    expect(matchesAccelerator(RENDERER_SHORTCUTS.step, key('Enter', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(matchesAccelerator(RENDERER_SHORTCUTS.startOrResume, key('Enter', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchesAccelerator(MENU_ACCELERATORS.zoomIn, key('+', { ctrlKey: true }), false)).toBe(true);
    expect(matchesAccelerator(MENU_ACCELERATORS.fullScreen, key('F11'), false)).toBe(true);
  });

  it('labels accelerators the platform way', () => {
    expect(acceleratorLabel('CmdOrCtrl+Shift+O', true)).toBe('Cmd+Shift+O');
    expect(acceleratorLabel('CmdOrCtrl+Shift+O', false)).toBe('Ctrl+Shift+O');
  });
});
