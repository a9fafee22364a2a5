// Spectral numerics: the numeric meaning of the spectral functions of the language (eigval, svdvals,
// pinv, sqrtm, …; spectral.ts) and the tangent spaces of the sphere (riemannian.ts). Jacobi methods: a few sweeps of
// plane rotations, O(n³) each — slower than LAPACK's, but short enough to read, accurate to a few ulps
// relative to the largest eigen- or singular value, and fast enough for the sizes that checks use.
//
// Conventions (docs/language.md repeats them):
// - eigenvalues and singular values come in descending order;
// - eigenvectors and left singular vectors are unit vectors whose first entry of largest magnitude
//   (up to 1e-9 relative) is positive; a right singular vector takes the sign that makes Av = σu;
// - for a repeated eigenvalue (or singular value) the vectors are some orthonormal basis of its space.
// The inverse and the determinant (inv, det, logdet) are LU-based, from ml-matrix.
import { Matrix, LuDecomposition, inverse as mlInverse } from 'ml-matrix';
import { Mat, transpose } from '../numeric/mat.js';

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

export interface SymmetricEigen {
  /** descending */
  readonly values: Float64Array;
  /** unit eigenvectors as columns, in the order of `values` */
  readonly vectors: Mat;
}

export interface Svd {
  /** descending, min(m, n) of them */
  readonly values: Float64Array;
  /** m×k, orthonormal columns (k = min(m, n)) */
  readonly U: Mat;
  /** n×k, orthonormal columns; A = U diag(values) Vᵀ */
  readonly V: Mat;
}

const hasNaN = (a: Mat) => a.data.some((x) => !Number.isFinite(x));

/** ‖A − Aᵀ‖_F / ‖A‖_F (0 for the zero matrix); Infinity when A is not square. */
export function asymmetry(a: Mat): number {
  if (a.rows !== a.cols) return Infinity;
  const n = a.rows;
  let d = 0, s = 0;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const x = a.data[j * n + i];
      s += x * x;
      const y = x - a.data[i * n + j];
      d += y * y;
    }
  return s === 0 ? 0 : Math.sqrt(d / s);
}

/** Flip column j of `vecs` (and of `partner`, when given) so its first entry of largest magnitude is positive. */
function fixSign(vecs: Mat, j: number, partner?: Mat): void {
  const r = vecs.rows;
  let big = 0;
  for (let i = 0; i < r; i++) big = Math.max(big, Math.abs(vecs.data[j * r + i]));
  if (big === 0) return;
  let first = 0;
  while (Math.abs(vecs.data[j * r + first]) < big * (1 - 1e-9)) first++;
  if (vecs.data[j * r + first] > 0) return;
  for (let i = 0; i < r; i++) vecs.data[j * r + i] = -vecs.data[j * r + i];
  if (partner) for (let i = 0; i < partner.rows; i++) partner.data[j * partner.rows + i] = -partner.data[j * partner.rows + i];
}

/** Columns of `a` in the order `perm`. */
function permuteColumns(a: Mat, perm: readonly number[]): Mat {
  const out = Mat.zeros(a.rows, perm.length);
  perm.forEach((p, j) => out.data.set(a.data.subarray(p * a.rows, (p + 1) * a.rows), j * a.rows));
  return out;
}

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method (Golub & Van Loan §8.5): rotate
 * away the off-diagonal entries one pair at a time until none is above rounding level. Only the
 * symmetric part (S + Sᵀ)/2 is used; callers decide what to do with a matrix that is not symmetric.
 */
export function symmetricEigen(S: Mat): SymmetricEigen {
  const n = S.rows;
  if (S.cols !== n) throw new Error(`symmetricEigen: ${S.rows}×${S.cols} is not square`);
  if (hasNaN(S)) return { values: new Float64Array(n).fill(NaN), vectors: Mat.fill(n, n, NaN) };
  const a = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) a[j * n + i] = 0.5 * (S.data[j * n + i] + S.data[i * n + j]);
  const v = Mat.eye(n).data;
  let norm = 0;
  for (const x of a) norm += x * x;
  const floor = 1e-300 + EPS * EPS * Math.sqrt(norm) * 1e-4;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[q * n + p];
        const app = a[p * n + p], aqq = a[q * n + q];
        // negligible against both diagonal entries (relative accuracy), or against the whole matrix
        if (Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app * aqq)) || Math.abs(apq) <= floor) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        // A ← A J (columns p, q), then A ← Jᵀ A (rows p, q), V ← V J
        for (let k = 0; k < n; k++) {
          const akp = a[p * n + k], akq = a[q * n + k];
          a[p * n + k] = c * akp - s * akq;
          a[q * n + k] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[k * n + p], aqk = a[k * n + q];
          a[k * n + p] = c * apk - s * aqk;
          a[k * n + q] = s * apk + c * aqk;
        }
        a[q * n + p] = a[p * n + q] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[p * n + k], vkq = v[q * n + k];
          v[p * n + k] = c * vkp - s * vkq;
          v[q * n + k] = s * vkp + c * vkq;
        }
      }
    if (!rotated) break;
  }
  const perm = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const vectors = permuteColumns(new Mat(n, n, v), perm);
  for (let j = 0; j < n; j++) fixSign(vectors, j);
  return { values: Float64Array.from(perm, (i) => a[i * n + i]), vectors };
}

/**
 * Thin SVD by one-sided Jacobi (Hestenes; Golub & Van Loan §8.6.3): rotate pairs of columns until all
 * are orthogonal; the column norms are then the singular values. A wide matrix is done through Aᵀ.
 */
export function svd(A: Mat): Svd {
  const m = A.rows, n = A.cols;
  if (m < n) {
    const t = svd(transpose(A));
    // A = (Aᵀ)ᵀ = V S Uᵀ: swap, then move the sign convention onto the new U
    const U = t.V, V = t.U;
    for (let j = 0; j < U.cols; j++) fixSign(U, j, V);
    return { values: t.values, U, V };
  }
  const k = n;
  if (hasNaN(A)) return { values: new Float64Array(k).fill(NaN), U: Mat.fill(m, k, NaN), V: Mat.fill(n, k, NaN) };
  const g = Float64Array.from(A.data);
  const v = Mat.eye(n).data;
  const col = (j: number) => g.subarray(j * m, (j + 1) * m);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const gp = col(p), gq = col(q);
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += gp[i] * gp[i];
          beta += gq[i] * gq[i];
          gamma += gp[i] * gq[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let i = 0; i < m; i++) {
          const x = gp[i], y = gq[i];
          gp[i] = c * x - s * y;
          gq[i] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[p * n + i], y = v[q * n + i];
          v[p * n + i] = c * x - s * y;
          v[q * n + i] = s * x + c * y;
        }
      }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => Math.hypot(...col(j)));
  const perm = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j] - norms[i]);
  const values = Float64Array.from(perm, (i) => norms[i]);
  const V = permuteColumns(new Mat(n, n, v), perm);
  const U = Mat.zeros(m, k);
  const tiny = Math.max(m, n) * EPS * (values[0] ?? 0);
  let kept = 0;
  perm.forEach((p, j) => {
    if (values[j] <= tiny || values[j] === 0) return;
    for (let i = 0; i < m; i++) U.data[j * m + i] = g[p * m + i] / values[j];
    kept = j + 1;
  });
  // columns for (numerically) zero singular values: complete U to an orthonormal set
  for (let j = kept; j < k; j++) completeColumn(U, j);
  for (let j = 0; j < k; j++) fixSign(U, j, V);
  return { values, U, V };
}

/** Column j := the unit vector orthogonal to columns 0..j−1 built from the basis vector that keeps most of its length. */
function completeColumn(U: Mat, j: number): void {
  const m = U.rows;
  let best: Float64Array | undefined, bestNorm = -1;
  for (let e = 0; e < m; e++) {
    const w = new Float64Array(m);
    w[e] = 1;
    // Gram–Schmidt twice (“twice is enough”, Parlett)
    for (let pass = 0; pass < 2; pass++)
      for (let c = 0; c < j; c++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += U.data[c * m + i] * w[i];
        for (let i = 0; i < m; i++) w[i] -= d * U.data[c * m + i];
      }
    const nw = Math.hypot(...w);
    if (nw > bestNorm) [best, bestNorm] = [w, nw];
  }
  for (let i = 0; i < m; i++) U.data[j * m + i] = best![i] / bestNorm;
}

/** The spectral norm ‖A‖₂ = σ_max(A). */
export function spectralNorm(A: Mat): number {
  return A.data.length === 0 ? 0 : svd(A).values[0];
}

/** The tolerance below which a singular value counts as zero: max(m, n)·ε·σ_max (NumPy's matrix_rank, and the array-API default of pinv's rtol). */
export function rankTolerance(A: Mat, values: Float64Array): number {
  return Math.max(A.rows, A.cols) * EPS * (values[0] ?? 0);
}

/** Moore–Penrose pseudo-inverse V diag(1/σ) Uᵀ over the singular values above rankTolerance. */
export function pinv(A: Mat): Mat {
  const { values, U, V } = svd(A);
  const m = A.rows, n = A.cols, tol = rankTolerance(A, values);
  const out = Mat.zeros(n, m);
  values.forEach((s, c) => {
    if (!(s > tol)) return;
    for (let j = 0; j < m; j++) {
      const u = U.data[c * m + j] / s;
      if (u === 0) continue;
      for (let i = 0; i < n; i++) out.data[j * n + i] += V.data[c * n + i] * u;
    }
  });
  if (values.some((s) => Number.isNaN(s))) out.data.fill(NaN);
  return out;
}

/** V diag(f(λ)) Vᵀ for a symmetric S. */
export function symmetricFunction(S: Mat, f: (lambda: number) => number): Mat {
  const { values, vectors } = symmetricEigen(S);
  const n = S.rows, out = Mat.zeros(n, n);
  values.forEach((l, c) => {
    const fl = f(l);
    for (let j = 0; j < n; j++) {
      const w = fl * vectors.data[c * n + j];
      for (let i = 0; i < n; i++) out.data[j * n + i] += vectors.data[c * n + i] * w;
    }
  });
  return out;
}

/**
 * S^p for a symmetric positive semidefinite S (p > 0) or positive definite S (p < 0), through its
 * eigenvalues: NaN entries where it is undefined (an eigenvalue below −tolerance, or not above it for
 * p < 0), as for the other partial functions of the evaluator. Eigenvalues within rounding of 0 count as 0.
 */
export function spdPower(S: Mat, p: number): Mat {
  const { values } = symmetricEigen(S);
  const tol = S.rows * EPS * Math.max(...values.map(Math.abs), 0) * 4;
  const lo = Math.min(...values);
  if (!(lo >= -tol) || (p < 0 && !(lo > tol))) return Mat.fill(S.rows, S.cols, NaN);
  return symmetricFunction(S, (l) => Math.pow(Math.max(l, 0), p));
}

/**
 * An orthonormal basis of the tangent space {z : zᵀx = 0} of the unit sphere at x (n×(n−1)): columns
 * 2..n of the Householder reflection that maps x to a multiple of e₁.
 */
export function tangentBasis(x: Mat): Mat {
  const n = x.data.length;
  const norm = Math.hypot(...x.data);
  const w = Float64Array.from(x.data);
  w[0] += (x.data[0] >= 0 ? 1 : -1) * norm;
  const ww = w.reduce((s, v) => s + v * v, 0);
  const out = Mat.zeros(n, n - 1);
  for (let j = 1; j < n; j++)
    for (let i = 0; i < n; i++) out.data[(j - 1) * n + i] = (i === j ? 1 : 0) - (ww > 0 ? (2 * w[i] * w[j]) / ww : 0);
  return out;
}

function toMl(a: Mat): Matrix {
  return new Matrix(a.toRows());
}

function fromMl(m: Matrix): Mat {
  return Mat.fromRows(m.to2DArray());
}

/** The inverse; NaN entries for a singular matrix (undefined there, as log is below 0: callers test finiteness). */
export function inverse(a: Mat): Mat {
  if (a.rows !== a.cols) throw new Error('inverse of a non-square matrix');
  try {
    return fromMl(mlInverse(toMl(a)));
  } catch {
    return Mat.fill(a.rows, a.cols, NaN);
  }
}

export function determinant(a: Mat): number {
  if (a.rows !== a.cols) throw new Error('determinant of a non-square matrix');
  if (a.rows === 1) return a.data[0];
  return new LuDecomposition(toMl(a)).determinant;
}
