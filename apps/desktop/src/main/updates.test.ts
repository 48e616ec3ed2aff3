import { describe, expect, it } from 'vitest';
import { CHECK_INTERVAL_MS, type CheckContext, answeredYes, downloadQuestion, nextCheckIn, restartQuestion, shouldCheck } from './updates.js';

const NOW = 1_800_000_000_000;
const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({ enabled: true, packaged: true, env: undefined, lastCheck: null, now: NOW, ...over });

describe('update checks', () => {
  it('checks a packaged app that never checked', () => {
    expect(shouldCheck(ctx())).toEqual({ check: true });
  });

  it('checks at most once a day', () => {
    expect(shouldCheck(ctx({ lastCheck: NOW - 1000 }))).toEqual({ check: false, reason: 'checked less than a day ago' });
    expect(shouldCheck(ctx({ lastCheck: NOW - CHECK_INTERVAL_MS + 1 })).check).toBe(false);
    expect(shouldCheck(ctx({ lastCheck: NOW - CHECK_INTERVAL_MS })).check).toBe(true);
    expect(nextCheckIn(NOW - 1000, NOW)).toBe(CHECK_INTERVAL_MS - 1000);
    expect(nextCheckIn(null, NOW)).toBe(0);
    expect(nextCheckIn(NOW - 2 * CHECK_INTERVAL_MS, NOW)).toBe(0);
  });

  it('does not stop checking for good when the clock went backwards', () => {
    expect(shouldCheck(ctx({ lastCheck: NOW + 10 * CHECK_INTERVAL_MS })).check).toBe(true);
    expect(nextCheckIn(NOW + 5, NOW)).toBe(0);
  });

  it('can be turned off by the user, and for a machine by MLP_DESKTOP_UPDATES=off', () => {
    expect(shouldCheck(ctx({ enabled: false }))).toEqual({ check: false, reason: 'automatic update checks are turned off' });
    for (const env of ['off', '0', 'false']) expect(shouldCheck(ctx({ env }), true).check).toBe(false);
    expect(shouldCheck(ctx({ env: 'on' })).check).toBe(true);
  });

  it('never checks a development build; a check from the menu ignores the setting and the day', () => {
    expect(shouldCheck(ctx({ packaged: false }), true).check).toBe(false);
    expect(shouldCheck(ctx({ enabled: false, lastCheck: NOW - 1 }), true)).toEqual({ check: true });
  });

  it('asks before downloading and before restarting, with a way to say no', () => {
    const d = downloadQuestion('0.2.0', '0.1.0');
    expect(d.message).toBe('Version 0.2.0 of MLP workbench is available (you have 0.1.0). Download it now?');
    expect(answeredYes(d, 0)).toBe(true);
    expect(answeredYes(d, 1)).toBe(false);
    expect(answeredYes(d, -1)).toBe(false);
    const r = restartQuestion('0.2.0');
    expect(r.buttons[r.defaultId]).toBe('Later');
    expect(answeredYes(r, 0)).toBe(true);
  });
});
