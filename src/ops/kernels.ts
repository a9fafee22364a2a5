// In-place typed-array kernels for the operators' `kernel` hooks, which the compiled evaluator
// (src/codegen/compile.ts) runs: they write into a buffer the compiler allocated once, instead of
// allocating a new matrix per operation as numeric/mat.ts does.

let scratch = new Float64Array(0);

/**
 * C = op(A)·op(B) for column-major A (lda rows) and B (ldb rows), op transposing when ta / tb is set;
 * C is m×n and k is the inner dimension. Overwrites C. A transposed A is copied first: the copy costs
 * m·k moves against m·n·k multiply-adds, and the column-update loop below is faster than dot products.
 */
export function gemm(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, lda: number, ldb: number, ta: boolean, tb: boolean,
): void {
  if (ta) {
    if (scratch.length < m * k) scratch = new Float64Array(m * k);
    transposeInto(scratch, A, k, m, lda);
    A = scratch;
    lda = m;
  }
  // C[:, j] += A[:, p] op(B)[p, j], two columns of C per pass over four columns of A: each A entry
  // loaded serves two columns (about 1.6× the one-column loop in V8); every C entry still sums in p order
  C.fill(0, 0, m * n);
  const si = tb ? ldb : 1, sj = tb ? 1 : ldb; // op(B)[p, j] = B[p·si + j·sj]
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o0 = j * m, o1 = o0 + m, c0 = j * sj, c1 = c0 + sj;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const q0 = p * si, q1 = q0 + si, q2 = q1 + si, q3 = q2 + si;
      const b00 = B[c0 + q0], b01 = B[c0 + q1], b02 = B[c0 + q2], b03 = B[c0 + q3];
      const b10 = B[c1 + q0], b11 = B[c1 + q1], b12 = B[c1 + q2], b13 = B[c1 + q3];
      const a0 = p * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let i = 0; i < m; i++) {
        const x0 = A[a0 + i], x1 = A[a1 + i], x2 = A[a2 + i], x3 = A[a3 + i];
        C[o0 + i] += x0 * b00 + x1 * b01 + x2 * b02 + x3 * b03;
        C[o1 + i] += x0 * b10 + x1 * b11 + x2 * b12 + x3 * b13;
      }
    }
    for (; p < k; p++) {
      const b0 = B[c0 + p * si], b1 = B[c1 + p * si], ap = p * lda;
      for (let i = 0; i < m; i++) {
        const x = A[ap + i];
        C[o0 + i] += x * b0;
        C[o1 + i] += x * b1;
      }
    }
  }
  if (j < n) {
    // the last column of an odd n (the only one of a matrix–vector product)
    const oj = j * m, bj = j * sj;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const b0 = B[bj + p * si], b1 = B[bj + (p + 1) * si], b2 = B[bj + (p + 2) * si], b3 = B[bj + (p + 3) * si];
      const a0 = p * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let i = 0; i < m; i++) C[oj + i] += A[a0 + i] * b0 + A[a1 + i] * b1 + A[a2 + i] * b2 + A[a3 + i] * b3;
    }
    for (; p < k; p++) {
      const bpj = B[bj + p * si], ap = p * lda;
      for (let i = 0; i < m; i++) C[oj + i] += A[ap + i] * bpj;
    }
  }
}

// Sums over all entries are compensated (Neumaier): the checker differences f at nearby points, and at
// a million entries a plain sum's rounding error, divided by the step h, would swamp the derivative.

/** Σ a_i b_i, compensated. */
export function dotArrays(a: Float64Array, b: Float64Array): number {
  let s = 0, c = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] * b[i], t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

/** Σ a_i, compensated. */
export function sumArray(a: Float64Array): number {
  let s = 0, c = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
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

/** out = Bᵀ for B m×n, stored with ldb ≥ m rows. */
export function transposeInto(out: Float64Array, b: Float64Array, m: number, n: number, ldb = m): void {
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out[i * n + j] = b[j * ldb + i];
}
