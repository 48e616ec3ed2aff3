// Integration test on real MNIST (../shared/data/mnist beside the repo, or $MNIST_DIR): the seed preset learns.
// Skipped, with the reason printed, where the files are absent.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mlp, tempDir } from './helpers.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = process.env.MNIST_DIR ?? join(repo, '..', 'shared', 'data', 'mnist');
const present = existsSync(join(dir, 'train-images-idx3-ubyte.gz'));
if (!present) console.log(`skipping the real-MNIST CLI test: no MNIST files in ${dir} (set MNIST_DIR to a folder with them)`);

describe.skipIf(!present)('mlp train --preset seed on real MNIST', () => {
  it('reaches ≥ 85% validation accuracy within 3 epochs, and the test set is evaluated', async () => {
    // The seed recipe (sigmoid/MSE, lr 0.1) starts slowly: ~75% after epoch 1, ~85% after 2, ~88% after 3, as an
    // independent numpy implementation of the same algorithm does too (the textbook reports 76% after epoch 1).
    const out = join(tempDir(), 'seed.mlp');
    const r = await mlp(['train', '--preset', 'seed', '--data', dir, '--epochs', '3', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const epochs = lines.filter((l) => l.type === 'epoch');
    expect(epochs).toHaveLength(3);
    expect(epochs[0].val_acc).toBeGreaterThan(0.6);
    expect(epochs[2].val_acc).toBeGreaterThanOrEqual(0.85);
    const final = lines.at(-1);
    expect(final.type).toBe('final');
    expect(final.test_acc).toBeGreaterThanOrEqual(0.85);
  });
});
