// How many threads the training worker asks @mlp/core for: two where the page is cross-origin isolated (so
// SharedArrayBuffer exists and the core's helper can share the model's memory) and the machine has two cores or more,
// otherwise one. The result is the same bits either way; only the speed differs.
import { threadsSupported } from '@mlp/core';

export interface ThreadHost {
  /** globalThis.crossOriginIsolated (undefined outside browsers). */
  isolated: boolean | undefined;
  sharedMemory: boolean;
  /** navigator.hardwareConcurrency (undefined where unknown). */
  cores: number | undefined;
  /** The core can start its helper here (threadsSupported()). */
  helper: boolean;
}

export function threadsFor(h: ThreadHost): 1 | 2 {
  return h.isolated === true && h.sharedMemory && (h.cores ?? 1) >= 2 && h.helper ? 2 : 1;
}

/** This worker's host, read from its globals. */
export function threadHost(): ThreadHost {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return { isolated: g.crossOriginIsolated, sharedMemory: typeof SharedArrayBuffer !== 'undefined', cores: g.navigator?.hardwareConcurrency, helper: threadsSupported() };
}
