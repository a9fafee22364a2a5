// Constructors for the operators, so calculus and rewriting code reads like the mathematics.
// They build raw nodes (shape-checked by the operators' rules, registered by src/ops/index.ts, which the
// entry points import); `simplify` brings them to the canonical form.
import { Dim, ONE, dimMul } from './dim.js';
import { Expr, num, op } from './ast.js';
import { InputError } from './errors.js';
import { isScalarShape } from './shape.js';

export const add = (...terms: Expr[]): Expr => (terms.length === 1 ? terms[0] : op('add', terms));
export const mul = (...factors: Expr[]): Expr => (factors.length === 1 ? factors[0] : op('mul', factors));
export const neg = (a: Expr): Expr => op('mul', [num(-1), a]);
export const sub = (a: Expr, b: Expr): Expr => add(a, neg(b));
export const scale = (c: number, a: Expr): Expr => (c === 1 ? a : op('mul', [num(c), a]));
export const T = (a: Expr): Expr => (isScalarShape(a.shape) ? a : op('transpose', [a]));
export const pow = (a: Expr, k: number): Expr => (k === 1 ? a : op('pow', [a], { k }));
export const recip = (a: Expr): Expr => pow(a, -1);
export const hadamard = (...fs: Expr[]): Expr => (fs.length === 1 ? fs[0] : op('hadamard', fs));
export const hpow = (a: Expr, k: number): Expr => op('hpow', [a], { k });
export const inv = (a: Expr): Expr => op('inv', [a]);
export const det = (a: Expr): Expr => op('det', [a]);
export const logdet = (a: Expr): Expr => op('logdet', [a]);
export const tr = (a: Expr): Expr => op('tr', [a]);
export const vec = (a: Expr): Expr => op('vec', [a]);
export const unvec = (v: Expr, rows: Dim, cols: Dim): Expr => op('unvec', [v], { dims: [rows, cols] });
export const kron = (a: Expr, b: Expr): Expr => op('kron', [a, b]);
export const diag = (a: Expr): Expr => op('diag', [a]);
export const sum = (a: Expr): Expr => op('sum', [a]);
export const norm = (a: Expr): Expr => op('norm', [a]);
export const inner = (a: Expr, b: Expr): Expr => op('inner', [a, b]);
export const eye = (n: Dim): Expr => (n === ONE || (n.coef === 1 && n.syms.length === 0) ? num(1) : op('eye', [], { dims: [n] }));
export const zeros = (m: Dim, n: Dim): Expr => op('zeros', [], { dims: [m, n] });
export const ones = (m: Dim, n: Dim): Expr => op('ones', [], { dims: [m, n] });
export const dimval = (d: Dim): Expr => op('dimval', [], { dims: [d] });
/** K_{mn}: vec(Aᵀ) = K_{mn} vec(A) for A m×n. */
export const commutation = (m: Dim, n: Dim): Expr => op('commutation', [], { dims: [m, n] });
export const ew = (fn: string, a: Expr, k?: number): Expr => op('ew', [a], k === undefined ? { fn } : { fn, k });
/** grad/jac/hess(f, X…): the variable arguments must be declared symbols. */
export function derivative(name: 'grad' | 'jac' | 'hess' | 'diff' | 'rgrad' | 'rhess', args: Expr[], variables = args.length - 1): Expr {
  for (const x of args.slice(1, 1 + variables))
    if (x.kind !== 'sym' || x.delta) throw new InputError(`${name}(…): the variables must be declared symbols, not ${toTextLazy(x)}`);
  return op(name, args);
}
const toTextLazy = (e: Expr) => (e.kind === 'sym' ? e.name : 'an expression');

export const mpow = (a: Expr, k: number): Expr => (k === 1 ? a : op('mpow', [a], { k }));
/** A spectral function (src/ops/spectral.ts): eigval(S, i), lambda_min(S), svdvals(A), pinv(A), … */
export const spectral = (fn: string, a: Expr, index?: Dim): Expr => op('spectral', [a], index ? { fn, dims: [index] } : { fn });
/** S^k of a positive (semi)definite S for a non-integer k; sqrtm(S) is k = 1/2. */
export const spdpow = (a: Expr, k: number): Expr => op('spectral', [a], { fn: 'spdpow', k });
/** cols(A, i, j) and rows(A, i, j): 1-based, inclusive. */
export const slice = (axis: 'cols' | 'rows', a: Expr, i: Dim, j: Dim): Expr => op('slice', [a], { fn: axis, dims: [i, j] });

/** The zero of a given shape: 0 for scalars, a zero matrix otherwise. */
export function zeroLike(e: Expr): Expr {
  return isScalarShape(e.shape) ? num(0) : zeros(e.shape.rows, e.shape.cols);
}

/** Is e a zero (0 or a zero matrix)? */
export function isZero(e: Expr): boolean {
  return (e.kind === 'num' && e.value === 0) || (e.kind === 'op' && e.op === 'zeros');
}

export function sizeOf(e: Expr): Dim {
  return dimMul(e.shape.rows, e.shape.cols);
}
