// Products: matrix products and scalar multiples in one n-ary node. Shapes fold left; a 1×1 factor is a
// scalar and commutes. Canonical form: [numeric coefficient] [scalar factors, sorted] [matrix chain].
import { Expr, OpNode, isNum, isOp, isScalar, num } from '../expr/ast.js';
import { add, dimval, eye, hadamard, inner, kron, mpow, mul, ones, pow, T, vec, zeros, zeroLike } from '../expr/build.js';
import { dimEq, isOne, ONE, type Dim } from '../expr/dim.js';
import { Shape, shape, isScalarShape, isSquare } from '../expr/shape.js';
import { matmul } from '../numeric/mat.js';
import { compareStructural } from '../expr/order.js';
import { numberLatex, niceFraction } from '../expr/names.js';
import { CODE_PREC, PREC, opDef, register, type EmitContext, type EmitFn, type Kernel, type KernelContext, type Printer } from './registry.js';
import { gemm } from './kernels.js';
import { shapeMismatch } from './util.js';

function foldShape(args: readonly Expr[]): Shape {
  let cur = args[0].shape;
  let left: Expr = args[0];
  for (let i = 1; i < args.length; i++) {
    const s = args[i].shape;
    if (isScalarShape(cur)) cur = s;
    else if (isScalarShape(s)) {
      /* scalar multiple */
    } else if (dimEq(cur.cols, s.rows)) cur = shape(cur.rows, s.cols);
    else
      throw shapeMismatch(
        'a matrix product',
        i === 1 ? left : mul(...args.slice(0, i)),
        args[i],
        'the columns of the left factor must equal the rows of the right factor',
      );
    left = args[i];
  }
  return cur;
}

/** The parts of a canonical product. */
export interface Product {
  coef: number;
  scalars: Expr[];
  chain: Expr[];
}

export function productParts(e: Expr): Product {
  if (e.kind === 'num') return { coef: e.value, scalars: [], chain: [] };
  if (!isOp(e, 'mul')) return isScalar(e) ? { coef: 1, scalars: [e], chain: [] } : { coef: 1, scalars: [], chain: [e] };
  const out: Product = { coef: 1, scalars: [], chain: [] };
  for (const a of e.args) {
    if (a.kind === 'num') out.coef *= a.value;
    else if (isScalar(a)) out.scalars.push(a);
    else out.chain.push(a);
  }
  return out;
}

const isStochastic = (e: Expr) => e.kind === 'sym' && e.props.has('stochastic');

/** diag(vec(I)): the mask of the diagonal entries among the n² entries of a vec. */
const isMask = (e: Expr) => isOp(e, 'diag') && isOp(e.args[0], 'vec') && isOp(e.args[0].args[0], 'eye');
/** 1ᵀ ⊗ I (a row of identities: sums the n blocks of a vec) or 1 ⊗ I (n copies of a column). */
const isSelector = (e: Expr, ones1: 'row' | 'column') =>
  isOp(e, 'kron') && isOp(e.args[0], 'ones') && isOp(e.args[1], 'eye') && isOne(ones1 === 'row' ? e.args[0].shape.rows : e.args[0].shape.cols);

/** 𝟏_{a×1} without the factor 1 when it is 1×1. */
const onesOrNothing = (rows: Dim, cols: Dim): Expr[] => (isOne(rows) && isOne(cols) ? [] : [ones(rows, cols)]);

/**
 * Products with a matrix of ones, as factors of a chain: diag(v)𝟏 = v𝟏ᵀ (rows scaled), 𝟏diag(v) = 𝟏vᵀ,
 * 𝟏_{a×b}𝟏_{b×c} = b·𝟏_{a×c}; undefined when a·b is none of these.
 */
function onesProduct(a: Expr, b: Expr): Expr[] | undefined {
  const column = (e: Expr) => isOp(e, 'diag') && isOne(e.args[0].shape.cols);
  if (column(a) && isOp(b, 'ones')) return [(a as OpNode).args[0], ...onesOrNothing(ONE, b.shape.cols)];
  if (isOp(a, 'ones') && column(b)) return [...onesOrNothing(a.shape.rows, ONE), T((b as OpNode).args[0])];
  if (isOp(a, 'ones') && isOp(b, 'ones')) {
    const inner = a.shape.cols;
    return [...(isOne(inner) ? [] : [dimval(inner)]), ...(isOne(a.shape.rows) && isOne(b.shape.cols) ? [] : [ones(a.shape.rows, b.shape.cols)])];
  }
  return undefined;
}

function chainProduct(chain: readonly Expr[]): Expr | undefined {
  return chain.length === 0 ? undefined : chain.length === 1 ? chain[0] : mul(...chain);
}

/** ⟨U, c·s·L·M·R⟩ = ⟨c·s·Lᵀ U Rᵀ, M⟩ for the chain member M; for a scalar factor s, ⟨U, s·R⟩ = ⟨⟨U,R⟩, s⟩. */
function adjoint(node: OpNode, i: number, U: Expr): Expr {
  const arg = node.args[i];
  const others = node.args.filter((_, j) => j !== i);
  if (isScalar(arg) && !isScalar(node)) return inner(U, mul(...others));
  if (isScalar(arg)) return others.length ? mul(U, ...others) : U;
  const before = node.args.slice(0, i).filter((a) => !isScalar(a));
  const after = node.args.slice(i + 1).filter((a) => !isScalar(a));
  const scalars = others.filter(isScalar);
  return mul(...scalars, ...before.reverse().map(T), U, ...after.reverse().map(T));
}

/** vec(c·s·L·M·R) = c·s·(Rᵀ ⊗ L) vec(M); vec(s·R) = vec(R)·s. */
function vecLinear(node: OpNode, i: number): Expr {
  const arg = node.args[i];
  const others = node.args.filter((_, j) => j !== i);
  if (isScalar(arg)) return isScalar(node) ? mul(...others) : vec(mul(...others));
  const scalars = others.filter(isScalar);
  const before = chainProduct(node.args.slice(0, i).filter((a) => !isScalar(a))) ?? eye(arg.shape.rows);
  const after = chainProduct(node.args.slice(i + 1).filter((a) => !isScalar(a))) ?? eye(arg.shape.cols);
  return mul(...scalars, kron(T(after), before));
}

function simplify(node: OpNode): Expr {
  let coef = 1;
  const scalarPowers = new Map<Expr, number>();
  const scalarOrder: Expr[] = [];
  const chain: Expr[] = [];
  const addScalar = (base: Expr, k: number) => {
    if (!scalarPowers.has(base)) scalarOrder.push(base);
    scalarPowers.set(base, (scalarPowers.get(base) ?? 0) + k);
  };
  const visit = (e: Expr) => {
    if (e.kind === 'num') coef *= e.value;
    else if (isOp(e, 'mul') && (!isScalar(e) || e.args.every(isScalar))) for (const a of e.args) visit(a);
    else if (isScalar(e)) {
      if (isOp(e, 'pow') && e.args[0].kind !== 'num') addScalar(e.args[0], e.attrs.k!);
      else addScalar(e, 1);
    } else chain.push(e);
  };
  for (const a of node.args) visit(a);
  if (coef === 0 || chain.some((c) => isOp(c, 'zeros'))) return zeroLike(node);
  // a chain that multiplies out to 1×1 (xᵀAx) is one scalar factor once other factors are present
  if (chain.length > 1 && isScalarShape(node.shape) && (coef !== 1 || scalarOrder.length > 0)) {
    addScalar(mul(...chain), 1);
    chain.length = 0;
  }
  // columns that sum to one: 𝟏ᵀY = 𝟏ᵀ for a stochastic Y, so ones(k, m)*Y = ones(k, n) and Y'*ones(m, k) = ones(n, k)
  for (let i = 0; i + 1 < chain.length; i++) {
    const [a, b] = [chain[i], chain[i + 1]];
    // neighbours of a flattened scalar sub-chain (xᵀ𝟏 in xᵀ𝟏·𝟏_{n×m}) do not multiply each other
    if (!dimEq(a.shape.cols, b.shape.rows)) continue;
    const sums = (isOp(a, 'ones') && isStochastic(b)) || (isOp(b, 'ones') && isOp(a, 'transpose') && isStochastic(a.args[0]));
    const merged = sums ? [ones(a.shape.rows, b.shape.cols)] : onesProduct(a, b);
    if (!merged) continue;
    chain.splice(i, 2, ...merged);
    i = Math.max(-1, i - 2);
  }
  // diag's vec-Jacobian is made of selectors: E = (1ᵀ ⊗ I) diag(vec I) takes the diagonal and Eᵀ builds a
  // diagonal matrix, so E (P ⊗ Q) Eᵀ = Q ∘ P; a sum between selectors is multiplied out first
  const flank = (i: number) => (i > 0 && (isMask(chain[i - 1]) || isSelector(chain[i - 1], 'row'))) || (i + 1 < chain.length && (isMask(chain[i + 1]) || isSelector(chain[i + 1], 'column')));
  const between = chain.findIndex((c, i) => isOp(c, 'add') && flank(i));
  if (between >= 0) {
    const prefix = [num(coef), ...scalarOrder.map((b) => pow(b, scalarPowers.get(b)!))];
    const [before, after] = [chain.slice(0, between), chain.slice(between + 1)];
    return add(...(chain[between] as OpNode).args.map((t) => mul(...prefix, ...before, t, ...after)));
  }
  for (let i = 0; i + 4 < chain.length; i++) {
    const [l, m1, k, m2, r] = chain.slice(i, i + 5);
    if (isSelector(l, 'row') && isMask(m1) && isOp(k, 'kron') && isMask(m2) && isSelector(r, 'column')) chain.splice(i, 5, hadamard(k.args[1], k.args[0]));
  }
  // drop identities between matrices: the neighbours' dimensions already agree
  const kept0 = chain.length > 1 ? chain.filter((c) => !isOp(c, 'eye')) : chain;
  const kept = mergePowers(kept0);
  const finalChain = kept.length === 0 && chain.length > 0 ? [chain[0]] : kept;
  const scalars: Expr[] = [];
  // plain symbols first (μ⟨A, B⟩, not ⟨A, B⟩μ), then the structural order
  const rank = (e: Expr) => (e.kind === 'sym' ? 0 : 1);
  for (const b of [...scalarOrder].sort((x, y) => rank(x) - rank(y) || compareStructural(x, y))) {
    const k = scalarPowers.get(b)!;
    if (k !== 0) scalars.push(pow(b, k));
  }
  const args: Expr[] = [...(coef !== 1 ? [num(coef)] : []), ...scalars, ...finalChain];
  if (args.length === 0) return num(coef);
  if (args.length === 1) return args[0];
  const same = args.length === node.args.length && args.every((a, i) => a === node.args[i]);
  return same ? node : mul(...args);
}

/** Equal neighbours in a matrix chain become powers: A·A·Aᵀ = A²Aᵀ. */
function mergePowers(chain: readonly Expr[]): Expr[] {
  const out: { base: Expr; k: number }[] = [];
  for (const c of chain) {
    const [base, k] = isOp(c, 'mpow') ? [c.args[0], c.attrs.k!] : [c, 1];
    const last = out[out.length - 1];
    if (last && last.base === base && isSquare(base.shape)) last.k += k;
    else out.push({ base, k });
  }
  return out.map(({ base, k }) => mpow(base, k));
}

/** Scalar factors with negative powers print as a fraction: μ/4, 1/‖A‖. */
function splitFraction(scalars: readonly Expr[]): { numer: Expr[]; denom: Expr[] } {
  const numer: Expr[] = [], denom: Expr[] = [];
  for (const s of scalars) {
    if (isOp(s, 'pow') && s.attrs.k! < 0) denom.push(pow(s.args[0], -s.attrs.k!));
    else numer.push(s);
  }
  return { numer, denom };
}

/** Nested matrix products print as one chain: (W2W1)X is W2W1X. */
function flatChain(chain: readonly Expr[]): Expr[] {
  return chain.flatMap((c) => (isOp(c, 'mul') && c.args.every((a) => !isScalar(a)) ? flatChain(c.args) : [c]));
}

/**
 * The factors of a product as written, nested products flattened ((1/n·Aᵀ)·B is 1/n·AᵀB, μ/4·ρ is
 * (1/4)·μ·ρ); a product that is a scalar made of matrices (vᵀ∇f) stays one factor.
 */
function printedParts(node: OpNode): Product {
  const flat: Expr[] = [];
  const visit = (e: Expr) => {
    if (isOp(e, 'mul') && (!isScalar(e) || e.args.every(isScalar))) e.args.forEach(visit);
    else flat.push(e);
  };
  node.args.forEach(visit);
  return productParts(flat.length === 1 ? flat[0] : { ...node, args: flat });
}

function printProduct(node: OpNode, p: Printer, latex: boolean): string {
  const parts0 = printedParts(node);
  const { coef, scalars } = parts0;
  const chain = flatChain(parts0.chain);
  const sign = coef < 0 ? '-' : '';
  const c = Math.abs(coef);
  const { numer, denom } = splitFraction(scalars);
  const factor = (e: Expr) => p(e, PREC.mul + 0.5);
  if (!latex) {
    const parts: string[] = [];
    if (c !== 1 || (numer.length === 0 && chain.length === 0)) {
      const f = niceFraction(c);
      parts.push(f ? `${f.num}/${f.den}` : String(c));
    }
    for (const s of [...numer, ...chain]) parts.push(factor(s));
    let s = parts.join('*');
    if (denom.length) s += '/' + (denom.length === 1 ? p(denom[0], PREC.pow) : '(' + denom.map(factor).join('*') + ')');
    return sign + s;
  }
  // LaTeX as the papers write it: ½‖e‖²_F, (μ/4)ρ as \frac{μρ}{4}, \frac{1}{n}Aᵀ…: the coefficient, with the
  // plain scalar symbols and simple denominators, is a fraction in front of the other factors; a
  // denominator that is itself an expression takes the whole product over the bar
  const f = niceFraction(c);
  const simple = (e: Expr) => e.kind === 'sym' || e.kind === 'num' || isOp(e, 'dimval');
  const frontNumer = denom.every(simple) ? numer.filter(simple) : numer;
  const restNumer = numer.filter((e) => !frontNumer.includes(e));
  const coefTex = f ? String(f.num) : c === 1 ? '' : numberLatex(c);
  const top = [coefTex === '1' && frontNumer.length ? '' : coefTex, ...frontNumer.map(factor)].filter(Boolean).join(' ');
  const bottom = [f ? String(f.den) : '', ...denom.map(factor)].filter(Boolean).join(' ');
  const front = bottom ? `\\frac{${top || '1'}}{${bottom}}` : top;
  // W_l⋯W_{k+1} needs no parentheses between other factors, and ∇ none at the end of a product
  const chainTex = chain
    .map((e, i) => {
      const def = e.kind === 'op' ? opDef(e.op) : undefined;
      const bare = e.kind === 'op' && (def!.juxtaposed?.(e) || (def!.reachesRight && i === chain.length - 1));
      return p(e, bare ? PREC.mul : PREC.mul + 0.5);
    })
    .join('');
  const factors = [...restNumer.map(factor), chainTex].filter(Boolean).join(' ');
  const needDot = front !== '' && factors !== '' && /\d$/.test(front) && /^\d/.test(factors);
  return sign + front + (front && factors ? (needDot ? ' \\cdot ' : ' ') : '') + factors;
}

/** c·s₁⋯ as code: "-a * b", "0.5 * a", or the coefficient alone. */
function scaled(coef: number, parts: string[], c: EmitContext): string {
  if (parts.length === 0) return c.num(coef);
  const body = parts.join(' * ');
  return coef === 1 ? body : coef === -1 ? '-' + body : `${coef} * ${body}`;
}

/** Python: scalars by *, matrices by @; a row times a column is a 1×1 array, read as a number. */
const emitPython: EmitFn = (node, c) => {
  const { coef, scalars, chain } = productParts(node);
  // every operand that is itself a product keeps its parentheses: (A @ B) @ C shows the order chosen,
  // and * next to @ never leaves a reader guessing
  const operand = (e: Expr) => c.code(e, CODE_PREC.pow);
  const parts = scalars.map(operand);
  if (chain.length) {
    const m = chain.map(operand).join(' @ ');
    parts.push(chain.length > 1 && isScalarShape(node.shape) ? `(${m})[0, 0]` : m);
  }
  return scaled(coef, parts, c);
};

/** TypeScript: mm(A, B, transA, transB) folds the transposes of its operands; scalars are numbers. */
const emitTs: EmitFn = (node, c) => {
  const { coef, scalars, chain } = productParts(node);
  const s = scalars.map((x, i) => c.code(x, i === 0 ? CODE_PREC.mul : CODE_PREC.pow));
  if (chain.length === 0) return scaled(coef, s, c);
  const operand = (f: Expr): [string, boolean] => (isOp(f, 'transpose') ? [c.code(f.args[0]), true] : [c.code(f), false]);
  let [m, tm] = chain.length === 1 ? [c.code(chain[0]), false] : operand(chain[0]);
  for (const f of chain.slice(1)) {
    const [b, tb] = operand(f);
    m = `${c.helper('mm')}(${m}, ${b}${tm || tb ? `, ${tm}, ${tb}` : ''})`;
    tm = false;
  }
  if (chain.length > 1 && isScalarShape(node.shape)) m += '.data[0]';
  if (isScalarShape(node.shape)) return scaled(coef, [...s, m], c);
  if (coef === 1 && s.length === 0) return m;
  return `${c.helper('scale')}(${m}, ${scaled(coef, s, c)})`;
};

/**
 * Compiled products: a scalar multiple, or one product of two matrices (what lowering leaves), with
 * transposed operands read in place. Longer chains fall back to `evaluate`.
 */
function kernel(node: OpNode, k: KernelContext): Kernel | undefined {
  const { coef, scalars, chain } = productParts(node);
  if (chain.length > 2) return undefined;
  const ns = scalars.length;
  const factor = (ins: readonly Float64Array[]) => {
    let s = coef;
    for (let i = 0; i < ns; i++) s *= ins[i][0];
    return s;
  };
  if (chain.length < 2) {
    const inputs = [...scalars, ...chain];
    return {
      inputs,
      run(out, ins) {
        const s = factor(ins);
        if (chain.length === 0) out[0] = s;
        else for (let i = 0, x = ins[ns]; i < out.length; i++) out[i] = s * x[i];
      },
    };
  }
  const [a, b] = chain.map((f) => (isOp(f, 'transpose') ? { e: f.args[0], t: true } : { e: f, t: false }));
  const m = k.rows(node), n = k.cols(node), inner = k.cols(chain[0]);
  const lda = k.rows(a.e), ldb = k.rows(b.e);
  return {
    inputs: [...scalars, a.e, b.e],
    run(out, ins) {
      gemm(out, ins[ns], ins[ns + 1], m, n, inner, lda, ldb, a.t, b.t);
      const s = factor(ins);
      if (s !== 1) for (let i = 0; i < out.length; i++) out[i] *= s;
    },
  };
}

register({
  name: 'mul',
  helpers: {
    ts: {
      scale: {
        deps: ['mat'],
        source: `function scale(a: Matrix, s: number): Matrix {
  const out = mat(a.rows, a.cols), o = out.data, x = a.data;
  for (let i = 0; i < o.length; i++) o[i] = s * x[i];
  return out;
}`,
      },
    },
  },
  precedence: PREC.mul,
  shape: (args) => foldShape(args),
  differential(node, d) {
    const terms: Expr[] = [];
    node.args.forEach((a, i) => {
      const da = d(a);
      if (da) terms.push(mul(...node.args.map((b, j) => (j === i ? da : b))));
    });
    return terms.length === 0 ? null : add(...terms);
  },
  adjoint,
  vecLinear,
  evaluate: (_n, args) => args.reduce(matmul),
  text: (n, p) => printProduct(n, p, false),
  latex: (n, p) => printProduct(n, p, true),
  simplify,
  emit: { numpy: emitPython, torch: emitPython, ts: emitTs },
  kernel,
  transpose(node) {
    const { coef, scalars, chain } = productParts(node);
    // a chain with a 1×1 run inside (xᵀAx·xxᵀ) does not reverse factor by factor: keep (…)ᵀ
    if (chain.some((_c, i) => i > 0 && isScalarShape(mul(...chain.slice(0, i)).shape))) return undefined;
    return mul(...(coef !== 1 ? [num(coef)] : []), ...scalars, ...[...chain].reverse().map(T));
  },
});

export { zeros, isNum };
