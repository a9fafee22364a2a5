// The spectral numerics (src/ops/linalg.ts) against their definitions — A = U diag(σ) Vᵀ with
// orthonormal factors, S V = V Λ, the four Moore–Penrose conditions, X² = S — on random matrices of every
// shape, rank-deficient ones and repeated eigenvalues among them, and against NumPy's LAPACK results.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mat, add, frob, matmul, scale, transpose } from '../src/numeric/mat.js';
import { asymmetry, pinv, spdPower, spectralNorm, svd, symmetricEigen } from '../src/ops/linalg.js';
import { randomOrthogonal } from '../src/numeric/random.js';
import { Rng } from '../src/numeric/random.js';

const diff = (a: Mat, b: Mat) => frob(add(a, scale(b, -1)));
const gaussian = (r: number, c: number, rng: Rng) => new Mat(r, c, Float64Array.from({ length: r * c }, () => rng.normal()));
const diagOf = (v: Float64Array) => {
  const d = Mat.zeros(v.length, v.length);
  v.forEach((x, i) => (d.data[i * v.length + i] = x));
  return d;
};
/** QᵀQ = I */
const orthonormalColumns = (Q: Mat) => diff(matmul(transpose(Q), Q), Mat.eye(Q.cols));
const descending = (v: Float64Array) => v.every((x, i) => i === 0 || v[i - 1] >= x);
/** the first entry of largest magnitude is positive */
const signConvention = (Q: Mat) =>
  Array.from({ length: Q.cols }, (_, j) => {
    const col = Array.from(Q.data.subarray(j * Q.rows, (j + 1) * Q.rows));
    const big = Math.max(...col.map(Math.abs));
    return col.find((x) => Math.abs(x) >= big * (1 - 1e-9))! > 0;
  }).every(Boolean);

/** Matrices worth trying: Gaussian, low rank (a product through a thin middle), zero, with repeated singular values. */
const arbMatrix = fc.record({
  m: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 7 }), seed: fc.integer({ min: 1, max: 1 << 30 }),
  kind: fc.constantFrom('gaussian', 'low-rank', 'zero', 'repeated'),
}).map(({ m, n, seed, kind }) => {
  const rng = new Rng(seed);
  if (kind === 'zero') return Mat.zeros(m, n);
  if (kind === 'low-rank') return matmul(gaussian(m, 1 + (seed % 2), rng), gaussian(1 + (seed % 2), n, rng));
  if (kind === 'repeated') {
    // Q diag(2, 2, …, 1) Pᵀ with orthonormal Q, P
    const k = Math.min(m, n);
    const s = Float64Array.from({ length: k }, (_, i) => (i < k - 1 ? 2 : 1));
    return matmul(matmul(randomOrthogonal(m, k, () => rng.normal()), diagOf(s)), transpose(randomOrthogonal(n, k, () => rng.normal())));
  }
  return gaussian(m, n, rng);
});

const arbSymmetric = arbMatrix.filter((a) => a.rows >= 1).map((a) => {
  const b = a.rows === a.cols ? a : matmul(a, transpose(a));
  return scale(add(b, transpose(b)), 0.5);
});

describe('symmetric eigen-decomposition', () => {
  it('S V = V Λ with orthonormal V, descending Λ, and the sign convention', () => {
    fc.assert(
      fc.property(arbSymmetric, (S) => {
        const { values, vectors } = symmetricEigen(S);
        const size = Math.max(frob(S), 1);
        expect(diff(matmul(S, vectors), matmul(vectors, diagOf(values)))).toBeLessThan(1e-12 * size);
        expect(orthonormalColumns(vectors)).toBeLessThan(1e-12);
        expect(descending(values)).toBe(true);
        expect(signConvention(vectors)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('repeated eigenvalues still give an orthonormal basis; a 1×1 matrix is its own eigenvalue', () => {
    const rng = new Rng(3);
    const Q = randomOrthogonal(5, 5, () => rng.normal());
    const S = matmul(matmul(Q, diagOf(Float64Array.of(3, 3, 3, -1, -1))), transpose(Q));
    const { values, vectors } = symmetricEigen(S);
    expect(Array.from(values).map((x) => Math.round(x * 1e10) / 1e10)).toEqual([3, 3, 3, -1, -1]);
    expect(orthonormalColumns(vectors)).toBeLessThan(1e-12);
    expect(Array.from(symmetricEigen(Mat.scalar(-2)).values)).toEqual([-2]);
    expect(asymmetry(S)).toBeLessThan(1e-14);
    expect(asymmetry(Mat.fromRows([[1, 2], [0, 1]]))).toBeGreaterThan(0.5);
  });

  it('NaN in, NaN out (an undefined value is never evidence)', () => {
    const S = Mat.fromRows([[1, NaN], [NaN, 1]]);
    expect(Number.isNaN(symmetricEigen(S).values[0])).toBe(true);
  });
});

describe('thin SVD', () => {
  it('A = U diag(σ) Vᵀ, orthonormal U (m×k) and V (n×k), σ descending and ≥ 0, the sign convention on U', () => {
    fc.assert(
      fc.property(arbMatrix, (A) => {
        const { values, U, V } = svd(A);
        const k = Math.min(A.rows, A.cols);
        expect([U.rows, U.cols, V.rows, V.cols, values.length]).toEqual([A.rows, k, A.cols, k, k]);
        expect(diff(matmul(matmul(U, diagOf(values)), transpose(V)), A)).toBeLessThan(1e-12 * Math.max(frob(A), 1));
        expect(orthonormalColumns(U)).toBeLessThan(1e-12);
        expect(orthonormalColumns(V)).toBeLessThan(1e-12);
        expect(descending(values) && values.every((s) => s >= 0)).toBe(true);
        expect(signConvention(U)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the spectral norm bounds ‖Ax‖/‖x‖ and is attained at the top right singular vector', () => {
    fc.assert(
      fc.property(arbMatrix, fc.integer({ min: 1, max: 1 << 30 }), (A, seed) => {
        const rng = new Rng(seed);
        const s = spectralNorm(A);
        const x = gaussian(A.cols, 1, rng);
        expect(frob(matmul(A, x))).toBeLessThanOrEqual(s * frob(x) * (1 + 1e-12) + 1e-300);
        const v1 = new Mat(A.cols, 1, svd(A).V.data.slice(0, A.cols));
        expect(Math.abs(frob(matmul(A, v1)) - s)).toBeLessThan(1e-12 * Math.max(s, 1));
      }),
      { numRuns: 200 },
    );
  });
});

describe('pseudo-inverse and matrix powers', () => {
  it('pinv satisfies the four Moore–Penrose conditions', () => {
    fc.assert(
      fc.property(arbMatrix, (A) => {
        const P = pinv(A);
        const size = Math.max(frob(A), frob(P), 1);
        const tol = 1e-10 * size * size * size;
        expect(diff(matmul(matmul(A, P), A), A)).toBeLessThan(tol);
        expect(diff(matmul(matmul(P, A), P), P)).toBeLessThan(tol);
        const AP = matmul(A, P), PA = matmul(P, A);
        expect(diff(AP, transpose(AP))).toBeLessThan(tol);
        expect(diff(PA, transpose(PA))).toBeLessThan(tol);
      }),
      { numRuns: 300 },
    );
  });

  it('sqrtm(S)² = S and S^(-1/2) S S^(-1/2) = I for spd S; undefined (NaN) off their domains', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 1 << 30 }), (n, seed) => {
        const rng = new Rng(seed);
        const B = gaussian(n, n, rng);
        const S = add(matmul(B, transpose(B)), scale(Mat.eye(n), 0.1));
        const R = spdPower(S, 0.5), Ri = spdPower(S, -0.5);
        expect(diff(matmul(R, R), S)).toBeLessThan(1e-11 * frob(S));
        expect(asymmetry(R)).toBeLessThan(1e-12);
        expect(Math.min(...symmetricEigen(R).values)).toBeGreaterThan(0);
        expect(diff(matmul(matmul(Ri, S), Ri), Mat.eye(n))).toBeLessThan(1e-9);
      }),
      { numRuns: 200 },
    );
    const indefinite = Mat.fromRows([[1, 0], [0, -1]]);
    expect(spdPower(indefinite, 0.5).data.every(Number.isNaN)).toBe(true);
    const singular = Mat.fromRows([[1, 1], [1, 1]]);
    expect(diff(matmul(spdPower(singular, 0.5), spdPower(singular, 0.5)), singular)).toBeLessThan(1e-14);
    expect(spdPower(singular, -0.5).data.every(Number.isNaN)).toBe(true);
  });
});

describe('random orthogonal matrices and unit vectors', () => {
  it('have orthonormal columns (tall), orthonormal rows (wide), unit norm', () => {
    const rng = new Rng(7);
    const normal = () => rng.normal();
    for (const [m, n] of [[4, 4], [6, 3], [2, 5], [1, 1]]) {
      const Q = randomOrthogonal(m, n, normal);
      expect(m >= n ? orthonormalColumns(Q) : orthonormalColumns(transpose(Q))).toBeLessThan(1e-13);
    }
    expect(Math.abs(frob(randomOrthogonal(5, 1, normal)) - 1)).toBeLessThan(1e-15);
  });

  it('are Haar-distributed: each squared entry of a column has mean 1/n, and the signs are balanced', () => {
    const rng = new Rng(11);
    const n = 3, draws = 4000;
    let sq = 0, positive = 0;
    for (let t = 0; t < draws; t++) {
      const q = randomOrthogonal(n, n, () => rng.normal());
      sq += q.data[0] ** 2;
      if (q.data[n + 1] > 0) positive++;
    }
    // standard errors: var(q11²) = 2(n−1)/(n²(n+2)) ≈ 0.053 for n = 3, so 0.0036 over 4000 draws; 0.008 for the sign count
    expect(Math.abs(sq / draws - 1 / n)).toBeLessThan(0.015);
    expect(Math.abs(positive / draws - 0.5)).toBeLessThan(0.03);
  });
});

describe('against NumPy (LAPACK)', () => {
  it('eigenvalues, eigenvectors (with the same sign convention), singular values and factors, pinv and sqrtm agree', () => {
    const rng = new Rng(2024);
    const cases: Mat[] = [];
    for (const [m, n] of [[1, 1], [2, 2], [3, 5], [5, 3], [6, 6], [4, 1], [1, 4]]) cases.push(gaussian(m, n, rng));
    const symmetric = cases.filter((a) => a.rows === a.cols).map((a) => scale(add(a, transpose(a)), 0.5));
    const spd = symmetric.map((s) => add(matmul(s, s), Mat.eye(s.rows)));
    const py = `
import json, sys, numpy as np
job = json.load(sys.stdin)
def sign(Q):
    Q = Q.copy()
    for j in range(Q.shape[1]):
        big = np.max(np.abs(Q[:, j]))
        first = next(i for i in range(Q.shape[0]) if abs(Q[i, j]) >= big * (1 - 1e-9))
        if Q[first, j] < 0: Q[:, j] = -Q[:, j]
    return Q
out = {"eig": [], "svd": [], "pinv": [], "sqrtm": []}
for a in job["symmetric"]:
    A = np.array(a); w, V = np.linalg.eigh(A); w, V = w[::-1], V[:, ::-1]
    out["eig"].append({"values": w.tolist(), "vectors": sign(V).tolist()})
for a in job["general"]:
    A = np.array(a); U, s, Vt = np.linalg.svd(A, full_matrices=False)
    V = Vt.T.copy()
    for j in range(U.shape[1]):
        big = np.max(np.abs(U[:, j])); first = next(i for i in range(U.shape[0]) if abs(U[i, j]) >= big * (1 - 1e-9))
        if U[first, j] < 0: U[:, j] = -U[:, j]; V[:, j] = -V[:, j]
    out["svd"].append({"values": s.tolist(), "U": U.tolist(), "V": V.tolist()})
    out["pinv"].append(np.linalg.pinv(A).tolist())
for a in job["spd"]:
    w, V = np.linalg.eigh(np.array(a)); out["sqrtm"].append((V @ np.diag(np.sqrt(w)) @ V.T).tolist())
print(json.dumps(out))
`;
    const job = { symmetric: symmetric.map((a) => a.toRows()), general: cases.map((a) => a.toRows()), spd: spd.map((a) => a.toRows()) };
    const r = spawnSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(job), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const np = JSON.parse(r.stdout);
    const close = (a: Mat, rows: number[][]) => expect(diff(a, Mat.fromRows(rows))).toBeLessThan(1e-10 * Math.max(1, frob(a)));
    symmetric.forEach((S, i) => {
      const e = symmetricEigen(S);
      close(new Mat(1, e.values.length, e.values), [np.eig[i].values]);
      close(e.vectors, np.eig[i].vectors);
    });
    cases.forEach((A, i) => {
      const s = svd(A);
      close(new Mat(1, s.values.length, s.values), [np.svd[i].values]);
      close(s.U, np.svd[i].U);
      close(s.V, np.svd[i].V);
      close(pinv(A), np.pinv[i]);
    });
    spd.forEach((S, i) => close(spdPower(S, 0.5), np.sqrtm[i]));
  });
});
