// Builds the renderer (page + training worker) into dist/renderer with relative URLs, so the same files work under
// Electron's app:// scheme and from any HTTP folder. Workspace packages are bundled from their TypeScript sources.
import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  publicDir: 'public',
  resolve: { conditions: ['@mlp/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // One bundle is small enough (uPlot ~50 kB); no chunk-size warnings.
    chunkSizeWarningLimit: 600,
  },
});
