// Trace: linear, so d tr(A) = tr(dA); ⟨u, tr(M)⟩ = ⟨u·I, M⟩; tr(A) = vec(I)ᵀ vec(A).
import { Expr, OpNode, isOp, num } from '../expr/ast.js';
import { add, dimval, eye, inner, mul, T, tr, vec } from '../expr/build.js';
import { SCALAR, isScalarShape, isSquare } from '../expr/shape.js';
import { isOne } from '../expr/dim.js';
import { Mat, trace } from '../numeric/mat.js';
import { productParts } from './mul.js';
import { PREC, register, type EmitFn, unary } from './registry.js';
import { needShape } from './util.js';
import { delimit } from './delimiters.js';

const emitPython: EmitFn = (n, c) => `${c.lib}.trace(${c.code(n.args[0])})`;

function simplify(node: OpNode): Expr {
  const a: Expr = node.args[0];
  if (isScalarShape(a.shape)) return a;
  if (isOp(a, 'add')) return add(...a.args.map(tr));
  if (isOp(a, 'transpose')) return tr(a.args[0]);
  if (isOp(a, 'eye')) return dimval(a.attrs.dims![0]);
  if (isOp(a, 'mul')) {
    const { coef, scalars, chain } = productParts(a);
    if (coef !== 1 || scalars.length) return mul(...(coef !== 1 ? [num(coef)] : []), ...scalars, tr(chain.length === 1 ? chain[0] : mul(...chain)));
    // tr(AB) = ⟨Aᵀ, B⟩ for two factors: the form the papers use for inner products
    if (chain.length === 2) return inner(T(chain[0]), chain[1]);
    // tr(x yᵀ ...) = ... rotate so that a column vector ends the chain: tr(x R) = R x
    if (chain.length > 2 && isOne(chain[0].shape.cols)) return mul(...chain.slice(1), chain[0]);
  }
  if (isOp(a, 'kron')) return mul(tr(a.args[0]), tr(a.args[1]));
  return node;
}

register({
  name: 'tr',
  helpers: {
    ts: {
      trace: {
        source: `function trace(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.data[i * a.rows + i];
  return s;
}`,
      },
    },
  },
  functions: [unary('tr', tr, 'tr(A): trace', { meaning: 'trace', rules: 'square' })],
  precedence: PREC.atom,
  shape(args) {
    if (!isSquare(args[0].shape)) throw needShape('tr', args[0], 'the trace needs a square matrix');
    return SCALAR;
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && tr(da);
  },
  adjoint: (node, _i, U) => mul(U, eye(node.args[0].shape.rows)),
  vecLinear: (node) => T(vec(eye(node.args[0].shape.rows))),
  evaluate: (_n, [a]) => Mat.scalar(trace(a)),
  text: (n, p) => `tr(${p(n.args[0])})`,
  latex: (n, p) => `\\operatorname{tr}${delimit(p(n.args[0]))}`,
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('trace')}(${c.code(n.args[0])})` },
  simplify,
  kernel(node, k) {
    const n = k.rows(node.args[0]);
    return {
      inputs: node.args,
      run(out, [x]) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * n + i];
        out[0] = s;
      },
    };
  },
});
