// MNIST-layout datasets from IDX bytes: image + label files checked against each other and turned into compact Splits.
// Isomorphic and file-free: bytes come from node.ts, fetch() or a file picker. Pixels stay Uint8 (no float copy).

import { IdxError, type IdxArray, type ParseIdxOptions, parseIdx } from './idx.js';

/** One split of an image-classification dataset: `images` is (count, rows*cols) row-major Uint8, `labels` is (count). */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** The four files of an MNIST-layout dataset, as read from disk or the network (gzip or not). */
export interface MnistBytes {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

export interface Mnist {
  train: Split;
  test: Split;
}

export interface LoadOptions {
  /** Number of classes; labels must be 0..classes-1. Default 10. */
  classes?: number;
  /** File names used in error messages (default: the MnistBytes keys). */
  names?: Partial<Record<keyof MnistBytes, string>>;
  /** Inflater for gzip input (see ParseIdxOptions.gunzip). */
  gunzip?: ParseIdxOptions['gunzip'];
}

/**
 * Check an image file (ubyte, count x rows x cols) against a label file (ubyte, count) and pair them.
 * `images` and `labels` of the result are the parsed arrays themselves (no copy).
 */
export function splitFromIdx(images: IdxArray, labels: IdxArray, classes = 10, names = { images: 'images', labels: 'labels' }): Split {
  if (images.type !== 'ubyte' || images.dims.length !== 3) {
    throw new IdxError('BAD_SHAPE', `${names.images}: expected ubyte images of shape count x rows x cols, got ${images.type} ${images.dims.join('x')}; is this an image file?`);
  }
  if (labels.type !== 'ubyte' || labels.dims.length !== 1) {
    throw new IdxError('BAD_SHAPE', `${names.labels}: expected ubyte labels of shape count, got ${labels.type} ${labels.dims.join('x')}; is this a label file?`);
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new IdxError('COUNT_MISMATCH', `${names.images} holds ${count} images but ${names.labels} holds ${labels.dims[0]} labels; the two files do not belong together.`);
  }
  const lab = labels.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (lab[i]! >= classes) {
      throw new IdxError('LABEL_RANGE', `${names.labels}: label ${lab[i]} of example ${i} is outside 0..${classes - 1}; wrong file, or set the dataset's number of classes.`);
    }
  }
  return { images: images.data as Uint8Array, labels: lab, count, rows, cols };
}

/** Parse and check the four files of an MNIST-layout dataset. The official test split is returned untouched. */
export async function loadMnistFromBytes(files: MnistBytes, options: LoadOptions = {}): Promise<Mnist> {
  const classes = options.classes ?? 10;
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) throw new RangeError(`classes must be an integer in 1..256, got ${classes}`);
  const name = (k: keyof MnistBytes): string => options.names?.[k] ?? k;
  const parse = (k: keyof MnistBytes) => parseIdx(files[k], { name: name(k), gunzip: options.gunzip });
  // One file at a time, so only one inflated buffer is in flight.
  const trainImages = await parse('trainImages');
  const trainLabels = await parse('trainLabels');
  const testImages = await parse('testImages');
  const testLabels = await parse('testLabels');
  const train = splitFromIdx(trainImages, trainLabels, classes, { images: name('trainImages'), labels: name('trainLabels') });
  const test = splitFromIdx(testImages, testLabels, classes, { images: name('testImages'), labels: name('testLabels') });
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new IdxError('BAD_SHAPE', `${name('testImages')}: test images are ${test.rows}x${test.cols} but training images are ${train.rows}x${train.cols}; the files come from different datasets.`);
  }
  return { train, test };
}
