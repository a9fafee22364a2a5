// diag: a column v (n×1) → the n×n diagonal matrix; a square matrix → the column of its diagonal.
// The two are adjoint to each other: ⟨U, diag(v)⟩ = ⟨diag(U), v⟩.
import { isOp } from '../expr/ast.js';
import { diag, eye, kron, mul, ones, vec, zeros } from '../expr/build.js';
import { ONE, isOne } from '../expr/dim.js';
import { isScalarShape, isSquare, shape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { CODE_PREC, PREC, register, type EmitFn, unary } from './registry.js';
import { needShape } from './util.js';
import { delimit } from './delimiters.js';

const isColumn = (s: import('../expr/shape.js').Shape) => isOne(s.cols);

const emitPython: EmitFn = (n, c) => {
  const [a] = n.args;
  return isColumn(a.shape) ? `${c.lib}.diag(${c.code(a, CODE_PREC.atom)}.reshape(-1))` : `${c.lib}.diag(${c.code(a)}).reshape(-1, 1)`;
};

register({
  name: 'diag',
  rules: `
rule d-diag
  says: d diag(x) = diag(dx) for a column x
  lhs: diff(diag(x), x, v)
  rhs: diag(v)
  where: x: n; v: n
  cite: Magnus & Neudecker (2019), ch. 8, Table 1 (diag is linear)

rule d-diagonal
  says: d diag(X) = diag(dX) for a square X
  lhs: diff(diag(X), X, V)
  rhs: diag(V)
  where: X: n x n; V: n x n
  cite: Magnus & Neudecker (2019), ch. 8, Table 1 (diag is linear)
`,
  helpers: {
    ts: {
      diagm: {
        deps: ['mat'],
        source: `/** The diagonal matrix of a column. */
function diagm(v: Matrix): Matrix {
  const n = v.rows, out = mat(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = v.data[i];
  return out;
}`,
      },
      diagv: {
        deps: ['mat'],
        source: `/** The diagonal of a square matrix, as a column. */
function diagv(a: Matrix): Matrix {
  const n = a.rows, out = mat(n, 1);
  for (let i = 0; i < n; i++) out.data[i] = a.data[i * n + i];
  return out;
}`,
      },
    },
  },
  functions: [unary('diag', diag, 'diag(v): diagonal matrix from a column; diag(A): the diagonal of a square matrix', { usage: '`diag(v)` / `diag(A)`', meaning: 'n×n diagonal matrix from a column v / the diagonal of a square A, as a column', rules: 'column or square' })],
  precedence: PREC.atom,
  shape(args) {
    const s = args[0].shape;
    if (isColumn(s)) return shape(s.rows, s.rows);
    if (isSquare(s)) return shape(s.rows, ONE);
    throw needShape('diag', args[0], 'diag takes a column vector (to build a diagonal matrix) or a square matrix (to take its diagonal)');
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && diag(da);
  },
  adjoint: (_n, _i, U) => diag(U),
  // vec(diag v) = diag(vec I)(1 ⊗ I) v: n copies of v stacked, masked to the diagonal; taking the
  // diagonal is the adjoint map, vec(diag A) = (1ᵀ ⊗ I) diag(vec I) vec(A)
  vecLinear(node) {
    const a = node.args[0];
    const n = a.shape.rows;
    const mask = diag(vec(eye(n)));
    return isColumn(a.shape) ? mul(mask, kron(ones(n, ONE), eye(n))) : mul(kron(ones(ONE, n), eye(n)), mask);
  },
  evaluate(_n, [a]) {
    if (a.cols === 1) {
      const n = a.rows, out = Mat.zeros(n, n);
      for (let i = 0; i < n; i++) out.data[i * n + i] = a.data[i];
      return out;
    }
    const n = a.rows, out = Mat.zeros(n, 1);
    for (let i = 0; i < n; i++) out.data[i] = a.data[i * n + i];
    return out;
  },
  text: (n, p) => `diag(${p(n.args[0])})`,
  latex: (n, p) => `\\operatorname{diag}${delimit(p(n.args[0]))}`,
  simplify(node) {
    const [a] = node.args;
    if (isScalarShape(a.shape)) return a;
    if (isOp(a, 'zeros')) return zeros(node.shape.rows, node.shape.cols);
    // diag(1) = I
    if (isOp(a, 'ones') && isColumn(a.shape)) return eye(a.shape.rows);
    // diag(diag(v)) = v for a column v
    if (isOp(a, 'diag') && isColumn(a.args[0].shape)) return a.args[0];
    return node;
  },
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper(isColumn(n.args[0].shape) ? 'diagm' : 'diagv')}(${c.code(n.args[0])})` },
  transpose: (node) => (isColumn(node.args[0].shape) ? node : undefined),
});
