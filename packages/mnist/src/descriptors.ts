// Dataset descriptors: which four IDX files make a dataset, their published sizes and checksums, and where to get them.
// Plain data plus a validator; no I/O. The downloader (download.ts) is what reads them.

/** The four files of an MNIST-layout dataset. */
export type MnistRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/** The four roles, in the order messages and reports list them. */
export const ROLES: readonly MnistRole[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

/** One file as published. Give `sha256` or `md5` (sha256 wins when both are given) and `size` whenever known. */
export interface FileSpec {
  /** File name on every mirror and in the cache, e.g. 'train-images-idx3-ubyte.gz'. */
  name: string;
  /** Exact byte size; downloads that exceed it are cut off early, cache hits must match it. */
  size?: number;
  /** Lower-case hex SHA-256 of the file as downloaded. */
  sha256?: string;
  /** Lower-case hex MD5, for datasets that only publish MD5 (used only when `sha256` is absent). */
  md5?: string;
  /**
   * The same file inflated (named without `.gz`), for importing a folder of uncompressed files: its size and checksum.
   * Without a `sha256` or `md5` here, uncompressed files cannot be imported into the cache (they cannot be verified).
   */
  inflated?: Omit<FileSpec, 'name' | 'inflated'>;
}

/** The name of a file's inflated form: its name without `.gz`. */
export const inflatedName = (spec: FileSpec): string => spec.name.replace(/\.gz$/, '');

/** An MNIST-layout dataset as published: its cache id, title, classes, four files with checksums, and mirrors. */
export interface DatasetDescriptor {
  /** Cache folder name: lower-case letters, digits, '.', '_' or '-'. */
  id: string;
  /** Human name for messages. */
  title: string;
  /** Labels are 0..classes-1. */
  classes: number;
  /** The four files, by role. */
  files: Record<MnistRole, FileSpec>;
  /** Base URLs, tried in order; a file's URL is base + name. */
  mirrors: string[];
  /** An environment variable holding extra comma-separated mirrors, tried before `mirrors`. */
  mirrorEnv?: string;
}

/**
 * MNIST: the four original gz files (byte-identical to yann.lecun.com's), PyTorch's and Google's copies first.
 * `inflated` holds the size and SHA-256 of each file gunzipped (computed from these verified files; gzip is lossless).
 */
export const MNIST: DatasetDescriptor = {
  id: 'mnist',
  title: 'MNIST',
  classes: 10,
  files: {
    trainImages: {
      name: 'train-images-idx3-ubyte.gz',
      size: 9912422,
      sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      inflated: { size: 47040016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
    },
    trainLabels: {
      name: 'train-labels-idx1-ubyte.gz',
      size: 28881,
      sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      md5: 'd53e105ee54ea40749a09fcbcd1e9432',
      inflated: { size: 60008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
    },
    testImages: {
      name: 't10k-images-idx3-ubyte.gz',
      size: 1648877,
      sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      md5: '9fb629c4189551a2d022fa330f9573f3',
      inflated: { size: 7840016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
    },
    testLabels: {
      name: 't10k-labels-idx1-ubyte.gz',
      size: 4542,
      sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      md5: 'ec29112dd5afa0611ce80d1b7f02629c',
      inflated: { size: 10008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
    },
  },
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/', 'http://yann.lecun.com/exdb/mnist/'],
  mirrorEnv: 'MNIST_MIRROR',
};

/**
 * Fashion-MNIST (Zalando Research, MIT licence): same IDX layout, 10 clothing classes. The project publishes
 * MD5 sums and sizes (github.com/zalandoresearch/fashion-mnist README; torchvision and Keras use the same).
 * It publishes no SHA-256; the SHA-256 values here are the ones other loaders pin for the same files
 * (torchvision's prototype datasets, Flux.jl, batchup), which agree. SHA-256 is checked; the MD5s stay for reference.
 * Its original S3 website endpoint is http-only, so it comes last.
 */
export const FASHION_MNIST: DatasetDescriptor = {
  id: 'fashion-mnist',
  title: 'Fashion-MNIST',
  classes: 10,
  files: {
    trainImages: {
      name: 'train-images-idx3-ubyte.gz',
      size: 26421880,
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    },
    trainLabels: {
      name: 'train-labels-idx1-ubyte.gz',
      size: 29515,
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      md5: '25c81989df183df01b3e8a0aad5dffbe',
    },
    testImages: {
      name: 't10k-images-idx3-ubyte.gz',
      size: 4422102,
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      md5: 'bef4ecab320f06d8554ea6380940ec79',
    },
    testLabels: {
      name: 't10k-labels-idx1-ubyte.gz',
      size: 5148,
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      md5: 'bb300cfdad3c16e7a12a480ee83cd310',
    },
  },
  mirrors: [
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  ],
  mirrorEnv: 'FASHION_MNIST_MIRROR',
};

/** Throw a TypeError naming the first thing wrong with a (user-made) descriptor. */
export function checkDescriptor(d: DatasetDescriptor): void {
  const bad = (what: string): never => {
    throw new TypeError(`dataset descriptor ${JSON.stringify(d?.id)}: ${what}`);
  };
  if (typeof d?.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(d.id)) bad("id must be lower-case letters, digits, '.', '_' or '-'");
  if (!Number.isInteger(d.classes) || d.classes < 2 || d.classes > 256) bad('classes must be an integer in 2..256');
  if (!Array.isArray(d.mirrors)) bad('mirrors must be an array of base URLs');
  for (const role of ROLES) {
    const f = d.files?.[role];
    if (!f || typeof f.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f.name)) bad(`files.${role}.name must be a plain file name`);
    if (f!.size !== undefined && (!Number.isInteger(f!.size) || f!.size < 0)) bad(`files.${role}.size must be a non-negative integer`);
    if (f!.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(f!.sha256)) bad(`files.${role}.sha256 must be 64 lower-case hex digits`);
    if (f!.md5 !== undefined && !/^[0-9a-f]{32}$/.test(f!.md5)) bad(`files.${role}.md5 must be 32 lower-case hex digits`);
    const i = f!.inflated;
    if (i !== undefined) {
      if (typeof i !== 'object' || i === null) bad(`files.${role}.inflated must be an object { size?, sha256?, md5? }`);
      if (i.size !== undefined && (!Number.isInteger(i.size) || i.size < 0)) bad(`files.${role}.inflated.size must be a non-negative integer`);
      if (i.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(i.sha256)) bad(`files.${role}.inflated.sha256 must be 64 lower-case hex digits`);
      if (i.md5 !== undefined && !/^[0-9a-f]{32}$/.test(i.md5)) bad(`files.${role}.inflated.md5 must be 32 lower-case hex digits`);
    }
  }
}
