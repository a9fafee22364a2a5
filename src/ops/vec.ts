// vec stacks columns: vec(A) for A m×n is (mn)×1, vec(AXB) = (Bᵀ ⊗ A) vec(X).
import { isOp } from '../expr/ast.js';
import { eye, unvec, vec, zeros } from '../expr/build.js';
import { dimMul, isOne, ONE } from '../expr/dim.js';
import { shape } from '../expr/shape.js';
import { vec as vecMat } from '../numeric/mat.js';
import { CODE_PREC, PREC, register, unary } from './registry.js';
import { delimit } from './delimiters.js';

register({
  name: 'vec',
  helpers: {
    ts: {
      vec: {
        source: `/** vec stacks the columns: column-major storage already is vec(A). */
function vec(a: Matrix): Matrix {
  return { rows: a.data.length, cols: 1, data: a.data };
}`,
      },
    },
  },
  functions: [unary('vec', vec, 'vec(A): stack the columns', { meaning: 'stack the columns: (mn)×1 for A m×n', rules: 'any' })],
  precedence: PREC.atom,
  shape: (args) => shape(dimMul(args[0].shape.rows, args[0].shape.cols), ONE),
  differential(node, d) {
    const da = d(node.args[0]);
    return da && vec(da);
  },
  adjoint: (node, _i, U) => unvec(U, node.args[0].shape.rows, node.args[0].shape.cols),
  vecLinear: (node) => eye(node.shape.rows),
  evaluate: (_n, [a]) => vecMat(a),
  text: (n, p) => `vec(${p(n.args[0])})`,
  latex: (n, p) => `\\operatorname{vec}${delimit(p(n.args[0]))}`,
  emit: {
    numpy: (n, c) => `${c.code(n.args[0], CODE_PREC.atom)}.reshape(-1, 1, order='F')`,
    // torch has no order=: the rows of Aᵀ are the columns of A
    torch: (n, c) => `${c.code(n.args[0], CODE_PREC.atom)}.T.reshape(-1, 1)`,
    ts: (n, c) => `${c.helper('vec')}(${c.code(n.args[0])})`,
  },
  kernel: (node) => ({ inputs: [node.args[0]], alias: 0, run() {} }),
  simplify(node) {
    const [a] = node.args;
    if (isOne(a.shape.cols)) return a; // a column is its own vec
    if (isOp(a, 'unvec')) return a.args[0];
    if (isOp(a, 'zeros')) return zeros(node.shape.rows, ONE);
    return node;
  },
});
