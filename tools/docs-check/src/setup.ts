// Vitest global setup: pack the packages once from a fresh copy, share the tarballs and the copy, remove both at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type Tarballs, freshCopy, packFresh } from './pack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Tarballs;
    copy: string;
    /** A folder for the tests' outside projects and fixtures, removed with the rest. */
    scratch: string;
  }
}

export default function setup(project: TestProject): () => void {
  const copy = freshCopy();
  const dest = mkdtempSync(join(tmpdir(), 'mlp-tarballs-'));
  project.provide('tarballs', packFresh(copy, dest));
  project.provide('copy', copy);
  const scratch = mkdtempSync(join(tmpdir(), 'mlp-scratch-'));
  project.provide('scratch', scratch);
  return () => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
    rmSync(dest, { recursive: true, force: true });
  };
}
