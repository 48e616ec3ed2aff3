// Main's memory of the last settings: one JSON file in the app's data folder, written atomically, checked when read.
// A missing or damaged file means "no remembered settings", never an error the user has to deal with.
import { type AppSettings, checkAppSettings } from '../shared/settings.js';

export interface SettingsDeps {
  path: string;
  readText(path: string): Promise<string>;
  writeAtomic(path: string, text: string): Promise<void>;
}

export function createSettingsHandlers(deps: SettingsDeps) {
  return {
    'settings:load': async (): Promise<AppSettings | null> => {
      try {
        return checkAppSettings(JSON.parse(await deps.readText(deps.path)));
      } catch {
        return null;
      }
    },
    'settings:save': async (_ctx: unknown, settings: AppSettings): Promise<null> => {
      await deps.writeAtomic(deps.path, `${JSON.stringify(settings, null, 2)}\n`);
      return null;
    },
  };
}
