// Derivative operators as expressions, for derivation steps and documents: grad(f, X) = ∇_X f (shape of
// X), jac(F, X) = ∇_{vec X} vec F ((mn)×(pq), denominator layout), hess(f, X, Y) = ∇_{vec X}∇_{vec Y} f.
// They are inert for the engine (a step that contains one is checked, not differentiated). Their numeric
// meaning, finite differences of their argument, is the checking kernel's (src/numeric/differences.ts):
// a checker that evaluates them does not trust what it checks.
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { derivative as derivativeOp } from '../expr/build.js';
import { dimMul, isOne } from '../expr/dim.js';
import { UnsupportedError } from '../expr/errors.js';
import { isScalarShape, shape, shapeEq, shapeText } from '../expr/shape.js';
import { PREC, register, type Printer } from './registry.js';
import { delimit } from './delimiters.js';
import { needShape } from './util.js';

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
  text: (n, p) => `grad(${p(n.args[0])}, ${p(n.args[1])})`,
  latex: (n, p) => `\\nabla_{${p(n.args[1])}} ${operand(n.args[0], p)}`,
});

register({
  name: 'jac',
  functions: [{ name: 'jac', args: ['expr', 'expr'], build: ([f, x]) => derivativeOp('jac', [f as Expr, x as Expr]), help: 'jac(F, X): ∇_{vec X} vec F in denominator layout, evaluated by finite differences', doc: { usage: '`jac(F, X)`', meaning: '∇_{vec X} vec F in denominator layout ((mn)×(pq)), evaluated by finite differences', rules: 'X a declared symbol' } }],
  ...REACHES_RIGHT,
  shape: ([F, X]) => shape(dimMul(X.shape.rows, X.shape.cols), dimMul(F.shape.rows, F.shape.cols)),
  differential: inert('jac(F, X)'),
  text: (n, p) => `jac(${p(n.args[0])}, ${p(n.args[1])})`,
  // vec of a vector is the vector itself: ∇_{vec(W)} vec(e), as ZL (93) writes it, not vec(vec(e))
  latex: (n, p) => {
    const F = n.args[0];
    const body = isScalarShape(F.shape) || isOne(F.shape.cols) ? operand(F, p) : `\\operatorname{vec}${delimit(p(F))}`;
    return `\\nabla_{${wrtLatex(n.args[1], p)}} ${body}`;
  },
});

function variable(node: OpNode, i: number): SymNode {
  const x = node.args[i];
  if (x.kind !== 'sym' || x.delta) throw new Error(`${node.op}: argument ${i + 1} must be a declared symbol`);
  return x;
}

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
  text: (n, p) => `hess(${p(n.args[0])}, ${p(n.args[1])}, ${p(n.args[2])})`,
  // ∇²_{vec(W_k)} h for one variable; ∇_{vec(W_k′)}(∇_{vec(W_k)} h) for a block, as Zhou & Liang (98) write it
  latex: (n, p) => {
    const [f, X, Y] = n.args;
    if (X === Y) return `\\nabla^2_{${wrtLatex(X, p)}} ${operand(f, p)}`;
    return `\\nabla_{${wrtLatex(X, p)}}${delimit(`\\nabla_{${wrtLatex(Y, p)}} ${operand(f, p)}`)}`;
  },
});

