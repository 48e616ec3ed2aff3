// Hostile gzip IDX files, generated here: bombs whose stream runs far past the header, headers that declare more than
// any limit or than the compressed bytes can hold, and label files that disagree with their images. Each must end in
// its error code before the payload is allocated; the bombs also run in a child process whose peak RSS is asserted.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST, ROLES } from './descriptors.js';
import { gunzipNode } from './gunzip.js';
import { IdxError, type IdxErrorCode, MAX_IDX_BYTES, writeIdx } from './idx.js';
import { MAX_DEFLATE_RATIO, collectIdx, gunzipWeb, parseIdx } from './inflate.js';
import { loadMnistFromBytes } from './mnist.js';
import { DIST_URL, ensureBuilt, nodeScript } from './testing/build.js';
import { generatedDataset, rejectsWith, tempDir } from './testing/fixtures.js';

const MiB = 1 << 20;

/** An IDX header declaring `dims` of ubyte. */
function ubyteHeader(dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  h.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => new DataView(h.buffer).setUint32(4 + 4 * i, d, false));
  return h;
}

/**
 * A gzip bomb: `header` then zeros, `mib` MiB inflated in all, as concatenated gzip members (valid gzip: every
 * inflater reads members back to back). About 1 KB per MiB, so a 1 GiB bomb is about 1 MB.
 */
function bomb(head: Uint8Array, mib: number): Buffer {
  const first = Buffer.alloc(MiB);
  first.set(head);
  const rest = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat([gzipSync(first, { level: 9 }), ...Array.from({ length: mib - 1 }, () => rest)]);
}

const inflaters = { gunzipNode, gunzipWeb } as const;

async function expectCode(p: Promise<unknown>, code: IdxErrorCode, ...fragments: string[]): Promise<IdxError> {
  const e = await rejectsWith(p, IdxError);
  expect(e.code).toBe(code);
  for (const f of fragments) expect(e.message).toContain(f);
  return e;
}

describe('collectIdx', () => {
  it('stops reading an endless stream at the size its header declares', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        yield ubyteHeader([1000]);
        for (;;) {
          pulled++;
          yield new Uint8Array(4096);
        }
      } finally {
        closed = true;
      }
    }
    await expectCode(collectIdx(endless(), 100, {}, 'endless.gz'), 'LONG_PAYLOAD', 'endless.gz', 'more than the 1008 bytes');
    expect(pulled).toBe(1);
    expect(closed).toBe(true);
  });

  it('stops at the first bytes when they are not IDX', async () => {
    async function* html() {
      yield new TextEncoder().encode('<!DOCTYPE html>');
      throw new Error('read past the first chunk');
    }
    await expectCode(collectIdx(html(), 100, {}, 'page.gz'), 'BAD_MAGIC', 'page.gz');
  });
});

describe.each(Object.entries(inflaters))('%s within bounds', (_, gunzip) => {
  it('refuses a stream that runs past its header (a 64 MiB bomb declaring 1,000 bytes)', async () => {
    await expectCode(parseIdx(bomb(ubyteHeader([1000]), 64), { name: 'bomb.gz', gunzip }), 'LONG_PAYLOAD', 'bomb.gz', 'gzip bomb');
  });

  it('refuses a header larger than maxBytes before inflating the payload', async () => {
    const gz = gzipSync(ubyteHeader([MAX_IDX_BYTES]));
    await expectCode(parseIdx(gz, { name: 'big.gz', gunzip }), 'TOO_LARGE', 'big.gz', `over the limit of ${MAX_IDX_BYTES} bytes`, 'raise maxBytes');
    await expectCode(parseIdx(gzipSync(writeIdx({ dims: [100], data: new Uint8Array(100) })), { gunzip, maxBytes: 50 }), 'TOO_LARGE');
  });

  it('refuses a header declaring more than the compressed bytes can inflate to', async () => {
    const gz = gzipSync(ubyteHeader([60000, 28, 28]));
    expect(gz.length * MAX_DEFLATE_RATIO).toBeLessThan(60000 * 784);
    await expectCode(parseIdx(gz, { name: 'liar.gz', gunzip }), 'SHORT_PAYLOAD', 'liar.gz', 'cannot inflate to that many');
  });

  it('lets checkHeader refuse a file before its payload is allocated', async () => {
    const gz = gzipSync(writeIdx({ dims: [10, 2], data: new Uint8Array(20) }));
    const seen: number[][] = [];
    const refuse = (h: { dims: number[] }) => {
      seen.push(h.dims);
      throw new IdxError('BAD_SHAPE', 'refused');
    };
    await expectCode(parseIdx(gz, { gunzip, checkHeader: refuse }), 'BAD_SHAPE', 'refused');
    expect(seen).toEqual([[10, 2]]);
  });
});

describe('loadMnistFromBytes checks each header against its role before allocating', () => {
  const gen = generatedDataset();
  const files = Object.fromEntries(ROLES.map((r) => [r, new Uint8Array(gen.files.get(MNIST.files[r].name)!)])) as Record<(typeof ROLES)[number], Uint8Array>;

  it('a label file declaring 2^31 labels for 1,000 images is COUNT_MISMATCH', async () => {
    const liar = bomb(ubyteHeader([2 ** 31]), 4);
    await expectCode(loadMnistFromBytes({ ...files, trainLabels: liar }, { gunzip: gunzipNode }), 'COUNT_MISMATCH', '1000 images', '2147483648 labels');
  });

  it('an image file of 1 dimension is BAD_SHAPE', async () => {
    await expectCode(loadMnistFromBytes({ ...files, testImages: bomb(ubyteHeader([200 * 784]), 4) }), 'BAD_SHAPE', 'testImages');
  });
});

describe('peak memory of a 1 GiB bomb (child process)', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    // MNIST's real header (60000x28x28, 47 MB) followed by zeros to 1 GiB, in about 1 MB of gzip; the other three
    // files are a small valid dataset, so only the bomb can fail.
    const gen = generatedDataset();
    dir = tempDir();
    for (const r of ROLES) copyFileSync(join(gen.dir, MNIST.files[r].name), join(dir, MNIST.files[r].name));
    writeFileSync(join(dir, MNIST.files.trainImages.name), bomb(ubyteHeader([60000, 28, 28]), 1024));
  });

  const CHILD = `
const which = process.env.WHICH;
let error;
try {
  if (which === 'node') {
    const { loadMnist } = await import(process.env.DIST_NODE);
    await loadMnist({ dir: process.env.DIR });
  } else {
    const { parseIdx } = await import(process.env.DIST_INDEX);
    const { readFileSync } = await import('node:fs');
    await parseIdx(readFileSync(process.env.FILE), { name: process.env.FILE });
  }
} catch (e) {
  error = { code: e.code, message: e.message };
}
process.stdout.write(JSON.stringify({ error, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
`;

  async function run(which: 'node' | 'web'): Promise<{ error?: { code: string; message: string }; maxRssMiB: number }> {
    const r = await nodeScript(CHILD, { WHICH: which, DIST_INDEX: DIST_URL.index, DIST_NODE: DIST_URL.node, DIR: dir, FILE: join(dir, MNIST.files.trainImages.name) });
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out);
  }

  // Node alone takes about 50 MB, the declared file 47 MB; before the fix this bomb peaked at 2.1 GB.
  it.each(['node', 'web'] as const)('%s: LONG_PAYLOAD naming the file, peak RSS under 300 MiB', async (which) => {
    const { error, maxRssMiB } = await run(which);
    expect(error?.code).toBe('LONG_PAYLOAD');
    expect(error?.message).toContain('train-images-idx3-ubyte.gz: the gzip data inflates to more than the 47040016 bytes');
    expect(maxRssMiB).toBeLessThan(300);
  });
});
