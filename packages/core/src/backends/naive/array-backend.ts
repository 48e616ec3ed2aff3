// The reference backend: every tensor a plain typed array, every step a call of the library's own JS kernels (dense.ts,
// activations.ts, losses.ts, sgd.ts, optim.ts), with a choice of matrix product: gemmNaive here (the forever reference), gemmJs for js/.
// No memory tricks, no fusion: the wasm backend is tested against this one.
import { activationBackward, activationForward } from '../../activations.js';
import { denseBackward, denseForward } from '../../dense.js';
import { dropoutBackward, dropoutForward } from '../../dropout.js';
import { lossBackward, lossForward } from '../../losses.js';
import { type Gemm, gemmNaive } from '../../matmul.js';
import { argmaxRows } from '../../ops.js';
import { type StepArgs, maxNormRows, optimizerUpdate, sumOfSquares } from '../../optim.js';
import { sgdUpdate } from '../../sgd.js';
import type { FloatArray } from '../../tensor.js';
import type { Backend, BackendSpec, BatchInput } from '../types.js';
import type { BackendName } from '../../backend.js';

/** Plain arrays and JS kernels, with `gemm` for the matrix products. */
export class ArrayBackend implements Backend {
  readonly threads = 1;
  private readonly L: readonly number[];
  private readonly W: FloatArray[] = []; // W[l]: (L[l+1], L[l])
  private readonly b: FloatArray[] = []; // b[l]: (L[l+1])
  private readonly dW: FloatArray[] = [];
  private readonly db: FloatArray[] = [];
  private z: FloatArray[] = []; // (capacity, L[l+1]) each
  private a: FloatArray[] = [];
  private d: FloatArray[] = [];
  private capacity = 0;
  private masks: FloatArray[] = []; // dropout masks (capacity, L[l+1]), made on first use
  private x: FloatArray | null = null; // the batch input (n, L[0])
  private scaled: FloatArray | null = null; // byte inputs scaled to floats (capacity, L[0])

  constructor(
    readonly name: BackendName,
    private readonly spec: BackendSpec,
    private readonly gemm: Gemm = gemmNaive,
  ) {
    this.L = spec.layers;
    for (let l = 0; l + 1 < this.L.length; l++) {
      this.W.push(this.alloc(this.L[l + 1]! * this.L[l]!));
      this.b.push(this.alloc(this.L[l + 1]!));
      this.dW.push(this.alloc(this.L[l + 1]! * this.L[l]!));
      this.db.push(this.alloc(this.L[l + 1]!));
    }
  }

  private alloc(n: number): FloatArray {
    return this.spec.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  private act(l: number) {
    return l === this.W.length - 1 ? this.spec.output : this.spec.hidden;
  }

  reserve(n: number): void {
    if (n <= this.capacity) return;
    this.z = this.W.map((_, l) => this.alloc(n * this.L[l + 1]!));
    this.a = this.W.map((_, l) => this.alloc(n * this.L[l + 1]!));
    this.d = this.W.map((_, l) => this.alloc(n * this.L[l + 1]!));
    this.scaled = null;
    this.masks = [];
    this.capacity = n;
  }

  input(batch: BatchInput, n: number): void {
    if (batch.kind === 'floats') {
      this.x = batch.x;
      return;
    }
    const F = this.L[0]!;
    this.scaled ??= this.alloc(this.capacity * F);
    const x = this.scaled;
    const { mul, add } = batch;
    if (batch.kind === 'bytes') for (let i = 0; i < n * F; i++) x[i] = batch.raw[i]! * mul + add;
    else {
      for (let r = 0; r < n; r++) {
        const base = batch.rows[batch.start + r]! * F;
        for (let j = 0; j < F; j++) x[r * F + j] = batch.inputs[base + j]! * mul + add;
      }
    }
    this.x = x;
  }

  denseForward(l: number, n: number): void {
    const inp = l === 0 ? this.x! : this.a[l - 1]!;
    denseForward(this.z[l]!, inp, this.W[l]!, this.b[l]!, n, this.L[l]!, this.L[l + 1]!, this.gemm);
    activationForward(this.act(l), this.a[l]!, this.z[l]!, n, this.L[l + 1]!);
  }

  activations(l: number): FloatArray {
    return this.a[l]!;
  }
  preActivations(l: number): FloatArray {
    return this.z[l]!;
  }
  delta(l: number): FloatArray {
    return this.d[l]!;
  }

  lossForward(y: FloatArray, n: number): number {
    const last = this.W.length - 1;
    return lossForward(this.spec.loss, this.spec.output, this.a[last]!, this.z[last]!, y, n, this.L[last + 1]!);
  }
  lossBackward(y: FloatArray, n: number): void {
    const last = this.W.length - 1;
    lossBackward(this.spec.loss, this.spec.output, this.d[last]!, this.a[last]!, y, n, this.L[last + 1]!);
    if (this.spec.loss === 'mse') this.activationBackward(last, n); // ∂loss/∂a ⊙ f'(a); cross-entropy's is fused
  }

  activationBackward(l: number, n: number): void {
    activationBackward(this.act(l), this.d[l]!, this.d[l]!, this.a[l]!, n, this.L[l + 1]!);
  }

  denseBackward(l: number, n: number): void {
    const inp = l === 0 ? this.x! : this.a[l - 1]!;
    denseBackward(l === 0 ? null : this.d[l - 1]!, this.dW[l]!, this.db[l]!, this.d[l]!, inp, this.W[l]!, n, this.L[l]!, this.L[l + 1]!, this.gemm);
  }

  outputClasses(out: Int32Array, n: number): void {
    argmaxRows(out, this.a[this.a.length - 1]!, n, this.L[this.L.length - 1]!);
  }

  sgdStep(lr: number, mu: number, l2: number, velocity: FloatArray[] | null): void {
    for (let l = 0; l < this.W.length; l++) {
      sgdUpdate(this.W[l]!, this.dW[l]!, velocity ? velocity[2 * l]! : null, lr, mu, l2);
      sgdUpdate(this.b[l]!, this.db[l]!, velocity ? velocity[2 * l + 1]! : null, lr, mu, 0);
    }
  }

  momentumBuffers(): null {
    return null;
  }

  optimizerStep(args: StepArgs, state: FloatArray[][]): void {
    const [s1, s2] = state;
    for (let k = 0; k < 2 * this.W.length; k++) {
      const l = k >> 1;
      const [w, g] = k % 2 === 0 ? [this.W[l]!, this.dW[l]!] : [this.b[l]!, this.db[l]!];
      optimizerUpdate(w, g, s1?.[k] ?? null, s2?.[k] ?? null, args, k % 2 === 0);
    }
  }

  stateBuffers(): null {
    return null;
  }

  dropoutMask(l: number): FloatArray {
    this.masks[l] ??= this.alloc(this.capacity * this.L[l + 1]!);
    return this.masks[l]!;
  }
  dropoutForward(l: number, n: number): void {
    dropoutForward(this.a[l]!, this.masks[l]!, n * this.L[l + 1]!);
  }
  dropoutBackward(l: number, n: number, back: number): void {
    dropoutBackward(this.d[l]!, this.a[l]!, this.masks[l]!, n * this.L[l + 1]!, back);
  }

  gradientSquares(): number {
    return sumOfSquares(this.W.flatMap((_, l) => [this.dW[l]!, this.db[l]!]));
  }

  maxNorm(l: number, c: number): void {
    maxNormRows(this.W[l]!, this.L[l + 1]!, this.L[l]!, c);
  }

  readWeightsInto(l: number, out: FloatArray): void {
    out.set(this.W[l]!);
  }
  readBiasesInto(l: number, out: FloatArray): void {
    out.set(this.b[l]!);
  }
  readGradientsInto(l: number, dW: FloatArray, db: FloatArray): void {
    dW.set(this.dW[l]!);
    db.set(this.db[l]!);
  }
  writeWeights(l: number, values: ArrayLike<number>): void {
    this.W[l]!.set(values);
  }
  writeBiases(l: number, values: ArrayLike<number>): void {
    this.b[l]!.set(values);
  }

  dispose(): void {}
}
