// The Riemannian gradient and Hessian on the unit sphere (Ma §2.3; Absil, Mahony & Sepulchre §3.6, 5.5),
// for a variable declared `x: n unit`: rgrad(f, x) and rhess(f, x). They are evaluated from their
// definitions, by differences of f along geodesics γ_v(t) = x cos(t‖v‖) + (v/‖v‖) sin(t‖v‖) through x in
// the directions v of an orthonormal basis u₁ … u_{n−1} of the tangent space xᵀz = 0:
//   ⟨u_k, grad f(x)⟩ = d/dt f(γ_{u_k}(t))|₀,   ⟨v, Hess f(x) v⟩ = d²/dt² f(γ_v(t))|₀,
// the off-diagonal entries by polarisation, ⟨u_k, Hess u_l⟩ = ¼(q(u_k + u_l) − q(u_k − u_l)). Both are
// returned as n×n / n×1 matrices in ambient coordinates that vanish on the normal direction x, so that
// a document can compare them with P_x ∇f and P_x ∇²f P_x − (xᵀ∇f) P_x — formulas this evaluation
// does not use.
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { derivative as derivativeOp } from '../expr/build.js';
import { isOne } from '../expr/dim.js';
import { ShapeError, UnsupportedError } from '../expr/errors.js';
import { isScalarShape, shape } from '../expr/shape.js';
import { tangentBasis } from './linalg.js';
import { Mat } from '../numeric/mat.js';
import { mixed, movable, slope } from '../numeric/differences.js';
import { PREC, register, type PointContext } from './registry.js';

/** How far from the sphere a point may be (rounding of a normalised vector is ~1e-16). */
const ON_SPHERE = 1e-8;

function sphereVariable(node: OpNode): SymNode {
  const x = node.args[1];
  if (x.kind !== 'sym' || x.delta) throw new ShapeError(`${node.op}(f, x): x must be a declared symbol`);
  return x;
}

function check(name: string, f: OpNode['args'][number], x: OpNode['args'][number]): void {
  if (!isScalarShape(f.shape)) throw new ShapeError(`${name}(f, x) needs a scalar f`);
  if (x.kind !== 'sym' || x.delta) throw new ShapeError(`${name}(f, x): x must be a declared symbol`);
  if (!x.props.has('unit') || !isOne(x.shape.cols))
    throw new ShapeError(`${name}(f, ${x.name}) is the ${name === 'rgrad' ? 'gradient' : 'Hessian'} on the unit sphere: declare ${x.name} as a unit vector (${x.name}: n unit)`);
}

/** f along the geodesic through x with initial velocity v (any length). */
function alongGeodesic(ctx: PointContext, node: OpNode, x: SymNode, v: Float64Array): (t: number) => Mat {
  const x0 = ctx.valueOf(x.name).data;
  const speed = Math.hypot(...v);
  return (t) => {
    const c = Math.cos(t * speed), s = Math.sin(t * speed);
    const p = new Mat(x0.length, 1, x0.map((xi, i) => xi * c + (v[i] / speed) * s));
    return ctx.with(x.name, p).eval(node.args[0]);
  };
}

/** d²/dt² g(t) at 0, by the kernel's second differences (∂²/∂s∂t of g(s + t)); NaN without an estimate. */
const secondDerivative = (g: (t: number) => Mat): number => mixed((s, t) => g(s + t))?.value.data[0] ?? NaN;

/** The point and an orthonormal tangent basis there, or undefined off the sphere. */
function tangent(ctx: PointContext, x: SymNode): { U: Mat; n: number } | undefined {
  const x0 = ctx.valueOf(x.name);
  if (Math.abs(Math.hypot(...x0.data) - 1) > ON_SPHERE) return undefined;
  return { U: tangentBasis(x0), n: x0.data.length };
}

const column = (U: Mat, k: number) => U.data.subarray(k * U.rows, (k + 1) * U.rows);
const inert = (what: string) => () => {
  throw new UnsupportedError(`differentiating ${what} itself is not supported: write the derivative out`);
};

register({
  name: 'rgrad',
  functions: [
    {
      name: 'rgrad', args: ['expr', 'expr'], build: ([f, x]) => derivativeOp('rgrad', [f as Expr, x as Expr]),
      help: 'rgrad(f, x): the Riemannian gradient of f on the unit sphere at x (x: n unit), evaluated by differences along geodesics',
      doc: { usage: '`rgrad(f, x)`', meaning: 'the Riemannian gradient of f on the unit sphere at x (n×1)', table: 'sphere' },
    },
  ],
  precedence: PREC.mul,
  textPrecedence: PREC.atom,
  shape([f, x]) {
    check('rgrad', f, x);
    return x.shape;
  },
  differential: inert('rgrad(f, x)'),
  evaluate(node, _args, ctx0) {
    const ctx = movable(ctx0);
    const x = sphereVariable(node);
    const t = tangent(ctx, x);
    if (!t) return Mat.fill(ctx.valueOf(x.name).rows, 1, NaN);
    const out = Mat.zeros(t.n, 1);
    for (let k = 0; k < t.n - 1; k++) {
      const u = column(t.U, k);
      const d = slope(alongGeodesic(ctx, node, x, u))?.value.data[0] ?? NaN;
      for (let i = 0; i < t.n; i++) out.data[i] += d * u[i];
    }
    return out;
  },
  text: (n, p) => `rgrad(${p(n.args[0])}, ${p(n.args[1])})`,
  latex: (n, p) => `\\operatorname{grad}_{${p(n.args[1])}} ${p(n.args[0], PREC.mul + 1)}`,
});

register({
  name: 'rhess',
  functions: [
    {
      name: 'rhess', args: ['expr', 'expr'], build: ([f, x]) => derivativeOp('rhess', [f as Expr, x as Expr]),
      help: 'rhess(f, x): the Riemannian Hessian of f on the unit sphere at x (x: n unit), as an n×n matrix vanishing on x, evaluated by differences along geodesics',
      doc: { usage: '`rhess(f, x)`', meaning: 'the Riemannian Hessian of f on the unit sphere at x (n×n, zero on x)', table: 'sphere' },
    },
  ],
  precedence: PREC.mul,
  textPrecedence: PREC.atom,
  shape([f, x]) {
    check('rhess', f, x);
    return shape(x.shape.rows, x.shape.rows);
  },
  differential: inert('rhess(f, x)'),
  evaluate(node, _args, ctx0) {
    const ctx = movable(ctx0);
    const x = sphereVariable(node);
    const t = tangent(ctx, x);
    if (!t) {
      const n = ctx.valueOf(x.name).rows;
      return Mat.fill(n, n, NaN);
    }
    const m = t.n - 1;
    const q = (v: Float64Array) => secondDerivative(alongGeodesic(ctx, node, x, v));
    const h = new Float64Array(m * m);
    for (let k = 0; k < m; k++) h[k * m + k] = q(column(t.U, k));
    for (let k = 0; k < m; k++)
      for (let l = k + 1; l < m; l++) {
        const uk = column(t.U, k), ul = column(t.U, l);
        h[k * m + l] = h[l * m + k] = (q(uk.map((a, i) => a + ul[i])) - q(uk.map((a, i) => a - ul[i]))) / 4;
      }
    // H = U h Uᵀ in ambient coordinates
    const out = Mat.zeros(t.n, t.n);
    for (let k = 0; k < m; k++)
      for (let l = 0; l < m; l++) {
        const c = h[l * m + k];
        if (c === 0) continue;
        const uk = column(t.U, k), ul = column(t.U, l);
        for (let j = 0; j < t.n; j++) for (let i = 0; i < t.n; i++) out.data[j * t.n + i] += c * uk[i] * ul[j];
      }
    return out;
  },
  text: (n, p) => `rhess(${p(n.args[0])}, ${p(n.args[1])})`,
  latex: (n, p) => `\\operatorname{Hess}_{${p(n.args[1])}} ${p(n.args[0], PREC.mul + 1)}`,
});
