// Inequalities between two scalar expressions, lhs <= rhs (also <, >=, >), as landscape results state
// them: ‖AB‖_F ≤ ‖A‖₂‖B‖_F, λ_min(∇²f) < 0 at a saddle, h(W) ≤ λ‖∇h‖². An inequality cannot be verified
// by sampling, only refuted; so besides random points it gets an adversary: local searches that
// maximise the violation from the most promising random points and from fresh ones
// (src/numeric/violation.ts, the (1+1) evolution strategy). The verdict says what was done:
// - fails: a point where the inequality is false by more than rounding — the counterexample, with both
//   sides and the margin;
// - holds: no counterexample in N points and M searches (evidence, not proof);
// - unchecked: no point where both sides are defined, or, for a strict inequality, a point where the
//   two sides are equal to within rounding (where it may be false).
// An inequality for any depth l or layer k is checked so at the instances of its indices.
//
// The violation searched is relative: (lhs − rhs)/scale, where the scale is the size of what the sides
// are made of — |lhs|, |rhs|, the terms of a sum, the argument of an eigenvalue or norm — so that
// rounding (or the noise of a finite-difference Hessian under λ_min) is never a counterexample, and
// making every variable large cannot manufacture one. Where a side contains finite differences, their own
// estimate of their error (the evaluator's uncertainty) is subtracted too, a hundredfold: a tight bound
// checked through a finite-difference Hessian is not refuted by the differences' noise.
//
// The search moves each free symbol through a parametrisation that keeps its declared property: any
// matrix B as it is, symmetric (B + Bᵀ)/2, spd BBᵀ + εI, orthogonal the Gram–Schmidt factor of B, unit
// b/‖b‖, stochastic the column-wise softmax of B; a mask keeps the value of its start. Symbols fixed
// by at: are computed from the others, as everywhere else.
import type { Expr, SymNode } from '../expr/ast.js';
import { dimValue } from '../expr/dim.js';
import { UnsupportedError } from '../expr/errors.js';
import { isScalarShape } from '../expr/shape.js';
import { assignRoots, atInstance, chooseInstances, instanceSeed, type Instance } from './instances.js';
import { Evaluator } from '../numeric/evaluate.js';
import { add, frob, Mat, matmul, scale as scaleMat, transpose } from '../numeric/mat.js';
import { orthonormalise, spdPower } from '../numeric/linalg.js';
import { Rng } from '../numeric/random.js';
import { KINK_MARGIN, Sampler, Unchecked, type Scope } from './sample.js';
import { findViolation, type ViolationReport } from '../numeric/violation.js';

export type Relation = '<=' | '<' | '>=' | '>';
export const RELATIONS: readonly Relation[] = ['<=', '<', '>=', '>'];

/** The symbols, dimensions (and their constraints) and assumptions (at:) of the scope, as for every check. */
export interface InequalityClaim extends Scope {
  readonly left: Expr;
  readonly relation: Relation;
  readonly right: Expr;
}

export interface InequalityOptions {
  readonly seed?: number;
  /** random points (default 30) */
  readonly points?: number;
  /** local searches (default 6) */
  readonly searches?: number;
  /** evaluations per search (default 300; a quarter of it when a side has derivative operators) */
  readonly budget?: number;
}

export interface InequalityCounterexample {
  readonly sizes: Readonly<Record<string, number>>;
  /** the values of the symbols the sides use (and of those at: computes) */
  readonly values: ReadonlyMap<string, Mat>;
  readonly left: number;
  readonly right: number;
  /** by how much the inequality fails: lhs − rhs for <= and <, rhs − lhs for >= and > */
  readonly margin: number;
  /** the margin relative to the scale of the sides */
  readonly relative: number;
  /** 'sampling': the index-th random point; 'search': the index-th local search */
  readonly foundBy: 'sampling' | 'search';
  readonly index: number;
  /** the entries were rounded to small integers (and the inequality still fails there) */
  readonly rounded: boolean;
}

export interface InequalityVerdict {
  readonly status: 'holds' | 'fails' | 'unchecked';
  readonly relation: Relation;
  readonly tolerance: number;
  /** random points at which both sides were defined */
  readonly points: number;
  readonly searches: number;
  readonly evaluations: number;
  /** the largest relative margin seen (how close to failing: ≤ 0 means never violated) */
  readonly closest?: number;
  readonly counterexample?: InequalityCounterexample;
  readonly reason?: string;
}

/** Beyond rounding: exact evaluations, and those with finite-difference derivative operators inside. */
export const INEQUALITY_TOLERANCE = 1e-9;
export const INEQUALITY_TOLERANCE_DIFFERENCES = 1e-6;

/** A violation is beyond this many times the finite differences' estimated relative error (the kernel's REFUTE). */
const NOISE_FACTOR = 100;

const DERIVATIVES = new Set(['grad', 'jac', 'diff', 'hess', 'rgrad', 'rhess']);
const hasDerivative = (e: Expr): boolean => e.kind === 'op' && (DERIVATIVES.has(e.op) || e.args.some(hasDerivative));
/** Spectral functions bounded by the Frobenius norm of their argument. */
const BOUNDED = new Set(['eigval', 'lambda_min', 'lambda_max', 'svdval', 'sigma_min', 'sigma_max', 'opnorm', 'maxabs']);

/**
 * The scale a side is made of at a point: its value, the largest term of a sum, c·(scale of X) for c·X,
 * the Frobenius norm of the argument of an eigenvalue, singular value or norm. (λ_min(H) of a Hessian with
 * a zero eigenvalue is judged against ‖H‖, not against 0.)
 */
function magnitude(e: Expr, ev: Evaluator): number {
  const own = frob(ev.eval(e));
  if (e.kind !== 'op') return own;
  if (e.op === 'add') return Math.max(own, ...e.args.map((a) => magnitude(a, ev)));
  if (e.op === 'mul' && e.args.length === 2 && e.args[0].kind === 'num') return Math.max(own, Math.abs(e.args[0].value) * magnitude(e.args[1], ev));
  if (e.op === 'spectral' && BOUNDED.has(e.attrs.fn ?? '')) return Math.max(own, frob(ev.eval(e.args[0])));
  if (e.op === 'norm') return Math.max(own, magnitude(e.args[0], ev));
  return own;
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
  for (const [side, e] of [['left', claim.left], ['right', claim.right]] as const)
    if (!isScalarShape(e.shape)) throw new UnsupportedError(`an inequality compares two scalars, and the ${side} side is a matrix; for matrices write lambda_min(B - A) >= 0 (A ⪯ B), or compare norms`);
  const instances = chooseInstances([claim.left, claim.right, ...assignRoots(claim.assign)]);
  if (instances.length) return atEveryInstance(claim, instances, opts);
  const flipped = claim.relation === '>=' || claim.relation === '>';
  const strict = claim.relation === '<' || claim.relation === '>';
  // lhs <= rhs in both cases: the "small" side and the "large" side
  const [small, large] = flipped ? [claim.right, claim.left] : [claim.left, claim.right];
  const tolerance = hasDerivative(claim.left) || hasDerivative(claim.right) ? INEQUALITY_TOLERANCE_DIFFERENCES : INEQUALITY_TOLERANCE;
  const assigned = new Set((claim.assign ?? []).map(([n]) => n));
  const used = new Set([...claim.left.vars, ...claim.right.vars, ...(claim.assign ?? []).flatMap(([, e]) => [...e.vars])]);
  const rng = new Rng(opts.seed ?? 11);
  const normal = () => rng.normal();
  // the random points are the kernel's (src/check/sample.ts): sizes that satisfy the dimension
  // constraints, values where both sides are defined; the searches start from them
  const sampler = new Sampler(claim, [small, large], rng, { margin: tolerance === INEQUALITY_TOLERANCE_DIFFERENCES ? KINK_MARGIN : 0 });
  // the declared symbols, and the members of families of any depth the sides name (W[1])
  const symbols = sampler.scope.symbols;
  const free = symbols.filter((s) => !assigned.has(s.name) && used.has(s.name));
  const params = free.map((s) => ({ s, p: parametrise(s) }));

  const pointAt = (theta: Float64Array, ctx: Context): Map<string, Mat> => {
    const values = new Map(ctx.fixed);
    let k = 0;
    for (const { s, p } of params) {
      if (!p) continue;
      const r = dimValue(s.shape.rows, ctx.sizes), c = dimValue(s.shape.cols, ctx.sizes);
      const n = p.length(r, c);
      values.set(s.name, p.value(theta.subarray(k, k + n), r, c));
      k += n;
    }
    for (const [name, e] of claim.assign ?? []) values.set(name, new Evaluator({ sizes: ctx.sizes, values }).eval(e));
    return values;
  };
  const sides = (theta: Float64Array, ctx: Context) => {
    const ev = new Evaluator({ sizes: ctx.sizes, values: pointAt(theta, ctx) });
    const l = ev.eval(small).data[0], r = ev.eval(large).data[0];
    const scale = Math.max(Math.abs(l), Math.abs(r), magnitude(small, ev), magnitude(large, ev), 1e-300);
    // the finite differences' own bound on their relative error at this point (0 without any)
    return { l, r, scale, noise: ev.uncertaintyBound };
  };
  const margin = (theta: Float64Array, ctx: Context) => {
    try {
      // a violation must exceed what the differences could be off by, as the kernel's refutations do
      const { l, r, scale, noise } = sides(theta, ctx);
      const m = (l - r) / scale - NOISE_FACTOR * noise;
      return Number.isFinite(m) ? m : NaN;
    } catch (e) {
      if (e instanceof UnsupportedError) throw e;
      return NaN;
    }
  };
  const draw = () => {
    const { point } = sampler.next();
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
   * 3, 5 or 10), if the inequality still fails there: a counterexample a reader can check by hand. Only
   * for symbols whose value is their parameters (plain and symmetric matrices); the others keep theirs.
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
      const m = margin(t, ctx);
      if (m > tolerance) return t;
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
    return { relation: claim.relation, tolerance, points: 0, searches: 0, evaluations: 0, status: 'unchecked', reason: e.message };
  }
  const base = { relation: claim.relation, tolerance, points: report.points, searches: report.searches, evaluations: report.evaluations };
  if (report.points === 0)
    return { ...base, status: 'unchecked', reason: `no point was found where both sides are defined (${report.undefinedPoints} random points tried)` };
  const closest = report.best.margin;
  if (report.violation) {
    const found = report.violation;
    const simple = rounder(found.theta, found.context);
    const v = { ...found, theta: simple ?? found.theta };
    const values = pointAt(v.theta, v.context);
    const ev = new Evaluator({ sizes: v.context.sizes, values });
    const left = ev.eval(claim.left).data[0], right = ev.eval(claim.right).data[0];
    const { l, r, scale } = sides(v.theta, v.context);
    const shown = new Map([...values].filter(([n]) => used.has(n)));
    // the sizes of the dimensions the shown values have
    const dimsShown = new Set(symbols.filter((s) => shown.has(s.name)).flatMap((s) => [...s.shape.rows.syms, ...s.shape.cols.syms]));
    const sizes = Object.fromEntries([...v.context.sizes].filter(([d]) => dimsShown.has(d)));
    const counterexample = { sizes, values: shown, left, right, margin: l - r, relative: (l - r) / scale, foundBy: v.foundBy, index: v.index, rounded: simple !== undefined };
    return { ...base, status: 'fails', closest, counterexample };
  }
  if (strict && closest >= -tolerance)
    return { ...base, status: 'unchecked', closest, reason: `at some point the two sides are equal to within rounding (relative margin ${closest.toExponential(1)}), where the strict inequality may be false: numbers cannot decide it there` };
  return { ...base, status: 'holds', closest };
}

/**
 * An inequality stated for any depth l or layer k: checked at the instances of its indices the kernel
 * chooses (src/check/instances.ts: the boundaries k = 1 and k = l, small and larger depths), each with
 * its share of the points and searches; a counterexample's sizes include the indices' values.
 */
function atEveryInstance(claim: InequalityClaim, instances: readonly Instance[], opts: InequalityOptions): InequalityVerdict {
  const share = (n: number) => Math.max(1, Math.ceil(n / instances.length));
  const each = instances.map((inst, i) => {
    const { exprs: [left, right], assign, symbols, dims } = atInstance(inst, [claim.left, claim.right], claim.symbols, claim.assign);
    const concrete: InequalityClaim = { left, relation: claim.relation, right, symbols, dims, constraints: claim.constraints, ...(assign ? { assign } : {}) };
    const v = checkInequality(concrete, { ...opts, seed: instanceSeed(opts.seed ?? 11, i), points: share(opts.points ?? 30), searches: share(opts.searches ?? 6) });
    return { inst, v };
  });
  const sum = (f: (v: InequalityVerdict) => number) => each.reduce((n, e) => n + f(e.v), 0);
  const closests = each.flatMap((e) => (e.v.closest === undefined ? [] : [e.v.closest]));
  const base = {
    relation: claim.relation, tolerance: Math.max(...each.map((e) => e.v.tolerance)), points: sum((v) => v.points), searches: sum((v) => v.searches), evaluations: sum((v) => v.evaluations),
    ...(closests.length ? { closest: Math.max(...closests) } : {}),
  };
  const failing = each.find((e) => e.v.status === 'fails');
  if (failing) {
    const c = failing.v.counterexample!;
    return { ...base, status: 'fails', counterexample: { ...c, sizes: { ...Object.fromEntries(failing.inst.values), ...c.sizes } } };
  }
  const unchecked = each.find((e) => e.v.status === 'unchecked');
  if (unchecked) return { ...base, status: 'unchecked', reason: `at ${unchecked.inst.label}: ${unchecked.v.reason}` };
  return { ...base, status: 'holds' };
}

/** "no counterexample in 30 points and 6 searches (2 154 evaluations)". */
export function evidenceText(v: InequalityVerdict): string {
  if (v.searches === 0) return `no counterexample in ${v.points} random point${v.points === 1 ? '' : 's'} (nothing for a search to move: every symbol is fixed by at:)`;
  return `no counterexample in ${v.points} random point${v.points === 1 ? '' : 's'} and ${v.searches} local search${v.searches === 1 ? '' : 'es'} (${v.evaluations} evaluations)`;
}
