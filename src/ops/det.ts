// Determinant: d det(A) = det(A) tr(A⁻¹ dA) (Jacobi's formula; Matrix Cookbook eq. 46).
import { isOp } from '../expr/ast.js';
import { det, inv, mul, tr } from '../expr/build.js';
import { SCALAR, isScalarShape, isSquare } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { determinant } from './linalg.js';
import { PREC, register, type EmitFn, unary } from './registry.js';
import { needShape } from './util.js';
import { delimit } from './delimiters.js';

const emitPython: EmitFn = (n, c) => `${c.lib}.linalg.det(${c.code(n.args[0])})`;

register({
  name: 'det',
  helpers: {
    ts: {
      det: {
        deps: ['lu'],
        source: `function det(a: Matrix): number {
  const { lu: L, sign } = lu(a), n = a.rows;
  let d = sign;
  for (let i = 0; i < n; i++) d *= L[i * n + i];
  return d;
}`,
      },
    },
  },
  functions: [unary('det', det, 'det(A)', { meaning: 'determinant', rules: 'square' })],
  precedence: PREC.atom,
  shape(args) {
    if (!isSquare(args[0].shape)) throw needShape('det', args[0], 'the determinant needs a square matrix');
    return SCALAR;
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && mul(node, tr(mul(inv(node.args[0]), da)));
  },
  evaluate: (_n, [a]) => Mat.scalar(determinant(a)),
  text: (n, p) => `det(${p(n.args[0])})`,
  latex: (n, p) => `\\det${delimit(p(n.args[0]))}`,
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('det')}(${c.code(n.args[0])})` },
  simplify(node) {
    const [a] = node.args;
    if (isScalarShape(a.shape)) return a;
    if (isOp(a, 'transpose')) return det(a.args[0]);
    return node;
  },
});
