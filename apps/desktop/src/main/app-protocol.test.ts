import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, CONTENT_SECURITY_POLICY, ISOLATION_HEADERS, isAppUrl, isExternalLink, mimeType, resolveAppPath, secureWebPreferences } from './app-protocol.js';

const root = join('/opt', 'app', 'renderer');

describe('the app:// scheme', () => {
  it('maps app URLs to files under the renderer folder', () => {
    expect(resolveAppPath(root, APP_ENTRY)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://desktop/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://desktop/assets/index-1.js?x=1#y')).toBe(join(root, 'assets', 'index-1.js'));
    expect(resolveAppPath(root, 'app://desktop/a%20b.png')).toBe(join(root, 'a b.png'));
  });

  it('refuses paths that escape the folder, other hosts, other schemes and malformed URLs', () => {
    // The URL parser already folds literal dot segments, so these stay inside the folder:
    expect(resolveAppPath(root, 'app://desktop/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://desktop/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    // …and encoded separators, decoded after parsing, are caught by the folder check:
    expect(resolveAppPath(root, 'app://desktop/..%2f..%2fsecret')).toBeNull();
    expect(resolveAppPath(root, 'app://desktop/%00')).toBeNull();
    expect(resolveAppPath(root, 'app://desktop/%E0%A4%A')).toBeNull();
    expect(resolveAppPath(root, 'app://elsewhere/index.html')).toBeNull();
    expect(resolveAppPath(root, 'file:///opt/app/renderer/index.html')).toBeNull();
    expect(resolveAppPath(root, 'not a url')).toBeNull();
  });

  it('trusts only the app itself, and opens only http(s) links outside', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl('app://desktop.evil.com/index.html')).toBe(false);
    expect(isAppUrl('https://desktop/index.html')).toBe(false);
    expect(isAppUrl('')).toBe(false);
    expect(isExternalLink('https://github.com/')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });

  it('serves known types and a CSP without inline scripts or remote code', () => {
    expect(mimeType('a/index.html')).toMatch(/^text\/html/);
    expect(mimeType('x.JS')).toMatch(/^text\/javascript/);
    expect(mimeType('x.bin')).toBe('application/octet-stream');
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-(inline|eval)'/);
  });

  const directives = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));

  it('allows the core’s helper thread (a Blob-URL worker) and nothing more: no blob: scripts, no remote connections', () => {
    const d = directives(CONTENT_SECURITY_POLICY);
    expect(d['worker-src']).toBe("'self' blob:");
    expect(d['script-src']).toBe("'self' 'wasm-unsafe-eval'");
    expect(d['connect-src']).toBe("'self'");
    // The page's own meta policy applies too: it must allow the same workers, or the helper is refused.
    const html = readFileSync(join(__dirname, '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1]!;
    expect(directives(meta)['worker-src']).toBe("'self' blob:");
    expect(directives(meta)['script-src']).toBe("'self' 'wasm-unsafe-eval'");
  });

  it('isolates the page across origins, so SharedArrayBuffer and the second thread exist', () => {
    expect(ISOLATION_HEADERS).toEqual({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' });
  });
});

describe('the window', () => {
  it('is isolated and sandboxed, with Node nowhere in the page', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});
