// In-place typed-array kernels for the compiled evaluator (compile.ts): they write into a buffer the
// compiler allocated once, instead of allocating a new matrix per operation as mat.ts does.

/**
 * C = op(A)·op(B) for column-major A (lda rows) and B (ldb rows), op transposing when ta / tb is set;
 * C is m×n and k is the inner dimension. Overwrites C.
 */
export function gemm(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, lda: number, ldb: number, ta: boolean, tb: boolean,
): void {
  if (!ta) {
    C.fill(0, 0, m * n);
    for (let j = 0; j < n; j++) {
      const oj = j * m;
      for (let p = 0; p < k; p++) {
        const bpj = tb ? B[p * ldb + j] : B[j * ldb + p];
        if (bpj === 0) continue;
        const ap = p * lda;
        for (let i = 0; i < m; i++) C[oj + i] += A[ap + i] * bpj;
      }
    }
    return;
  }
  for (let j = 0; j < n; j++)
    for (let i = 0; i < m; i++) {
      const ai = i * lda;
      let s = 0;
      if (tb) for (let p = 0; p < k; p++) s += A[ai + p] * B[p * ldb + j];
      else for (let p = 0, bj = j * ldb; p < k; p++) s += A[ai + p] * B[bj + p];
      C[j * m + i] = s;
    }
}

export function dotArrays(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** out = Σ c_t x_t, entrywise. */
export function linearCombination(out: Float64Array, coefs: readonly number[], xs: readonly Float64Array[]): void {
  const x0 = xs[0], c0 = coefs[0];
  for (let i = 0; i < out.length; i++) out[i] = c0 * x0[i];
  for (let t = 1; t < xs.length; t++) {
    const x = xs[t], c = coefs[t];
    if (c === 1) for (let i = 0; i < out.length; i++) out[i] += x[i];
    else if (c === -1) for (let i = 0; i < out.length; i++) out[i] -= x[i];
    else for (let i = 0; i < out.length; i++) out[i] += c * x[i];
  }
}

/** out = Bᵀ for B m×n. */
export function transposeInto(out: Float64Array, b: Float64Array, m: number, n: number): void {
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out[i * n + j] = b[j * m + i];
}
