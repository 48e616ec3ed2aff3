// The app:// scheme that serves the built renderer, the window's web preferences, and the rules for what the
// window may load or open. Pure data and functions of URLs and paths (no Electron), so the security rules are unit-tested.
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'desktop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Sent with every app:// response (the page also carries a meta CSP; both apply). The renderer never fetches
 * anything: datasets and models arrive through IPC.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  // wasm-unsafe-eval lets @mlp/core compile its WebAssembly SIMD kernels; it allows no JavaScript eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  // blob: is the one extra source: @mlp/core starts its helper thread (the second training thread) from a Blob URL
  // holding its fixed program. It inherits this policy, so it too can load nothing else.
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Sent with every app:// response: the page is cross-origin isolated (crossOriginIsolated, SharedArrayBuffer), which
 * @mlp/core's second thread needs. The app loads nothing from other origins, so isolation takes nothing away.
 */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** True for URLs of the app itself: the only pages the window may show and the only senders IPC answers. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file under `root` an app:// URL names, or null for another host or a path that escapes `root`. */
export function resolveAppPath(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = normalize(root);
  const full = normalize(join(base, path));
  return full.startsWith(base.endsWith(sep) ? base : base + sep) ? full : null;
}

/** Links to the web open in the user's browser; everything else (file:, javascript:, other schemes) is dropped. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The window's web preferences: isolated, sandboxed, no Node anywhere in the page or its workers. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}
