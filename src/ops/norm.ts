// Frobenius norm ‖A‖_F (the 2-norm for vectors): d‖A‖ = ⟨A, dA⟩/‖A‖; not differentiable at A = 0.
import { isOp, type Expr } from '../expr/ast.js';
import { ew, inner, mul, norm, pow, spectral } from '../expr/build.js';
import { isOne } from '../expr/dim.js';
import { SCALAR, isScalarShape } from '../expr/shape.js';
import { frob, Mat } from '../numeric/mat.js';
import { dotArrays } from './kernels.js';
import { PREC, register, type EmitFn } from './registry.js';
import { delimit } from './delimiters.js';

/** The default norm of a 2-D array is Frobenius in both libraries. */
const emitPython: EmitFn = (n, c) => `${c.lib}.linalg.norm(${c.code(n.args[0])})`;

register({
  name: 'norm',
  helpers: {
    ts: {
      norm: {
        deps: ['dot'],
        source: `/** Frobenius norm. */
function norm(a: Matrix): number {
  return Math.sqrt(dot(a, a));
}`,
      },
    },
  },
  functions: [{ name: 'norm', args: ['expr', 'string'], optional: 1, build: ([a, kind]) => (kind === '2' ? spectral('opnorm', a as Expr) : norm(a as Expr)), help: "norm(A) or norm(A, 'fro'): Frobenius norm (2-norm of a vector); norm(A, 2) is opnorm(A), the spectral norm", doc: { usage: "`norm(A)`, `norm(A, 'fro')`", meaning: 'Frobenius norm ‖A‖_F (2-norm of a vector)', rules: 'any; `norm(x, 2)` for a column x is the same; `norm(A, 2)` for a matrix is `opnorm(A)`, the spectral norm (below); other norms are errors' } }],
  precedence: PREC.atom,
  shape: () => SCALAR,
  differential(node, d) {
    const [a] = node.args;
    const da = d(a);
    return da && mul(pow(node, -1), inner(a, da));
  },
  // no kink is recorded at 0: ‖A‖² is smooth there, and where ‖A‖ itself is not, the claimed derivative
  // A/‖A‖ is not finite, which makes the checker resample anyway
  evaluate: (_n, [a]) => Mat.scalar(frob(a)),
  text: (n, p) => `norm(${p(n.args[0])})`,
  latex: (n, p) => `${delimit(p(n.args[0]), '\\|', '\\|')}_${isOne(n.args[0].shape.cols) ? '2' : 'F'}`,
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => `${c.helper('norm')}(${c.code(n.args[0])})` },
  kernel: (node) => ({ inputs: node.args, run: (out, [x]) => void (out[0] = Math.sqrt(dotArrays(x, x))) }),
  simplify(node) {
    const [a] = node.args;
    if (isScalarShape(a.shape)) return ew('abs', a);
    if (isOp(a, 'transpose')) return norm(a.args[0]);
    return node;
  },
});
