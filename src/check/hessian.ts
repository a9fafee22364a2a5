// The verdict on second derivatives. Like the gradient check it knows nothing of how the results were
// obtained. The Hessian of f in W1, …, Wk is a bilinear form on the tangent space: all matrices for a
// plain variable, the symmetric ones for a symmetric or spd variable. At each random point (satisfying
// the assumptions, e.g. Y := W2 W1 X), with random unit tangent directions U and V:
// - the gradients against differences of f (derivative.ts);
// - Uᵀ H V (H assembled from the vec blocks) against the mixed second difference ∂²f/∂s∂t of
//   f(W + sU + tV): the blocks, independently of the gradients;
// - ∇²f[V, V] (the bilinear form) against the second difference of f along V;
// - H·V, from the blocks and from the matrix-form HVP expressions, against the first difference of the
//   gradients along V, both projected onto the tangent space (sym(·) for a symmetric variable);
// - consistency: H[Wi, Wj] = H[Wj, Wi]ᵀ, and each diagonal block symmetric on the tangent space;
// - for ≤ 40 tangent coordinates, every column of H the same way as H·V.
import type { Expr, SymNode } from '../expr/ast.js';
import { isSymmetricSymbol } from '../expr/ast.js';
import { mixed, roundingScales, slope, type Scales } from '../numeric/differences.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { dot, Mat, matmul, transpose } from '../numeric/mat.js';
import type { PointContext } from '../numeric/meanings.js';
import { Rng } from '../numeric/random.js';
import { along, checkDerivative, coordinateDirections, DEFAULT_SEED, DEFAULT_TOLERANCE, unitDirection, type CheckOptions, type Verdict } from './derivative.js';
import { Sampler, type Sample, type Scope } from './sample.js';
import { combined, compare, decide, samplingNotes, type Counterexample, type Judgement, type Noise, type Outcome } from './verdict.js';

export interface HessianClaim extends Scope {
  readonly f: Expr;
  readonly vars: readonly SymNode[];
  readonly gradients: ReadonlyMap<string, Expr>;
  /** blocks[i][j] = ∇_{vec Wi}(∇_{vec Wj} f) */
  readonly blocks: readonly (readonly Expr[])[];
  /** the quadratic form ∇²f[Δ, Δ] in the differentials dWi */
  readonly bilinear: Expr;
  /** (HΔ)_W in matrix form */
  readonly hvp: ReadonlyMap<string, Expr>;
}

export interface HessianPoint {
  readonly instance?: string;
  readonly sizes: Record<string, number>;
  readonly hvpError: number;
  readonly blockError: number;
  readonly quadraticError: number;
  readonly asymmetry: number;
  readonly entrywiseError?: number;
  readonly passed: boolean;
}

export interface HessianVerdict extends Judgement {
  readonly passed: boolean;
  readonly method: string;
  readonly tolerance: number;
  readonly quadraticTolerance: number;
  readonly gradient: Verdict;
  readonly maxError: number;
  readonly points: readonly HessianPoint[];
  readonly evaluations: number;
  readonly notes?: readonly string[];
}

/** differences of the gradients carry the gradients' own rounding once more: 1e-5, not 1e-6 */
const HESSIAN_TOLERANCE = 1e-5;
export const QUADRATIC_TOLERANCE = 1e-5;
const SYMMETRY_TOLERANCE = 1e-10;

/** The stacked vec of per-variable matrices, in variable order. */
function stack(vars: readonly SymNode[], m: (v: SymNode) => Mat): Mat {
  const parts = vars.map((v) => m(v).data);
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return new Mat(out.length, 1, out);
}

/** The orthogonal projection onto the tangent space, on each column: sym(·) on a symmetric variable's part. */
function tangent(vars: readonly SymNode[], point: Point, M: Mat): Mat {
  const out = new Mat(M.rows, M.cols, Float64Array.from(M.data));
  for (let c = 0; c < M.cols; c++) {
    let k = c * M.rows;
    for (const v of vars) {
      const { rows, cols } = point.values.get(v.name)!;
      if (isSymmetricSymbol(v))
        for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out.data[k + j * rows + i] = (M.data[k + j * rows + i] + M.data[k + i * rows + j]) / 2;
      k += rows * cols;
    }
  }
  return out;
}

/** The full Hessian from its blocks, rows and columns in variable order. */
function assemble(claim: HessianClaim, at: PointContext): Mat {
  const blocks = claim.blocks.map((row) => row.map((b) => at.eval(b)));
  const N = blocks.reduce((s, row) => s + row[0].rows, 0);
  const H = Mat.zeros(N, N);
  let r0 = 0;
  for (const row of blocks) {
    let c0 = 0;
    for (const B of row) {
      for (let c = 0; c < B.cols; c++) for (let r = 0; r < B.rows; r++) H.data[(c0 + c) * N + r0 + r] = B.data[c * B.rows + r];
      c0 += B.cols;
    }
    r0 += row[0].rows;
  }
  return H;
}

/** The point with the differentials dW set to the direction: where the bilinear form and the HVP are evaluated. */
function withDirections(point: Point, V: ReadonlyMap<string, Mat>): Evaluator {
  const values = new Map(point.values);
  for (const [name, D] of V) values.set('d' + name, D);
  return new Evaluator({ sizes: point.sizes, values });
}

/** H with the diagonal block of each symmetric variable projected onto its tangent space on both sides: symmetric exactly when the blocks are consistent. */
function consistencyView(vars: readonly SymNode[], point: Point, H: Mat): Mat {
  const PHP = transpose(tangent(vars, point, transpose(tangent(vars, point, H))));
  const out = new Mat(H.rows, H.cols, Float64Array.from(H.data));
  let k = 0;
  for (const v of vars) {
    const n = point.values.get(v.name)!.data.length;
    if (isSymmetricSymbol(v)) for (let c = k; c < k + n; c++) for (let r = k; r < k + n; r++) out.data[c * H.rows + r] = PHP.data[c * H.rows + r];
    k += n;
  }
  return out;
}

const larger = (a: Scales, b: Scales): Scales => ({ terms: Math.max(a.terms, b.terms), largest: Math.max(a.largest, b.largest) });

const worst = (outcomes: Outcome[]): Outcome => (outcomes.includes('differ') ? 'differ' : outcomes.includes('unclear') ? 'unclear' : 'agree');

export function checkHessian(claim: HessianClaim, opts: CheckOptions = {}): HessianVerdict {
  const tolerance = opts.tolerance ?? HESSIAN_TOLERANCE;
  const gradient = checkDerivative({ ...claim, claims: claim.gradients, kind: 'gradient' }, { ...opts, tolerance: DEFAULT_TOLERANCE });
  const rng = new Rng((opts.seed ?? DEFAULT_SEED) + 1);
  const vars = claim.vars;
  const sampler = new Sampler(claim, [claim.f, ...claim.gradients.values(), ...claim.blocks.flat()], rng, { sizes: opts.sizes });
  let evaluations = gradient.evaluations;

  const d = decide(sampler, opts.points ?? 3, (s: Sample) => {
    const { point, at } = s;
    const P = (M: Mat) => tangent(vars, point, M);
    const H = assemble(claim, at);
    const f = (p: PointContext) => {
      evaluations++;
      return p.eval(claim.f);
    };
    const gradients = (p: PointContext) => {
      evaluations++;
      return stack(vars, (v) => p.eval(claim.gradients.get(v.name)!));
    };
    const outcomes: Outcome[] = [];
    let counterexample: Counterexample | undefined;
    const judge = (a: Mat, b: Mat | undefined, tol: number, noise: Noise = 0, direction?: ReadonlyMap<string, Mat>) => {
      if (!b) {
        outcomes.push('unclear');
        return NaN;
      }
      const c = compare(a, b, tol, noise);
      outcomes.push(c.outcome);
      if (c.outcome === 'differ') counterexample ??= { sizes: Object.fromEntries(point.sizes), values: point.values, left: a, right: b, ...(direction ? { direction } : {}) };
      return c.error;
    };
    const U = unitDirection(vars, point.sizes, rng), V = unitDirection(vars, point.sizes, rng);
    const fScales = roundingScales(claim.f, at), gradientScales = vars.map((w) => roundingScales(claim.gradients.get(w.name)!, at)).reduce(larger);
    const u = stack(vars, (v) => U.get(v.name)!), v = stack(vars, (w) => V.get(w.name)!);
    // consistency: H[Wi, Wj] = H[Wj, Wi]ᵀ, and each diagonal block symmetric on the tangent space
    const asymmetry = judge(consistencyView(vars, point, H), transpose(consistencyView(vars, point, H)), SYMMETRY_TOLERANCE);
    // Uᵀ H V and ∇²f[V, V] against second differences of f
    const fUV = mixed((s1, t) => f(along(along(at, U, s1), V, t)), fScales);
    const blockError = judge(Mat.scalar(dot(u, matmul(H, v))), fUV?.value, tolerance, fUV, V);
    const atV = withDirections(point, V);
    const fVV = mixed((s1, t) => f(along(along(at, V, s1), V, t)), fScales);
    const quadraticError = judge(atV.eval(claim.bilinear), fVV?.value, QUADRATIC_TOLERANCE, fVV, V);
    // H·V and the HVP expressions against differences of the gradients along V, on the tangent space
    const Hv = slope((t) => gradients(along(at, V, t)), gradientScales);
    const hvpError = judge(P(stack(vars, (w) => atV.eval(claim.hvp.get(w.name)!))), Hv && P(Hv.value), tolerance, Hv, V);
    const columnError = judge(P(matmul(H, v)), Hv && P(Hv.value), tolerance, Hv, V);
    let entrywiseError: number | undefined;
    if (H.rows <= (opts.entrywiseLimit ?? 40)) {
      entrywiseError = 0;
      for (const e of coordinateDirections(vars, point)) {
        const He = slope((t) => gradients(along(at, e, t)), gradientScales);
        const err = judge(P(matmul(H, stack(vars, (w) => e.get(w.name)!))), He && P(He.value), tolerance, He, e);
        if (!Number.isNaN(err)) entrywiseError = Math.max(entrywiseError, err);
      }
    }
    const outcome = worst(outcomes);
    const report: HessianPoint = {
      sizes: Object.fromEntries(point.sizes), hvpError, blockError: Math.max(blockError, columnError), quadraticError, asymmetry, entrywiseError, passed: outcome === 'agree',
    };
    return { outcome, counterexample, report };
  });
  const status = combined([gradient.status, d.status]);
  const reports = d.results.map((r) => r.report);
  const maxError = Math.max(gradient.maxError, ...reports.map((p) => Math.max(p.hvpError, p.blockError, p.entrywiseError ?? 0, p.quadraticError * (tolerance / QUADRATIC_TOLERANCE))));
  const reason = status === 'unchecked' ? (gradient.reason ?? d.reason) : undefined;
  const counterexample = status === 'fails' ? (d.counterexample ?? gradient.counterexample) : undefined;
  return {
    status,
    passed: status === 'holds',
    ...(reason ? { reason } : {}),
    ...(counterexample ? { counterexample } : {}),
    method:
      'gradients against central differences of f; Uᵀ·H·V and ∇²f[V,V] against mixed second differences of f (Richardson, h = 4e-3, 2e-3, 1e-3); H·V and the matrix-form HVP against differences of the gradients, on the tangent space; consistency of the blocks; columns entry by entry for ≤ 40 parameters',
    tolerance,
    quadraticTolerance: QUADRATIC_TOLERANCE,
    gradient,
    maxError,
    points: reports,
    evaluations,
    notes: samplingNotes(sampler, d),
  };
}

/** ∇²f[V, V] (an expression in the differentials dW of `vars`) against the second difference of f along V, at one point. */
export function judgeQuadratic(f: Expr, quadratic: Expr, vars: readonly SymNode[], s: Sample, rng: Rng): { outcome: Outcome; error: number; counterexample?: Counterexample; evaluations: number } {
  const V = unitDirection(vars, s.point.sizes, rng);
  const q = withDirections(s.point, V).eval(quadratic);
  let evaluations = 0;
  const fd = mixed((a, b) => {
    evaluations++;
    return along(along(s.at, V, a), V, b).eval(f);
  }, roundingScales(f, s.at));
  if (!fd) return { outcome: 'unclear', error: NaN, evaluations };
  const c = compare(q, fd.value, QUADRATIC_TOLERANCE, fd);
  const counterexample = c.outcome === 'differ' ? { sizes: Object.fromEntries(s.point.sizes), values: s.point.values, left: q, right: fd.value, direction: V } : undefined;
  return { ...c, ...(counterexample ? { counterexample } : {}), evaluations };
}
