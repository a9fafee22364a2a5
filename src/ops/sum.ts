// sum(A): the sum of all entries (a scalar) = ⟨1, A⟩. (Not MATLAB's column sums.)
import { isOp, num } from '../expr/ast.js';
import { mul, ones, sum } from '../expr/build.js';
import { dimMul, ONE } from '../expr/dim.js';
import { SCALAR, isScalarShape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { sumArray } from './kernels.js';
import { PREC, register, type EmitFn, unary } from './registry.js';
import { delimit } from './delimiters.js';

/** The i-th value of a spectral function that gives all of them as a column (eigvals, svdvals). */
const VALUES: Readonly<Record<string, string>> = { eigvals: '\\lambda_{i}', svdvals: '\\sigma_{i}' };

const emitPython: EmitFn = (n, c) => `${c.lib}.sum(${c.code(n.args[0])})`;

register({
  name: 'sum',
  helpers: {
    ts: {
      sum: {
        source: `function sum(a: Matrix): number {
  let s = 0;
  for (const x of a.data) s += x;
  return s;
}`,
      },
    },
  },
  functions: [unary('sum', sum, 'sum(A): sum of all entries', { meaning: 'sum of **all** entries, a scalar (`sum(j = a..b, …)` over an index range: [families.md](families.md))', rules: 'any' })],
  precedence: PREC.atom,
  shape: () => SCALAR,
  differential(node, d) {
    const da = d(node.args[0]);
    return da && sum(da);
  },
  adjoint: (node, _i, U) => mul(U, ones(node.args[0].shape.rows, node.args[0].shape.cols)),
  vecLinear: (node) => ones(ONE, dimMul(node.args[0].shape.rows, node.args[0].shape.cols)),
  evaluate: (_n, [a]) => Mat.scalar(a.data.reduce((s, x) => s + x, 0)),
  text: (n, p) => `sum(${p(n.args[0])})`,
  latex: (n, p) => {
    const [a] = n.args;
    // the sum of the eigenvalues or singular values, as papers print it: ∑_i λ_i(S), ∑_i σ_i(A)
    if (isOp(a, 'spectral') && VALUES[a.attrs.fn ?? '']) return `\\sum_{i} ${VALUES[a.attrs.fn!]}${delimit(p(a.args[0]))}`;
    return `\\operatorname{sum}${delimit(p(n.args[0]))}`;
  },
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('sum')}(${c.code(n.args[0])})` },
  kernel: (node) => ({ inputs: node.args, run: (out, [x]) => void (out[0] = sumArray(x)) }),
  simplify(node) {
    const [a] = node.args;
    if (isScalarShape(a.shape)) return a;
    if (isOp(a, 'zeros')) return num(0);
    if (isOp(a, 'transpose')) return sum(a.args[0]);
    return node;
  },
});

