// log_softmax(Z) = Z − 𝟏 logsumexp(Z), column by column: the log-probabilities of a softmax, evaluated
// without forming the softmax (no log of an underflowed 0). d log_softmax(Z) = dZ − 𝟏𝟏ᵀ(softmax(Z) ∘ dZ).
import { op, num, type Expr } from '../expr/ast.js';
import { add, hadamard, mul, neg, ones } from '../expr/build.js';
import { isScalarShape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { logsumexpColumns } from './logsumexp.js';
import { PREC, register, type EmitFn } from './registry.js';
import { softmax } from './softmax.js';
import { delimit } from './delimiters.js';

export const logSoftmax = (a: Expr): Expr => op('log_softmax', [a]);

/** Z − 𝟏 logsumexp(Z) for a column-major array. */
export function logSoftmaxColumns(a: Mat): Mat {
  const lse = logsumexpColumns(a);
  return new Mat(a.rows, a.cols, a.data.map((x, k) => x - lse.data[Math.floor(k / a.rows)]));
}

const emitPython: EmitFn = (n, c) =>
  c.lib === 'torch' ? `torch.log_softmax(${c.code(n.args[0])}, dim=0)` : `${c.code(n.args[0], 1)} - ${c.helper('logsumexp')}(${c.code(n.args[0])})`;

register({
  name: 'log_softmax',
  functions: [
    {
      name: 'log_softmax', args: ['expr'], build: ([a]) => logSoftmax(a as Expr), help: 'log_softmax(A): log of the softmax of each column',
      doc: { usage: '`log_softmax(A)`', meaning: 'log softmax(A) = A − 𝟏 logsumexp(A), column by column, evaluated without forming the softmax', rules: 'any' },
    },
  ],
  precedence: PREC.atom,
  shape: ([a]) => a.shape,
  differential(node, d) {
    const [a] = node.args;
    const da = d(a);
    return da && add(da, neg(mul(ones(a.shape.rows, a.shape.rows), hadamard(softmax(a), da))));
  },
  evaluate: (_n, [a]) => logSoftmaxColumns(a),
  text: (n, p) => `log_softmax(${p(n.args[0])})`,
  latex: (n, p) => `\\log\\operatorname{softmax}${delimit(p(n.args[0]))}`,
  simplify: (node) => (isScalarShape(node.shape) ? num(0) : node),
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('logSoftmax')}(${c.code(n.args[0])})` },
  helpers: {
    ts: {
      logSoftmax: {
        deps: ['mat', 'logsumexp'],
        source: `/** Z − 1 logsumexp(Z), column by column. */
function logSoftmax(a: Matrix): Matrix {
  const m = a.rows, out = mat(m, a.cols), lse = logsumexp(a).data;
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k] - lse[Math.floor(k / m)];
  return out;
}`,
      },
    },
  },
  rules: `
rule d-log-softmax
  says: d log softmax(Z) = dZ − 𝟏𝟏ᵀ(softmax(Z) ∘ dZ), column by column
  lhs: diff(log_softmax(Z), Z, V)
  rhs: V - ones(m, m)*(softmax(Z) .* V)
  where: Z: m x n; V: m x n
  cite: Bishop (2006), §4.3.4
`,
});
