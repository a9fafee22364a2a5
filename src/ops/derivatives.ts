// Derivative operators as expressions, for derivation steps and documents: grad(f, X) = ∇_X f (shape of
// X), jac(F, X) = ∇_{vec X} vec F ((mn)×(pq), denominator layout), hess(f, X, Y) = ∇_{vec X}∇_{vec Y} f.
// They are inert for the engine (a step that contains one is checked, not differentiated) and are
// evaluated by finite differences of their argument — never by the engine, so a checker that evaluates
// them does not trust what it checks.
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { derivative as derivativeOp } from '../expr/build.js';
import { dimMul, isOne } from '../expr/dim.js';
import { UnsupportedError } from '../expr/errors.js';
import { isScalarShape, shape, shapeEq, shapeText } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register, type EvalContext, type PointContext, type Printer } from './registry.js';
import { delimit } from './delimiters.js';
import { needShape } from './util.js';

const H = 1e-4;

function variable(node: OpNode, i: number): SymNode {
  const x = node.args[i];
  if (x.kind !== 'sym' || x.delta) throw new Error(`${node.op}: argument ${i + 1} must be a declared symbol`);
  return x;
}

/** Richardson-extrapolated central difference of t ↦ g(t) at 0 (error O(h⁴)). */
export function derivative(g: (t: number) => Mat, h: number): Mat {
  const D = (s: number) => {
    const a = g(s), b = g(-s);
    return new Mat(a.rows, a.cols, a.data.map((v, i) => (v - b.data[i]) / (2 * s)));
  };
  const d1 = D(h), d2 = D(h / 2);
  return new Mat(d1.rows, d1.cols, d1.data.map((v, i) => (4 * d2.data[i] - v) / 3));
}

/** ∂F/∂x_k for every entry k of the symbol X (at its current value in ctx). */
function partials(ctx: PointContext, F: (c: PointContext) => Mat, X: SymNode, h: number): Mat[] {
  const x0 = ctx.valueOf(X.name);
  return Array.from(x0.data, (_, k) =>
    derivative((t) => {
      const x = new Mat(x0.rows, x0.cols, Float64Array.from(x0.data));
      x.data[k] += t;
      return F(ctx.with(X.name, x));
    }, h),
  );
}

/** Columns (one per entry of X) side by side: row k of the result is ∂ vec F / ∂ (vec X)_k. */
function stackRows(ps: readonly Mat[]): Mat {
  const rows = ps.length, cols = ps[0]?.data.length ?? 0;
  const J = Mat.zeros(rows, cols);
  ps.forEach((p, k) => p.data.forEach((v, j) => (J.data[j * rows + k] = v)));
  return J;
}

/** Derivative operators difference their argument: they need the tree evaluator, not a compiled program. */
export function movable(ctx: EvalContext): PointContext {
  if (!('with' in ctx)) throw new UnsupportedError('derivative operators (grad, jac, diff, hess) are evaluated by the tree evaluator only');
  return ctx as PointContext;
}

const inert = (what: string) => () => {
  throw new UnsupportedError(`differentiating ${what} itself is not supported: write the derivative out`);
};

/**
 * ∇ reaches to the end of a product: in LaTeX (∇_x u) v needs its parentheses, u ∇_x v and ∇_x uᵀv do not
 * (Zhou & Liang (92): ∇_{vec(W_k)} ½ vec(e)ᵀvec(e)); jac(u, x)*v needs none.
 */
const REACHES_RIGHT = { precedence: PREC.mul, textPrecedence: PREC.atom, reachesRight: true };

/** The subscript of ∇: vec(X) for a matrix, x itself for a vector (vec of a vector is the vector). */
const wrtLatex = (x: Expr, p: Printer) => (isOne(x.shape.cols) ? p(x) : `\\operatorname{vec}(${p(x)})`);

/** What ∇ applies to: a product needs no parentheses (∇ reaches right), a sum does. */
const operand = (e: Expr, p: Printer) => p(e, PREC.mul);

register({
  name: 'grad',
  functions: [{ name: 'grad', args: ['expr', 'expr'], build: ([f, x]) => derivativeOp('grad', [f as Expr, x as Expr]), help: 'grad(f, X): ∇_X f, evaluated by finite differences (for derivation steps)', doc: { usage: '`grad(f, X)`', meaning: '∇_X f, the gradient (shape of X), evaluated by finite differences: for the steps of derivation documents ([documents.md](documents.md))', rules: 'f scalar; X a declared symbol' } }],
  ...REACHES_RIGHT,
  shape(args) {
    if (!isScalarShape(args[0].shape)) throw needShape('grad', args[0], 'grad(f, X) needs a scalar f; use jac(F, X) for a matrix F');
    return args[1].shape;
  },
  differential: inert('grad(f, X)'),
  evaluate(node, _args, ctx0) {
    const ctx = movable(ctx0);
    const X = variable(node, 1);
    const x0 = ctx.valueOf(X.name);
    const ps = partials(ctx, (c) => c.eval(node.args[0]), X, H);
    return new Mat(x0.rows, x0.cols, Float64Array.from(ps.map((p) => p.data[0])));
  },
  text: (n, p) => `grad(${p(n.args[0])}, ${p(n.args[1])})`,
  latex: (n, p) => `\\nabla_{${p(n.args[1])}} ${operand(n.args[0], p)}`,
});

register({
  name: 'jac',
  functions: [{ name: 'jac', args: ['expr', 'expr'], build: ([f, x]) => derivativeOp('jac', [f as Expr, x as Expr]), help: 'jac(F, X): ∇_{vec X} vec F in denominator layout, evaluated by finite differences', doc: { usage: '`jac(F, X)`', meaning: '∇_{vec X} vec F in denominator layout ((mn)×(pq)), evaluated by finite differences', rules: 'X a declared symbol' } }],
  ...REACHES_RIGHT,
  shape: ([F, X]) => shape(dimMul(X.shape.rows, X.shape.cols), dimMul(F.shape.rows, F.shape.cols)),
  differential: inert('jac(F, X)'),
  evaluate: (node, _args, ctx) => stackRows(partials(movable(ctx), (c) => c.eval(node.args[0]), variable(node, 1), H)),
  text: (n, p) => `jac(${p(n.args[0])}, ${p(n.args[1])})`,
  // vec of a vector is the vector itself: ∇_{vec(W)} vec(e), as ZL (93) writes it, not vec(vec(e))
  latex: (n, p) => {
    const F = n.args[0];
    const body = isScalarShape(F.shape) || isOne(F.shape.cols) ? operand(F, p) : `\\operatorname{vec}${delimit(p(F))}`;
    return `\\nabla_{${wrtLatex(n.args[1], p)}} ${body}`;
  },
});

/** diff(F, X1, V1, …, Xk, Vk): the variables and their directions, in pairs. */
function pairs(node: OpNode): [SymNode, OpNode['args'][number]][] {
  const out: [SymNode, OpNode['args'][number]][] = [];
  for (let i = 1; i + 1 < node.args.length; i += 2) out.push([variable(node, i), node.args[i + 1]]);
  return out;
}

/** Every direction is the differential of its variable (V = dX): the node is the differential dF itself. */
export function isTotalDifferential(node: OpNode): boolean {
  return pairs(node).every(([x, v]) => v.kind === 'sym' && v.delta && v.name === x.name);
}

register({
  name: 'diff',
  functions: [{ name: 'diff', args: ['expr', 'expr', 'expr'], build: ([f, x, v]) => derivativeOp('diff', [f as Expr, x as Expr, v as Expr], 1), help: 'diff(F, X, V): the differential dF in the direction V, evaluated by finite differences', word: true, doc: { usage: '`diff(F, X, V)`', meaning: 'the differential dF in the direction V (d/dt F(X + tV) at t = 0), evaluated by finite differences', rules: 'X a declared symbol; V shaped like X' } }],
  // closed on the right by its direction (d_X F[V]) or by its parentheses (d(F)): an atom
  precedence: PREC.atom,
  shape(args) {
    if (args.length < 3 || args.length % 2 === 0) throw needShape('diff', args[0], 'diff(F, X, V) takes a function, then variables and directions in pairs');
    for (let i = 1; i + 1 < args.length; i += 2)
      if (!shapeEq(args[i].shape, args[i + 1].shape)) throw needShape('diff', args[i + 1], `the direction must have the shape of the variable (${shapeText(args[i].shape)})`);
    return args[0].shape;
  },
  differential: inert('diff(F, X, V)'),
  // dF[V] = d/dt F(X + tV) at t = 0; with several variables, all move together: d/dt F(X1 + tV1, …, Xk + tVk)
  evaluate(node, _args, ctx0) {
    const ctx = movable(ctx0);
    const [F] = node.args;
    const moves = pairs(node).map(([X, V]) => ({ name: X.name, x0: ctx.valueOf(X.name), v: ctx.eval(V) }));
    return derivative((t) => {
      let c: PointContext = ctx;
      for (const m of moves) c = c.with(m.name, new Mat(m.x0.rows, m.x0.cols, m.x0.data.map((a, i) => a + t * m.v.data[i])));
      return c.eval(F);
    }, 1e-3);
  },
  text: (n, p) => (isTotalDifferential(n) ? `d(${p(n.args[0])})` : `diff(${n.args.map((a) => p(a)).join(', ')})`),
  latex: (n, p) => {
    const F = n.args[0];
    // \\, keeps a factor apart from the d: a d(‖w‖²), not ad(‖w‖²)
    if (isTotalDifferential(n)) return F.kind === 'sym' ? `\\,\\mathrm{d}${p(F)}` : `\\,\\mathrm{d}${delimit(p(F))}`;
    return `\\mathrm{d}_{${pairs(n).map(([x]) => p(x)).join(',')}} ${p(F, PREC.mul + 1)}${delimit(pairs(n).map(([, v]) => p(v)).join(', '), '[', ']')}`;
  },
});

register({
  name: 'hess',
  functions: [{ name: 'hess', args: ['expr', 'expr', 'expr'], build: ([f, x, y]) => derivativeOp('hess', [f as Expr, x as Expr, y as Expr]), help: 'hess(f, X, Y): ∇_{vec X}∇_{vec Y} f, evaluated by finite differences', doc: { usage: '`hess(f, X, Y)`', meaning: '∇_{vec X}∇_{vec Y} f, a Hessian block, evaluated by finite differences', rules: 'f scalar; X, Y declared symbols' } }],
  ...REACHES_RIGHT,
  shape([f, X, Y]) {
    if (!isScalarShape(f.shape)) throw needShape('hess', f, 'hess(f, X, Y) needs a scalar f');
    return shape(dimMul(X.shape.rows, X.shape.cols), dimMul(Y.shape.rows, Y.shape.cols));
  },
  differential: inert('hess(f, X, Y)'),
  // ∇_{vec X}∇_{vec Y} f: the partials in X of the finite-difference gradient in Y
  evaluate(node, _args, ctx0) {
    const ctx = movable(ctx0);
    const [f] = node.args;
    const X = variable(node, 1), Y = variable(node, 2);
    const gradY = (c: PointContext) => {
      const ps = partials(c, (d) => d.eval(f), Y, H);
      return new Mat(ps.length, 1, Float64Array.from(ps.map((p) => p.data[0])));
    };
    return stackRows(partials(ctx, gradY, X, 1e-2));
  },
  text: (n, p) => `hess(${p(n.args[0])}, ${p(n.args[1])}, ${p(n.args[2])})`,
  // ∇²_{vec(W_k)} h for one variable; ∇_{vec(W_k′)}(∇_{vec(W_k)} h) for a block, as Zhou & Liang (98) write it
  latex: (n, p) => {
    const [f, X, Y] = n.args;
    if (X === Y) return `\\nabla^2_{${wrtLatex(X, p)}} ${operand(f, p)}`;
    return `\\nabla_{${wrtLatex(X, p)}}${delimit(`\\nabla_{${wrtLatex(Y, p)}} ${operand(f, p)}`)}`;
  },
});

