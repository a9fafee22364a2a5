// Sums. Simplification flattens nested sums, merges like terms (c₁A + c₂A = (c₁+c₂)A), drops zeros and
// orders terms structurally.
import { Expr, OpNode, isNum, isOp, num } from '../expr/ast.js';
import { add, eye, mul, scale, T, zeroLike } from '../expr/build.js';
import { isScalarShape, shapeEq } from '../expr/shape.js';
import { dimMul } from '../expr/dim.js';
import { add as addMat } from '../numeric/mat.js';
import { linearCombination } from '../numeric/kernels.js';
import { compareTerms } from '../rewrite/order.js';
import { CODE_PREC, PREC, register, type EmitFn, type Printer } from './registry.js';
import { shapeMismatch } from './util.js';

/** Split a term into numeric coefficient and the rest: -2·A → [-2, A]. */
export function splitCoefficient(e: Expr): [number, Expr] {
  if (e.kind === 'num') return [e.value, num(1)];
  if (isOp(e, 'mul') && e.args[0].kind === 'num') {
    const rest = e.args.slice(1);
    return [e.args[0].value, rest.length === 1 ? rest[0] : mul(...rest)];
  }
  return [1, e];
}

function isZero(e: Expr): boolean {
  return isNum(e, 0) || isOp(e, 'zeros');
}

/** Terms joined by + and −: a negative coefficient prints as a subtraction (same in text and LaTeX). */
function printSum(node: OpNode, p: Printer): string {
  return node.args
    .map((a, i) => {
      const [c, rest] = splitCoefficient(a);
      if (i > 0 && c < 0) return ' - ' + p(scale(-c, rest), PREC.mul);
      return (i > 0 ? ' + ' : '') + p(a, PREC.add);
    })
    .join('');
}

/** a + b - 2*c: a term with a negative coefficient is subtracted. */
const emitArithmetic: EmitFn = (node, c) =>
  node.args
    .map((a, i) => {
      const [k, rest] = splitCoefficient(a);
      if (i > 0 && k < 0) return ' - ' + c.code(scale(-k, rest), CODE_PREC.mul);
      return (i > 0 ? ' + ' : '') + c.code(a, CODE_PREC.add);
    })
    .join('');

/** TypeScript matrices: lin(a, c, b) = a + c·b, folded over the terms. */
const emitTs: EmitFn = (node, c) => {
  if (isScalarShape(node.shape)) return emitArithmetic(node, c);
  return node.args.slice(1).reduce((acc, a) => {
    const [k, rest] = splitCoefficient(a);
    return `${c.helper('lin')}(${acc}, ${c.num(k)}, ${c.code(rest)})`;
  }, c.code(node.args[0]));
};

register({
  name: 'add',
  precedence: PREC.add,
  shape(args) {
    for (let i = 1; i < args.length; i++)
      if (!shapeEq(args[0].shape, args[i].shape))
        throw shapeMismatch('a sum', args[0], args[i], 'terms of a sum must have the same shape');
    return args[0].shape;
  },
  differential(node, d) {
    const parts = node.args.map(d).filter((x): x is Expr => x !== null);
    return parts.length === 0 ? null : add(...parts);
  },
  adjoint: (_n, _i, U) => U,
  vecLinear: (n) => eye(dimMul(n.shape.rows, n.shape.cols)),
  evaluate: (_n, args) => args.reduce(addMat),
  text: (node, p) => printSum(node, p),
  latex: (node, p) => printSum(node, p),
  simplify(node) {
    const coef = new Map<Expr, number>();
    const order: Expr[] = [];
    let changed = false;
    const visit = (e: Expr, c: number) => {
      if (isOp(e, 'add')) {
        changed = true;
        for (const t of e.args) visit(t, c);
        return;
      }
      if (isZero(e)) {
        changed = true;
        return;
      }
      const [k, base] = splitCoefficient(e);
      const prev = coef.get(base);
      if (prev === undefined) order.push(base);
      else changed = true;
      coef.set(base, (prev ?? 0) + c * k);
    };
    for (const a of node.args) visit(a, 1);
    const bases = order.filter((b) => coef.get(b) !== 0);
    if (bases.length !== order.length) changed = true;
    if (bases.length === 0) return zeroLike(node);
    // positive terms first (W2ᵀW2 − W1XXᵀW1ᵀ), then the structural order
    const sorted = [...bases].sort((a, b) => Number(coef.get(a)! < 0) - Number(coef.get(b)! < 0) || compareTerms(a, b));
    if (!changed && sorted.every((b, i) => b === bases[i])) return node;
    const terms = sorted.map((b) => (isNum(b, 1) ? num(coef.get(b)!) : scale(coef.get(b)!, b)));
    return terms.length === 1 ? terms[0] : add(...terms);
  },
  emit: { numpy: emitArithmetic, torch: emitArithmetic, ts: emitTs },
  // c₁X₁ + c₂X₂ + … in one pass, the coefficients read off the terms
  kernel(node) {
    const terms = node.args.map(splitCoefficient);
    const coefs = terms.map(([c]) => c);
    return { inputs: terms.map(([, x]) => x), run: (out, ins) => linearCombination(out, coefs, ins) };
  },
  transpose: (node) => (isScalarShape(node.shape) ? node : add(...node.args.map(T))),
});

