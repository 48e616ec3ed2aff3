// The update channel's decisions: whether to check now (on, packaged, at most once a day), and what to do with what
// electron-updater found (ask before downloading, ask before restarting). Pure functions of times and answers;
// index.ts owns electron-updater (autoDownload off) and the dialogs.

/** At most one automatic check per this many milliseconds. */
export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface CheckContext {
  /** The user's setting (Help → Check for Updates Automatically). */
  enabled: boolean;
  /** A packaged build: a development run has no release feed to compare with. */
  packaged: boolean;
  /** MLP_DESKTOP_UPDATES=off turns the channel off for a machine (e.g. a managed lab install). */
  env: string | undefined;
  /** When the last check ran (ms since the epoch), null: never. */
  lastCheck: number | null;
  now: number;
}

export type CheckDecision = { check: true } | { check: false; reason: string };

/** Whether an automatic check may run now. A check asked for from the menu ignores `enabled` and `lastCheck`. */
export function shouldCheck(c: CheckContext, manual = false): CheckDecision {
  if (!c.packaged) return { check: false, reason: 'this is a development build, which has no release feed' };
  if (c.env === 'off' || c.env === '0' || c.env === 'false') return { check: false, reason: 'MLP_DESKTOP_UPDATES turns updates off on this machine' };
  if (manual) return { check: true };
  if (!c.enabled) return { check: false, reason: 'automatic update checks are turned off' };
  // A clock set backwards (lastCheck in the future) counts as "checked long ago", so checks cannot stop for good.
  if (c.lastCheck !== null && c.now >= c.lastCheck && c.now - c.lastCheck < CHECK_INTERVAL_MS) return { check: false, reason: 'checked less than a day ago' };
  return { check: true };
}

/** Milliseconds until the next automatic check may run (0: now). */
export function nextCheckIn(lastCheck: number | null, now: number): number {
  if (lastCheck === null || now < lastCheck) return 0;
  return Math.max(0, lastCheck + CHECK_INTERVAL_MS - now);
}

export interface UpdateQuestion {
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
}

/** The question before downloading version `version` (never downloaded without a yes). */
export function downloadQuestion(version: string, current: string): UpdateQuestion {
  return {
    message: `Version ${version} of MLP workbench is available (you have ${current}). Download it now?`,
    detail: 'It downloads in the background; you choose when to restart into it.',
    buttons: ['Download', 'Not Now'],
    defaultId: 0,
    cancelId: 1,
  };
}

/** The question once it is downloaded. */
export function restartQuestion(version: string): UpdateQuestion {
  return {
    message: `Version ${version} is downloaded. Restart now to install it?`,
    detail: 'Otherwise it is installed the next time you quit.',
    buttons: ['Restart', 'Later'],
    defaultId: 1,
    cancelId: 1,
  };
}

/** True when the response to `q` is its first (affirmative) button. */
export const answeredYes = (q: UpdateQuestion, response: number): boolean => response === 0 && q.cancelId !== 0;
