// Hadamard (entrywise) product A ∘ B. Commutative: arguments are sorted; equal factors merge into
// entrywise powers; scalar coefficients move out.
import { Expr, OpNode, isOp, num } from '../expr/ast.js';
import { add, diag, ew, hadamard, hpow, mul, ones, T, vec, zeroLike } from '../expr/build.js';
import { isScalarShape, shapeEq } from '../expr/shape.js';
import { zip } from '../numeric/mat.js';
import { compareStructural } from '../expr/order.js';
import { entrywiseQuotient } from './elementwise.js';
import { productParts } from './mul.js';
import { CODE_PREC, PREC, register, type EmitFn } from './registry.js';
import { shapeMismatch } from './util.js';

const emitPython: EmitFn = (n, c) => n.args.map((a) => c.code(a, CODE_PREC.pow)).join(' * ');

function others(node: OpNode, i: number): Expr {
  return hadamard(...node.args.filter((_, j) => j !== i));
}

/** The entrywise powers of the factors of e: A^{∘2} ∘ B^{∘−1} ↦ {A: 2, B: −1} (numeric and scalar factors aside). */
function entrywisePowers(e: Expr, into = new Map<Expr, number>()): Map<Expr, number> {
  if (isOp(e, 'hadamard')) e.args.forEach((a) => entrywisePowers(a, into));
  else {
    const parts = productParts(e);
    const base = parts.chain.length === 1 ? parts.chain[0] : e;
    if (base !== e && isOp(base, 'hadamard')) return entrywisePowers(base, into);
    const [b, k] = isOp(base, 'hpow') ? [base.args[0], base.attrs.k!] : [base, 1];
    into.set(b, (into.get(b) ?? 0) + k);
  }
  return into;
}

/** Does a term of a sum hold a negative power of something the other factors hold (it cancels once multiplied out)? */
function cancelsAgainst(term: Expr, others: readonly Expr[]): boolean {
  const mine = entrywisePowers(term);
  const theirs = new Map<Expr, number>();
  others.forEach((o) => entrywisePowers(o, theirs));
  return [...mine].some(([b, k]) => k < 0 && (theirs.get(b) ?? 0) > 0);
}

function simplify(node: OpNode): Expr {
  if (isScalarShape(node.shape)) return mul(...node.args);
  // (A − B∘C^{∘−1})∘C = A∘C − B: distribute over a sum when one of its terms cancels against the other factors
  const i = node.args.findIndex((a, j) => isOp(a, 'add') && a.args.some((t) => cancelsAgainst(t, node.args.filter((_, k) => k !== j))));
  if (i >= 0) {
    const rest = node.args.filter((_, k) => k !== i);
    return add(...(node.args[i] as OpNode).args.map((t) => hadamard(t, ...rest)));
  }
  let coef = 1;
  const scalars: Expr[] = [];
  const powers = new Map<Expr, number>();
  const order: Expr[] = [];
  const visit = (e: Expr) => {
    if (isOp(e, 'hadamard')) return e.args.forEach(visit);
    const parts = productParts(e);
    let base: Expr = e;
    if (parts.chain.length > 0 && (parts.coef !== 1 || parts.scalars.length > 0)) {
      coef *= parts.coef;
      scalars.push(...parts.scalars);
      base = parts.chain.length === 1 ? parts.chain[0] : mul(...parts.chain);
    }
    let k = 1;
    if (isOp(base, 'hpow')) [base, k] = [base.args[0], base.attrs.k!];
    if (!powers.has(base)) order.push(base);
    powers.set(base, (powers.get(base) ?? 0) + k);
  };
  node.args.forEach(visit);
  if (order.some((b) => isOp(b, 'zeros'))) return zeroLike(node);
  for (const b of order) if (b.kind === 'sym' && b.props.has('mask') && powers.get(b)! > 0) powers.set(b, 1); // Ω ∘ Ω = Ω
  // f(A)^{∘k} ∘ g(A)^{∘−k} = (f/g)(A)^{∘k} for the entrywise quotients (sinh/cosh = tanh, eˣ/(eˣ + 1) = σ(x))
  for (const b of [...order]) {
    const k = powers.get(b)!;
    if (!isOp(b, 'ew') || k <= 0) continue;
    const a = b.args[0];
    const q = entrywiseQuotient(b.attrs.fn!);
    // eˣ/(eˣ + 1) = σ(x), the logistic function
    const one = isScalarShape(a.shape) ? num(1) : ones(a.shape.rows, a.shape.cols);
    const [over, name] = q ? [ew(q.denominator, a), q.name] : b.attrs.fn === 'exp' ? [add(b, one), 'sigmoid'] : [];
    if (!over || !name || powers.get(over) !== -k) continue;
    const ratio = ew(name, a);
    powers.set(b, 0);
    powers.set(over, 0);
    if (!powers.has(ratio)) order.push(ratio);
    powers.set(ratio, (powers.get(ratio) ?? 0) + k);
  }
  const factors = order
    .filter((b) => !isOp(b, 'ones') && powers.get(b) !== 0)
    .sort(compareStructural)
    .map((b) => (powers.get(b) === 1 ? b : hpow(b, powers.get(b)!)));
  const core = factors.length === 0 ? ones(node.shape.rows, node.shape.cols) : hadamard(...factors);
  const out = coef !== 1 || scalars.length ? mul(...(coef !== 1 ? [num(coef)] : []), ...scalars, core) : core;
  if (out === node || (isOp(out, 'hadamard') && out.args.length === node.args.length && out.args.every((a, i) => a === node.args[i]))) return node;
  return out;
}

register({
  name: 'hadamard',
  helpers: {
    ts: {
      hadamard: {
        deps: ['mat'],
        source: `function hadamard(a: Matrix, b: Matrix): Matrix {
  const out = mat(a.rows, a.cols), o = out.data, x = a.data, y = b.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] * y[i];
  return out;
}`,
      },
    },
  },
  precedence: PREC.hadamard,
  shape(args) {
    for (let i = 1; i < args.length; i++)
      if (!shapeEq(args[0].shape, args[i].shape))
        throw shapeMismatch('a Hadamard product', args[0], args[i], 'A .* B needs A and B of the same shape');
    return args[0].shape;
  },
  differential(node, d) {
    const terms: Expr[] = [];
    node.args.forEach((a, i) => {
      const da = d(a);
      if (da) terms.push(hadamard(...node.args.map((b, j) => (j === i ? da : b))));
    });
    return terms.length ? add(...terms) : null;
  },
  adjoint: (node, i, U) => hadamard(U, others(node, i)),
  // vec(A ∘ B) = diag(vec A) vec(B)
  vecLinear: (node, i) => diag(vec(others(node, i))),
  evaluate: (_n, args) => args.reduce((a, b) => zip(a, b, (x, y) => x * y)),
  text: (n, p) => n.args.map((a) => p(a, PREC.hadamard + 0.5)).join(' .* '),
  latex: (n, p) => n.args.map((a) => p(a, PREC.hadamard + 0.5)).join(' \\circ '),
  simplify,
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => n.args.map((a) => c.code(a)).reduce((x, y) => `${c.helper('hadamard')}(${x}, ${y})`) },
  transpose: (node) => hadamard(...node.args.map(T)),
  kernel: (node) => ({
    inputs: node.args,
    run(out, ins) {
      out.set(ins[0]);
      for (let t = 1; t < ins.length; t++) for (let i = 0, x = ins[t]; i < out.length; i++) out[i] *= x[i];
    },
  }),
});
