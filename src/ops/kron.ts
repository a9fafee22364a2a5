// Kronecker product A ⊗ B (standard order: block (i,j) is a_ij·B). d(A⊗B) = dA⊗B + A⊗dB;
// (A⊗B)ᵀ = Aᵀ⊗Bᵀ; vec(A⊗B) = (I_n ⊗ K_{qm} ⊗ I_p)(vec A ⊗ vec B) for A m×n, B p×q (Magnus–Neudecker Thm 3.10).
import { Expr, OpNode, isOp, num } from '../expr/ast.js';
import { add, commutation, eye, kron, mul, T, unvec, vec, zeros } from '../expr/build.js';
import { dimMul } from '../expr/dim.js';
import { isScalarShape, shape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { productParts } from './mul.js';
import { CODE_PREC, PREC, register, type EmitFn } from './registry.js';

const emitPython: EmitFn = (n, c) => `${c.lib}.kron(${c.code(n.args[0])}, ${c.code(n.args[1])})`;
// PyTorch 1.13's kron fails on some non-contiguous arguments ("view size is not compatible"): a transpose,
// or a product that matmul returned with transposed strides
const emitTorch: EmitFn = (n, c) => `torch.kron(${c.code(n.args[0], CODE_PREC.atom)}.contiguous(), ${c.code(n.args[1], CODE_PREC.atom)}.contiguous())`;

/** P = I_n ⊗ K_{qm} ⊗ I_p with vec(A⊗B) = P (vec A ⊗ vec B). */
function vecPermutation(node: OpNode): Expr {
  const [a, b] = node.args;
  const { rows: m, cols: n } = a.shape;
  const { rows: p, cols: q } = b.shape;
  return kron(eye(n), kron(commutation(q, m), eye(p)));
}

register({
  name: 'kron',
  helpers: {
    ts: {
      kron: {
        deps: ['mat'],
        source: `function kron(a: Matrix, b: Matrix): Matrix {
  const m = a.rows, n = a.cols, p = b.rows, q = b.cols, R = m * p, out = mat(R, n * q);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < m; i++) {
      const aij = a.data[j * m + i];
      for (let l = 0; l < q; l++) for (let k = 0; k < p; k++) out.data[(j * q + l) * R + i * p + k] = aij * b.data[l * p + k];
    }
  return out;
}`,
      },
    },
  },
  functions: [{ name: 'kron', args: ['expr', 'expr'], build: ([a, b]) => kron(a as Expr, b as Expr), help: 'kron(A, B): Kronecker product', doc: { usage: '`kron(A, B)`', meaning: 'Kronecker product A⊗B', rules: 'any' } }],
  precedence: PREC.kron,
  textPrecedence: PREC.atom,
  shape: ([a, b]) => shape(dimMul(a.shape.rows, b.shape.rows), dimMul(a.shape.cols, b.shape.cols)),
  differential(node, d) {
    const [a, b] = node.args;
    const da = d(a), db = d(b);
    const terms = [...(da ? [kron(da, b)] : []), ...(db ? [kron(a, db)] : [])];
    return terms.length ? add(...terms) : null;
  },
  // ⟨U, A⊗B⟩ = vec(U)ᵀ P (vec A ⊗ vec B): contract with the constant factor, then unvec
  adjoint(node, i, U) {
    const [a, b] = node.args;
    const pu = mul(T(vecPermutation(node)), vec(U));
    if (i === 1) return unvec(mul(kron(T(vec(a)), eye(dimMul(b.shape.rows, b.shape.cols))), pu), b.shape.rows, b.shape.cols);
    return unvec(mul(kron(eye(dimMul(a.shape.rows, a.shape.cols)), T(vec(b))), pu), a.shape.rows, a.shape.cols);
  },
  vecLinear(node, i) {
    const [a, b] = node.args;
    const P = vecPermutation(node);
    if (i === 1) return mul(P, kron(vec(a), eye(dimMul(b.shape.rows, b.shape.cols))));
    return mul(P, kron(eye(dimMul(a.shape.rows, a.shape.cols)), vec(b)));
  },
  evaluate: (_n, [a, b]) => kronMat(a, b),
  text: (n, p) => `kron(${p(n.args[0])}, ${p(n.args[1])})`,
  latex: (n, p) => `${p(n.args[0], PREC.kron + 0.5)} \\otimes ${p(n.args[1], PREC.kron + 0.5)}`,
  simplify(node) {
    const [a, b] = node.args;
    if (isOp(a, 'zeros') || isOp(b, 'zeros')) return zeros(node.shape.rows, node.shape.cols);
    if (isScalarShape(a.shape)) return mul(a, b);
    if (isScalarShape(b.shape)) return mul(b, a);
    // scalars out: (cA) ⊗ B = c(A ⊗ B)
    const pa = productParts(a), pb = productParts(b);
    const outA = pa.chain.length > 0 && (pa.coef !== 1 || pa.scalars.length > 0);
    const outB = pb.chain.length > 0 && (pb.coef !== 1 || pb.scalars.length > 0);
    if (outA || outB) {
      const core = (x: typeof pa) => (x.chain.length === 1 ? x.chain[0] : mul(...x.chain));
      return mul(num(pa.coef * pb.coef), ...pa.scalars, ...pb.scalars, kron(outA ? core(pa) : a, outB ? core(pb) : b));
    }
    // I_m ⊗ I_n = I_{mn}
    if (isOp(a, 'eye') && isOp(b, 'eye')) return eye(dimMul(a.attrs.dims![0], b.attrs.dims![0]));
    return node;
  },
  emit: { numpy: emitPython, torch: emitTorch, ts: (n, c) => `${c.helper('kron')}(${c.code(n.args[0])}, ${c.code(n.args[1])})` },
  transpose: (node) => kron(T(node.args[0]), T(node.args[1])),
});

/** A ⊗ B, column-major. */
function kronMat(a: Mat, b: Mat): Mat {
  const m = a.rows, n = a.cols, p = b.rows, q = b.cols;
  const R = m * p, out = new Float64Array(R * n * q);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < m; i++) {
      const aij = a.data[j * m + i];
      if (aij === 0) continue;
      for (let l = 0; l < q; l++)
        for (let k = 0; k < p; k++) out[(j * q + l) * R + i * p + k] = aij * b.data[l * p + k];
    }
  return new Mat(R, n * q, out);
}
