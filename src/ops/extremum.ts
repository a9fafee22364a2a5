// The largest and the smallest of several scalars, max(a, b, …) and min(a, b, …): the constants of
// landscape results are built with them (Zhou & Liang's ζ = 2max{‖σ(W₁*X)‖, ‖W₂*‖, ‖σ′‖_∞},
// α = γ/max{‖X‖²ζ⁴, ζ²}). Evaluated numerically; not differentiable where two arguments tie, so the
// differential is refused (a document differences them with grad(…) where it needs to).
import { op, type Expr } from '../expr/ast.js';
import { ShapeError, UnsupportedError } from '../expr/errors.js';
import { SCALAR, isScalarShape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register, type LangFunction } from './registry.js';

const MAX_ARGS = 6;

const language = (fn: 'max' | 'min'): LangFunction => ({
  name: fn,
  args: Array(MAX_ARGS).fill('expr'),
  optional: MAX_ARGS - 2,
  build: (args) => op('extremum', args as Expr[], { fn }),
  help: `${fn}(a, b, …): the ${fn === 'max' ? 'largest' : 'smallest'} of 2 to ${MAX_ARGS} scalars (evaluated numerically)`,
  doc: { usage: `\`${fn}(a, b, …)\``, meaning: `the ${fn === 'max' ? 'largest' : 'smallest'} of 2 to ${MAX_ARGS} scalars`, latex: `${fn}{a, b}`, table: 'spectral' },
});

register({
  name: 'extremum',
  functions: [language('max'), language('min')],
  precedence: PREC.atom,
  shape(args, attrs) {
    const bad = args.find((a) => !isScalarShape(a.shape));
    if (bad) throw new ShapeError(`${attrs.fn}(…) takes scalars (the ${attrs.fn === 'max' ? 'largest' : 'smallest'} of several numbers); for the largest entry of a matrix use maxabs(A)`);
    return SCALAR;
  },
  differential(node) {
    throw new UnsupportedError(`${node.attrs.fn}(…) is evaluated numerically only: it is not differentiable where two arguments tie; in a derivation document, grad(…) of such an expression is evaluated by finite differences`);
  },
  evaluate: (node, args) => Mat.scalar((node.attrs.fn === 'max' ? Math.max : Math.min)(...args.map((a) => a.data[0]))),
  text: (node, p) => `${node.attrs.fn}(${node.args.map((a) => p(a)).join(', ')})`,
  latex: (node, p) => `\\${node.attrs.fn}\\left\\{${node.args.map((a) => p(a)).join(', ')}\\right\\}`,
});
