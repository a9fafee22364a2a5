// logsumexp(Z) = log Σ_i exp(Z_ij) for each column j: a row 1×n for Z m×n, a scalar for a vector. It is
// evaluated as max + log Σ exp(z − max), so it neither overflows nor loses the largest term.
// d logsumexp(Z) = 1ᵀ(softmax(Z) ∘ dZ).
import { op, type Expr } from '../expr/ast.js';
import { hadamard, mul, ones } from '../expr/build.js';
import { ONE } from '../expr/dim.js';
import { isScalarShape, shape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register, type EmitFn } from './registry.js';
import { softmax } from './softmax.js';
import { delimit } from './delimiters.js';

export const logsumexp = (a: Expr): Expr => op('logsumexp', [a]);

/** log Σ exp of each column of a column-major array (a 1×cols row), shifted by the column's maximum. */
export function logsumexpColumns(a: Mat): Mat {
  const out = Mat.zeros(1, a.cols);
  for (let j = 0; j < a.cols; j++) {
    const col = a.data.subarray(j * a.rows, (j + 1) * a.rows);
    const top = Math.max(...col);
    let total = 0;
    for (const x of col) total += Math.exp(x - top);
    out.data[j] = top + Math.log(total);
  }
  return out;
}

/** NumPy: a keepdims row; a column's logsumexp is a number. PyTorch has its own. */
const emitPython: EmitFn = (n, c) => {
  const z = c.code(n.args[0]);
  const scalar = isScalarShape(n.shape);
  if (c.lib === 'torch') return scalar ? `torch.logsumexp(${z}, 0)[0]` : `torch.logsumexp(${z}, 0, keepdim=True)`;
  return scalar ? `${c.helper('logsumexp')}(${z})[0, 0]` : `${c.helper('logsumexp')}(${z})`;
};

register({
  name: 'logsumexp',
  functions: [
    {
      name: 'logsumexp', args: ['expr'], build: ([a]) => logsumexp(a as Expr), help: 'logsumexp(A): log Σ exp of each column (a scalar for a vector)',
      doc: {
        usage: '`logsumexp(A)`',
        meaning: 'log Σᵢ exp(A_ij) of each column: a row 1×n for A m×n, a scalar for a vector; evaluated shifted by the maximum',
        rules: 'any',
      },
    },
  ],
  precedence: PREC.atom,
  shape: ([a]) => shape(ONE, a.shape.cols),
  differential(node, d) {
    const [a] = node.args;
    const da = d(a);
    return da && mul(ones(ONE, a.shape.rows), hadamard(softmax(a), da));
  },
  evaluate: (_n, [a]) => logsumexpColumns(a),
  text: (n, p) => `logsumexp(${p(n.args[0])})`,
  latex: (n, p) => `\\operatorname{logsumexp}${delimit(p(n.args[0]))}`,
  // log exp z = z
  simplify: (node) => (isScalarShape(node.args[0].shape) ? node.args[0] : node),
  emit: {
    numpy: emitPython,
    torch: emitPython,
    ts: (n, c) => `${c.helper('logsumexp')}(${c.code(n.args[0])})${isScalarShape(n.shape) ? '.data[0]' : ''}`,
  },
  helpers: {
    python: {
      logsumexp: () => `def _logsumexp(z):
    """log sum exp of each column (a 1 x n row), shifted by the column's maximum."""
    top = np.max(z, axis=0, keepdims=True)
    return top + np.log(np.sum(np.exp(z - top), axis=0, keepdims=True))`,
    },
    ts: {
      logsumexp: {
        deps: ['mat'],
        source: `/** log Σ exp of each column (a 1×n row), shifted by the column's maximum. */
function logsumexp(a: Matrix): Matrix {
  const m = a.rows, out = mat(1, a.cols);
  for (let j = 0; j < a.cols; j++) {
    let top = -Infinity, total = 0;
    for (let i = 0; i < m; i++) top = Math.max(top, a.data[j * m + i]);
    for (let i = 0; i < m; i++) total += Math.exp(a.data[j * m + i] - top);
    out.data[j] = top + Math.log(total);
  }
  return out;
}`,
      },
    },
  },
  rules: `
rule d-logsumexp
  says: d logsumexp(Z) = 𝟏ᵀ(softmax(Z) ∘ dZ), column by column
  lhs: diff(logsumexp(Z), Z, V)
  rhs: ones(1, m)*(softmax(Z) .* V)
  where: Z: m x n; V: m x n
  cite: Boyd & Vandenberghe (2004), §3.1.5
`,
});
