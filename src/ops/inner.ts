// Frobenius inner product ⟨A, B⟩ = tr(AᵀB) = vec(A)ᵀvec(B). Symmetric: arguments are sorted;
// scalar factors move out; ⟨Aᵀ, Bᵀ⟩ = ⟨A, B⟩.
import { Expr, isOp, num } from '../expr/ast.js';
import { add, inner, mul, T, vec } from '../expr/build.js';
import { SCALAR, isScalarShape, shapeEq } from '../expr/shape.js';
import { isOne } from '../expr/dim.js';
import { dot, Mat } from '../numeric/mat.js';
import { dotArrays } from './kernels.js';
import { compareStructural } from '../expr/order.js';
import { productParts } from './mul.js';
import { CODE_PREC, PREC, register } from './registry.js';
import { shapeMismatch } from './util.js';
import { delimit } from './delimiters.js';

register({
  name: 'inner',
  rules: `
rule d-inner
  says: d⟨U, W⟩ = ⟨dU, W⟩ + ⟨U, dW⟩
  lhs: diff(inner(U, W), X, V)
  rhs: inner(diff(U, X, V), W) + inner(U, diff(W, X, V))
  where: U: m x n; W: m x n; X: r x s; V: r x s; P: m x r; Q: s x n; R: m x r; S: s x n
  check: U = tanh(P*X*Q); W = sin(R*X*S)
  cite: Magnus & Neudecker (2019), ch. 8, Table 1
`,
  functions: [{ name: 'inner', args: ['expr', 'expr'], build: ([a, b]) => inner(a as Expr, b as Expr), help: "inner(A, B) = tr(A'B)", word: true, doc: { usage: '`inner(A, B)`', meaning: 'Frobenius inner product ⟨A, B⟩ = tr(AᵀB)', rules: 'same shapes' } }],
  precedence: PREC.atom,
  shape(args) {
    if (!shapeEq(args[0].shape, args[1].shape))
      throw shapeMismatch('inner', args[0], args[1], '⟨A, B⟩ needs A and B of the same shape');
    return SCALAR;
  },
  differential(node, d) {
    const [a, b] = node.args;
    const da = d(a), db = d(b);
    const terms = [...(da ? [inner(da, b)] : []), ...(db ? [inner(a, db)] : [])];
    return terms.length ? add(...terms) : null;
  },
  adjoint: (node, i, U) => mul(U, node.args[1 - i]),
  vecLinear: (node, i) => T(vec(node.args[1 - i])),
  evaluate: (_n, [a, b]) => Mat.scalar(dot(a, b)),
  // ⟨A, A⟩ prints as ‖A‖²
  text: (n, p) => (n.args[0] === n.args[1] ? `norm(${p(n.args[0])})^2` : `inner(${p(n.args[0])}, ${p(n.args[1])})`),
  latex: (n, p) =>
    n.args[0] === n.args[1]
      ? `${delimit(p(n.args[0]), '\\|', '\\|')}_${isOne(n.args[0].shape.cols) ? '2' : 'F'}^2`
      : delimit(`${p(n.args[0])}, ${p(n.args[1])}`, '\\langle', '\\rangle'),
  emit: {
    numpy: (n, c) => `np.vdot(${c.code(n.args[0])}, ${c.code(n.args[1])})`,
    torch: (n, c) => `torch.sum(${c.code(n.args[0], CODE_PREC.mul)} * ${c.code(n.args[1], CODE_PREC.pow)})`,
    ts: (n, c) => `${c.helper('dot')}(${c.code(n.args[0])}, ${c.code(n.args[1])})`,
  },
  kernel: (node) => ({ inputs: node.args, run: (out, [x, y]) => void (out[0] = dotArrays(x, y)) }),
  simplify(node) {
    let [a, b] = node.args;
    if (isScalarShape(a.shape)) return mul(a, b);
    if (isOp(a, 'transpose') && isOp(b, 'transpose')) return inner(a.args[0], b.args[0]);
    const pa = productParts(a), pb = productParts(b);
    const outA = pa.chain.length > 0 && (pa.coef !== 1 || pa.scalars.length > 0);
    const outB = pb.chain.length > 0 && (pb.coef !== 1 || pb.scalars.length > 0);
    if (outA || outB) {
      const core = (x: typeof pa, e: Expr, out: boolean) => (!out ? e : x.chain.length === 1 ? x.chain[0] : mul(...x.chain));
      return mul(num((outA ? pa.coef : 1) * (outB ? pb.coef : 1)), ...(outA ? pa.scalars : []), ...(outB ? pb.scalars : []), inner(core(pa, a, outA), core(pb, b, outB)));
    }
    if (isOp(a, 'zeros') || isOp(b, 'zeros')) return num(0);
    if (compareStructural(a, b) > 0) [a, b] = [b, a];
    return a === node.args[0] ? node : inner(a, b);
  },
});
