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
// - Relative error ‖R − claim(V)‖ / max(‖claim(V)‖, ‖R‖, 1e-8(1 + ‖f(X)‖)); pass below 1e-6.
// f is compiled once per point's sizes (numeric/compile.ts) and run at every perturbed point; the
// claimed derivative is evaluated once per point by the plain tree-walking Evaluator.
import type { Expr, SymNode } from '../expr/ast.js';
import { compile, type Compiled } from '../numeric/compile.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { axpy, dot, frob, Mat, matmul, reshape, scale, transpose, vec } from '../numeric/mat.js';
import { Entries, Rng, randomDirection, randomSizes, randomValue } from '../numeric/random.js';

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
}

export interface CheckOptions {
  readonly points?: number;
  readonly seed?: number;
  readonly tolerance?: number;
  readonly entrywiseLimit?: number;
  /** fixed sizes for the dimension symbols at every point (default: random small distinct sizes) */
  readonly sizes?: ReadonlyMap<string, number>;
}

export interface PointReport {
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
const KINK_MARGIN = 1e-2;
const ATTEMPTS = 40;

interface Sample {
  readonly point: Point;
  readonly entries: Entries;
  readonly base: Evaluator;
  /** f compiled for the point's sizes, and its value at the point */
  readonly f: Compiled;
  readonly fx: Mat;
  readonly notes: string[];
}

class PointSampler {
  constructor(readonly claim: DerivativeClaim, readonly rng: Rng, readonly sizes?: ReadonlyMap<string, number>) {}

  sample(): Sample {
    const notes: string[] = [];
    const sizes = this.sizes ?? randomSizes(this.claim.dims, this.rng);
    const f = compile([this.claim.f], sizes);
    let rejectedNearKink = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const entries: Entries = attempt < ATTEMPTS / 2 ? 'gaussian' : 'positive';
      const values = new Map<string, Mat>();
      for (const s of this.claim.symbols) values.set(s.name, randomValue(s, sizes, this.rng, entries));
      const point = { sizes, values };
      const [fx] = f.run(values);
      if (!fx.data.every(Number.isFinite)) continue;
      if (f.kinkDistance < KINK_MARGIN) {
        rejectedNearKink = true;
        continue;
      }
      const base = new Evaluator(point);
      const claimsFinite = [...this.claim.claims.values()].every((c) => base.eval(c).data.every(Number.isFinite));
      if (!claimsFinite) continue;
      if (rejectedNearKink) notes.push('resampled points that were near a kink or a domain boundary (relu, abs, log, …)');
      if (entries === 'positive') notes.push('used positive entries to stay inside the domain');
      return { point, entries, base, f, fx, notes };
    }
    throw new CheckError(`could not find a point where ${'the function and its claimed derivative'} are finite and smooth in ${ATTEMPTS} attempts`);
  }
}

export class CheckError extends Error {}

function perturbed(point: Point, vars: readonly SymNode[], dir: ReadonlyMap<string, Mat>, t: number): Point {
  const values = new Map(point.values);
  for (const v of vars) values.set(v.name, axpy(point.values.get(v.name)!, t, dir.get(v.name)!));
  return { sizes: point.sizes, values };
}

/** claim applied to a direction: ⟨G, V⟩ for gradients, unvec(Jᵀ vec V) for vec-Jacobians. */
function applyClaim(claim: DerivativeClaim, base: Evaluator, fx: Mat, dir: ReadonlyMap<string, Mat>): Mat {
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

function centralDifference(claim: DerivativeClaim, compiled: Compiled, point: Point, dir: ReadonlyMap<string, Mat>): { value: Mat; evaluations: number } {
  const f = (t: number) => compiled.run(perturbed(point, claim.vars, dir, t).values)[0];
  const D = (h: number) => scale(axpy(f(h), -1, f(-h)), 1 / (2 * h));
  const d1 = D(H), d2 = D(H / 2);
  return { value: scale(axpy(scale(d2, 4), -1, d1), 1 / 3), evaluations: 4 };
}

function relativeError(analytic: Mat, numeric: Mat, fx: Mat): number {
  const diff = frob(axpy(analytic, -1, numeric));
  const denom = Math.max(frob(analytic), frob(numeric), 1e-8 * (1 + frob(fx)));
  return diff / denom;
}

function unitDirection(claim: DerivativeClaim, sizes: ReadonlyMap<string, number>, rng: Rng): Map<string, Mat> {
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
function* coordinateDirections(claim: DerivativeClaim, point: Point): Generator<Map<string, Mat>> {
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
    const { point, entries, base, f, fx, notes: n } = sampler.sample();
    n.forEach((x) => notes.add(x));
    evaluations += 1;
    const dir = unitDirection(claim, point.sizes, rng);
    const fd = centralDifference(claim, f, point, dir);
    evaluations += fd.evaluations;
    const directionalError = relativeError(applyClaim(claim, base, fx, dir), fd.value, fx);
    let entrywiseError: number | undefined;
    const params = claim.vars.reduce((s, v) => s + point.values.get(v.name)!.data.length, 0);
    if (params <= (opts.entrywiseLimit ?? 60)) {
      entrywiseError = 0;
      for (const e of coordinateDirections(claim, point)) {
        const c = centralDifference(claim, f, point, e);
        evaluations += c.evaluations;
        entrywiseError = Math.max(entrywiseError, relativeError(applyClaim(claim, base, fx, e), c.value, fx));
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
