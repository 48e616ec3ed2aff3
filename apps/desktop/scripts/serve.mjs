// A static server for the built renderer and a data folder, on 127.0.0.1 only: the page at /, the data at /data/.
// Used by `pnpm web` (scripts/web.mjs) and the end-to-end tests. With `isolated`, every response carries COOP/COEP, so
// the page is cross-origin isolated and training uses two threads, as in the desktop app. Serves files; nothing else.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
};

/** The headers that make a page cross-origin isolated (the same the desktop app's app:// responses carry). */
export const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Serve `root` at / and `dataDir` at /data/ on 127.0.0.1 (`port` 0: any free one), with Content-Length for progress.
 * Resolves with the page's URL, the server and close().
 */
export async function serveRenderer({ root, dataDir, port = 0, isolated = false }) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    const [base, rel] = path.startsWith('/data/') ? [dataDir, path.slice('/data/'.length)] : [root, path === '/' ? 'index.html' : path.slice(1)];
    const file = normalize(join(base, rel));
    if (path.includes('\0') || !file.startsWith(normalize(base) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-store', ...(isolated ? ISOLATION : {}) });
    res.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address();
  return { url: `http://127.0.0.1:${actual}/`, server, close: () => new Promise((r) => server.close(() => r())) };
}
