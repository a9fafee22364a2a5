// Integer powers of a square matrix, A^k (k ≥ 1): d(A^k) = Σ_{i<k} A^i dA A^{k-1-i}.
import { isOp } from '../expr/ast.js';
import { add, mpow, mul, T } from '../expr/build.js';
import { isSquare } from '../expr/shape.js';
import { matmul } from '../numeric/mat.js';
import { PREC, register, type EmitFn } from './registry.js';
import { needShape } from './util.js';

const emitPython: EmitFn = (n, c) => `${c.lib}.linalg.matrix_power(${c.code(n.args[0])}, ${n.attrs.k})`;

register({
  name: 'mpow',
  helpers: {
    ts: {
      mpow: {
        deps: ['mm'],
        source: `function mpow(a: Matrix, k: number): Matrix {
  let r = a;
  for (let i = 1; i < k; i++) r = mm(r, a);
  return r;
}`,
      },
    },
  },
  precedence: PREC.pow,
  shape(args, attrs) {
    if (!isSquare(args[0].shape)) throw needShape('a matrix power', args[0], 'A^k needs a square matrix A');
    if (!Number.isInteger(attrs.k) || attrs.k! < 1) throw needShape('a matrix power', args[0], 'the exponent must be a positive integer (use inv(A) for A^-1)');
    return args[0].shape;
  },
  differential(node, d) {
    const [a] = node.args;
    const da = d(a);
    if (!da) return null;
    const k = node.attrs.k!;
    const terms = [];
    for (let i = 0; i < k; i++) terms.push(mul(...(i > 0 ? [mpow(a, i)] : []), da, ...(k - 1 - i > 0 ? [mpow(a, k - 1 - i)] : [])));
    return add(...terms);
  },
  evaluate: (n, [a]) => {
    let r = a;
    for (let i = 1; i < n.attrs.k!; i++) r = matmul(r, a);
    return r;
  },
  text: (n, p) => `${p(n.args[0], PREC.pow + 1)}^${n.attrs.k}`,
  latex: (n, p) => `${p(n.args[0], PREC.postfix + 0.5)}^{${n.attrs.k}}`, // (Xᵀ)² — never X^\top^{2}
  simplify: (node) => {
    const [a] = node.args;
    if (isOp(a, 'mpow')) return mpow(a.args[0], a.attrs.k! * node.attrs.k!);
    if (isOp(a, 'eye')) return a;
    return node;
  },
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('mpow')}(${c.code(n.args[0])}, ${n.attrs.k})` },
  transpose: (node) => mpow(T(node.args[0]), node.attrs.k!),
});
