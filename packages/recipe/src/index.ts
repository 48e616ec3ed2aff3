// @mlp/recipe public API: the training recipe shared by the CLI, the desktop app and the benchmarks. Runs in Node,
// browsers and Web Workers (no node: imports). It declares settings and builds runs; training itself is @mlp/core's.
export { type TrainSettings, type PresetName, PRESET_NAMES, PLAIN, PRESETS, SETTING_KEYS, presetSettings } from './settings.js';
export {
  type SettingKey,
  type Bound,
  type NumberBound,
  type ChoiceBound,
  type LayersBound,
  BOUNDS,
  HIDDEN_ACTIVATIONS,
  SettingError,
  allowed,
  choices,
  checkSetting,
  checkTrainSettings,
  parameterCount,
  parseSetting,
} from './bounds.js';
export {
  type RunScaling,
  type TrainValidation,
  type DataOptions,
  type RunData,
  type RunOptions,
  type PreparedRun,
  prepareData,
  prepareRun,
} from './prepare.js';
