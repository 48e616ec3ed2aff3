// Builds Electron's main process and the preload as single CommonJS files (a sandboxed preload must be CommonJS).
// The workspace packages (@mlp/core, mnist, recipe, export) are bundled in from source, so the packaged app ships no node_modules at all.
import { type Options, defineConfig } from 'tsup';

const common: Options = {
  format: ['cjs'],
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: true,
  external: ['electron'],
  // @mlp/export's protobuf code too (main checks exports with it), so nothing is left to require from node_modules.
  noExternal: [/^@mlp\//, 'onnx-proto', /^protobufjs/, /^@protobufjs\//],
  esbuildOptions(o) {
    o.conditions = ['@mlp/source'];
  },
};

export default defineConfig([
  { ...common, entry: { index: 'src/main/index.ts' }, outDir: 'dist/main' },
  { ...common, entry: { index: 'src/preload/index.ts' }, outDir: 'dist/preload' },
]);
