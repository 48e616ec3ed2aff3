import { describe, expect, it } from 'vitest';
import type { ShellState } from '../shared/api.js';
import { needsPrompt, windowTitle } from '../shared/shell.js';
import { closeChoice, closePrompt } from './close-guard.js';

const s = (over: Partial<ShellState> = {}): ShellState => ({ modelName: null, unsaved: false, running: false, ...over });

describe('close guard', () => {
  it('lets the window close when nothing would be lost', () => {
    expect(needsPrompt(s())).toBe(false);
    expect(needsPrompt(s({ modelName: 'seed.mlp' }))).toBe(false);
    expect(closePrompt(s({ modelName: 'seed.mlp' }), false)).toBeNull();
    expect(closePrompt(s(), true)).toBeNull();
  });

  it('offers Save, Don’t Save and Cancel for an unsaved trained model, naming it', () => {
    const p = closePrompt(s({ modelName: 'trained model', unsaved: true }), false)!;
    expect(p.message).toBe('Save trained model before you close?');
    expect(p.buttons).toEqual(['Save Model…', "Don't Save", 'Cancel']);
    expect([0, 1, 2].map((r) => closeChoice(p, r))).toEqual(['save', 'discard', 'cancel']);
    expect(p.buttons[p.cancelId]).toBe('Cancel');
    expect(closePrompt(s({ unsaved: true }), true)!.message).toBe('Save the trained model before you quit?');
  });

  it('asks before stopping a run, with Cancel the default', () => {
    const p = closePrompt(s({ running: true, unsaved: true }), true)!;
    expect(p.message).toBe('A training run is in progress. Quit anyway?');
    expect(p.buttons).toEqual(['Stop and Quit', 'Cancel']);
    expect(p.buttons[p.defaultId]).toBe('Cancel');
    expect(closeChoice(p, 0)).toBe('discard');
    expect(closeChoice(p, 1)).toBe('cancel');
    expect(closePrompt(s({ running: true }), false)!.buttons[0]).toBe('Stop and Close');
  });

  it('titles the window with the model’s name and an unsaved mark', () => {
    expect(windowTitle(s())).toBe('MLP workbench');
    expect(windowTitle(s({ modelName: 'seed.mlp' }))).toBe('seed.mlp — MLP workbench');
    expect(windowTitle(s({ modelName: 'trained model', unsaved: true, running: true }))).toBe('• trained model — MLP workbench');
  });

  it('treats an unknown response as Cancel', () => {
    const p = closePrompt(s({ unsaved: true }), false)!;
    expect(closeChoice(p, 7)).toBe('cancel');
    expect(closeChoice(p, -1)).toBe('cancel');
  });
});
