// The trusted numerical checker. It knows nothing about how a derivative was obtained: it evaluates
// the function and the claimed derivative at random points and compares with central differences.
//
// Method (documented in docs/checking.md):
// - 3 random points, each with fresh distinct sizes for the dimension symbols; values respect the
//   declared properties; points near a kink of relu/abs/… (or outside the domain of log/sqrt) are
//   resampled, falling back to positive entries.
// - Directional test (cost independent of the number of parameters): a random unit direction V over all
//   variables; central differences D(h) = (f(X+hV) − f(X−hV))/2h at h = 1e-3 and 5e-4, combined by
//   Richardson extrapolation R = (4D(h/2) − D(h))/3 (error O(h⁴)); compared with the claimed linear map
//   applied to V.
// - Entrywise test for small instances (≤ 60 parameters): every coordinate direction, same formula.
// - Relative error ‖R − claim(V)‖ / max(‖claim(V)‖, ‖R‖, 1e-5(1 + |f(X)| + |f(X+V)|)); pass below 1e-6.
// f is compiled once per point's sizes (numeric/compile.ts) and run at every perturbed point; the
// claimed derivative is evaluated once per point by the plain tree-walking Evaluator.
import type { Expr, SymNode } from '../expr/ast.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { compile, type Compiled } from '../numeric/compile.js';
import { axpy, dot, frob, Mat, matmul, reshape, scale, transpose, vec } from '../numeric/mat.js';
import { Entries, Rng, randomDirection, randomSizes, randomValue } from '../numeric/random.js';
import { CheckError } from '../expr/errors.js';

export type ClaimKind = 'gradient' | 'vec-jacobian';

export interface DerivativeClaim {
  /** the function: scalar for gradients, any shape for vec-Jacobians */
  readonly f: Expr;
  /** the variables, in order */
  readonly vars: readonly SymNode[];
  /** ∇_X f (shape of X) for gradients, ∇_{vec X} vec F ((mn)×(pq)) for vec-Jacobians */
  readonly claims: ReadonlyMap<string, Expr>;
  readonly kind: ClaimKind;
  /** every declared symbol (values are drawn for all of them) */
  readonly symbols: readonly SymNode[];
  readonly dims: ReadonlySet<string>;
  /** symbols fixed by an assumption (Y := W2 W1 X), assigned in order after the others are drawn */
  readonly assign?: readonly (readonly [string, Expr])[];
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
  readonly entries: Entries;
  readonly directionalError: number;
  readonly entrywiseError?: number;
  readonly passed: boolean;
}

export interface Verdict {
  readonly passed: boolean;
  readonly method: string;
  readonly tolerance: number;
  readonly maxError: number;
  readonly points: readonly PointReport[];
  readonly evaluations: number;
  readonly notes: readonly string[];
}

export const DEFAULT_TOLERANCE = 1e-6;
const H = 1e-3;
export const KINK_MARGIN = 1e-2;
export const ATTEMPTS = 40;

interface Sample {
  readonly point: Point;
  readonly entries: Entries;
  readonly base: Evaluator;
  /** f compiled for the point's sizes, and its value at the point */
  readonly f: Compiled;
  readonly fx: Mat;
  readonly notes: string[];
}

/** Random points (fresh distinct sizes each) where f and the claims are finite and away from kinks. */
export class PointSampler {
  private usedSizes = new Set<string>();
  constructor(
    readonly claim: Pick<DerivativeClaim, 'f' | 'claims' | 'symbols' | 'dims' | 'assign'>,
    readonly rng: Rng,
    readonly sizes?: ReadonlyMap<string, number>,
  ) {}

  sample(): Sample {
    const notes: string[] = [];
    // fresh sizes at every point where the dimensions allow it (n = 4 | 2 | 5, not 4 | 2 | 2)
    let sizes = this.sizes ?? randomSizes(this.claim.dims, this.rng);
    for (let k = 0; !this.sizes && k < 20 && this.usedSizes.has(JSON.stringify([...sizes])); k++) sizes = randomSizes(this.claim.dims, this.rng);
    this.usedSizes.add(JSON.stringify([...sizes]));
    let f = compile([this.claim.f], sizes);
    let rejectedNearKink = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // some sizes admit no point at all (log det XᵀX for X with fewer rows than columns): draw others
      if (!this.sizes && attempt > 0 && attempt % 10 === 0) {
        sizes = randomSizes(this.claim.dims, this.rng);
        f = compile([this.claim.f], sizes);
      }
      const entries: Entries = attempt < ATTEMPTS / 2 ? 'gaussian' : 'positive';
      const values = new Map<string, Mat>();
      for (const s of this.claim.symbols) values.set(s.name, randomValue(s, sizes, this.rng, entries));
      for (const [name, rhs] of this.claim.assign ?? []) values.set(name, new Evaluator({ sizes, values }).eval(rhs));
      const point = { sizes, values };
      const base = new Evaluator(point);
      const fx = base.eval(this.claim.f);
      if (!fx.data.every(Number.isFinite)) continue;
      if (base.kinkDistance < KINK_MARGIN) {
        rejectedNearKink = true;
        continue;
      }
      const claimsFinite = [...this.claim.claims.values()].every((c) => base.eval(c).data.every(Number.isFinite));
      if (!claimsFinite) continue;
      if (base.kinkDistance < Infinity)
        notes.push(`non-smooth or partial functions (relu, abs, log, …): points kept at least ${KINK_MARGIN} away from their kinks and domain boundaries${rejectedNearKink ? ', resampling where needed' : ''}`);
      if (entries === 'positive') notes.push('used positive entries to stay inside the domain');
      return { point, entries, base, f, fx, notes };
    }
    throw new CheckError(`could not find a point where ${'the function and its claimed derivative'} are finite and smooth in ${ATTEMPTS} attempts`);
  }
}

// defined with the other user-facing errors, so that the command line can tell it apart without loading the checker
export { CheckError };

export function perturbed(point: Point, vars: readonly SymNode[], dir: ReadonlyMap<string, Mat>, t: number): Point {
  const values = new Map(point.values);
  for (const v of vars) values.set(v.name, axpy(point.values.get(v.name)!, t, dir.get(v.name)!));
  return { sizes: point.sizes, values };
}

/** claim applied to a direction: ⟨G, V⟩ for gradients, unvec(Jᵀ vec V) for vec-Jacobians. */
function applyClaim(claim: DerivativeClaim, base: Evaluator, dir: ReadonlyMap<string, Mat>): Mat {
  const fx = base.eval(claim.f);
  let acc = Mat.zeros(fx.rows, fx.cols);
  for (const v of claim.vars) {
    const C = base.eval(claim.claims.get(v.name)!);
    const V = dir.get(v.name)!;
    if (claim.kind === 'gradient') {
      if (C.rows !== V.rows || C.cols !== V.cols) throw new CheckError(`the claimed gradient for ${v.name} is ${C.rows}×${C.cols} but ${v.name} is ${V.rows}×${V.cols}`);
      acc = axpy(acc, dot(C, V), Mat.scalar(1));
    } else {
      if (C.rows !== V.data.length || C.cols !== fx.data.length)
        throw new CheckError(`the claimed Jacobian for ${v.name} is ${C.rows}×${C.cols}, expected ${V.data.length}×${fx.data.length}`);
      acc = axpy(acc, 1, reshape(matmul(transpose(C), vec(V)), fx.rows, fx.cols));
    }
  }
  return acc;
}

/** Richardson-extrapolated central difference of t ↦ g(t) at 0: error O(h⁴). */
export function richardson(g: (t: number) => Mat): Mat {
  const D = (h: number) => scale(axpy(g(h), -1, g(-h)), 1 / (2 * h));
  const d1 = D(H), d2 = D(H / 2);
  return scale(axpy(scale(d2, 4), -1, d1), 1 / 3);
}

/** Richardson-extrapolated second difference (g(h) − 2g(0) + g(−h))/h² at 0. */
export function richardson2(g: (t: number) => Mat): Mat {
  const g0 = g(0);
  const D = (h: number) => scale(axpy(axpy(g(h), -2, g0), 1, g(-h)), 1 / (h * h));
  const d1 = D(H), d2 = D(H / 2);
  return scale(axpy(scale(d2, 4), -1, d1), 1 / 3);
}

/** Central differences of f along dir; with `compiled`, f runs as a compiled program (the hot loop of the checker). */
function centralDifference(claim: Pick<DerivativeClaim, 'f' | 'vars'>, point: Point, dir: ReadonlyMap<string, Mat>, compiled?: Compiled): { value: Mat; evaluations: number } {
  const f = (t: number) => {
    const values = perturbed(point, claim.vars, dir, t).values;
    return compiled ? compiled.run(values)[0] : new Evaluator({ sizes: point.sizes, values }).eval(claim.f);
  };
  return { value: richardson(f), evaluations: 4 };
}

/** |f(X)| + |f(X + tV)| for the first t in 1, 0.1, 0.01 that stays inside the domain: the size of f near X. */
export function sizeNear(f: Expr, vars: readonly SymNode[], point: Point, base: Evaluator, dir: ReadonlyMap<string, Mat>): number {
  for (const t of [1, 0.1, 0.01]) {
    const v = frob(new Evaluator(perturbed(point, vars, dir, t)).eval(f));
    if (Number.isFinite(v)) return frob(base.eval(f)) + v;
  }
  return frob(base.eval(f));
}

/**
 * ‖a − n‖ / max(‖a‖, ‖n‖, floor). `scale` is the size of f near the point (|f(X)| + |f(X+V)| for the unit
 * direction V): absolute differences below 1e-5·(1 + scale) are rounding and truncation noise of the central
 * difference, not signal — which matters at critical points, where the derivative itself is 0.
 */
export function relativeError(analytic: Mat, numeric: Mat, scale: number): number {
  const diff = frob(axpy(analytic, -1, numeric));
  return diff / Math.max(frob(analytic), frob(numeric), 1e-5 * (1 + scale));
}

export function unitDirection(claim: Pick<DerivativeClaim, 'vars'>, sizes: ReadonlyMap<string, number>, rng: Rng): Map<string, Mat> {
  const dir = new Map<string, Mat>();
  let norm2 = 0;
  for (const v of claim.vars) {
    const V = randomDirection(v, sizes, rng);
    dir.set(v.name, V);
    norm2 += dot(V, V);
  }
  for (const [k, V] of dir) dir.set(k, scale(V, 1 / Math.sqrt(norm2)));
  return dir;
}

/** Coordinate directions: E_ij, or (E_ij + E_ji)/2 for symmetric variables. */
export function* coordinateDirections(claim: Pick<DerivativeClaim, 'vars'>, point: Point): Generator<Map<string, Mat>> {
  for (const v of claim.vars) {
    const X = point.values.get(v.name)!;
    const sym = v.props.has('symmetric') || v.props.has('spd');
    for (let j = 0; j < X.cols; j++)
      for (let i = 0; i < X.rows; i++) {
        if (sym && i > j) continue;
        const dir = new Map<string, Mat>();
        for (const w of claim.vars) {
          const W = point.values.get(w.name)!;
          dir.set(w.name, Mat.zeros(W.rows, W.cols));
        }
        const E = dir.get(v.name)!;
        E.data[j * X.rows + i] = 1;
        if (sym) E.data[i * X.rows + j] = 1;
        yield dir;
      }
  }
}

export function checkDerivative(claim: DerivativeClaim, opts: CheckOptions = {}): Verdict {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const rng = new Rng(opts.seed ?? 20261122);
  const sampler = new PointSampler(claim, rng, opts.sizes);
  const points: PointReport[] = [];
  const notes = new Set<string>();
  let evaluations = 0;
  let maxError = 0;
  for (let p = 0; p < (opts.points ?? 3); p++) {
    const { point, entries, base, f, notes: n } = sampler.sample();
    n.forEach((x) => notes.add(x));
    evaluations += 1;
    const dir = unitDirection(claim, point.sizes, rng);
    const scale = sizeNear(claim.f, claim.vars, point, base, dir);
    const fd = centralDifference(claim, point, dir, f);
    evaluations += fd.evaluations;
    const directionalError = relativeError(applyClaim(claim, base, dir), fd.value, scale);
    let entrywiseError: number | undefined;
    const params = claim.vars.reduce((s, v) => s + point.values.get(v.name)!.data.length, 0);
    if (params <= (opts.entrywiseLimit ?? 60)) {
      entrywiseError = 0;
      for (const e of coordinateDirections(claim, point)) {
        const c = centralDifference(claim, point, e, f);
        evaluations += c.evaluations;
        entrywiseError = Math.max(entrywiseError, relativeError(applyClaim(claim, base, e), c.value, scale));
      }
    }
    const err = Math.max(directionalError, entrywiseError ?? 0);
    maxError = Math.max(maxError, err);
    points.push({ sizes: Object.fromEntries(point.sizes), entries, directionalError, entrywiseError, passed: err <= tolerance });
  }
  return {
    passed: points.every((p) => p.passed),
    method: 'central differences with Richardson extrapolation (h = 1e-3, 5e-4) along a random direction, and entry by entry for small instances',
    tolerance,
    maxError,
    points,
    evaluations,
    notes: [...notes],
  };
}

/**
 * The derivative itself, entry by entry, by the same central differences: ∇_X f (the shape of X) for
 * gradients, ∇_{vec X} vec F ((mn)×(pq)) for vec-Jacobians. For symmetric X the directions are
 * (E_ij + E_ji)/2, so the entries are those of the gradient on symmetric matrices, sym(G).
 * Counterexamples show it so that a person can see the true value without trusting the engine.
 */
export function derivativeByDifferences(f: Expr, variable: SymNode, kind: ClaimKind, point: Point): Mat {
  const X = point.values.get(variable.name)!;
  const sym = variable.props.has('symmetric') || variable.props.has('spd');
  const n = X.data.length;
  let out: Mat | undefined;
  for (let j = 0; j < X.cols; j++)
    for (let i = 0; i < X.rows; i++) {
      const E = Mat.zeros(X.rows, X.cols);
      E.data[j * X.rows + i] = sym && i !== j ? 0.5 : 1;
      if (sym && i !== j) E.data[i * X.rows + j] = 0.5;
      const d = centralDifference({ f, vars: [variable] }, point, new Map([[variable.name, E]])).value;
      out ??= kind === 'gradient' ? Mat.zeros(X.rows, X.cols) : Mat.zeros(n, d.data.length);
      const k = j * X.rows + i;
      if (kind === 'gradient') out.data[k] = d.data[0];
      else d.data.forEach((v, col) => (out!.data[col * n + k] = v));
    }
  return out!;
}
