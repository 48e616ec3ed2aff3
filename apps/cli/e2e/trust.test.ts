// Hostile files and faults against the built `mlp`, all generated here: crafted checkpoints and models, devices,
// FIFOs, symlinks and folders as outputs, read-only and full disks (tmpfs), lying PNGs (with a peak-memory ceiling).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { MLP, loadCheckpoint, loadModel, saveCheckpoint, saveModel } from '@mlp/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, QUICK, cleanup, finish, mlp, peakMb, rssReporter, start, tempDir, tmpfs, trainedModel } from './helpers.js';

let data: string;
let work: string;
let model: string;
let ckpt: string;

/** Run until `ready` matches stderr+stdout, then SIGSTOP it: nothing it does can race what the test does next. */
async function pauseWhen(child: ReturnType<typeof start>, ready: RegExp): Promise<void> {
  await new Promise<void>((res) => {
    const check = () => (ready.test(child.err() + child.out()) ? res() : setTimeout(check, 10));
    check();
  });
  child.kill('SIGSTOP');
}

/** Fills the disk holding `dir` to the last byte. */
function fill(dir: string): void {
  const f = join(dir, 'filler');
  try {
    for (;;) appendFileSync(f, Buffer.alloc(4096));
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
}

beforeAll(async () => {
  ({ data, work, model } = await trainedModel());
  // A real checkpoint: Ctrl-C once the first epoch is reported.
  const child = start(['train', '--data', data, ...QUICK, '--epochs', '200', '--out', join(work, 'c.mlp')]);
  await new Promise<void>((res) => {
    const check = () => (/epoch +1\/200 /.test(child.out()) ? res() : setTimeout(check, 10));
    check();
  });
  child.kill('SIGINT');
  const c = await finish(child);
  if (c.code !== 130) throw new Error(`no checkpoint (${c.code}): ${c.stderr}`);
  ckpt = join(work, 'c.mlp.ckpt');
});
afterAll(cleanup);

/** A copy of a checkpoint or model file with some metadata replaced. */
function craft(src: string, dst: string, meta: Record<string, unknown>): string {
  const bytes = new Uint8Array(readFileSync(src));
  if (src.endsWith('.ckpt')) {
    const c = loadCheckpoint(bytes);
    writeFileSync(dst, saveCheckpoint(c.snapshot, { ...c.meta, ...meta }));
  } else {
    const m = loadModel(bytes);
    writeFileSync(dst, saveModel(m.model, { ...m.meta, ...meta }));
  }
  return dst;
}

describe('paths stored in files are facts, never instructions', () => {
  it('a checkpoint naming another file as its out does not touch it: the model goes beside the checkpoint', async () => {
    const victim = join(work, 'victim.txt');
    writeFileSync(victim, 'precious');
    const evil = craft(ckpt, join(work, 'evil.ckpt'), { out: victim });
    const r = await mlp(['train', '--resume', evil, '--data', data]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(r.stderr).toContain(`note: the checkpoint records "${victim}" as its run's --out; that is a record only, not followed.`);
    expect(r.stderr).toContain(`the model will be written to ${join(work, 'evil.mlp')}`);
    expect(r.stdout).toMatch(/saved .*evil\.mlp$/m);
    loadModel(new Uint8Array(readFileSync(join(work, 'evil.mlp'))));
    // --out decides where, when given.
    const chosen = join(work, 'chosen.mlp');
    const o = await mlp(['train', '--resume', evil, '--data', data, '--out', chosen]);
    expect(o.code, o.stderr).toBe(0);
    expect(existsSync(chosen)).toBe(true);
  });
  it('a checkpoint naming a data folder or a descriptor file is not followed: the user passes --data / --dataset', async () => {
    const noData = await mlp(['train', '--resume', ckpt]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toContain(`was trained on files from "${data}", and mlp does not follow folders named in a file: pass --data`);
    const passwd = craft(ckpt, join(work, 'passwd.ckpt'), { dataset: '/etc/passwd' });
    const r = await mlp(['train', '--resume', passwd, '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/records its dataset as "\/etc\/passwd", which mlp does not follow from a file; pass --dataset mnist/);
    expect(r.stderr).not.toMatch(/root:/);
  });
  it('a checkpoint with edited settings or scaling is refused by name, before any data is read', async () => {
    const layers = craft(ckpt, join(work, 'layers.ckpt'), { settings: { ...loadCheckpoint(new Uint8Array(readFileSync(ckpt))).meta.settings as object, layers: 'x' } });
    const r = await mlp(['train', '--resume', layers, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mlp: Checkpoint .*layers\.ckpt has an unusable setting: layers must be 2 to 64 comma-separated positive widths .*, got "x"; it was edited or not written by mlp train\.$/m);
    const scaling = craft(ckpt, join(work, 'scaling.ckpt'), { scaling: { mode: '-1,1', mul: 'NaN', add: 0 } });
    const s = await mlp(['train', '--resume', scaling, '--data', data]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/scaling\.ckpt has an unusable input scaling \{"mode":"-1,1","mul":"NaN","add":0\}/);
  });
  it('a model naming /etc/passwd as its dataset: eval reads no such file and asks for --dataset', async () => {
    const evil = craft(model, join(work, 'passwd.mlp'), { dataset: '/etc/passwd' });
    const r = await mlp(['eval', evil, '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mlp: .*passwd\.mlp records its dataset as "\/etc\/passwd", which mlp does not follow from a model file; pass --dataset mnist/);
    expect((await mlp(['eval', evil, '--data', data, '--dataset', 'mnist'])).code).toBe(0);
  });
});

describe('outputs are checked before any work, and only regular files are replaced', () => {
  const refused = async (args: string[], message: RegExp) => {
    const r = await mlp(args);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('training '); // refused before the data was even loaded
    expect(r.stderr).not.toMatch(/E[A-Z]{3,}:/); // no raw errno text
  };
  const train = (out: string, ...more: string[]) => ['train', '--data', data, ...QUICK, '--out', out, ...more];
  it('refuses a folder, a path under a file, a symlink, a FIFO and a device as --out or --checkpoint', async () => {
    await refused(train(work), /^mlp: Cannot write the model to .* \(--out\): it is a folder; name a file inside it\.$/m);
    await refused(train(join(model, 'sub', 'x.mlp')), /m\.mlp is a file, not a folder/);
    const target = join(work, 'target.mlp');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(work, 'link.mlp'));
    await refused(train(join(work, 'link.mlp')), /it is a symbolic link, which mlp never replaces or writes through/);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    spawnSync('mkfifo', [join(work, 'fifo')]);
    await refused(train(join(work, 'x.mlp'), '--checkpoint', join(work, 'fifo')), /Cannot write the checkpoint to .*fifo \(--checkpoint\): it is a FIFO/);
    const dev = join(work, 'null');
    if (spawnSync('mknod', [dev, 'c', '1', '3']).status === 0) {
      await refused(train(dev), /it is a device, and mlp only replaces regular files/);
      expect(readdirSync(work)).toContain('null');
      await refused(['eval', model, '--data', data, '--misclassified', dev], /Cannot write the image to .*null \(--misclassified\): it is a device/);
    } else {
      console.log('skipping the mknod device case: this user may not make device nodes');
    }
    await refused(['eval', model, '--data', data, '--misclassified', model], /--misclassified .*m\.mlp is the same file as the model file/);
  });
  it('refuses a read-only disk and a disk too small for the model before training', async () => {
    const ro = tmpfs('ro,size=64k');
    if (ro) await refused(train(join(ro, 'm.mlp')), /\(--out\): .* is not writable \(the disk is read-only\); choose another path\./);
    const small = tmpfs('size=64k');
    if (small) await refused(train(join(small, 'm.mlp')), /has 64 KB free and the model needs about \d+ KB; free some space or choose another path/);
  });
  /**
   * Trains onto a 256 KB tmpfs, pausing the run once `ready` shows to fill that disk, then lets it go on (and
   * `then` signals it). Null where mounting is not permitted.
   */
  const fillDuring = async (epochs: number, ready: RegExp, then: (child: ReturnType<typeof start>) => void = () => {}) => {
    const full = tmpfs('size=256k');
    if (!full) return null;
    const cache = tempDir();
    const out = join(full, 'm.mlp');
    const child = start(train(out, '--epochs', String(epochs)), { env: { MLP_CACHE_DIR: cache } });
    await pauseWhen(child, ready);
    fill(full);
    child.kill('SIGCONT');
    then(child);
    const r = await finish(child);
    return { r, out, rescued: readdirSync(join(cache, 'rescued')).map((f) => join(cache, 'rescued', f)) };
  };
  it('a disk that fills during training: the model is rescued to the cache, and said where', async () => {
    // 400 short epochs: far more than the child can run between printing its "training" line and the SIGSTOP.
    const run = await fillDuring(400, /training /);
    if (!run) return;
    const { r, out, rescued } = run;
    expect(r.code, r.stderr).toBe(1);
    expect(rescued).toHaveLength(1);
    expect(r.stderr).toContain(`Could not write the model to ${out} (the disk is full), so it was saved to ${rescued[0]} instead; move it where you want it.`);
    expect(r.stdout).toContain(`saved ${rescued[0]}`);
    expect(loadModel(new Uint8Array(readFileSync(rescued[0]!))).meta.testAccuracy).toBeGreaterThan(0.5);
  });
  it('Ctrl-C on a full disk: the checkpoint is rescued and the resume command names it', async () => {
    const run = await fillDuring(500, /epoch +1\/500 /, (child) => child.kill('SIGINT'));
    if (!run) return;
    const { r, out, rescued } = run;
    expect(r.code, r.stderr).toBe(130);
    expect(rescued).toHaveLength(1);
    expect(r.stderr).toContain(`Could not write the checkpoint to ${out}.ckpt (the disk is full), so it was saved to ${rescued[0]} instead`);
    expect(r.stderr).toContain(`Resume with: mlp train --resume ${rescued[0]} --out ${out} --data ${data}`);
    loadCheckpoint(new Uint8Array(readFileSync(rescued[0]!)));
  });
});

describe('inputs are regular files of bounded size', () => {
  it('a FIFO or device named as a model, checkpoint, image or descriptor is refused at once, never read', async () => {
    const fifo = join(work, 'in-fifo');
    spawnSync('mkfifo', [fifo]);
    const cases: [string[], RegExp][] = [
      [['info', fifo], /^mlp: Model file .*in-fifo is a FIFO \(named pipe\), not a regular file; name the file itself\.$/m],
      [['train', '--resume', fifo], /^mlp: Checkpoint .*in-fifo is a FIFO/m],
      [['predict', model, '/dev/zero'], /^mlp: Image file \/dev\/zero is a device, not a regular file/m],
      [['predict', model, join(work, 'x.png'), '/dev/null'], /^mlp: Image .*x\.png does not exist; check the path\.$/m],
      [['train', '--data', data, '--dataset', '/dev/null.json'], /Cannot read dataset descriptor \/dev\/null\.json: no such file/],
    ];
    const fifoJson = join(work, 'fifo.json');
    spawnSync('mkfifo', [fifoJson]);
    cases.push([['train', '--data', data, '--dataset', fifoJson], /Dataset descriptor .*fifo\.json is a FIFO \(named pipe\), not a regular file/]);
    for (const [args, message] of cases) {
      const r = await mlp(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });
  it('a FIFO or device in a --data or --from folder is named as such, never read and never called missing', async () => {
    const dir = tempDir();
    for (const f of readdirSync(data)) copyFileSync(join(data, f), join(dir, f));
    const images = readdirSync(data).find((f) => f.startsWith('train-images'))!;
    rmSync(join(dir, images));
    spawnSync('mkfifo', [join(dir, images)]);
    const tests = readdirSync(data).find((f) => f.startsWith('t10k-images'))!;
    rmSync(join(dir, tests));
    symlinkSync('/dev/zero', join(dir, tests));
    const cases: [string[], RegExp][] = [
      [['train', '--data', dir, ...QUICK, '--out', join(work, 'never.mlp')], /^mlp: Cannot use MNIST from .*: .*train-images\S* is a FIFO \(named pipe\), not a regular file; put the file itself there\./m],
      [['eval', model, '--data', dir], /^mlp: Cannot use MNIST from .*: .*t10k-images\S* is a device, not a regular file/m],
      [['download', '--from', dir, '--cache', tempDir()], /^mlp: Cannot import MNIST from .*: .*train-images\S* is a FIFO \(named pipe\), not a regular file; put the file itself there\.$/m],
    ];
    for (const [args, message] of cases) {
      const r = await mlp(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });
  it('--limit beyond what a grid holds is a usage error', async () => {
    const r = await mlp(['eval', model, '--data', data, '--misclassified', join(work, 'g.png'), '--limit', '5000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit 5000 is more than the 1000 images a --misclassified grid holds/);
  });
});

describe('a file-size limit (RLIMIT_FSIZE, works without mounting)', () => {
  it('a model larger than the process may write: every place is named, no raw errno, no crash', async () => {
    const out = join(work, 'limited.mlp');
    const cache = tempDir();
    // ulimit -f counts 512-byte blocks in POSIX sh: 32 KB, under the ~100 KB model; SIGXFSZ ignored, so writes fail with EFBIG.
    const cmd = `trap '' XFSZ; ulimit -f 64 && exec "$0" "$@"`;
    const child = spawn('sh', ['-c', cmd, process.execPath, CLI, 'train', '--data', data, ...QUICK, '--out', out], {
      env: { ...process.env, CI: 'true', MLP_CACHE_DIR: cache, npm_command: '' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((res) => child.on('close', res));
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(
      /^mlp: Could not write the model anywhere: tried .*limited\.mlp \(the file is larger than this process may write \(see ulimit -f\)\), .*rescued.*; fix one of these places and run again\.$/m,
    );
    expect(stderr).not.toMatch(/EFBIG:/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('eval, info and train on data that does not fit', () => {
  it('eval needs only the two test files', async () => {
    const only = tempDir();
    for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) writeFileSync(join(only, f), readFileSync(join(data, f)));
    const r = await mlp(['eval', model, '--data', only]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d% \(\d+\/300\)/);
    const none = await mlp(['eval', model, '--data', tempDir()]);
    expect(none.stderr).toMatch(/t10k-images-idx3-ubyte\.gz \(or t10k-images-idx3-ubyte\) is not there\. --data must name a folder holding the two test MNIST IDX files/);
  });
  it('eval of a 5-class model on 10-class data names both; train refuses such a network up front', async () => {
    const five = join(work, 'five.mlp');
    const net = new MLP({ layers: [784, 8, 5], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse', init: 'normal', initStd: 1 }, { seed: 1 });
    writeFileSync(five, saveModel(net, {}));
    const r = await mlp(['eval', five, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/five\.mlp has 5 output classes but MNIST has 10; evaluate it on a dataset with 5 classes/);
    const t = await mlp(['train', '--data', data, ...QUICK, '--layers', '784,8,5']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--layers ends with 5 outputs, but mnist has 10 classes; end the list with 10\./);
  });
  it('--batch larger than the training set is a usage error', async () => {
    const r = await mlp(['train', '--data', data, ...QUICK, '--batch', '5000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mlp: --batch 5000 is larger than the 1000 training images \(after 200 held out for validation\); use 1000 or less\.$/m);
    const flag = await mlp(['train', '--data', data, ...QUICK, '--batch', '100000']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--batch <n>.*'100000' is invalid\. batch must be a whole number in \[1, 60,000\]\./);
  });
  it('info shows metadata of any type as it is, escaping control characters', async () => {
    const odd = craft(model, join(work, 'odd.mlp'), {
      history: [{ loss: 'low' }, 7],
      settings: { lr: { fast: true }, batch: [1] },
      secPerEpoch: 'quick',
      testAccuracy: '99%',
      preset: '\u001b[31mred',
      dataset: 42,
    });
    const r = await mlp(['info', odd]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('trained     2 epochs; last: loss undefined, train    -   , valid    -   ');
    expect(r.stdout).toContain('training    lr {"fast":true}, momentum undefined');
    expect(r.stdout).toContain('speed       quick s/epoch');
    expect(r.stdout).toContain('test        99%');
    expect(r.stdout).toContain('preset      \\u001b[31mred');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('dataset     42');
  });
});

/** A PNG whose IHDR says width × height (8-bit grey unless said), with an IDAT that inflates to `raw` bytes of zeros. */
function forgedPng(width: number, height: number, raw: number, { depth = 8, colour = 0 } = {}): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 255]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Buffer) => {
    const b = Buffer.alloc(12 + body.length);
    b.writeUInt32BE(body.length, 0);
    b.write(type, 4, 'latin1');
    body.copy(b, 8);
    b.writeUInt32BE(crc(b.subarray(4, 8 + body.length)), 8 + body.length);
    return b;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colour; // 0 grey, 6 RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(raw), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('predict: PNGs within a pixel budget, blank images flagged', () => {
  it('a 10000×10000 PNG of ~100 KB is refused from its header, in little memory', async () => {
    const huge = join(work, 'huge.png');
    writeFileSync(huge, forgedPng(10_000, 10_000, 10_001 * 10_000));
    expect(readFileSync(huge).length).toBeLessThan(200_000);
    const r = await mlp(['predict', model, huge], { node: ['-r', rssReporter()] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mlp: Image .*huge\.png declares 10000×10000 pixels, over mlp's budget of 8,388,608 \(8 megapixels\); scale it down first\.$/m);
    expect(peakMb(r)).toBeLessThan(150); // decoding it took 937 MB
  });
  it('the costliest PNG within the budget (4096×2048, 16-bit RGBA) decodes in under 400 MB', async () => {
    const edge = join(work, 'edge.png');
    writeFileSync(edge, forgedPng(4096, 2048, (4096 * 8 + 1) * 2048, { depth: 16, colour: 6 }));
    const r = await mlp(['predict', model, edge], { node: ['-r', rssReporter()] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/edge\.png is blank/); // transparent black: all one colour
    expect(peakMb(r)).toBeLessThan(400);
  });
  it('a PNG whose data inflates far past its header is rejected, in little memory', async () => {
    const liar = join(work, 'liar.png');
    writeFileSync(liar, forgedPng(100, 100, 200_000_000));
    const r = await mlp(['predict', model, liar], { node: ['-r', rssReporter()] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Image .*liar\.png is not a readable PNG/);
    expect(peakMb(r)).toBeLessThan(150);
  });
  it('a PNG of 0×10 or 10×0 pixels is refused naming the file (it reached centerDigit, which did not)', async () => {
    for (const [w, h] of [[0, 10], [10, 0]] as const) {
      const empty = join(work, `empty-${w}x${h}.png`);
      writeFileSync(empty, forgedPng(w, h, h));
      const r = await mlp(['predict', model, empty]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^mlp: Image .*empty-${w}x${h}\\.png has no pixels \\(${w}×${h}\\); give a PNG with a digit drawn on it\\.$`, 'm'));
    }
  });
  it('a blank PNG is predicted with a warning that it is blank; a drawing is not', async () => {
    const draw = (ink: boolean) => {
      const png = new PNG({ width: 60, height: 40 });
      png.data.fill(255);
      if (ink) for (let y = 5; y < 35; y++) for (let x = 28; x < 32; x++) png.data.fill(0, (y * 60 + x) * 4, (y * 60 + x) * 4 + 3);
      return PNG.sync.write(png);
    };
    mkdirSync(join(work, 'png'), { recursive: true });
    writeFileSync(join(work, 'png', 'blank.png'), draw(false));
    writeFileSync(join(work, 'png', 'stroke.png'), draw(true));
    const r = await mlp(['predict', model, join(work, 'png', 'blank.png'), join(work, 'png', 'stroke.png'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*blank\.png is blank \(all one colour, within 8 grey levels\), so its prediction means nothing\.$/m);
    expect(r.stderr).not.toContain('stroke.png');
    const [blank, stroke] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(blank.blank).toBe(true);
    expect(stroke.blank).toBeUndefined();
  });
});
