// Types for electron-binary.mjs (plain JavaScript so `pnpm start` runs it with bare Node).
export function electronPackageDir(): string | null;
export function electronBinary(): { path: string; reason: null } | { path: null; reason: string };
