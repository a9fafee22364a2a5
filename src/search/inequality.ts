// The adversary of inequality checks: it looks for a point where an inequality fails, and the kernel
// (src/check/inequality.ts) judges what it reports. Random points first (the kernel's), then local
// searches that maximise the violation from the most promising of them and from fresh ones
// (violation.ts, the (1+1) evolution strategy of maximise.ts); a violation found is offered with its
// entries rounded to small integers when it still fails there, a counterexample a reader can check by
// hand. The search proposes, the kernel judges: a weak search makes weaker evidence, never a wrong
// refutation.
//
// The search moves each free symbol through a parametrisation that keeps its declared property: any
// matrix B as it is, symmetric (B + Bᵀ)/2, spd BBᵀ + εI, orthogonal the Gram–Schmidt factor of B, unit
// b/‖b‖, stochastic the column-wise softmax of B; a mask keeps the value of its start. Symbols fixed
// by at: are computed from the others, by the kernel, as everywhere else.
import type { SymNode } from '../expr/ast.js';
import { dimValue } from '../expr/dim.js';
import { atEveryInstance, Inequality, INEQUALITY_TOLERANCE_DIFFERENCES, type InequalityClaim, type InequalityPoint, type InequalityVerdict } from '../check/inequality.js';
import { Unchecked } from '../check/sample.js';
import { add, Mat, matmul, scale as scaleMat, transpose } from '../numeric/mat.js';
import { orthonormalise, Rng } from '../numeric/random.js';
import { spdPower } from '../ops/linalg.js';
import { findViolation, type ViolationReport } from './violation.js';

export interface InequalityOptions {
  readonly seed?: number;
  /** random points (default 30) */
  readonly points?: number;
  /** local searches (default 6) */
  readonly searches?: number;
  /** evaluations per search (default 300; a quarter of it when a side has derivative operators) */
  readonly budget?: number;
}

/** How a free symbol's value is made from unconstrained parameters, keeping its declared property. */
interface Parametrisation {
  readonly symbol: SymNode;
  readonly length: (rows: number, cols: number) => number;
  readonly value: (theta: Float64Array, rows: number, cols: number) => Mat;
  /** parameters that give (about) this value */
  readonly start: (value: Mat) => Float64Array;
}

const SPD_FLOOR = 1e-3;

function parametrise(s: SymNode): Parametrisation | undefined {
  const p = s.props;
  const all = (rows: number, cols: number) => rows * cols;
  const asIs = (t: Float64Array, rows: number, cols: number) => new Mat(rows, cols, Float64Array.from(t));
  if (p.has('mask')) return undefined;
  if (p.has('stochastic'))
    // columns of a softmax: positive, summing to one
    return {
      symbol: s, length: all,
      start: (v) => Float64Array.from(v.data, (x) => Math.log(Math.max(x, 1e-300))),
      value: (t, r, c) => {
        const m = asIs(t, r, c);
        for (let j = 0; j < c; j++) {
          const col = m.data.subarray(j * r, (j + 1) * r);
          const top = Math.max(...col);
          let sum = 0;
          for (let i = 0; i < r; i++) sum += col[i] = Math.exp(col[i] - top);
          for (let i = 0; i < r; i++) col[i] /= sum;
        }
        return m;
      },
    };
  if (p.has('unit'))
    return { symbol: s, length: all, start: (v) => Float64Array.from(v.data), value: (t, r, c) => scaleMat(asIs(t, r, c), 1 / Math.hypot(...t)) };
  if (p.has('orthogonal')) return { symbol: s, length: all, start: (v) => Float64Array.from(v.data), value: (t, r, c) => orthonormalise(asIs(t, r, c)) };
  if (p.has('spd'))
    return {
      symbol: s, length: all,
      value: (t, r, c) => {
        const B = asIs(t, r, c);
        return add(matmul(B, transpose(B)), scaleMat(Mat.eye(r), SPD_FLOOR));
      },
      start: (v) => Float64Array.from(spdPower(add(v, scaleMat(Mat.eye(v.rows), -SPD_FLOOR)), 0.5).data.map((x) => (Number.isFinite(x) ? x : 0))),
    };
  if (p.has('symmetric'))
    return { symbol: s, length: all, start: (v) => Float64Array.from(v.data), value: (t, r, c) => { const B = asIs(t, r, c); return scaleMat(add(B, transpose(B)), 0.5); } };
  return { symbol: s, length: all, start: (v) => Float64Array.from(v.data), value: asIs };
}

/** A random point's sizes and the values the search does not move (masks). */
interface Context {
  readonly sizes: Map<string, number>;
  readonly fixed: ReadonlyMap<string, Mat>;
}

export function checkInequality(claim: InequalityClaim, opts: InequalityOptions = {}): InequalityVerdict {
  // for any depth l or layer k: at the kernel's instances of the indices, each with its share of the effort
  const each = atEveryInstance(claim, opts.seed ?? 11, (concrete, seed, share) => checkInequality(concrete, { ...opts, seed, points: share(opts.points ?? 30), searches: share(opts.searches ?? 6) }));
  if (each) return each;
  const rng = new Rng(opts.seed ?? 11);
  const inequality = new Inequality(claim, rng);
  const tolerance = inequality.tolerance;
  const params = inequality.free.map((s) => ({ s, p: parametrise(s) }));
  const normal = () => rng.normal();

  const pointAt = (theta: Float64Array, ctx: Context): InequalityPoint => {
    const values = new Map(ctx.fixed);
    let k = 0;
    for (const { s, p } of params) {
      if (!p) continue;
      const r = dimValue(s.shape.rows, ctx.sizes), c = dimValue(s.shape.cols, ctx.sizes);
      const n = p.length(r, c);
      values.set(s.name, p.value(theta.subarray(k, k + n), r, c));
      k += n;
    }
    return { sizes: ctx.sizes, values };
  };
  const margin = (theta: Float64Array, ctx: Context) => inequality.margin(pointAt(theta, ctx));
  // the searches start from the kernel's random points
  const draw = () => {
    const point = inequality.draw();
    const sizes = new Map(point.sizes);
    const fixed = new Map<string, Mat>();
    const thetas: Float64Array[] = [];
    for (const { s, p } of params) {
      const v = point.values.get(s.name)!;
      if (p) thetas.push(p.start(v));
      else fixed.set(s.name, v);
    }
    const theta = new Float64Array(thetas.reduce((n, t) => n + t.length, 0));
    let k = 0;
    for (const t of thetas) (theta.set(t, k), (k += t.length));
    return { theta, context: { sizes, fixed } };
  };
  /**
   * The violating point with its entries rounded to small integers (after scaling the largest to 1, 2,
   * 3, 5 or 10), if the inequality still fails there. Only for symbols whose value is their parameters
   * (plain and symmetric matrices); the others keep theirs.
   */
  const rounder = (theta: Float64Array, ctx: Context): Float64Array | undefined => {
    const plain = params.map(({ s, p }) => !!p && !s.props.has('unit') && !s.props.has('orthogonal') && !s.props.has('spd'));
    const big = Math.max(...theta.map(Math.abs), 0);
    if (!(big > 0)) return undefined;
    for (const top of [1, 2, 3, 5, 10]) {
      const c = top / big;
      const t = Float64Array.from(theta);
      let k = 0;
      params.forEach(({ s, p }, i) => {
        if (!p) return;
        const n = p.length(dimValue(s.shape.rows, ctx.sizes), dimValue(s.shape.cols, ctx.sizes));
        if (plain[i]) for (let j = k; j < k + n; j++) t[j] = Math.round(theta[j] * c) || 0; // no -0
        k += n;
      });
      if (margin(t, ctx) > tolerance) return t;
    }
    return undefined;
  };
  // a side with finite-difference derivatives costs hundreds of evaluations of the function: search less
  const costly = tolerance === INEQUALITY_TOLERANCE_DIFFERENCES;
  // nothing to move (every symbol fixed by at:, or none): the random points differ in their sizes only
  const movable = params.some(({ p }) => p);
  let report: ViolationReport<Context>;
  try {
    report = findViolation({ draw, margin }, {
      points: opts.points ?? 30, searches: movable ? opts.searches ?? 6 : 0, budget: Math.ceil((opts.budget ?? 300) / (costly ? 4 : 1)), tolerance, normal,
    });
  } catch (e) {
    if (!(e instanceof Unchecked)) throw e;
    return inequality.verdict({ points: 0, undefinedPoints: 0, searches: 0, evaluations: 0, closest: -Infinity, reason: e.message });
  }
  const found = report.violation;
  const simple = found && rounder(found.theta, found.context);
  return inequality.verdict({
    points: report.points, undefinedPoints: report.undefinedPoints, searches: report.searches, evaluations: report.evaluations, closest: report.best.margin,
    ...(found ? { violation: { point: pointAt(simple ?? found.theta, found.context), foundBy: found.foundBy, index: found.index, rounded: simple !== undefined } } : {}),
  });
}
