import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type UpdateDeps, type Updater, startUpdates } from './update-channel.js';
import type { UpdateQuestion } from './updates.js';

/**
 * electron-updater needs a running Electron app, so the updater here is a stand-in with its surface: it reports the
 * version the feed offers and records downloads and installs. The channel's own logic is what is under test.
 */
function updater(offered: string | null) {
  const events = new EventEmitter();
  const u = {
    autoDownload: true,
    autoInstallOnAppQuit: false,
    downloads: 0,
    installs: 0,
    checks: 0,
    async checkForUpdates() {
      u.checks++;
      return offered ? { updateInfo: { version: offered }, isUpdateAvailable: offered !== '0.1.0' } : null;
    },
    async downloadUpdate() {
      u.downloads++;
      events.emit('update-downloaded', { version: offered });
      return [];
    },
    quitAndInstall() {
      u.installs++;
    },
    on(event: 'update-downloaded', l: (info: { version: string }) => void) {
      events.on(event, l);
      return u;
    },
  };
  return u;
}

function harness(over: Partial<UpdateDeps> & { answers?: number[] } = {}) {
  const asked: string[] = [];
  const told: string[] = [];
  const answers = [...(over.answers ?? [])];
  let lastCheck: number | null = null;
  const deps: UpdateDeps = {
    packaged: true,
    version: '0.1.0',
    prefs: () => ({ enabled: true, lastCheck }),
    setLastCheck: (t) => (lastCheck = t),
    ask: async (q: UpdateQuestion) => {
      asked.push(q.message);
      return answers.shift() ?? q.cancelId;
    },
    tell: (m) => told.push(m),
    ...over,
  };
  return { deps, asked, told, lastCheck: () => lastCheck };
}

describe('the update channel', () => {
  it('turns electron-updater’s automatic download off, and downloads nothing when the answer is Not Now', async () => {
    const u = updater('0.2.0');
    const h = harness({ answers: [1] });
    await startUpdates(h.deps, async () => u as Updater, undefined).checkNow();
    expect(u.autoDownload).toBe(false);
    expect(h.asked).toEqual(['Version 0.2.0 of MLP workbench is available (you have 0.1.0). Download it now?']);
    expect(u.downloads).toBe(0);
    expect(h.lastCheck()).not.toBeNull();
  });

  it('downloads on Download, then asks before restarting, and installs only on Restart', async () => {
    const u = updater('0.2.0');
    const h = harness({ answers: [0, 1] });
    await startUpdates(h.deps, async () => u as Updater, undefined).checkNow();
    await new Promise((r) => setTimeout(r, 0));
    expect(u.downloads).toBe(1);
    expect(h.asked[1]).toBe('Version 0.2.0 is downloaded. Restart now to install it?');
    expect(u.installs).toBe(0); // Later
    const again = updater('0.3.0');
    const h2 = harness({ answers: [0, 0] });
    await startUpdates(h2.deps, async () => again as Updater, undefined).checkNow();
    await new Promise((r) => setTimeout(r, 0));
    expect(again.installs).toBe(1);
  });

  it('says so when this is the latest version', async () => {
    const h = harness();
    await startUpdates(h.deps, async () => updater('0.1.0') as Updater, undefined).checkNow();
    expect(h.asked).toEqual([]);
    expect(h.told).toEqual(['MLP workbench 0.1.0 is the latest version.']);
  });

  it('never loads the updater in a development build or when the machine turned updates off', async () => {
    let loaded = 0;
    const load = async () => {
      loaded++;
      return updater('9.9.9') as Updater;
    };
    const dev = harness({ packaged: false });
    await startUpdates(dev.deps, load, undefined).checkNow();
    expect(dev.told).toEqual(['Not checking for updates: this is a development build, which has no release feed.']);
    const off = harness();
    await startUpdates(off.deps, load, 'off').checkNow();
    expect(off.told).toEqual(['Not checking for updates: MLP_DESKTOP_UPDATES turns updates off on this machine.']);
    expect(loaded).toBe(0);
  });

  it('reports a failed check in one line, without a stack', async () => {
    const u = updater('0.2.0');
    u.checkForUpdates = async () => {
      throw new Error('net::ERR_INTERNET_DISCONNECTED\n    at somewhere');
    };
    const h = harness();
    await startUpdates(h.deps, async () => u as Updater, undefined).checkNow();
    expect(h.told).toEqual(['Could not check for updates: net::ERR_INTERNET_DISCONNECTED']);
  });
});
