// The update channel: electron-updater against the GitHub release feed (electron-builder.yml's `publish`), with
// autoDownload off. It checks when updates.ts says so (on, packaged, at most daily), and asks before downloading and
// before restarting. Electron-facing glue; the decisions are updates.ts's, unit-tested.
import { type UpdateQuestion, answeredYes, downloadQuestion, nextCheckIn, restartQuestion, shouldCheck } from './updates.js';

export interface UpdateDeps {
  packaged: boolean;
  version: string;
  prefs(): { enabled: boolean; lastCheck: number | null };
  setLastCheck(t: number): void;
  /** Show a question; resolves with the index of the button pressed. */
  ask(q: UpdateQuestion): Promise<number>;
  tell(message: string): void;
}

/** The slice of electron-updater's AppUpdater used here. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<{ updateInfo: { version: string }; isUpdateAvailable?: boolean } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

/** electron-updater's updater, loaded only when a check is due (a development run never loads it). */
const electronUpdater = async (): Promise<Updater> => (await import('electron-updater')).autoUpdater as unknown as Updater;

export function startUpdates(deps: UpdateDeps, loadUpdater: () => Promise<Updater> = electronUpdater, env: string | undefined = process.env.MLP_DESKTOP_UPDATES) {
  let updater: Updater | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let busy = false;

  async function load(): Promise<Updater> {
    if (updater) return updater;
    const u = await loadUpdater();
    u.autoDownload = false; // never without asking
    u.autoInstallOnAppQuit = true; // a downloaded (so accepted) update installs on the next quit
    u.on('update-downloaded', (info) => {
      const q = restartQuestion(info.version);
      void deps.ask(q).then((r) => answeredYes(q, r) && u.quitAndInstall());
    });
    updater = u;
    return u;
  }

  async function check(manual: boolean): Promise<void> {
    const d = shouldCheck({ ...deps.prefs(), packaged: deps.packaged, env, now: Date.now() }, manual);
    if (!d.check) {
      if (manual) deps.tell(`Not checking for updates: ${d.reason}.`);
      return;
    }
    if (busy) return;
    busy = true;
    try {
      const u = await load();
      deps.setLastCheck(Date.now());
      const r = await u.checkForUpdates();
      const version = r?.updateInfo.version;
      if (!r || r.isUpdateAvailable === false || !version || version === deps.version) {
        if (manual) deps.tell(`MLP workbench ${deps.version} is the latest version.`);
        return;
      }
      const q = downloadQuestion(version, deps.version);
      if (answeredYes(q, await deps.ask(q))) await u.downloadUpdate();
    } catch (e) {
      if (manual) deps.tell(`Could not check for updates: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      busy = false;
    }
  }

  /** (Re)arm the automatic check: now if a day has passed since the last, else when it has. */
  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const p = deps.prefs();
    if (!shouldCheck({ ...p, lastCheck: null, packaged: deps.packaged, env, now: Date.now() }).check) return;
    timer = setTimeout(
      () => {
        void check(false).then(schedule);
      },
      Math.max(10_000, nextCheckIn(p.lastCheck, Date.now())),
    );
    timer.unref?.();
  }

  return { schedule, checkNow: () => check(true) };
}
