// @mlp/mnist, isomorphic entry: IDX read/write, MNIST-layout splits, the train/validation split, scaling and batches.
// Nothing reachable from here imports node:*; the downloader and file cache live in '@mlp/mnist/node'.

export {
  IDX_TYPES,
  IdxError,
  MAX_IDX_BYTES,
  idxTypeOf,
  isGzip,
  parseIdxRaw,
  readIdxHeader,
  writeIdx,
  type IdxArray,
  type IdxData,
  type IdxErrorCode,
  type IdxHeader,
  type IdxLimits,
  type IdxType,
  type IdxTypeInfo,
  type ParseIdxOptions,
} from './idx.js';
export { MAX_DEFLATE_RATIO, gunzipWeb, parseIdx } from './inflate.js';
export { loadMnistFromBytes, splitFromIdx, type LoadOptions, type Mnist, type MnistBytes, type Split } from './mnist.js';
export { splitTrainValidation, type SplitOptions } from './split.js';
export { SCALE_MODES, oneHot, pixelStats, scaling, toDataset, type ScaleMode } from './normalize.js';
export { batches, type Batch, type BatchOptions } from './batches.js';
export { centerDigit, isInkOnPaper, type CenterOptions } from './digit.js';
