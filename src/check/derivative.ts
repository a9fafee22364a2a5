// The verdict on a claimed derivative: a gradient ∇_X f (the shape of X) or a vec-Jacobian
// ∇_{vec X} vec F ((mn)×(pq)), for one or several variables together. The kernel knows nothing of how
// the claim was obtained: at random points (sample.ts) it compares the claim applied to a direction V
// (Σ_X ⟨G_X, V_X⟩, or Σ_X unvec(J_Xᵀ vec V_X)) with the finite difference of f along V
// (numeric/differences.ts), the variables moving together.
// - Along a random unit direction at every point (4 + 2 evaluations of f, whatever the number of
//   parameters), tangent to the symmetric matrices for a symmetric variable;
// - and along every coordinate direction (E_ij, or E_ij + E_ji for a symmetric variable) when the
//   variables have at most 60 parameters.
// A point where the differences decide nothing (verdict.ts: compare) is replaced by another; the claim
// holds when it agrees at every one of 3 points, fails at the first point where it differs (the
// counterexample), and gets no verdict when too few points decide.
import { isSymmetricSymbol, type Expr, type SymNode } from '../expr/ast.js';
import type { Point } from '../numeric/evaluate.js';
import { moved, roundingScales, slope, unit, type Scales } from '../numeric/differences.js';
import { axpy, dot, Mat, matmul, reshape, scale, transpose, vec } from '../numeric/mat.js';
import type { PointContext } from '../numeric/meanings.js';
import { Rng, randomDirection } from '../numeric/random.js';
import { Sampler, type Sample, type Scope } from './sample.js';
import { compare, decide, samplingNotes, type Counterexample, type Judgement, type Outcome } from './verdict.js';

export type ClaimKind = 'gradient' | 'vec-jacobian';

export interface DerivativeClaim extends Scope {
  /** the function: scalar for gradients, any shape for vec-Jacobians */
  readonly f: Expr;
  /** the variables, in order */
  readonly vars: readonly SymNode[];
  /** ∇_X f (shape of X) for gradients, ∇_{vec X} vec F ((mn)×(pq)) for vec-Jacobians */
  readonly claims: ReadonlyMap<string, Expr>;
  readonly kind: ClaimKind;
}

export interface CheckOptions {
  /** fixed sizes for the dimension symbols at every point (default: random small distinct sizes) */
  readonly sizes?: ReadonlyMap<string, number>;
  readonly points?: number;
  readonly seed?: number;
  readonly tolerance?: number;
  readonly entrywiseLimit?: number;
}

export interface PointReport {
  /** the values of the indices, for a result stated at any depth ("l=3,k=2") */
  readonly instance?: string;
  readonly sizes: Record<string, number>;
  readonly entries: Sample['entries'];
  readonly directionalError: number;
  readonly entrywiseError?: number;
  readonly passed: boolean;
}

export interface Verdict extends Judgement {
  /** status is holds */
  readonly passed: boolean;
  readonly method: string;
  readonly tolerance: number;
  readonly maxError: number;
  /** the points that decided (agreed or differed) */
  readonly points: readonly PointReport[];
  readonly evaluations: number;
  readonly notes: readonly string[];
}

export const DEFAULT_TOLERANCE = 1e-6;
export const DEFAULT_SEED = 20261122;

/** The point with every variable moved by t times its direction. */
export function along(at: PointContext, dir: ReadonlyMap<string, Mat>, t: number): PointContext {
  return moved(at, [...dir].map(([name, V]) => [name, V, t] as const));
}

/** A random direction of unit norm over all the variables, tangent to the symmetric matrices for symmetric ones. */
export function unitDirection(vars: readonly SymNode[], sizes: ReadonlyMap<string, number>, rng: Rng): Map<string, Mat> {
  const dir = new Map(vars.map((v) => [v.name, randomDirection(v, sizes, rng)]));
  const norm = Math.sqrt([...dir.values()].reduce((s, V) => s + dot(V, V), 0));
  return new Map([...dir].map(([k, V]) => [k, scale(V, 1 / norm)]));
}

/** Coordinate directions of the variables: E_ij, or E_ij + E_ji (i ≤ j) for a symmetric variable. */
export function* coordinateDirections(vars: readonly SymNode[], point: Point): Generator<Map<string, Mat>> {
  for (const v of vars) {
    const X = point.values.get(v.name)!;
    const sym = isSymmetricSymbol(v);
    for (let j = 0; j < X.cols; j++)
      for (let i = 0; i < X.rows; i++) {
        if (sym && i > j) continue;
        const dir = new Map(vars.map((w) => [w.name, Mat.zeros(point.values.get(w.name)!.rows, point.values.get(w.name)!.cols)]));
        const E = unit(X, j * X.rows + i);
        if (sym) E.data[i * X.rows + j] = 1;
        dir.set(v.name, E);
        yield dir;
      }
  }
}

/** The claim applied to a direction: Σ ⟨G, V⟩ for gradients, Σ unvec(Jᵀ vec V) for vec-Jacobians. */
function applyClaim(claim: DerivativeClaim, at: PointContext, dir: ReadonlyMap<string, Mat>): Mat {
  const fx = at.eval(claim.f);
  let sum = Mat.zeros(fx.rows, fx.cols);
  for (const v of claim.vars) {
    const C = at.eval(claim.claims.get(v.name)!), V = dir.get(v.name)!;
    if (claim.kind === 'gradient') {
      if (C.rows !== V.rows || C.cols !== V.cols) throw new Error(`the claimed gradient for ${v.name} is ${C.rows}×${C.cols} but ${v.name} is ${V.rows}×${V.cols}`);
      sum = axpy(sum, dot(C, V), Mat.scalar(1));
    } else {
      if (C.rows !== V.data.length || C.cols !== fx.data.length) throw new Error(`the claimed Jacobian for ${v.name} is ${C.rows}×${C.cols}, expected ${V.data.length}×${fx.data.length}`);
      sum = axpy(sum, 1, reshape(matmul(transpose(C), vec(V)), fx.rows, fx.cols));
    }
  }
  return sum;
}

interface Judged {
  readonly outcome: Outcome;
  readonly error: number;
  readonly counterexample?: Counterexample;
}

const worse = (a: Outcome, b: Outcome): Outcome => (a === 'differ' || b === 'differ' ? 'differ' : a === 'unclear' || b === 'unclear' ? 'unclear' : 'agree');

export function checkDerivative(claim: DerivativeClaim, opts: CheckOptions = {}): Verdict {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const sampler = new Sampler(claim, [claim.f, ...claim.claims.values()], rng, { sizes: opts.sizes });
  let evaluations = 0;

  const judge = (s: Sample, dir: ReadonlyMap<string, Mat>, scales: Scales): Judged => {
    const fd = slope((t) => {
      evaluations++;
      return along(s.at, dir, t).eval(claim.f);
    }, scales);
    const claimed = applyClaim(claim, s.at, dir);
    if (!fd) return { outcome: 'unclear', error: NaN };
    const c = compare(claimed, fd.value, tolerance, fd);
    if (c.outcome !== 'differ') return c;
    return { ...c, counterexample: { sizes: Object.fromEntries(s.point.sizes), values: s.point.values, left: claimed, right: fd.value, direction: dir } };
  };

  const d = decide(sampler, opts.points ?? 3, (s) => {
    const scales = roundingScales(claim.f, s.at);
    const directional = judge(s, unitDirection(claim.vars, s.point.sizes, rng), scales);
    let outcome = directional.outcome, counterexample = directional.counterexample, entrywiseError: number | undefined;
    const params = claim.vars.reduce((n, v) => n + s.point.values.get(v.name)!.data.length, 0);
    if (params <= (opts.entrywiseLimit ?? 60)) {
      entrywiseError = 0;
      for (const dir of coordinateDirections(claim.vars, s.point)) {
        const e = judge(s, dir, scales);
        outcome = worse(outcome, e.outcome);
        counterexample ??= e.counterexample;
        if (!Number.isNaN(e.error)) entrywiseError = Math.max(entrywiseError, e.error);
      }
    }
    const report: PointReport = { sizes: Object.fromEntries(s.point.sizes), entries: s.entries, directionalError: directional.error, entrywiseError, passed: outcome === 'agree' };
    return { outcome, counterexample, report };
  });
  return {
    status: d.status,
    passed: d.status === 'holds',
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.counterexample ? { counterexample: d.counterexample } : {}),
    method: 'central differences with Richardson extrapolation (h = 1e-3, 5e-4, 2.5e-4) along a random direction, and entry by entry for small instances',
    tolerance,
    maxError: Math.max(0, ...d.results.map((r) => Math.max(r.report.directionalError, r.report.entrywiseError ?? 0))),
    points: d.results.map((r) => r.report),
    evaluations,
    notes: samplingNotes(sampler, d),
  };
}
