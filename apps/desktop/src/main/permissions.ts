// What web content may use beyond plain pages: nothing. Electron grants every permission request by default
// (camera, notifications, clipboard, devices…); the app needs none, so every session denies them all.
import type { Session } from 'electron';
import { isAppUrl } from './app-protocol.js';

/** Permissions the app's own pages are granted. None: the renderer draws, trains in workers and talks to main over IPC. */
export const GRANTED_PERMISSIONS: readonly string[] = [];

/** The one decision: a permission is allowed only when listed above and asked for by a page of the app itself. */
export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return GRANTED_PERMISSIONS.includes(permission) && isAppUrl(requestingUrl);
}

export type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>;

/** Route a session's permission requests, checks and device grants through permissionAllowed (devices: never). */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl ?? contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, details.requestingUrl ?? requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
}
