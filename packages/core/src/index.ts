// @mlp/core public API: everything a user imports comes from here. Runs in Node, browsers and Web Workers.
export { type FloatArray, type Tensor, tensor, fromArray, sizeOf, dims2 } from './tensor.js';
export { type Gemm, type MatmulOptions, matmul, matmulNaive, gemmJs, gemmNaive, gemmWasm } from './matmul.js';
export { type BackendName, BACKENDS, setBackend, getBackend, backendAvailable, setThreads, getThreads } from './backend.js';
export { threadsSupported } from './backends/wasm/threads.js';
export { initWasm, wasmSimdSupported } from './backends/wasm/wasm.js';
export { addBias, colSums, rowSums, argmaxRows, axpy, map, allFinite } from './ops.js';
export {
  type ActivationName,
  ACTIVATIONS,
  activationForward,
  activationBackward,
  sigmoidForward,
  sigmoidBackward,
  tanhForward,
  tanhBackward,
  reluForward,
  reluBackward,
  linearForward,
  linearBackward,
  softmaxForward,
  softmaxBackward,
} from './activations.js';
export {
  type LossName,
  LOSSES,
  mseLoss,
  mseBackward,
  softmaxCrossEntropyLoss,
  softmaxCrossEntropyBackward,
  sigmoidCrossEntropyLoss,
  sigmoidCrossEntropyBackward,
  lossForward,
  lossBackward,
} from './losses.js';
export { denseForward, denseBackward } from './dense.js';
export { type InitName, INITS, initStd, fillNormal } from './init.js';
export { Rng, type RngState } from './rng.js';
export { type MLPConfig, type FullConfig, type MLPOptions, type ParamInfo, type BatchInput, type DropoutOptions, MLP, resolveConfig } from './mlp.js';
export type { ModelParams } from './params.js';
export type { Backend, BackendSpec } from './backends/types.js';
export { type SGDOptions, SGD, sgdUpdate } from './sgd.js';
export { type OptimizerName, type StepArgs, OPTIMIZERS, optimizerUpdate, stateCount, sumOfSquares, clipScale, maxNormRows } from './optim.js';
export { type OptimizerOptions, Optimizer, checkOptimizerOptions } from './optimizer.js';
export { type ScheduleName, type ScheduleOptions, SCHEDULES, scheduledRate } from './schedule.js';
export { dropoutMask, dropoutForward, dropoutBackward, dropoutRescale } from './dropout.js';
export { type Dataset, type InputScaling, checkDataset, gatherInputs, gatherTargets, byteScaling } from './data.js';
export { type Evaluation, type EvaluateOptions, evaluate } from './evaluate.js';
export {
  type TrainOptions,
  type BatchReport,
  type EpochReport,
  type RunOptions,
  type RunResult,
  type RunStatus,
  type StepResult,
  type TrainerSnapshot,
  type EarlyStopState,
  type EarlyStopName,
  EARLY_STOPS,
  Trainer,
  MAX_EPOCHS,
  yieldToEventLoop,
} from './train.js';
export { DivergenceError, DIVERGENCE, divergence } from './divergence.js';
export {
  type ConfusionMatrix,
  type ClassReport,
  type ConfusedPair,
  accuracy,
  confusionMatrix,
  perClass,
  mostConfused,
} from './metrics.js';
export {
  type ModelMeta,
  MAGIC,
  FORMAT_VERSION,
  MODEL_LIMITS,
  ModelFormatError,
  crc32,
  saveModel,
  loadModel,
  saveCheckpoint,
  loadCheckpoint,
} from './format.js';
