import { describe, expect, it } from 'vitest';
import { ariaShortcut, matchShortcut, shortcutLabel, shortcutsFor } from './shortcuts.js';

/** A key event as the DOM makes it: its fields are getters on the prototype, not own properties. */
function keyEvent(key: string, mods: { ctrl?: boolean; shift?: boolean } = {}) {
  class Ev {
    get key() { return key; }
    get ctrlKey() { return !!mods.ctrl; }
    get metaKey() { return false; }
    get shiftKey() { return !!mods.shift; }
    get altKey() { return false; }
  }
  return new Ev();
}

describe('the toolbar shortcuts', () => {
  const all = () => true;
  it('press Start, Pause and Step from a DOM-like event, and leave the file keys to the menu or the browser API', () => {
    const list = shortcutsFor('browser');
    expect(matchShortcut(keyEvent('Enter', { ctrl: true }), list, all)).toBe('start');
    expect(matchShortcut(keyEvent('.', { ctrl: true }), list, all)).toBe('pause');
    expect(matchShortcut(keyEvent('Enter', { ctrl: true, shift: true }), list, all)).toBe('step');
    expect(matchShortcut(keyEvent('s', { ctrl: true }), list, all)).toBeNull();
    expect(matchShortcut(keyEvent('Enter'), list, all)).toBeNull();
    expect(matchShortcut(keyEvent('Enter', { ctrl: true }), list, (b) => b === 'resume')).toBe('resume');
  });
  it('label every button the way the tooltips and aria-keyshortcuts need, Export only where a menu has it', () => {
    const step = shortcutsFor('electron').find((s) => s.button === 'step')!;
    expect(shortcutLabel(step)).toBe('Ctrl+Shift+Enter');
    expect(ariaShortcut(shortcutsFor('electron').find((s) => s.button === 'pause')!)).toBe('Control+Period');
    expect(shortcutsFor('electron').map((s) => s.button)).toContain('export-onnx');
    expect(shortcutsFor('browser').map((s) => s.button)).not.toContain('export-onnx');
  });
});
