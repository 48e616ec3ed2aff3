// Types for scripts/serve.mjs (used by the TypeScript end-to-end tests).
import type { Server } from 'node:http';

export declare const ISOLATION: Record<'cross-origin-opener-policy' | 'cross-origin-embedder-policy' | 'cross-origin-resource-policy', string>;
export declare function serveRenderer(o: { root: string; dataDir: string; port?: number; isolated?: boolean }): Promise<{ url: string; server: Server; close(): Promise<void> }>;
