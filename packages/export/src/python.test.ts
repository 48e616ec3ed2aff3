// Both exports checked by independent Python readers (tools/export-check/check.py: onnx.checker, and numpy reading
// safetensors' documented layout). Skipped, with the reason printed, where Debian's python3-onnx is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { toOnnx, toSafetensors } from './index.js';
import { CONFIGS, SCALINGS, smallModel } from './testing/models.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'export-check', 'check.py');
const probe = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
const ready = probe.status === 0;
if (!ready) {
  console.log(`skipping the Python checks of the exports: ${PYTHON} cannot import onnx and numpy (apt-get install python3-onnx): ${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'mlp-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ready)('tools/export-check/check.py', () => {
  for (const [name, scale] of [['seed', '-1,1'], ['best', '0,1'], ['tanh', 'standard']] as const) {
    it(`${name}: onnx.checker passes, and numpy reads the same arrays and metadata from both files`, () => {
      const model = smallModel(CONFIGS[name]!);
      const meta = { scaling: SCALINGS[scale], dataset: 'mnist', testAccuracy: 0.95, settings: { preset: name } };
      writeFileSync(join(dir, `${name}.onnx`), toOnnx(model, meta));
      writeFileSync(join(dir, `${name}.safetensors`), toSafetensors(model, meta));
      const r = spawnSync(PYTHON, [SCRIPT, join(dir, `${name}.onnx`), join(dir, `${name}.safetensors`)], { encoding: 'utf8', maxBuffer: 1 << 28 });
      expect(r.status, r.stderr).toBe(0);
      const { onnx, safetensors } = JSON.parse(r.stdout);
      expect(onnx.checker).toBe('ok');
      expect(onnx.opset).toEqual([['', 13]]);
      expect(onnx.inputs).toEqual([['pixels', ['N', 784]]]);
      expect(onnx.outputs).toEqual([['scores', ['N', 10]]]);
      expect(onnx.metadata.dataset).toBe('mnist');
      expect(safetensors.metadata).toEqual(onnx.metadata);
      expect(safetensors.header_length % 8).toBe(0);
      for (let l = 0; l < model.depth; l++) {
        for (const [key, data] of [[`layers.${l}.weight`, model.readWeights(l)], [`layers.${l}.bias`, model.readBiases(l)]] as const) {
          for (const t of [onnx.initializers[key], safetensors.tensors[key]]) {
            expect(t.shape.reduce((a: number, b: number) => a * b, 1)).toBe(data.length);
            expect(Float32Array.from(t.values)).toEqual(data);
          }
        }
      }
      expect(onnx.initializers['scaling.mul'].values).toEqual([Math.fround(SCALINGS[scale].mul)]);
    });
  }

  it('the check fails on a broken file (a Gemm whose weights are cut short)', () => {
    const model = smallModel(CONFIGS.seed!);
    const bytes = toOnnx(model, { scaling: SCALINGS['0,1'] });
    writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, bytes.length - 100));
    writeFileSync(join(dir, 'ok.safetensors'), toSafetensors(model, { scaling: SCALINGS['0,1'] }));
    const r = spawnSync(PYTHON, [SCRIPT, join(dir, 'cut.onnx'), join(dir, 'ok.safetensors')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });
});
