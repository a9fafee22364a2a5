// Spectral functions, evaluated numerically (linalg.ts): eigenvalues and eigenvectors of a
// symmetric matrix, singular values and vectors, the spectral norm, the pseudo-inverse and powers S^p of
// a positive (semi)definite S. One operator, `spectral`; each function is a row of the table below (as
// the entrywise functions are rows of elementwise.ts). They are what landscape results are stated with
// (λ_min(∇²f) < 0 at a strict saddle, σ_min in a gradient-dominance constant), so documents evaluate
// them; matcalc does not differentiate through them: the differential is refused with a clear message,
// and grad(…) in a document still differences them numerically.
//
// Conventions: eigen- and singular values in descending order (eigval(S, 1) is the largest); unit
// eigenvectors and left singular vectors whose first entry of largest magnitude is positive; the thin
// SVD A = svdU(A)*diag(svdvals(A))*svdV(A)'. Off its domain a function is undefined (NaN), which is
// never evidence: a matrix more than 1e-6 (relative) from symmetric has no eigenvalues here, a matrix
// with a negative eigenvalue no square root, an index outside 1..n no eigval(S, i).
import { isOp, op, type Expr, type OpNode } from '../expr/ast.js';
import { spdpow, spectral, T } from '../expr/build.js';
import { Dim, ONE, dimEq, dimLatex, dimText, isOne } from '../expr/dim.js';
import { ShapeError, UnsupportedError } from '../expr/errors.js';
import { SCALAR, Shape, isSquare, shape } from '../expr/shape.js';
import { asymmetry, pinv, spdPower, svd, symmetricEigen } from './linalg.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register, type EvalContext, type LangFunction, type Printer } from './registry.js';
import { needShape } from './util.js';
import { delimit } from './delimiters.js';

/** Beyond this relative asymmetry a matrix is not symmetric (finite-difference Hessians are within ~1e-8). */
export const SYMMETRY_TOLERANCE = 1e-6;

type Domain = 'symmetric' | 'spd' | 'any';

interface SpectralFunction {
  /** input-language name */
  readonly name: string;
  readonly domain: Domain;
  /** takes an index i (eigval(S, i)) */
  readonly indexed?: boolean;
  readonly shape: (a: Shape) => Shape;
  /** a: the argument's value (symmetrised for the symmetric ones); i: the 1-based index; k: the power */
  readonly value: (a: Mat, i: number, k: number) => Mat;
  /** LaTeX: arg is the argument printed at atom precedence, i the index */
  readonly latex: (arg: string, i: string, k: number, plain: string) => string;
  /** the language's help line (none: not written by name, as S^(-1/2)) */
  readonly help?: string;
  /** its row in docs/language.md's table of spectral functions */
  readonly doc?: { readonly meaning: string; readonly latex: string };
  /** the largest admissible index for an argument of this shape (n for eigval, min(m, n) for svdval) */
  readonly count?: (a: Mat) => number;
}

const column = (v: ArrayLike<number>) => new Mat(v.length, 1, Float64Array.from(v));
const col = (m: Mat, j: number) => new Mat(m.rows, 1, m.data.slice(j * m.rows, (j + 1) * m.rows));
const squareCount = (a: Mat) => a.rows;
const svdCount = (a: Mat) => Math.min(a.rows, a.cols);
const named = (name: string, arg: string) => `\\operatorname{${name}}${delimit(arg)}`;
const fn = (name: string, plain: string) => `${name}${delimit(plain)}`;

/** min(m, n) when the smaller dimension is known symbolically (the number of singular values). */
function svdRank(s: Shape): Dim | undefined {
  if (dimEq(s.rows, s.cols)) return s.rows;
  if (s.rows.syms.length === 0 && s.cols.syms.length === 0) return s.rows.coef < s.cols.coef ? s.rows : s.cols;
  if (isOne(s.rows) || isOne(s.cols)) return ONE;
  return undefined;
}
function svdRankOrThrow(s: Shape, what: string): Dim {
  const k = svdRank(s);
  if (!k) throw new ShapeError(`${what}: the number of singular values is min(${dimText(s.rows)}, ${dimText(s.cols)}), which depends on which is smaller; take it of A' or of a square matrix, or use svdval(A, i), sigma_max(A), opnorm(A)`);
  return k;
}

export const SPECTRAL: readonly SpectralFunction[] = [
  {
    name: 'eigval', doc: { meaning: 'the i-th largest eigenvalue of a symmetric S', latex: 'λ_i(S)' }, help: 'eigval(S, i): the i-th largest eigenvalue of a symmetric S (evaluated numerically)',
    domain: 'symmetric', indexed: true, shape: () => SCALAR, count: squareCount,
    value: (a, i) => Mat.scalar(symmetricEigen(a).values[i - 1]),
    latex: (_x, i, _k, plain) => fn(`\\lambda_{${i}}`, plain),
  },
  {
    name: 'eigvec', doc: { meaning: 'a unit eigenvector for `eigval(S, i)`', latex: 'v_i(S)' }, help: 'eigvec(S, i): a unit eigenvector for eigval(S, i) (its first entry of largest magnitude is positive)',
    domain: 'symmetric', indexed: true, shape: (a) => shape(a.rows, ONE), count: squareCount,
    value: (a, i) => col(symmetricEigen(a).vectors, i - 1),
    latex: (_x, i, _k, plain) => fn(`\\boldsymbol{v}_{${i}}`, plain),
  },
  {
    name: 'eigvals', doc: { meaning: 'all eigenvalues, largest first, as a column', latex: 'λ(S)' }, help: 'eigvals(S): the eigenvalues of a symmetric S, largest first, as a column',
    domain: 'symmetric', shape: (a) => shape(a.rows, ONE),
    value: (a) => column(symmetricEigen(a).values),
    latex: (_x, _i, _k, plain) => fn('\\boldsymbol{\\lambda}', plain),
  },
  {
    name: 'eigvecs', doc: { meaning: 'the eigenvectors as columns, in the order of `eigvals(S)`', latex: 'eigvecs(S)' }, help: 'eigvecs(S): the unit eigenvectors of a symmetric S as columns, in the order of eigvals(S)',
    domain: 'symmetric', shape: (a) => a,
    value: (a) => symmetricEigen(a).vectors,
    latex: (_x, _i, _k, plain) => named('eigvecs', plain),
  },
  {
    name: 'lambda_max', doc: { meaning: 'the largest eigenvalue', latex: 'λ_max(S)' }, help: 'lambda_max(S): the largest eigenvalue of a symmetric S',
    domain: 'symmetric', shape: () => SCALAR,
    value: (a) => Mat.scalar(symmetricEigen(a).values[0]),
    latex: (_x, _i, _k, plain) => fn('\\lambda_{\\max}', plain),
  },
  {
    name: 'lambda_min', doc: { meaning: 'the smallest eigenvalue', latex: 'λ_min(S)' }, help: 'lambda_min(S): the smallest eigenvalue of a symmetric S',
    domain: 'symmetric', shape: () => SCALAR,
    value: (a) => Mat.scalar(symmetricEigen(a).values[a.rows - 1]),
    latex: (_x, _i, _k, plain) => fn('\\lambda_{\\min}', plain),
  },
  {
    name: 'svdval', doc: { meaning: 'the i-th largest singular value', latex: 'σ_i(A)' }, help: 'svdval(A, i): the i-th largest singular value of A',
    domain: 'any', indexed: true, shape: () => SCALAR, count: svdCount,
    value: (a, i) => Mat.scalar(svd(a).values[i - 1]),
    latex: (_x, i, _k, plain) => fn(`\\sigma_{${i}}`, plain),
  },
  {
    name: 'svdvals', doc: { meaning: 'all min(m, n) singular values, largest first', latex: 'σ(A)' }, help: 'svdvals(A): the singular values of A, largest first, as a column (thin SVD)',
    domain: 'any', shape: (a) => shape(svdRankOrThrow(a, 'svdvals(A)'), ONE),
    value: (a) => column(svd(a).values),
    latex: (_x, _i, _k, plain) => fn('\\boldsymbol{\\sigma}', plain),
  },
  {
    name: 'svdU', doc: { meaning: "the left factor of the thin SVD A = `svdU(A)*diag(svdvals(A))*svdV(A)'`", latex: 'U' }, help: "svdU(A): the left singular vectors of the thin SVD A = svdU(A)*diag(svdvals(A))*svdV(A)'",
    domain: 'any', shape: (a) => shape(a.rows, svdRankOrThrow(a, 'svdU(A)')),
    value: (a) => svd(a).U,
    latex: (_x, _i, _k, plain) => named('svdU', plain),
  },
  {
    name: 'svdV', doc: { meaning: 'the right factor of the thin SVD', latex: 'V' }, help: "svdV(A): the right singular vectors of the thin SVD A = svdU(A)*diag(svdvals(A))*svdV(A)'",
    domain: 'any', shape: (a) => shape(a.cols, svdRankOrThrow(a, 'svdV(A)')),
    value: (a) => svd(a).V,
    latex: (_x, _i, _k, plain) => named('svdV', plain),
  },
  {
    name: 'sigma_max', doc: { meaning: 'the largest singular value', latex: 'σ_max(A)' }, help: 'sigma_max(A): the largest singular value of A',
    domain: 'any', shape: () => SCALAR,
    value: (a) => Mat.scalar(svd(a).values[0]),
    latex: (_x, _i, _k, plain) => fn('\\sigma_{\\max}', plain),
  },
  {
    name: 'sigma_min', doc: { meaning: 'the smallest of the min(m, n) singular values', latex: 'σ_min(A)' }, help: 'sigma_min(A): the smallest of the min(m, n) singular values of A',
    domain: 'any', shape: () => SCALAR,
    value: (a) => Mat.scalar(svd(a).values[Math.min(a.rows, a.cols) - 1]),
    latex: (_x, _i, _k, plain) => fn('\\sigma_{\\min}', plain),
  },
  {
    name: 'opnorm', doc: { meaning: 'the spectral norm, σ_max(A) (= `norm(A, 2)`)', latex: '‖A‖₂' }, help: 'opnorm(A): the spectral norm ‖A‖₂ = sigma_max(A) (norm(A, 2) for a matrix)',
    domain: 'any', shape: () => SCALAR,
    value: (a) => Mat.scalar(svd(a).values[0]),
    latex: (_x, _i, _k, plain) => `${delimit(plain, '\\|', '\\|')}_2`,
  },
  {
    // not spectral, but of the same kind: a norm evaluated numerically, not differentiable in general
    name: 'maxabs', doc: { meaning: 'the largest absolute entry', latex: '‖A‖_max' }, help: 'maxabs(A): the largest absolute entry of A, ‖A‖_max (Zhou & Liang write ‖·‖_∞)',
    domain: 'any', shape: () => SCALAR,
    value: (a) => Mat.scalar(a.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0)),
    latex: (_x, _i, _k, plain) => `${delimit(plain, '\\|', '\\|')}_{\\max}`,
  },
  {
    name: 'pinv', doc: { meaning: 'the Moore–Penrose pseudo-inverse (singular values below max(m, n)·ε·σ_max count as zero)', latex: 'A^†' }, help: 'pinv(A): the Moore–Penrose pseudo-inverse',
    domain: 'any', shape: (a) => shape(a.cols, a.rows),
    value: (a) => pinv(a),
    latex: (x) => `${x}^{\\dagger}`,
  },
  {
    // S^k for a symmetric positive semidefinite S (k > 0; sqrtm(S) is k = 1/2) or definite S (k < 0)
    name: 'spdpow', domain: 'spd', shape: (a) => a,
    value: (a, _i, k) => spdPower(a, k),
    latex: (x, _i, k) => `${x}^{${powerLatex(k)}}`,
  },
];

const TABLE = new Map(SPECTRAL.map((f) => [f.name, f]));

/** 1/2, -1/2, 1/3, … as fractions; other exponents as numbers. */
function powerLatex(k: number): string {
  for (const q of [2, 3, 4]) {
    const p = k * q;
    if (Math.abs(p - Math.round(p)) < 1e-12 && Math.abs(Math.round(p)) < q) return `${Math.round(p)}/${q}`;
  }
  return String(k);
}
function powerText(k: number): string {
  const s = powerLatex(k);
  return s.includes('/') ? `(${s})` : k < 0 ? `(${k})` : s;
}

function spec(node: OpNode): SpectralFunction {
  const f = TABLE.get(node.attrs.fn ?? '');
  if (!f) throw new Error(`internal: unknown spectral function ${node.attrs.fn}`);
  return f;
}

/** The value of a dimension used as an index (eigval(S, n)). */
function indexValue(node: OpNode, ctx: EvalContext): number {
  const d = node.attrs.dims?.[0];
  return d ? ctx.size(d) : 1;
}

function printIndex(d: Dim | undefined, latex: boolean): string {
  if (!d) return '';
  return latex ? dimLatex(d) : dimText(d).replace(/·/g, '*');
}

/** The functions of the language: one per named row, and sqrtm(S) = S^(1/2). */
function languageFunctions(): LangFunction[] {
  const usage = (f: SpectralFunction) => `\`${f.name}(${f.domain === 'any' ? 'A' : 'S'}${f.indexed ? ', i' : ''})\``;
  const rows: LangFunction[] = SPECTRAL.filter((f) => f.help).map((f) => ({
    name: f.name,
    args: f.indexed ? ['expr', 'dim'] : ['expr'],
    build: ([a, i]) => spectral(f.name, a as Expr, f.indexed ? (i as Dim) : undefined),
    help: f.help!,
    doc: { usage: usage(f), meaning: f.doc!.meaning, latex: f.doc!.latex, table: 'spectral' },
  }));
  const sqrtm: LangFunction = {
    name: 'sqrtm', args: ['expr'], build: ([a]) => spdpow(a as Expr, 0.5),
    help: 'sqrtm(S): the positive semidefinite square root S^(1/2) of a positive semidefinite S (evaluated numerically)',
    doc: {
      usage: '`sqrtm(S)`, `S^(1/2)`, `S^(-1/2)`, `S^p`', meaning: 'powers of a symmetric positive semidefinite S (definite for p < 0), V diag(λ^p) Vᵀ',
      latex: 'S^{1/2}, S^{-1/2}', table: 'spectral',
    },
  };
  return [...rows, sqrtm];
}

register({
  name: 'spectral',
  functions: languageFunctions(),
  precedence: PREC.atom,
  shape([a], attrs) {
    const f = TABLE.get(attrs.fn ?? '');
    if (!f) throw new Error(`internal: unknown spectral function ${attrs.fn}`);
    if (f.domain !== 'any' && !isSquare(a.shape)) throw needShape(f.name === 'spdpow' ? 'a matrix power' : f.name, a, `${f.name === 'spdpow' ? 'S^p' : f.name + '(S)'} needs a square (${f.domain === 'spd' ? 'positive semidefinite' : 'symmetric'}) matrix`);
    if (f.domain === 'symmetric' && a.kind === 'sym' && !a.props.has('symmetric') && !a.props.has('spd') && !isOne(a.shape.rows))
      throw new ShapeError(`${f.name}(${a.name}): eigenvalues are taken of symmetric matrices, and ${a.name} is not declared symmetric (declare ${a.name}: ${dimText(a.shape.rows)} x ${dimText(a.shape.cols)} symmetric, or take the symmetric part (${a.name} + ${a.name}')/2)`);
    const i = attrs.dims?.[0];
    if (f.indexed && i && i.syms.length === 0) {
      const limit = f.domain === 'any' ? svdRank(a.shape) : a.shape.rows;
      if (i.coef < 1 || (limit && limit.syms.length === 0 && i.coef > limit.coef))
        throw new ShapeError(`${f.name}(…, ${i.coef}): the index must be between 1 and ${limit ? dimText(limit) : 'the number of values'}`);
    }
    return f.shape(a.shape);
  },
  differential(node) {
    const f = spec(node);
    const what = f.name === 'spdpow' ? `the matrix power S^${powerText(node.attrs.k!)}` : f.name === 'opnorm' ? 'opnorm(…), the spectral norm,' : `${f.name}(…)`;
    throw new UnsupportedError(
      `${what} is evaluated numerically only: matcalc does not differentiate through spectral functions (eigen- and singular values and vectors, opnorm, maxabs, pinv, matrix square roots), which are not differentiable where two values coincide; in a derivation document, grad(…) or hess(…) of such an expression is evaluated by finite differences`,
    );
  },
  evaluate(node, [a], ctx) {
    const f = spec(node);
    const undefinedValue = () => Mat.fill(ctx.size(node.shape.rows), ctx.size(node.shape.cols), NaN);
    if (f.domain !== 'any' && asymmetry(a) > SYMMETRY_TOLERANCE) return undefinedValue();
    const i = f.indexed ? indexValue(node, ctx) : 0;
    if (f.indexed && !(i >= 1 && i <= f.count!(a))) return undefinedValue();
    return f.value(a, i, node.attrs.k ?? 0);
  },
  text(node, p: Printer) {
    const f = spec(node);
    const a = node.args[0];
    if (f.name === 'spdpow') return node.attrs.k === 0.5 ? `sqrtm(${p(a)})` : `${p(a, PREC.pow + 1)}^${powerText(node.attrs.k!)}`;
    return `${f.name}(${p(a)}${f.indexed ? ', ' + printIndex(node.attrs.dims?.[0], false) : ''})`;
  },
  latex(node, p: Printer) {
    const f = spec(node);
    const a = node.args[0];
    return f.latex(p(a, PREC.postfix + 0.5), printIndex(node.attrs.dims?.[0], true), node.attrs.k ?? 0, p(a));
  },
  simplify(node) {
    const f = spec(node);
    const [a] = node.args;
    // ‖Aᵀ‖₂ = ‖A‖₂, σ(Aᵀ) = σ(A): the values, not the vectors
    if (isOp(a, 'transpose') && ['opnorm', 'sigma_max', 'sigma_min', 'svdval', 'svdvals'].includes(f.name)) return op(node.op, [a.args[0]], node.attrs);
    return node;
  },
  transpose(node) {
    const f = spec(node);
    // S^p, pinv: (S^p)ᵀ = S^p for symmetric S; pinv(A)ᵀ = pinv(Aᵀ)
    if (f.name === 'spdpow') return node;
    if (f.name === 'pinv') return op(node.op, [T(node.args[0])], node.attrs);
    return undefined;
  },
});
