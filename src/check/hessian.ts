// The numerical verdict on second derivatives. Like the gradient checker it knows nothing of how the
// results were obtained. At each random point (satisfying the assumptions, e.g. Y := W2 W1 X):
// - the gradients are checked against central differences of f (checkDerivative);
// - Hessian-vector products: H·V (from the vec blocks, and from the matrix-form HVP expressions) against
//   central differences of the gradients along a random direction V (Richardson, O(h⁴));
// - the quadratic form ∇²f[V, V] against the second central difference of f along V (independent of
//   the gradients; tolerance 1e-5 because second differences lose more digits to cancellation);
// - symmetry of the assembled Hessian; and, for ≤ 40 parameters, every column of it entry by entry.
import type { Expr, SymNode } from '../expr/ast.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { axpy, frob, Mat, matmul, transpose } from '../numeric/mat.js';
import { Rng } from '../numeric/random.js';
import {
  checkDerivative, coordinateDirections, sizeNear, DEFAULT_TOLERANCE, perturbed, PointSampler, relativeError, richardson,
  richardson2, unitDirection, type CheckOptions, type Verdict,
} from './derivative.js';

export interface HessianClaim {
  readonly f: Expr;
  readonly vars: readonly SymNode[];
  readonly gradients: ReadonlyMap<string, Expr>;
  /** blocks[i][j] = ∇_{vec Wi}(∇_{vec Wj} f) */
  readonly blocks: readonly (readonly Expr[])[];
  /** the quadratic form ∇²f[Δ, Δ] in the differentials dWi */
  readonly bilinear: Expr;
  /** (HΔ)_W in matrix form */
  readonly hvp: ReadonlyMap<string, Expr>;
  readonly symbols: readonly SymNode[];
  readonly dims: ReadonlySet<string>;
  readonly assign?: readonly (readonly [string, Expr])[];
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

export interface HessianVerdict {
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

const HESSIAN_TOLERANCE = 1e-5;
export const QUADRATIC_TOLERANCE = 1e-5;
const SYMMETRY_TOLERANCE = 1e-10;

function withDirections(point: Point, dir: ReadonlyMap<string, Mat>): Point {
  const values = new Map(point.values);
  for (const [k, v] of dir) values.set('d' + k, v);
  return { sizes: point.sizes, values };
}

/** The stacked vec of per-variable matrices, in variable order. */
function stack(vars: readonly SymNode[], m: ReadonlyMap<string, Mat>): Mat {
  const parts = vars.map((v) => m.get(v.name)!.data);
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return new Mat(out.length, 1, out);
}

/** The full Hessian from its blocks, rows and columns in variable order. */
function assemble(claim: HessianClaim, ev: Evaluator): Mat {
  const blocks = claim.blocks.map((row) => row.map((b) => ev.eval(b)));
  const sizes = blocks.map((row) => row[0].rows);
  const N = sizes.reduce((s, n) => s + n, 0);
  const H = Mat.zeros(N, N);
  let r0 = 0;
  blocks.forEach((row, i) => {
    let c0 = 0;
    row.forEach((B) => {
      for (let c = 0; c < B.cols; c++) for (let r = 0; r < B.rows; r++) H.data[(c0 + c) * N + r0 + r] = B.data[c * B.rows + r];
      c0 += B.cols;
    });
    r0 += sizes[i];
  });
  return H;
}

export function checkHessian(claim: HessianClaim, opts: CheckOptions = {}): HessianVerdict {
  // differences of the gradient carry the gradient's own O(h⁴) error once more: 1e-5, not 1e-6
  const tolerance = opts.tolerance ?? HESSIAN_TOLERANCE;
  const gradient = checkDerivative(
    { f: claim.f, vars: claim.vars, claims: claim.gradients, kind: 'gradient', symbols: claim.symbols, dims: claim.dims, assign: claim.assign },
    { ...opts, tolerance: DEFAULT_TOLERANCE },
  );
  const rng = new Rng((opts.seed ?? 20261122) + 1);
  const blocks = new Map(claim.blocks.flatMap((row, i) => row.map((b, j) => [`H${i},${j}`, b] as [string, Expr])));
  const sampler = new PointSampler({ f: claim.f, claims: new Map([...claim.gradients, ...blocks]), symbols: claim.symbols, dims: claim.dims, assign: claim.assign }, rng);
  const points: HessianPoint[] = [];
  let evaluations = gradient.evaluations;
  let maxError = 0;
  for (let p = 0; p < (opts.points ?? 3); p++) {
    const { point, base } = sampler.sample();
    const H = assemble(claim, base);
    const asymmetry = frob(axpy(H, -1, transpose(H))) / Math.max(frob(H), 1e-300);
    const gradAt = (dir: ReadonlyMap<string, Mat>) => (t: number) => {
      evaluations++;
      const ev = new Evaluator(perturbed(point, claim.vars, dir, t));
      return stack(claim.vars, new Map(claim.vars.map((v) => [v.name, ev.eval(claim.gradients.get(v.name)!)])));
    };
    const V = unitDirection(claim, point.sizes, rng);
    // the size of the gradient near the point: the floor under which differences are noise
    const gNear = frob(stack(claim.vars, new Map(claim.vars.map((v) => [v.name, base.eval(claim.gradients.get(v.name)!)])))) + [1, 0.1, 0.01].map((t) => frob(gradAt(V)(t))).find(Number.isFinite)!;
    const fdHv = richardson(gradAt(V));
    const withV = new Evaluator(withDirections(point, V));
    const hvp = stack(claim.vars, new Map(claim.vars.map((v) => [v.name, withV.eval(claim.hvp.get(v.name)!)])));
    const hvpError = relativeError(hvp, fdHv, gNear);
    const blockError = relativeError(matmul(H, stack(claim.vars, V)), fdHv, gNear);
    const q = withV.eval(claim.bilinear);
    const fdQ = richardson2((t) => {
      evaluations++;
      return new Evaluator(perturbed(point, claim.vars, V, t)).eval(claim.f);
    });
    // second differences lose ~1e-9·|f| to cancellation: compare against a floor of 1e-3 of f's size
    const quadraticError = relativeError(q, fdQ, 100 * sizeNear(claim.f, claim.vars, point, base, V));
    let entrywiseError: number | undefined;
    if (H.rows <= (opts.entrywiseLimit ?? 40)) {
      entrywiseError = 0;
      for (const e of coordinateDirections(claim, point)) {
        const fd = richardson(gradAt(e));
        // symmetric variables: the coordinate direction is (E_ij + E_ji), so compare H·vec(direction)
        const Hcol = matmul(H, stack(claim.vars, e));
        entrywiseError = Math.max(entrywiseError, relativeError(Hcol, fd, gNear));
      }
    }
    const err = Math.max(hvpError, blockError, entrywiseError ?? 0);
    maxError = Math.max(maxError, err, quadraticError * (tolerance / QUADRATIC_TOLERANCE));
    const passed = err <= tolerance && quadraticError <= QUADRATIC_TOLERANCE && asymmetry <= SYMMETRY_TOLERANCE;
    points.push({ sizes: Object.fromEntries(point.sizes), hvpError, blockError, quadraticError, asymmetry, entrywiseError, passed });
  }
  return {
    passed: gradient.passed && points.every((p) => p.passed),
    method:
      'gradients against central differences of f; H·V and the matrix-form HVP against central differences of the gradients (Richardson, h = 1e-3, 5e-4); ∇²f[V,V] against the second difference of f; symmetry; columns entry by entry for ≤ 40 parameters',
    tolerance,
    quadraticTolerance: QUADRATIC_TOLERANCE,
    gradient,
    maxError: Math.max(maxError, gradient.maxError),
    points,
    evaluations,
  };
}

