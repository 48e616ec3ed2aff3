import { describe, expect, it } from 'vitest';
import { MENU_ACCELERATORS, RENDERER_SHORTCUTS, acceleratorLabel } from '../shared/shortcuts.js';
import { type MenuItemSpec, type MenuState, flattenMenu, menuTemplate } from './menu.js';

const state = (over: Partial<MenuState> = {}): MenuState => ({ appName: 'MLP workbench', development: false, running: false, updates: true, ...over });
const labels = (items: MenuItemSpec[]) => items.map((i) => (i.label ?? i.role ?? '').replace('&', ''));
const find = (items: MenuItemSpec[], p: (i: MenuItemSpec) => boolean) => flattenMenu(items).find(p);

describe('menuTemplate', () => {
  it('follows macOS: the app menu first (About, updates, Quit), File closes the window, a Window menu', () => {
    const m = menuTemplate('darwin', state());
    expect(labels(m)).toEqual(['MLP workbench', 'File', 'Edit', 'View', 'window', 'help']);
    const app = m[0]!.submenu!;
    expect(app[0]).toEqual({ label: 'About MLP workbench', action: 'about' });
    expect(app.at(-1)).toEqual({ role: 'quit', accelerator: 'CmdOrCtrl+Q' });
    expect(m[1]!.submenu!.at(-1)!.role).toBe('close');
    expect(find(m, (i) => i.role === 'togglefullscreen')!.accelerator).toBe('Ctrl+Cmd+F');
    expect(find(m, (i) => i.role === 'pasteAndMatchStyle')).toBeDefined();
  });

  it('follows Windows: File ends with Exit (Alt+F4), About in Help, Redo on Ctrl+Y, F11 full screen', () => {
    const m = menuTemplate('win32', state());
    expect(labels(m)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(m[0]!.submenu!.at(-1)).toEqual({ role: 'quit', label: 'E&xit', accelerator: 'Alt+F4' });
    expect(m[3]!.submenu!.at(-1)!.action).toBe('about');
    expect(find(m, (i) => i.role === 'redo')!.accelerator).toBe('Ctrl+Y');
    expect(find(m, (i) => i.role === 'togglefullscreen')!.accelerator).toBe('F11');
    expect(find(m, (i) => i.role === 'window')).toBeUndefined();
  });

  it('follows Linux: File ends with Quit (Ctrl+Q), About in Help', () => {
    const m = menuTemplate('linux', state());
    expect(labels(m)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(m[0]!.submenu!.at(-1)).toEqual({ role: 'quit', label: '&Quit', accelerator: 'CmdOrCtrl+Q' });
    expect(find(m, (i) => i.role === 'pasteAndMatchStyle')).toBeUndefined();
  });

  for (const platform of ['darwin', 'win32', 'linux']) {
    it(`${platform}: the file actions, Export's two formats, zoom and the Help links are there with their accelerators`, () => {
      const m = menuTemplate(platform, state());
      const byAction = (a: string) => find(m, (i) => i.action === a);
      expect(byAction('open-model')!.accelerator).toBe(MENU_ACCELERATORS.openModel);
      expect(byAction('save-model')!.accelerator).toBe(MENU_ACCELERATORS.saveModel);
      expect(byAction('import-dataset')!.accelerator).toBe(MENU_ACCELERATORS.importDataset);
      expect(byAction('export-onnx')!.label).toBe('ONNX…');
      expect(byAction('export-safetensors')!.label).toBe('safetensors…');
      for (const a of ['about', 'open-readme', 'open-article', 'check-updates']) expect(byAction(a)).toBeDefined();
      for (const r of ['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'quit', 'copy', 'paste']) expect(find(m, (i) => i.role === r)).toBeDefined();
    });

    it(`${platform}: no Reload or DevTools for users; in development Reload is disabled while a run is in progress`, () => {
      const user = menuTemplate(platform, state({ running: false }));
      expect(find(user, (i) => i.role === 'reload' || i.role === 'toggleDevTools')).toBeUndefined();
      expect(find(menuTemplate(platform, state({ development: true }))!, (i) => i.role === 'reload')!.enabled).toBe(true);
      expect(find(menuTemplate(platform, state({ development: true, running: true })), (i) => i.role === 'reload')!.enabled).toBe(false);
      expect(find(menuTemplate(platform, state({ development: true })), (i) => i.role === 'toggleDevTools')).toBeDefined();
    });

    it(`${platform}: no accelerator is used twice or taken from the renderer's own keys`, () => {
      const mac = platform === 'darwin';
      const norm = (a: string) => acceleratorLabel(a, mac).replace('Cmd', mac ? 'Cmd' : 'Ctrl').split('+').sort().join('+').toLowerCase();
      const used = flattenMenu(menuTemplate(platform, state({ development: true }))).flatMap((i) => (i.accelerator ? [norm(i.accelerator)] : []));
      expect(new Set(used).size).toBe(used.length);
      for (const r of Object.values(RENDERER_SHORTCUTS)) expect(used).not.toContain(norm(r));
    });
  }

  it('shows the update setting as a checkbox', () => {
    expect(find(menuTemplate('linux', state({ updates: false })), (i) => i.action === 'toggle-updates')!.checked).toBe(false);
    expect(find(menuTemplate('darwin', state({ updates: true })), (i) => i.action === 'toggle-updates')!.checked).toBe(true);
  });
});
