// Build @mlp/export for publishing: ESM + CJS + declarations of its one isomorphic entry.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  tsconfig: 'tsconfig.json',
  // The workspace packages stay dependencies, never bundled.
  external: ['@mlp/core', 'protobufjs', 'onnx-proto'],
});
