// log det A: d log det A = tr(A⁻¹ dA) (Matrix Cookbook eq. 57). Evaluated as log|det A|, which has the
// same derivative and is defined wherever A is invertible.
import { isOp } from '../expr/ast.js';
import { ew, inv, logdet, mul, tr } from '../expr/build.js';
import { SCALAR, isScalarShape, isSquare } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { determinant } from './linalg.js';
import { PREC, register, type EmitFn, unary } from './registry.js';
import { needShape } from './util.js';
import { delimit } from './delimiters.js';

/** log |det A|, like the engine's evaluation (same derivative, defined wherever A is invertible). */
const emitPython: EmitFn = (n, c) => `${c.lib}.linalg.slogdet(${c.code(n.args[0])})[1]`;

register({
  name: 'logdet',
  helpers: {
    ts: {
      logabsdet: {
        deps: ['lu'],
        source: `/** log |det A|. */
function logabsdet(a: Matrix): number {
  const { lu: L } = lu(a), n = a.rows;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(Math.abs(L[i * n + i]));
  return s;
}`,
      },
    },
  },
  functions: [unary('logdet', logdet, 'logdet(A) = log det A', { meaning: 'log det A, evaluated as log\\|det A\\|', rules: 'square' })],
  precedence: PREC.atom,
  shape(args) {
    if (!isSquare(args[0].shape)) throw needShape('logdet', args[0], 'log det needs a square matrix');
    return SCALAR;
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && tr(mul(inv(node.args[0]), da));
  },
  evaluate: (_n, [a], ctx) => {
    const det = determinant(a);
    ctx.kink(Math.abs(det));
    return Mat.scalar(Math.log(Math.abs(det)));
  },
  text: (n, p) => `logdet(${p(n.args[0])})`,
  latex: (n, p) => `\\log\\det${delimit(p(n.args[0]))}`,
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('logabsdet')}(${c.code(n.args[0])})` },
  simplify(node) {
    const [a] = node.args;
    if (isScalarShape(a.shape)) return ew('log', ew('abs', a));
    if (isOp(a, 'transpose')) return logdet(a.args[0]);
    return node;
  },
});
