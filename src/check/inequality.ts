// Inequalities between two scalar expressions, lhs <= rhs (also <, >=, >), as landscape results state
// them: ‖AB‖_F ≤ ‖A‖₂‖B‖_F, λ_min(∇²f) < 0 at a saddle, h(W) ≤ λ‖∇h‖². An inequality cannot be verified
// by sampling, only refuted. The kernel judges points: it draws admissible random ones (sample.ts),
// measures the violation at any point, and gives the verdict on what an adversary reports
// (src/search/inequality.ts: local searches that maximise the violation), evaluating the proposed
// counterexample again itself. The verdict says what was done:
// - fails: a point where the inequality is false by more than rounding — the counterexample, with both
//   sides and the margin;
// - holds: no counterexample in N points and M searches (evidence, not proof);
// - unchecked: no point where both sides are defined, or, for a strict inequality, a point where the
//   two sides are equal to within rounding (where it may be false).
// An inequality for any depth l or layer k is checked so at the instances of its indices (instances.ts).
//
// The violation is relative: (lhs − rhs)/scale, where the scale is the size of what the sides are made
// of — |lhs|, |rhs|, the terms of a sum, the argument of an eigenvalue or norm — so that rounding (or the
// noise of a finite-difference Hessian under λ_min) is never a counterexample, and making every variable
// large cannot manufacture one. Where a side contains finite differences, the bound on their relative
// error is subtracted too, a hundredfold: a tight bound checked through a finite-difference Hessian is
// not refuted by the differences' noise.
import type { Expr, SymNode } from '../expr/ast.js';
import { UnsupportedError } from '../expr/errors.js';
import { isScalarShape } from '../expr/shape.js';
import { freeIndexVars } from '../expr/families.js';
import { Evaluator } from '../numeric/evaluate.js';
import { frob, type Mat } from '../numeric/mat.js';
import type { Rng } from '../numeric/random.js';
import { KINK_MARGIN, Sampler, type Scope } from './sample.js';
import { assignRoots, atInstance, chooseInstances, instanceSeed, type Instance } from './instances.js';

export type Relation = '<=' | '<' | '>=' | '>';

/** The symbols, dimensions (and their constraints) and assumptions (at:) of the scope, as for every check. */
export interface InequalityClaim extends Scope {
  readonly left: Expr;
  readonly relation: Relation;
  readonly right: Expr;
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

/** A point: sizes, and values of the free symbols (those at: fixes are computed from them). */
export interface InequalityPoint {
  readonly sizes: ReadonlyMap<string, number>;
  readonly values: ReadonlyMap<string, Mat>;
}

/** What a search for a violation did and found, for the kernel to judge. */
export interface Evidence {
  /** random points at which both sides were defined, and at which they were not */
  readonly points: number;
  readonly undefinedPoints: number;
  readonly searches: number;
  readonly evaluations: number;
  /** the largest relative margin seen */
  readonly closest: number;
  readonly violation?: { readonly point: InequalityPoint; readonly foundBy: 'sampling' | 'search'; readonly index: number; readonly rounded: boolean };
  /** why no point could be drawn */
  readonly reason?: string;
}

export class Inequality {
  readonly tolerance: number;
  /** the symbols a search may move: those the sides use, except the ones at: fixes */
  readonly free: readonly SymNode[];
  private readonly small: Expr;
  private readonly large: Expr;
  private readonly used: ReadonlySet<string>;
  private readonly sampler: Sampler;

  /** @param rng the random points' stream (shared with the search, so that a verdict is reproducible from its seed) */
  constructor(readonly claim: InequalityClaim, rng: Rng) {
    for (const [side, e] of [['left', claim.left], ['right', claim.right]] as const)
      if (!isScalarShape(e.shape)) throw new UnsupportedError(`an inequality compares two scalars, and the ${side} side is a matrix; for matrices write lambda_min(B - A) >= 0 (A ⪯ B), or compare norms`);
    if (freeIndexVars([claim.left, claim.right]).size)
      throw new Error('internal: an inequality with free indices is checked at their instances (atEveryInstance)');
    // lhs <= rhs in both cases: the "small" side and the "large" side
    const flipped = claim.relation === '>=' || claim.relation === '>';
    [this.small, this.large] = flipped ? [claim.right, claim.left] : [claim.left, claim.right];
    this.tolerance = hasDerivative(claim.left) || hasDerivative(claim.right) ? INEQUALITY_TOLERANCE_DIFFERENCES : INEQUALITY_TOLERANCE;
    const assigned = new Set((claim.assign ?? []).map(([n]) => n));
    this.used = new Set([...claim.left.vars, ...claim.right.vars, ...(claim.assign ?? []).flatMap(([, e]) => [...e.vars])]);
    // random points are drawn as for every check: sizes that satisfy the dimension constraints, values
    // where both sides are defined (away from kinks only when finite differences are involved)
    this.sampler = new Sampler(claim, [this.small, this.large], rng, { margin: this.tolerance === INEQUALITY_TOLERANCE_DIFFERENCES ? KINK_MARGIN : 0 });
    // the declared symbols, and the members of families of any depth the sides name (W[1])
    this.free = this.sampler.scope.symbols.filter((s) => !assigned.has(s.name) && this.used.has(s.name));
  }

  /** The next random admissible point; throws Unchecked when there is none. */
  draw(): InequalityPoint {
    const { point } = this.sampler.next();
    return { sizes: point.sizes, values: new Map(this.free.map((s) => [s.name, point.values.get(s.name)!])) };
  }

  /** Every symbol's value at the point: the free ones, then those at: computes. */
  values(p: InequalityPoint): Map<string, Mat> {
    const values = new Map(p.values);
    for (const [name, e] of this.claim.assign ?? []) values.set(name, new Evaluator({ sizes: p.sizes, values }).eval(e));
    return values;
  }

  private sides(p: InequalityPoint) {
    const ev = new Evaluator({ sizes: p.sizes, values: this.values(p) });
    const l = ev.eval(this.small).data[0], r = ev.eval(this.large).data[0];
    const scale = Math.max(Math.abs(l), Math.abs(r), magnitude(this.small, ev), magnitude(this.large, ev), 1e-300);
    // the finite differences' own bound on their relative error at this point (0 without any)
    return { l, r, scale, noise: ev.uncertaintyBound };
  }

  /** The relative margin at the point: > tolerance is a violation; NaN where a side is undefined. */
  margin(p: InequalityPoint): number {
    try {
      // a violation must exceed what the differences could be off by, as the kernel's refutations do
      const { l, r, scale, noise } = this.sides(p);
      const m = (l - r) / scale - NOISE_FACTOR * noise;
      return Number.isFinite(m) ? m : NaN;
    } catch (e) {
      if (e instanceof UnsupportedError) throw e;
      return NaN;
    }
  }

  /** The verdict on a search's evidence; a reported violation counts only if it is one here too. */
  verdict(e: Evidence): InequalityVerdict {
    const { relation } = this.claim, tolerance = this.tolerance;
    const base = { relation, tolerance, points: e.points, searches: e.searches, evaluations: e.evaluations };
    if (e.reason) return { ...base, status: 'unchecked', reason: e.reason };
    if (e.points === 0) return { ...base, status: 'unchecked', reason: `no point was found where both sides are defined (${e.undefinedPoints} random points tried)` };
    const closest = e.closest;
    const v = e.violation;
    if (v && this.margin(v.point) > tolerance) {
      const values = this.values(v.point);
      const ev = new Evaluator({ sizes: v.point.sizes, values });
      const left = ev.eval(this.claim.left).data[0], right = ev.eval(this.claim.right).data[0];
      const { l, r, scale } = this.sides(v.point);
      const shown = new Map([...values].filter(([n]) => this.used.has(n)));
      // the sizes of the dimensions the shown values have
      const dimsShown = new Set(this.sampler.scope.symbols.filter((s) => shown.has(s.name)).flatMap((s) => [...s.shape.rows.syms, ...s.shape.cols.syms]));
      const sizes = Object.fromEntries([...v.point.sizes].filter(([d]) => dimsShown.has(d)));
      const counterexample = { sizes, values: shown, left, right, margin: l - r, relative: (l - r) / scale, foundBy: v.foundBy, index: v.index, rounded: v.rounded };
      return { ...base, status: 'fails', closest, counterexample };
    }
    if (v) return { ...base, status: 'unchecked', closest, reason: 'the search reported a counterexample that is not one when evaluated again' };
    const strict = relation === '<' || relation === '>';
    if (strict && closest >= -tolerance)
      return { ...base, status: 'unchecked', closest, reason: `at some point the two sides are equal to within rounding (relative margin ${closest.toExponential(1)}), where the strict inequality may be false: numbers cannot decide it there` };
    return { ...base, status: 'holds', closest };
  }
}

/** How a search checks one concrete inequality (src/search/inequality.ts), with its seed and its share of the effort. */
export type ConcreteCheck = (claim: InequalityClaim, seed: number, share: (n: number) => number) => InequalityVerdict;

/**
 * An inequality stated for any depth l or layer k: checked at the instances of its indices the kernel
 * chooses (instances.ts: the boundaries k = 1 and k = l, small and larger depths), each with its share
 * of the points and searches; a counterexample's sizes include the indices' values. Undefined when the
 * sides have no free indices.
 */
export function atEveryInstance(claim: InequalityClaim, seed: number, check: ConcreteCheck): InequalityVerdict | undefined {
  const instances: readonly Instance[] = chooseInstances([claim.left, claim.right, ...assignRoots(claim.assign)]);
  if (!instances.length) return undefined;
  const share = (n: number) => Math.max(1, Math.ceil(n / instances.length));
  const each = instances.map((inst, i) => {
    const { exprs: [left, right], assign, symbols, dims } = atInstance(inst, [claim.left, claim.right], claim.symbols, claim.assign);
    const concrete: InequalityClaim = { left, relation: claim.relation, right, symbols, dims, constraints: claim.constraints, ...(assign ? { assign } : {}) };
    return { inst, v: check(concrete, instanceSeed(seed, i), share) };
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
