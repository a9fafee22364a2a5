// Sums. Simplification flattens nested sums, merges like terms (c₁A + c₂A = (c₁+c₂)A), drops zeros and
// orders terms structurally.
import { Expr, OpNode, isNum, isOp, isScalar, num } from '../expr/ast.js';
import { add, eye, isZero, mul, ones, scale, T, zeroLike } from '../expr/build.js';
import { isScalarShape, shapeEq } from '../expr/shape.js';
import { dimMul } from '../expr/dim.js';
import { add as addMat } from '../numeric/mat.js';
import { linearCombination } from './kernels.js';
import { compareTerms } from '../expr/order.js';
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

const SUM_SHAPES = 'terms of a sum must have the same shape';

/**
 * a + b as papers write it: a scalar added to a vector or matrix stands for that scalar times a matrix of
 * ones (1 − σ(z), X − 10). Nothing else broadcasts: a column added to a matrix is a shape error.
 */
export function broadcastSum(...terms: Expr[]): Expr {
  const matrices = terms.filter((t) => !isScalar(t));
  if (matrices.length === 0 || matrices.length === terms.length) return add(...terms);
  for (const m of matrices) if (!shapeEq(m.shape, matrices[0].shape)) throw shapeMismatch('a sum', matrices[0], m, SUM_SHAPES);
  const { rows, cols } = matrices[0].shape;
  return add(...terms.map((t) => (isScalar(t) ? mul(t, ones(rows, cols)) : t)));
}

/** The scalar s of a term s·1 (ones(m, n), 2*ones(m, n), a*ones(m, n)); undefined for any other term. */
function broadcastScalar(e: Expr): Expr | undefined {
  if (isOp(e, 'ones')) return num(1);
  if (!isOp(e, 'mul')) return undefined;
  const scalars = e.args.slice(0, -1);
  return isOp(e.args[e.args.length - 1], 'ones') && scalars.every(isScalar) ? mul(...scalars) : undefined;
}

/**
 * The terms as they are printed: in a sum of matrices that is not all constants, s·1 prints as the
 * scalar s (1 - tanh(Z).^2), which reads back as the same sum.
 */
function shownTerms(node: OpNode): readonly Expr[] {
  if (isScalar(node)) return node.args;
  const scalars = node.args.map(broadcastScalar);
  return scalars.every((s) => s !== undefined) ? node.args : node.args.map((a, i) => scalars[i] ?? a);
}

/** Terms joined by + and −: a negative coefficient prints as a subtraction (same in text and LaTeX). */
function printSum(node: OpNode, p: Printer): string {
  return shownTerms(node)
    .map((a, i) => {
      const [c, rest] = splitCoefficient(a);
      if (i > 0 && c < 0) return ' - ' + p(scale(-c, rest), PREC.mul);
      return (i > 0 ? ' + ' : '') + p(a, PREC.add);
    })
    .join('');
}

/** a + b - 2*c: a term with a negative coefficient is subtracted; NumPy and PyTorch broadcast s·1 as s. */
const emitArithmetic: EmitFn = (node, c) =>
  shownTerms(node)
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
  helpers: {
    ts: {
      lin: {
        deps: ['mat'],
        source: `/** a + c·b, entrywise. */
function lin(a: Matrix, c: number, b: Matrix): Matrix {
  const out = mat(a.rows, a.cols), o = out.data, x = a.data, y = b.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + c * y[i];
  return out;
}`,
      },
    },
  },
  rules: `
rule d-sum-of-terms
  says: d(U + W) = dU + dW
  lhs: diff(U + W, X, V)
  rhs: diff(U, X, V) + diff(W, X, V)
  where: U: m x n; W: m x n; X: r x s; V: r x s; P: m x r; Q: s x n; R: m x r; S: s x n
  check: U = tanh(P*X*Q); W = sin(R*X*S)
  cite: Magnus & Neudecker (2019), ch. 8, Table 1
`,
  precedence: PREC.add,
  shape(args) {
    for (let i = 1; i < args.length; i++)
      if (!shapeEq(args[0].shape, args[i].shape))
        throw shapeMismatch('a sum', args[0], args[i], SUM_SHAPES);
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

