// Transpose. Simplification pushes it to the leaves: (AB)ᵀ = BᵀAᵀ, (A+B)ᵀ = Aᵀ+Bᵀ, (Aᵀ)ᵀ = A, Sᵀ = S for
// symmetric S; each operator says how a transpose passes through it (its `transpose` hook).
import { Expr, isOp } from '../expr/ast.js';
import { T, commutation } from '../expr/build.js';
import { isScalarShape, transposeShape } from '../expr/shape.js';
import { transpose as transposeMat } from '../numeric/mat.js';
import { transposeInto } from './kernels.js';
import { CODE_PREC, opDef, PREC, register, type EmitFn, unary } from './registry.js';

const dotT: EmitFn = (n, c) => `${c.code(n.args[0], CODE_PREC.atom)}.T`;

function isSymmetric(e: Expr): boolean {
  return e.kind === 'sym' && (e.props.has('symmetric') || e.props.has('spd'));
}

register({
  name: 'transpose',
  functions: [{ ...unary('transpose', T, "transpose(A) = A'", { meaning: "Aᵀ, same as `A'`", rules: 'any' }), word: true }],
  precedence: PREC.postfix,
  shape: (args) => transposeShape(args[0].shape),
  differential: (node, d) => {
    const da = d(node.args[0]);
    return da && T(da);
  },
  adjoint: (_n, _i, U) => T(U),
  vecLinear: (node) => commutation(node.args[0].shape.rows, node.args[0].shape.cols),
  evaluate: (_n, [a]) => transposeMat(a),
  text: (n, p) => `${p(n.args[0], PREC.postfix + 0.5)}'`,
  latex: (n, p) => {
    const a = n.args[0];
    // A^{-1} transposed prints as A^{-\top}
    if (isOp(a, 'inv')) return `${p(a.args[0], PREC.postfix + 0.5)}^{-\\top}`;
    return `${p(a, PREC.postfix + 0.5)}^\\top`;
  },
  simplify(node) {
    const a = node.args[0];
    if (isScalarShape(a.shape) || isSymmetric(a)) return a;
    if (a.kind !== 'op') return node;
    if (a.op === 'transpose') return a.args[0];
    return opDef(a.op).transpose?.(a) ?? node;
  },
  emit: { numpy: dotT, torch: dotT, ts: (n, c) => `${c.helper('transpose')}(${c.code(n.args[0])})` },
  transpose: (node) => node.args[0],
  // a transposed vector has the same entries in the same order: a view
  kernel(node, k) {
    const [a] = node.args;
    const m = k.rows(a), n = k.cols(a);
    if (m === 1 || n === 1) return { inputs: [a], alias: 0, run() {} };
    return { inputs: [a], run: (out, [x]) => transposeInto(out, x, m, n) };
  },
});
