// Build @mlp/mnist for publishing: ESM + CJS + declarations for the isomorphic entry and the Node-only `./node` entry.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  tsconfig: 'tsconfig.node.json',
  // node: builtins are only reached from src/node.ts; @mlp/core stays a dependency, never bundled.
  external: [/^node:/, '@mlp/core'],
  removeNodeProtocol: false,
});
