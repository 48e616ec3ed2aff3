import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY } from './app-protocol.js';
import { GRANTED_PERMISSIONS, type PermissionSession, denyPermissions, permissionAllowed } from './permissions.js';

// Every permission name Electron 45 passes to the handlers (electron.d.ts), and one it may add later.
const ELECTRON_PERMISSIONS = [
  'ar', 'automatic-fullscreen', 'background-fetch', 'background-sync', 'captured-surface-control', 'clipboard-read',
  'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen',
  'geolocation', 'geolocation-approximate', 'hand-tracking', 'hid', 'idle-detection', 'keyboardLock', 'local-fonts',
  'local-network', 'local-network-access', 'loopback-network', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'nfc',
  'notifications', 'openExternal', 'payment-handler', 'periodic-background-sync', 'persistent-storage', 'pointerLock',
  'screen-wake-lock', 'sensors', 'serial', 'smart-card', 'speaker-selection', 'storage-access', 'system-wake-lock',
  'top-level-storage-access', 'usb', 'vr', 'web-app-installation', 'web-printing', 'window-management', 'unknown',
  'some-future-permission',
];

describe('permissions', () => {
  it('grants nothing: every permission is denied to the app itself and to any other page', () => {
    expect(GRANTED_PERMISSIONS).toEqual([]);
    for (const p of ELECTRON_PERMISSIONS) {
      for (const url of [APP_ENTRY, 'https://example.com/', 'file:///etc/passwd', '']) expect(permissionAllowed(p, url), `${p} for ${url}`).toBe(false);
    }
  });

  it("routes a session's requests, checks and device grants through the decision, all denied", () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    } as unknown as PermissionSession;
    denyPermissions(session);
    const contents = { getURL: () => APP_ENTRY };
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      const granted: boolean[] = [];
      const request = handlers.request as (c: unknown, p: string, cb: (g: boolean) => void, d: object) => void;
      request(contents, p, (g) => granted.push(g), { requestingUrl: APP_ENTRY });
      request(contents, p, (g) => granted.push(g), {});
      expect(granted, p).toEqual([false, false]);
      const check = handlers.check as (c: unknown, p: string, origin: string, d: object) => boolean;
      expect(check(null, p, 'app://desktop', {}), p).toBe(false);
    }
    expect((handlers.device as (d: object) => boolean)({ deviceType: 'usb', origin: 'app://desktop' })).toBe(false);
  });

  it('index.ts locks down the default session before any window, and every web contents’ session', () => {
    const main = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    const ready = main.slice(main.indexOf('app.whenReady()'));
    expect(ready.indexOf('denyPermissions(session.defaultSession);')).toBeGreaterThan(0);
    expect(ready.indexOf('denyPermissions(session.defaultSession);')).toBeLessThan(ready.indexOf('createWindow();'));
    const created = main.slice(main.indexOf("app.on('web-contents-created'"));
    expect(created.slice(0, created.indexOf('});'))).toContain('denyPermissions(contents.session);');
  });
});
