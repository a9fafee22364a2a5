// The adversarial search (src/search/maximise.ts, src/search/violation.ts) on planted violations that
// random Gaussian points almost never hit, and on true inequalities — tight ones included — where it
// must not report anything.
import { describe, expect, it } from 'vitest';
import { Mat, frob, matmul } from '../src/numeric/mat.js';
import { spectralNorm, symmetricEigen } from '../src/ops/linalg.js';
import { maximise } from '../src/search/maximise.js';
import { findViolation, type ViolationProblem } from '../src/search/violation.js';
import { Rng } from '../src/numeric/random.js';

const relative = (l: number, r: number) => (l - r) / (Math.abs(l) + Math.abs(r) || 1);
const gaussianTheta = (n: number, rng: Rng) => Float64Array.from({ length: n }, () => rng.normal());

/** A problem over one n-vector / matrix of parameters, with the size as the context. */
function problem(sizes: readonly number[], params: (n: number) => number, margin: (theta: Float64Array, n: number) => number, rng: Rng): ViolationProblem<number> {
  return {
    draw: (i) => {
      const n = sizes[i % sizes.length];
      return { theta: gaussianTheta(params(n), rng), context: n };
    },
    margin,
  };
}

const square = (theta: Float64Array, n: number, k: number) => new Mat(n, n, theta.subarray(k * n * n, (k + 1) * n * n));
const symmetricPart = (A: Mat) => {
  const n = A.rows, S = Mat.zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S.data[j * n + i] = 0.5 * (A.data[j * n + i] + A.data[i * n + j]);
  return S;
};

/** Cauchy–Schwarz sharpened by 1%: sum(x) ≤ 0.99·√n·‖x‖ fails only for x within ~8° of the ones vector. */
const sharpenedCauchySchwarz = (theta: Float64Array, n: number) => relative(theta.reduce((s, x) => s + x, 0), 0.99 * Math.sqrt(n) * Math.hypot(...theta));
/** λ_max(S) ≤ 0.99‖S‖_F fails only for S close to a positive multiple of a rank-one projector. */
const nearlyRankOne = (theta: Float64Array, n: number) => {
  const S = symmetricPart(square(theta, n, 0));
  return relative(symmetricEigen(S).values[0], 0.99 * frob(S));
};
/** ‖AB‖_F ≤ ‖A‖₂‖B‖₂ is false (A = B = I), yet holds at most Gaussian points of small size. */
const frobeniusBySpectral = (theta: Float64Array, n: number) => {
  const A = square(theta, n, 0), B = square(theta, n, 1);
  return relative(frob(matmul(A, B)), spectralNorm(A) * spectralNorm(B));
};
/** ‖AB‖_F ≤ ‖A‖₂‖B‖_F is true, and tight at rank-one B aligned with A's top singular vector. */
const frobeniusTrue = (theta: Float64Array, n: number) => {
  const A = square(theta, n, 0), B = square(theta, n, 1);
  return relative(frob(matmul(A, B)), spectralNorm(A) * frob(B));
};

const OPTS = { points: 20, searches: 4, budget: 400, tolerance: 1e-9 };

describe('the (1+1) evolution strategy', () => {
  it('climbs a smooth concave function to its maximum, and stops at the budget', () => {
    const rng = new Rng(1);
    const f = (t: Float64Array) => -((t[0] - 3) ** 2) - 10 * (t[1] + 1) ** 2;
    const r = maximise(f, Float64Array.of(0, 0), { budget: 2000, normal: () => rng.normal() });
    expect(r.value).toBeGreaterThan(-1e-8);
    expect(r.evaluations).toBeLessThanOrEqual(2000);
    const short = maximise(f, Float64Array.of(0, 0), { budget: 10, normal: () => rng.normal() });
    expect(short.evaluations).toBe(10);
  });

  it('treats undefined values (NaN) as rejected trial points', () => {
    const rng = new Rng(2);
    // defined only on x > 0, maximum at x = 1
    const f = (t: Float64Array) => (t[0] > 0 ? Math.log(t[0]) - t[0] : NaN);
    const r = maximise(f, Float64Array.of(0.2), { budget: 500, normal: () => rng.normal() });
    expect(r.theta[0]).toBeCloseTo(1, 3);
  });
});

describe('finding violations', () => {
  it('random points almost never violate the planted inequalities (so the search is what finds them)', () => {
    const rng = new Rng(3);
    let hits = 0;
    for (let t = 0; t < 2000; t++) {
      const n = 4 + (t % 3);
      if (sharpenedCauchySchwarz(gaussianTheta(n, rng), n) > 1e-9) hits++;
      if (nearlyRankOne(gaussianTheta(n * n, rng), n) > 1e-9) hits++;
    }
    expect(hits).toBeLessThan(5);
  });

  for (const [name, margin, params, rare] of [
    ['sum(x) <= 0.99*sqrt(n)*norm(x)', sharpenedCauchySchwarz, (n: number) => n, true],
    ['lambda_max(S) <= 0.99*norm(S)', nearlyRankOne, (n: number) => n * n, true],
    ['norm(A*B) <= opnorm(A)*opnorm(B)', frobeniusBySpectral, (n: number) => 2 * n * n, false],
  ] as const) {
    it(`the search finds a violation of ${name}`, () => {
      for (const seed of [1, 2, 3]) {
        const rng = new Rng(seed);
        const r = findViolation(problem([4, 5, 6], params, margin, rng), { ...OPTS, normal: () => rng.normal() });
        expect(r.violation, `seed ${seed}`).toBeDefined();
        // the reported point really violates it
        expect(margin(r.violation!.theta, r.violation!.context)).toBeGreaterThan(1e-9);
        if (rare) expect(r.violation!.foundBy).toBe('search');
      }
    });
  }

  it('reports nothing on a true inequality, even where it is tight, and counts its work', () => {
    const rng = new Rng(4);
    const r = findViolation(problem([2, 3, 4], (n) => 2 * n * n, frobeniusTrue, rng), { ...OPTS, normal: () => rng.normal() });
    expect(r.violation).toBeUndefined();
    expect(r.best.margin).toBeLessThanOrEqual(1e-9);
    expect([r.points, r.searches]).toEqual([20, 4]);
    expect(r.evaluations).toBeGreaterThan(20);
    // |⟨u, v⟩| ≤ ‖u‖‖v‖: the search drives u, v parallel, the margin to 0 from below
    const cs = problem([5], (n) => 2 * n, (t, n) => {
      const u = t.subarray(0, n), v = t.subarray(n);
      return relative(Math.abs(u.reduce((s, x, i) => s + x * v[i], 0)), Math.hypot(...u) * Math.hypot(...v));
    }, rng);
    const tight = findViolation(cs, { ...OPTS, normal: () => rng.normal() });
    expect(tight.violation).toBeUndefined();
    expect(tight.best.margin).toBeGreaterThan(-1e-3);
  });

  it('counts points where the function is undefined apart, and never reports them', () => {
    const rng = new Rng(5);
    const r = findViolation(problem([3], (n) => n, (t) => (t[0] > 0 ? -1 : NaN), rng), { ...OPTS, normal: () => rng.normal() });
    expect(r.violation).toBeUndefined();
    expect(r.undefinedPoints + r.points).toBe(20);
    expect(r.undefinedPoints).toBeGreaterThan(0);
  });
});
