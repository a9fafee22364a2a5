// The functions of the input language and how each builds the AST. Arguments arrive already
// translated; `dims` and `number` arguments are read from the source text by the parser.
import type { Expr } from '../expr/ast.js';
import * as b from '../expr/build.js';
import type { Dim } from '../expr/dim.js';
import { ELEMENTWISE } from '../ops/elementwise.js';
import { SPECTRAL } from '../ops/spectral.js';

export type ArgKind = 'expr' | 'dim' | 'number' | 'string';

export interface LangFunction {
  readonly args: readonly ArgKind[];
  /** trailing optional arguments */
  readonly optional?: number;
  readonly build: (args: readonly (Expr | Dim | number | string)[]) => Expr;
  readonly help: string;
}

const E = (x: unknown) => x as Expr;
const D = (x: unknown) => x as Dim;

const unary = (f: (a: Expr) => Expr, help: string): LangFunction => ({ args: ['expr'], build: ([a]) => f(E(a)), help });

export const FUNCTIONS: ReadonlyMap<string, LangFunction> = new Map<string, LangFunction>([
  ['inv', unary(b.inv, 'inv(A): inverse of a square matrix')],
  ['det', unary(b.det, 'det(A)')],
  ['logdet', unary(b.logdet, 'logdet(A) = log det A')],
  ['tr', unary(b.tr, 'tr(A): trace')],
  ['vec', unary(b.vec, 'vec(A): stack the columns')],
  ['diag', unary(b.diag, 'diag(v): diagonal matrix from a column; diag(A): the diagonal of a square matrix')],
  ['sum', unary(b.sum, 'sum(A): sum of all entries')],
  ['transpose', unary(b.T, "transpose(A) = A'")],
  ['norm', { args: ['expr', 'string'], optional: 1, build: ([a, kind]) => (kind === '2' ? b.spectral('opnorm', E(a)) : b.norm(E(a))), help: "norm(A) or norm(A, 'fro'): Frobenius norm (2-norm of a vector); norm(A, 2) is opnorm(A), the spectral norm" }],
  ['kron', { args: ['expr', 'expr'], build: ([x, y]) => b.kron(E(x), E(y)), help: 'kron(A, B): Kronecker product' }],
  ['inner', { args: ['expr', 'expr'], build: ([x, y]) => b.inner(E(x), E(y)), help: "inner(A, B) = tr(A'B)" }],
  ['eye', { args: ['dim'], build: ([n]) => b.eye(D(n)), help: 'eye(n): identity' }],
  ['zeros', { args: ['dim', 'dim'], build: ([m, n]) => b.zeros(D(m), D(n)), help: 'zeros(m, n)' }],
  ['ones', { args: ['dim', 'dim'], build: ([m, n]) => b.ones(D(m), D(n)), help: 'ones(m, n)' }],
  ['unvec', { args: ['expr', 'dim', 'dim'], build: ([v, m, n]) => b.unvec(E(v), D(m), D(n)), help: 'unvec(v, m, n): the m×n matrix whose vec is v' }],
  ['commutation', { args: ['dim', 'dim'], build: ([m, n]) => b.commutation(D(m), D(n)), help: "commutation(m, n): K with vec(A') = K*vec(A) for A m×n" }],
  ['dlrelu', { args: ['expr', 'number'], build: ([a, k]) => b.ew('dlrelu', E(a), k as number), help: "dlrelu(A, a): the derivative of lrelu(A, a), entrywise" }],
  ['grad', { args: ['expr', 'expr'], build: ([f, x]) => b.derivative('grad', [E(f), E(x)]), help: 'grad(f, X): ∇_X f, evaluated by finite differences (for derivation steps)' }],
  ['jac', { args: ['expr', 'expr'], build: ([f, x]) => b.derivative('jac', [E(f), E(x)]), help: 'jac(F, X): ∇_{vec X} vec F in denominator layout, evaluated by finite differences' }],
  ['hess', { args: ['expr', 'expr', 'expr'], build: ([f, x, y]) => b.derivative('hess', [E(f), E(x), E(y)]), help: 'hess(f, X, Y): ∇_{vec X}∇_{vec Y} f, evaluated by finite differences' }],
  ['rgrad', { args: ['expr', 'expr'], build: ([f, x]) => b.derivative('rgrad', [E(f), E(x)]), help: 'rgrad(f, x): the Riemannian gradient of f on the unit sphere at x (x: n unit), evaluated by differences along geodesics' }],
  ['rhess', { args: ['expr', 'expr'], build: ([f, x]) => b.derivative('rhess', [E(f), E(x)]), help: 'rhess(f, x): the Riemannian Hessian of f on the unit sphere at x (x: n unit), as an n×n matrix vanishing on x, evaluated by differences along geodesics' }],
  ['diff', { args: ['expr', 'expr', 'expr'], build: ([f, x, v]) => b.derivative('diff', [E(f), E(x), E(v)], 1), help: 'diff(F, X, V): the differential dF in the direction V, evaluated by finite differences' }],
  ['lrelu', { args: ['expr', 'number'], build: ([a, k]) => b.ew('lrelu', E(a), k as number), help: 'lrelu(A, a): leaky ReLU max(x, a·x)' }],
  ...ELEMENTWISE.filter((f) => !['lrelu', 'dlrelu', 'sigma'].includes(f.name)).map(
    (f) => [f.name, unary((a) => b.ew(f.name, a), `${f.name}(A), entrywise`)] as [string, LangFunction],
  ),
  ['sigma', unary((a) => b.ew('sigma', a, 0), 'sigma(A): a generic entrywise function σ')],
  ...SPECTRAL.filter((f) => f.help).map((f) => [f.name, f.indexed
    ? { args: ['expr', 'dim'], build: ([a, i]) => b.spectral(f.name, E(a), D(i)), help: f.help! }
    : unary((a) => b.spectral(f.name, a), f.help!)] as [string, LangFunction]),
  ['sqrtm', unary((a) => b.spdpow(a, 0.5), 'sqrtm(S): the positive semidefinite square root S^(1/2) of a positive semidefinite S (evaluated numerically)')],
  ['cols', { args: ['expr', 'dim', 'dim'], build: ([a, i, j]) => b.slice('cols', E(a), D(i), D(j)), help: 'cols(A, i, j): columns i..j of A (1-based, inclusive; the bounds may be dimensions, as in cols(U, 1, r))' }],
  ['rows', { args: ['expr', 'dim', 'dim'], build: ([a, i, j]) => b.slice('rows', E(a), D(i), D(j)), help: 'rows(A, i, j): rows i..j of A (1-based, inclusive)' }],
  ['dsigma', unary((a) => b.ew('sigma', a, 1), "dsigma(A): σ′, entrywise")],
  ['d2sigma', unary((a) => b.ew('sigma', a, 2), 'd2sigma(A): σ″, entrywise')],
]);

/** dNsigma for any N (σ⁽ᴺ⁾). */
export function sigmaDerivative(name: string): number | undefined {
  const m = /^d(\d+)sigma$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(FUNCTIONS.keys());
