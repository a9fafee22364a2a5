// softmax(Z), column by column: S_ij = exp(Z_ij) / Σ_k exp(Z_kj) (for a vector z, the usual softmax). It is
// evaluated shifted by each column's maximum, so it cannot overflow. Its differential is
// dS = S∘dZ − S∘(1 1ᵀ(S∘dZ)): each column's Jacobian is diag(s) − s sᵀ.
import { op, num, type Expr } from '../expr/ast.js';
import { add, hadamard, mul, neg, ones } from '../expr/build.js';
import { isScalarShape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register, type EmitFn } from './registry.js';
import { delimit } from './delimiters.js';

export const softmax = (a: Expr): Expr => op('softmax', [a]);

/** softmax of each column of a column-major rows×cols array, shifted by the column's maximum. */
export function softmaxColumns(a: Mat): Mat {
  const out = Mat.zeros(a.rows, a.cols);
  for (let j = 0; j < a.cols; j++) {
    const col = a.data.subarray(j * a.rows, (j + 1) * a.rows);
    const top = Math.max(...col);
    let total = 0;
    for (let i = 0; i < a.rows; i++) total += out.data[j * a.rows + i] = Math.exp(col[i] - top);
    for (let i = 0; i < a.rows; i++) out.data[j * a.rows + i] /= total;
  }
  return out;
}

/** dS = S∘dZ − S∘(1 1ᵀ(S∘dZ)) for S = softmax(Z) (m×n); 1 1ᵀ is ones(m, m). */
export function softmaxDifferential(S: Expr, dZ: Expr): Expr {
  const SdZ = hadamard(S, dZ);
  return add(SdZ, neg(hadamard(S, mul(ones(S.shape.rows, S.shape.rows), SdZ))));
}

const emitPython: EmitFn = (n, c) => (c.lib === 'torch' ? `torch.softmax(${c.code(n.args[0])}, dim=0)` : `${c.helper('softmax')}(${c.code(n.args[0])})`);

register({
  name: 'softmax',
  functions: [
    {
      name: 'softmax', args: ['expr'], build: ([a]) => softmax(a as Expr), help: 'softmax(A): softmax of each column',
      doc: { usage: '`softmax(A)`', meaning: 'softmax of each column: exp(A_ij) / Σ_k exp(A_kj) (for a vector, the usual softmax)', rules: 'any' },
    },
  ],
  precedence: PREC.atom,
  shape: ([a]) => a.shape,
  differential(node, d) {
    const da = d(node.args[0]);
    return da && softmaxDifferential(node, da);
  },
  evaluate: (_n, [a]) => softmaxColumns(a),
  text: (n, p) => `softmax(${p(n.args[0])})`,
  latex: (n, p) => `\\operatorname{softmax}${delimit(p(n.args[0]))}`,
  // a scalar is a column of one entry
  simplify: (node) => (isScalarShape(node.shape) ? num(1) : node),
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('softmax')}(${c.code(n.args[0])})` },
  helpers: {
    python: {
      softmax: () => `def _softmax(z):
    """Softmax of each column, shifted by the column's maximum."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)`,
    },
    ts: {
      softmax: {
        deps: ['mat'],
        source: `/** Softmax of each column, shifted by the column's maximum. */
function softmax(a: Matrix): Matrix {
  const m = a.rows, out = mat(m, a.cols), S = out.data;
  for (let j = 0; j < a.cols; j++) {
    let top = -Infinity, total = 0;
    for (let i = 0; i < m; i++) top = Math.max(top, a.data[j * m + i]);
    for (let i = 0; i < m; i++) total += S[j * m + i] = Math.exp(a.data[j * m + i] - top);
    for (let i = 0; i < m; i++) S[j * m + i] /= total;
  }
  return out;
}`,
      },
    },
  },
  rules: `
rule d-softmax
  says: d softmax(Z) = S ∘ dZ − S ∘ (𝟏𝟏ᵀ(S ∘ dZ)), S = softmax(Z) column by column
  lhs: diff(softmax(Z), Z, V)
  rhs: softmax(Z) .* V - softmax(Z) .* (ones(m, m)*(softmax(Z) .* V))
  where: Z: m x n; V: m x n
  cite: Bishop (2006), §4.3.4, eq. (4.106)
`,
});
