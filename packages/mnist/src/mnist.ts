// MNIST-layout datasets from IDX bytes: image + label files checked against each other and turned into compact Splits.
// Isomorphic and file-free: bytes come from node.ts, fetch() or a file picker. Pixels stay Uint8 (no float copy).

import { IdxError, type IdxArray, type IdxHeader, type ParseIdxOptions } from './idx.js';
import { parseIdx } from './inflate.js';

/** One split of an image-classification dataset: `images` is (count, rows*cols) row-major Uint8, `labels` is (count). */
export interface Split {
  /** Pixels, (count, rows·cols) row-major, 0..255. */
  images: Uint8Array;
  /** The class of each image, (count). */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
  /** Image height in pixels (28 for MNIST). */
  rows: number;
  /** Image width in pixels (28 for MNIST). */
  cols: number;
}

/** The four files of an MNIST-layout dataset, as read from disk or the network (gzip or not). */
export interface MnistBytes {
  /** train-images-idx3-ubyte(.gz). */
  trainImages: Uint8Array;
  /** train-labels-idx1-ubyte(.gz). */
  trainLabels: Uint8Array;
  /** t10k-images-idx3-ubyte(.gz). */
  testImages: Uint8Array;
  /** t10k-labels-idx1-ubyte(.gz). */
  testLabels: Uint8Array;
}

/** A loaded dataset: the official training and test splits. */
export interface Mnist {
  /** The training split (60,000 images for MNIST). */
  train: Split;
  /** The test split (10,000 images for MNIST). */
  test: Split;
}

/** How `loadMnistFromBytes` checks and parses the four files. */
export interface LoadOptions {
  /** Number of classes; labels must be 0..classes-1. Default 10. */
  classes?: number;
  /** File names used in error messages (default: the MnistBytes keys). */
  names?: Partial<Record<keyof MnistBytes, string>>;
  /** Inflater for gzip input (see ParseIdxOptions.gunzip). */
  gunzip?: ParseIdxOptions['gunzip'];
  /** Largest file accepted, inflated, in bytes (see ParseIdxOptions.maxBytes). Default MAX_IDX_BYTES (256 MiB). */
  maxBytes?: number;
}

type Shape = Pick<IdxHeader, 'type' | 'dims'>;

/** An image file's header must be ubyte, count x rows x cols. */
function checkImages(h: Shape, name: string): void {
  if (h.type !== 'ubyte' || h.dims.length !== 3) {
    throw new IdxError('BAD_SHAPE', `${name}: expected ubyte images of shape count x rows x cols, got ${h.type} ${h.dims.join('x')}; is this an image file?`);
  }
}

/** A label file's header must be ubyte, count, with as many labels as `images` holds images (when known). */
function checkLabels(h: Shape, name: string, images?: { count: number; name: string }): void {
  if (h.type !== 'ubyte' || h.dims.length !== 1) {
    throw new IdxError('BAD_SHAPE', `${name}: expected ubyte labels of shape count, got ${h.type} ${h.dims.join('x')}; is this a label file?`);
  }
  if (images && h.dims[0] !== images.count) {
    throw new IdxError('COUNT_MISMATCH', `${images.name} holds ${images.count} images but ${name} holds ${h.dims[0]} labels; the two files do not belong together.`);
  }
}

/**
 * Check an image file (ubyte, count x rows x cols) against a label file (ubyte, count) and pair them.
 * `images` and `labels` of the result are the parsed arrays themselves (no copy).
 */
export function splitFromIdx(images: IdxArray, labels: IdxArray, classes = 10, names = { images: 'images', labels: 'labels' }): Split {
  checkImages(images, names.images);
  const [count, rows, cols] = images.dims as [number, number, number];
  checkLabels(labels, names.labels, { count, name: names.images });
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
  const parse = (k: keyof MnistBytes, checkHeader: (h: IdxHeader) => void) =>
    parseIdx(files[k], { name: name(k), gunzip: options.gunzip, maxBytes: options.maxBytes, checkHeader });
  // One file at a time, so only one inflated buffer is in flight; each header is checked before its payload is
  // allocated (a label file must declare as many labels as its image file has images).
  const trainImages = await parse('trainImages', (h) => checkImages(h, name('trainImages')));
  const trainLabels = await parse('trainLabels', (h) => checkLabels(h, name('trainLabels'), { count: trainImages.dims[0]!, name: name('trainImages') }));
  const testImages = await parse('testImages', (h) => checkImages(h, name('testImages')));
  const testLabels = await parse('testLabels', (h) => checkLabels(h, name('testLabels'), { count: testImages.dims[0]!, name: name('testImages') }));
  const train = splitFromIdx(trainImages, trainLabels, classes, { images: name('trainImages'), labels: name('trainLabels') });
  const test = splitFromIdx(testImages, testLabels, classes, { images: name('testImages'), labels: name('testLabels') });
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new IdxError('BAD_SHAPE', `${name('testImages')}: test images are ${test.rows}x${test.cols} but training images are ${train.rows}x${train.cols}; the files come from different datasets.`);
  }
  return { train, test };
}
