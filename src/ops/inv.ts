// Matrix inverse: d(A⁻¹) = −A⁻¹ dA A⁻¹ (Magnus–Neudecker ch. 8; Matrix Cookbook eq. 59).
import { isOp, num } from '../expr/ast.js';
import { inv, mul, pow, T } from '../expr/build.js';
import { isScalarShape, isSquare } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { inverse } from './linalg.js';
import { PREC, register, type EmitFn, unary } from './registry.js';
import { needShape } from './util.js';

const emitPython: EmitFn = (n, c) => `${c.lib}.linalg.inv(${c.code(n.args[0])})`;

register({
  name: 'inv',
  helpers: {
    ts: {
      inv: {
        deps: ['lu', 'mat'],
        source: `function inv(a: Matrix): Matrix {
  const n = a.rows, { lu: L, perm } = lu(a), out = mat(n, n), X = out.data;
  for (let c = 0; c < n; c++) {
    const x = X.subarray(c * n, c * n + n);
    for (let i = 0; i < n; i++) x[i] = perm[i] === c ? 1 : 0;
    for (let k = 0; k < n; k++) for (let i = k + 1; i < n; i++) x[i] -= L[k * n + i] * x[k];
    for (let k = n - 1; k >= 0; k--) {
      x[k] /= L[k * n + k];
      for (let i = 0; i < k; i++) x[i] -= L[k * n + i] * x[k];
    }
  }
  return out;
}`,
      },
    },
  },
  functions: [unary('inv', inv, 'inv(A): inverse of a square matrix', { meaning: 'inverse A⁻¹', rules: 'square' })],
  precedence: PREC.postfix,
  shape(args) {
    if (!isSquare(args[0].shape)) throw needShape('inv', args[0], 'the inverse needs a square matrix');
    return args[0].shape;
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && mul(num(-1), node, da, node);
  },
  evaluate: (_n, [a]) => (a.isScalar() ? Mat.scalar(1 / a.data[0]) : inverse(a)),
  text: (n, p) => `inv(${p(n.args[0])})`,
  // (Xᵀ)⁻¹ prints as X^{-⊤}
  latex: (n, p) => (isOp(n.args[0], 'transpose') ? `${p(n.args[0].args[0], PREC.postfix + 0.5)}^{-\\top}` : `${p(n.args[0], PREC.postfix + 0.5)}^{-1}`),
  simplify(node) {
    const [a] = node.args;
    if (isScalarShape(a.shape)) return pow(a, -1);
    if (isOp(a, 'inv')) return a.args[0];
    if (isOp(a, 'eye')) return a;
    return node;
  },
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('inv')}(${c.code(n.args[0])})` },
  transpose: (node) => inv(T(node.args[0])),
});
