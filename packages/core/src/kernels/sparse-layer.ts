// The first dense layer on byte inputs x = u·mul + add (u mostly 0, like MNIST's background) with the wasm sparse
// kernels: X·Wᵀ = mul·(U·Wᵀ) + add·(1·Wᵀ), δᵀ·X = mul·(δᵀ·U) + add·(colsum δ ⊗ 1). Exact algebra; no activation.
import type { WasmArena } from './wasm.js';

/** Above this share of nonzero bytes a batch takes the dense kernels instead (the sparse ones stop paying). */
export const MAX_SPARSE_DENSITY = 0.5;

/** Scratch for one model's first layer, sized for `capacity` rows of F bytes, all in the model's arena. */
export class SparseFirstLayer {
  private readonly P: number;
  private readonly maxNnz: number;
  private readonly raw: number;
  private readonly Wt: number;
  private readonly dWt: number;
  private readonly bias2: number;
  private readonly rowptr: number;
  private readonly idx: number;
  private readonly val: number;
  private readonly colptr: number;
  private readonly cidx: number;
  private readonly cval: number;
  private n = 0;

  constructor(
    private readonly arena: WasmArena,
    private readonly F: number,
    private readonly outF: number,
    readonly capacity: number,
  ) {
    // Wt, dWt: (F, P) with P = outF rounded up to 4; CSR and CSC hold at most MAX_SPARSE_DENSITY of the bytes.
    this.P = Math.ceil(outF / 4) * 4;
    this.maxNnz = Math.floor(capacity * F * MAX_SPARSE_DENSITY);
    const a = arena;
    this.raw = a.alloc(capacity * F);
    this.Wt = a.alloc(F * this.P * 4);
    this.dWt = a.alloc(F * this.P * 4);
    this.bias2 = a.alloc(this.P * 4);
    this.rowptr = a.alloc((capacity + 1) * 4);
    this.idx = a.alloc(this.maxNnz * 4);
    this.val = a.alloc(this.maxNnz * 4);
    this.colptr = a.alloc((F + 1) * 4);
    this.cidx = a.alloc(this.maxNnz * 4);
    this.cval = a.alloc(this.maxNnz * 4);
  }

  /** The staging bytes (capacity, F) in the arena: write a batch here to avoid a copy. A fresh view each call. */
  bytes(): Uint8Array {
    return this.arena.u8(this.raw, this.capacity * this.F);
  }

  /**
   * Take n rows of bytes (copied to the staging area unless they are already there) and index their nonzeros,
   * values scaled by mul. Returns false, keeping nothing, when the batch is too dense; the bytes stay staged.
   */
  load(raw: Uint8Array, n: number, mul: number): boolean {
    if (this.arena.ptr(raw) !== this.raw) this.bytes().set(raw.subarray(0, n * this.F));
    const nnz = this.arena.fn.csr_build(this.raw, n, this.F, mul, Math.floor(n * this.F * MAX_SPARSE_DENSITY), this.rowptr, this.idx, this.val);
    this.n = nnz < 0 ? 0 : n;
    return nnz >= 0;
  }

  /** The staged bytes as floats u·mul + add into `x` (an arena view): the dense fallback. */
  expand(x: Float32Array, n: number, mul: number, add: number): void {
    this.arena.fn.bytes_to_f32(this.arena.ptr(x), this.raw, n * this.F, mul, add);
  }

  /** z (n, outF) = x·Wᵀ + b for the loaded batch, with W (outF, F) and b (outF) arena views. */
  forward(z: Float32Array, W: Float32Array, b: Float32Array, add: number): void {
    const { arena, F, outF, P } = this;
    arena.fn.wt_from_w(this.Wt, arena.ptr(W), outF, F, P, arena.ptr(b), add, this.bias2);
    arena.fn.sparse_forward(arena.ptr(z), this.n, outF, this.rowptr, this.idx, this.val, this.Wt, P, this.bias2);
  }

  /** dW (outF, F) = δᵀ·x for the loaded batch, given δ (n, outF) and db = colsum δ already computed. */
  backward(dW: Float32Array, db: Float32Array, delta: Float32Array, add: number): void {
    const { arena, F, outF, P } = this;
    const fn = arena.fn;
    fn.csc_build(this.n, F, this.rowptr, this.idx, this.val, this.colptr, this.cidx, this.cval);
    fn.sparse_dwt(this.dWt, P, F, outF, this.colptr, this.cidx, this.cval, arena.ptr(delta));
    fn.dw_from_dwt(arena.ptr(dW), this.dWt, outF, F, P, arena.ptr(db), add);
  }
}
