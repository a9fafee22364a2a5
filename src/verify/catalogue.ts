// The mistake catalogue, one for claimed derivatives (`matcalc verify --claim`) and for the steps of
// derivation documents. Each entry proposes explanations of a wrong formula C against a reference R (the
// true derivative, or the line before a step, or what the rule it cites gives): a named transformation of
// R that C should equal ("the claim is Rᵀ", "R without the term A'X"), or of C that R should equal ("C
// with the commutation matrix put back"). A transformation of C is the claim corrected, in the writer's
// own notation. src/verify/diagnose.ts tests every explanation numerically and keeps the exact ones.
import { Expr, NumNode, OpNode, SymNode, isNum, isOp, isSymmetricSymbol, num, op, substitute, sym } from '../expr/ast.js';
import { add, commutation, ew, hadamard, isZero, kron, mul, T, zeroLike } from '../expr/build.js';
import { Dim, ONE, dimMul, isOne } from '../expr/dim.js';
import { InputError } from '../expr/errors.js';
import { ancestors, replaceAt, type Path } from '../expr/paths.js';
import { SCALAR, isScalarShape, isSquare, shapeEq } from '../expr/shape.js';
import { productParts } from '../ops/mul.js';
import { ELEMENTWISE } from '../ops/elementwise.js';
import { opDef } from '../ops/registry.js';
import { simplify } from '../rewrite/simplify.js';
import { toText } from '../render/print.js';
import { numberText } from '../render/names.js';

/** Every kind of slip the catalogue names (JSON `diagnosis[].kinds`). */
export const MISTAKE_KINDS = [
  'factor',
  'sign',
  'layout',
  'dropped-transpose',
  'extra-transpose',
  'missing-term',
  'extra-term',
  'kron-swap',
  'missing-commutation',
  'extra-commutation',
  'commutation-swap',
  'swapped-factors',
  'product-for-hadamard',
  'hadamard-for-product',
  'symmetrisation',
  'chain-rule',
  'function-for-derivative',
  'derivative-for-function',
] as const;
export type MistakeKind = (typeof MISTAKE_KINDS)[number];

/** How findings name the two formulas. */
export interface Words {
  /** the wrong formula: "the claim", "the line" */
  readonly claim: string;
  /** the reference, in "where ___ has": "the truth", "the line before", "kron-transpose" */
  readonly truth: string;
  /** the reference as a whole: "the true gradient", "the line before", "∇²f[dX, dX]" */
  readonly whole: string;
  /** for a derivative claim: why its transpose is a layout mistake (absent for steps) */
  readonly layout?: string;
}

/** What the catalogue's transformations see. */
export interface MistakeContext {
  /** the reference R (the engine's result, simplified; or a line before, as written) */
  readonly truth: Expr;
  /** the formula C as written (parsed, not simplified: corrections keep the writer's notation) */
  readonly claim: Expr;
  readonly symbols: readonly SymNode[];
  readonly words: Words;
  /** a gradient with respect to a symmetric variable: G + Gᵀ and the Cookbook's G + Gᵀ − G∘I are slips */
  readonly symmetricVariable?: { readonly name: string; readonly cookbook?: Expr };
}

/**
 * One explanation to test: side 'truth', C should equal `expr` (a transformation of R); side 'claim', R
 * should equal `expr` (a transformation of C, so `expr` is the claim corrected). A constant factor is
 * fitted on top of every explanation (a second slip when it is not 1).
 */
export interface Candidate {
  readonly side: 'truth' | 'claim';
  readonly expr: Expr;
  readonly kinds: readonly MistakeKind[];
  readonly sentence: () => string;
  /** the claim with the slip undone, when it can be written in the claim's notation (claim side: `expr`) */
  readonly corrected?: () => Expr | undefined;
  /** `expr` is the side itself: only the fitted factor explains (the `factor` entry) */
  readonly identity?: true;
}

export interface Mistake {
  readonly name: string;
  /** what it looks for (docs/verify.md lists these) */
  readonly description: string;
  readonly candidates: (ctx: MistakeContext) => Iterable<Candidate>;
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

export const q = (e: Expr): string => '`' + toText(e) + '`';

/** Build, or undefined when the transformation is ill-typed (a transpose dropped from a non-square factor). */
export function attempt<R>(build: () => R): R | undefined {
  // most transformations are tried blind and many are ill-typed: a stack trace per rejection costs more than the try
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A square, non-scalar, not known symmetric subexpression: one a transpose changes. */
function transposable(e: Expr): boolean {
  return !isScalarShape(e.shape) && isSquare(e.shape) && !isSymmetricSymbol(e);
}

/**
 * Where a transpose may be missing or too many: any matrix but a symmetric one (a non-square one too,
 * inside a Kronecker product or where the whole changes shape) — but not K_{mn}, whose transpose K_{nm}
 * is the commutation entry's.
 */
const transposeSite = (e: Expr) => !isScalarShape(e.shape) && !isSymmetricSymbol(e) && !isOp(e, 'commutation');

/** Derivative operators are evaluated by differences: a slip is in what is written around them, not inside. */
const OPAQUE = new Set(['grad', 'jac', 'hess', 'diff']);

interface Site {
  readonly path: Path;
  readonly node: Expr;
  readonly parent?: Expr;
}

/** Every position of `root` (the root itself only with includeRoot) whose node passes `test`, with its parent. */
function* sites(root: Expr, test: (e: Expr) => boolean, includeRoot = false, limit = 2000): Generator<Site> {
  let seen = 0;
  const stack: { path: number[]; node: Expr; parent?: Expr }[] = [{ path: [], node: root }];
  while (stack.length && seen++ < limit) {
    const s = stack.pop()!;
    if ((includeRoot || s.path.length) && test(s.node)) yield s;
    if (s.node.kind === 'op' && !OPAQUE.has(s.node.op))
      for (let i = s.node.args.length - 1; i >= 0; i--) stack.push({ path: [...s.path, i], node: s.node.args[i], parent: s.node });
  }
}

/**
 * `root` with the node at `path` replaced by `by` (the ill-typed results left out) — and, when that node
 * occurs elsewhere too (the DAG shares it: ‖A‖² is ⟨A, A⟩ with one A), with every occurrence replaced, as
 * a slip in a subexpression written once is.
 */
function edited(root: Expr, path: Path, by: Expr): Expr[] {
  const one = attempt(() => replaceAt(root, path, by));
  const node = path.reduce<Expr>((e, i) => (e as OpNode).args[i], root);
  let count = 0;
  for (const _ of sites(root, (e) => e === node, true)) if (++count > 1) break;
  const all = count > 1 ? attempt(() => substitute(root, new Map([[node, by]]))) : undefined;
  return [one, all].filter((e, i, a): e is Expr => e !== undefined && a.indexOf(e) === i);
}

/** Is root linear in the node at path (every operator on the way is multilinear)? */
function linearAt(root: Expr, path: Path): boolean {
  return ancestors(root, path).every((a) => a.kind === 'op' && opDef(a.op).adjoint !== undefined);
}

/**
 * What one term of a sum contributes to the whole, printed as a person would name it: in (A + A')X the
 * term A' contributes A'X. Undefined when the whole is not linear in that position.
 */
function contribution(root: Expr, path: Path, sum: Expr, term: Expr): Expr | undefined {
  if (!linearAt(root, path)) return undefined;
  const rest = attempt(() => simplify(replaceAt(root, path, zeroLike(sum))));
  if (!rest || !isZero(rest)) return undefined;
  return attempt(() => simplify(replaceAt(root, path, term)));
}

function termName(root: Expr, path: Path, sum: Expr, term: Expr): string {
  const c = contribution(root, path, sum, term);
  return c ? q(c) : `${q(term)} (in ${q(sum)})`;
}

/** A sum without its i-th term (a single remaining term stands alone). */
function without(sum: OpNode, i: number): Expr {
  const rest = sum.args.filter((_, j) => j !== i);
  return rest.length === 1 ? rest[0] : add(...rest);
}

function withTerm(sum: OpNode, i: number, term: Expr): Expr {
  return add(...sum.args.map((a, j) => (j === i ? term : a)));
}

/** A product with its matrix factors in a new order (coefficient and scalar factors stay in front). */
function reordered(node: Expr, chain: readonly Expr[]): Expr {
  const p = productParts(node);
  return mul(...(p.coef !== 1 ? [num(p.coef)] : []), ...p.scalars, ...chain);
}

/** Orders of a chain a person might write by mistake: two adjacent blocks swapped, or the whole reversed. */
function* chainMisorders(chain: readonly Expr[]): Generator<Expr[]> {
  const n = chain.length;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++)
      for (let c = b + 1; c <= n; c++) yield [...chain.slice(0, a), ...chain.slice(b, c), ...chain.slice(a, b), ...chain.slice(c)];
  if (n > 2) yield [...chain].reverse();
}

/** An outer product u·vᵀ (a column times a row) written the other way round, v·uᵀ, at each adjacent pair. */
function* outerReversals(chain: readonly Expr[]): Generator<{ order: Expr[]; outer: Expr; reversed: Expr }> {
  for (let i = 0; i + 1 < chain.length; i++) {
    const [u, v] = [chain[i], chain[i + 1]];
    if (!isOne(u.shape.cols) || !isOne(v.shape.rows) || isScalarShape(u.shape) || isScalarShape(v.shape)) continue;
    const reversed = attempt(() => simplify(mul(T(v), T(u))));
    if (reversed) yield { order: [...chain.slice(0, i), reversed, ...chain.slice(i + 2)], outer: mul(u, v), reversed };
  }
}

/** Ways to write a dimension as a product a·b of two dimensions other than 1 (m·n → (m, n) and (n, m)). */
function splits(d: Dim): [Dim, Dim][] {
  const factors: Dim[] = [...d.syms.map((s) => ({ coef: 1, syms: [s] })), ...(d.coef > 1 ? [{ coef: d.coef, syms: [] }] : [])];
  if (factors.length < 2 || factors.length > 4) return [];
  const out = new Map<string, [Dim, Dim]>();
  for (let mask = 1; mask < (1 << factors.length) - 1; mask++) {
    let a: Dim = ONE, b: Dim = ONE;
    factors.forEach((f, i) => (mask & (1 << i) ? (a = dimMul(a, f)) : (b = dimMul(b, f))));
    out.set(toText(commutation(a, b)), [a, b]);
  }
  return [...out.values()];
}

/**
 * The elementwise functions of the operator registry whose derivative is neither zero nor the function
 * itself (exp). Worked out on first use: building f′ needs every operator registered.
 */
let differentiable: readonly string[] | undefined;
export function functionsWithDerivatives(): readonly string[] {
  return (differentiable ??= ELEMENTWISE.filter((f) => {
    const z = sym('z', SCALAR);
    const d = attempt(() => simplify(f.derivative(z, 0)));
    return d !== undefined && !isZero(d) && d !== simplify(ew(f.name, z));
  }).map((f) => f.name));
}

/** f′(a) for the elementwise node f(a), simplified; undefined when it is zero or f itself. */
function derivativeOf(node: OpNode): Expr | undefined {
  const fn = ELEMENTWISE.find((f) => f.name === node.attrs.fn);
  if (!fn || !functionsWithDerivatives().includes(fn.name)) return undefined;
  const d = attempt(() => simplify(fn.derivative(node.args[0], node.attrs.k ?? 0)));
  return d && d !== node && !isZero(d) ? d : undefined;
}

/** Every elementwise node f(a) (f with a non-trivial derivative) of the given roots, once each. */
function elementwiseNodes(roots: readonly Expr[]): OpNode[] {
  const out = new Set<OpNode>();
  for (const r of roots) for (const { node } of sites(r, (e) => isOp(e, 'ew'), true)) out.add(node as OpNode);
  return [...out].filter((n) => derivativeOf(n) !== undefined);
}

/** Where `root` holds f′(a): a node equal to it after simplification, or the factors of it in a longer Hadamard product. */
function* derivativeSites(root: Expr, d: Expr): Generator<{ path: Path; replace: (by: Expr) => Expr }> {
  for (const { path, node } of sites(root, (e) => e.kind === 'op', true)) {
    const s = simplify(node);
    if (s === d) yield { path, replace: (by) => by };
    else if (isOp(d, 'hadamard') && isOp(s, 'hadamard') && s.args.length > d.args.length && d.args.every((a) => s.args.includes(a))) {
      const rest = s.args.filter((a) => !d.args.includes(a));
      yield { path, replace: (by) => hadamard(...rest, by) };
    }
  }
}

const NICE: readonly number[] = [2, 1 / 2, -1, -2, -1 / 2, 3, 1 / 3, 4, 1 / 4];

/** A fitted number as people write it: 1/2, -1, 2, or the number. */
export function nice(s: number): number {
  for (const d of [1, 2, 3, 4, 6, 8]) {
    const r = Math.round(s * d) / d;
    if (Math.abs(s - r) < 1e-6 * Math.max(1, Math.abs(r))) return r;
  }
  return s;
}

/** A factor that, on top of another slip, counts as a second slip (2, ½, −1, …), not a coincidence. */
export const isNiceFactor = (s: number): boolean => NICE.some((v) => Math.abs(s - v) < 1e-9);

/** −t, with a leading numeric factor negated instead of a second minus (the claim corrected prints c + A'*…, not c - -A'*…). */
function negated(term: Expr): Expr {
  if (isOp(term, 'mul') && isNum(term.args[0])) {
    const c = -(term.args[0] as NumNode).value;
    const rest = term.args.slice(1);
    return c === 1 ? mul(...rest) : op('mul', [num(c), ...rest]);
  }
  return mul(num(-1), term);
}

/** 2, 1/2, -1, 7/10 — or the fitted number to 6 significant digits. */
export const factorText = (s: number): string => (Number.isInteger(s) || numberText(s).includes('/') ? numberText(s) : String(Number(s.toPrecision(6))));

// ── the catalogue ───────────────────────────────────────────────────────────────────────────────────

const factor: Mistake = {
  name: 'factor',
  description: 'the formula is c times the right one (c fitted by least squares: ½, 2, −1, …)',
  *candidates(ctx) {
    // the fitted factor does the explaining: diagnose.ts names it (factor, sign, zero)
    yield { side: 'truth', expr: ctx.truth, kinds: ['factor'], identity: true, sentence: () => '' };
  },
};

const layout: Mistake = {
  name: 'layout',
  description: 'the whole formula transposed (for a derivative: numerator layout where matcalc uses denominator layout)',
  *candidates(ctx) {
    const { claim, whole, layout: why } = ctx.words;
    const sentence = () => (why ? `layout: ${claim} is the transpose of ${whole} — ${why}` : `transpose: ${claim} is the transpose of ${whole}`);
    yield { side: 'claim', expr: simplify(T(ctx.claim)), kinds: ['layout'], sentence };
    yield { side: 'truth', expr: simplify(T(ctx.truth)), kinds: ['layout'], sentence };
  },
};

const transposes: Mistake = {
  name: 'transpose',
  description: 'a transpose missing, or one too many, somewhere in the formula',
  *candidates(ctx) {
    const { claim: C, truth: R } = ctx.words;
    const missing = (has: Expr, belongs: Expr, side: 'truth' | 'claim') => () =>
      `missing transpose: ${C} has ${q(has)} where ${side === 'truth' ? `${R} has ` : ''}${q(belongs)}${side === 'claim' ? ' belongs' : ''}`;
    const extra = (has: Expr, belongs: Expr, side: 'truth' | 'claim') => () =>
      `transpose too many: ${C} has ${q(has)} where ${side === 'truth' ? `${R} has ` : ''}${q(belongs)}${side === 'claim' ? ' belongs' : ''}`;
    const isT = (e: Expr) => isOp(e, 'transpose');
    // the claim's transposes removed, and its square subexpressions transposed, one at a time (the claim
    // corrected: removing what is written first), then the same slips made in the reference
    for (const { path, node } of sites(ctx.claim, (e) => isT(e) && transposeSite((e as OpNode).args[0]))) {
      const inner = (node as OpNode).args[0];
      for (const expr of edited(ctx.claim, path, inner)) yield { side: 'claim', expr, kinds: ['extra-transpose'], sentence: extra(node, inner, 'claim') };
    }
    for (const { path, node, parent } of sites(ctx.claim, transposeSite)) {
      if (isT(node) || (parent && isT(parent))) continue;
      for (const expr of edited(ctx.claim, path, T(node))) yield { side: 'claim', expr, kinds: ['dropped-transpose'], sentence: missing(node, T(node), 'claim') };
    }
    for (const { path, node } of sites(ctx.truth, (e) => isT(e) && transposeSite((e as OpNode).args[0]))) {
      const inner = (node as OpNode).args[0];
      for (const expr of edited(ctx.truth, path, inner)) yield { side: 'truth', expr, kinds: ['dropped-transpose'], sentence: missing(inner, node, 'truth') };
    }
    for (const { path, node, parent } of sites(ctx.truth, transposeSite)) {
      if (isT(node) || (parent && isT(parent))) continue;
      for (const expr of edited(ctx.truth, path, T(node))) yield { side: 'truth', expr, kinds: ['extra-transpose'], sentence: extra(T(node), node, 'truth') };
    }
  },
};

/** A sum whose other terms are all ones: the derivative factor 1 − tanh² of the chain rule, not a sum the writer made. */
const derivativeLike = (sum: OpNode, i: number) => {
  const rest = attempt(() => simplify(without(sum, i)));
  return rest !== undefined && (isOp(rest, 'ones') || (rest.kind === 'num' && rest.value === 1));
};

const terms: Mistake = {
  name: 'term',
  description: 'a term of a sum missing, counted twice, with the wrong sign or half its coefficient — or a term too many (the term is named in input syntax)',
  *candidates(ctx) {
    const { claim: C, whole } = ctx.words;
    const root = ctx.truth;
    for (const { path, node, parent } of sites(root, (e) => isOp(e, 'add'), true)) {
      const sum = node as OpNode;
      for (let i = 0; i < sum.args.length; i++) {
        const term = sum.args[i];
        // named only when a finding is reported (naming simplifies)
        const name = () => termName(root, path, sum, term);
        // dropping −tanh² from (1 − tanh²) ∘ E leaves E: the chain-rule factor is what is missing (chain-rule)
        if (!(parent && isOp(parent, 'hadamard') && derivativeLike(sum, i)))
          for (const dropped of edited(root, path, without(sum, i))) yield {
            side: 'truth', expr: dropped, kinds: ['missing-term'],
            sentence: () => `missing term: ${C} is ${whole} without the term ${name()}`,
            corrected: () => {
              const c = contribution(root, path, sum, term);
              return c && attempt(() => add(ctx.claim, c));
            },
          };
        for (const negated of edited(root, path, withTerm(sum, i, mul(num(-1), term)))) yield { side: 'truth', expr: negated, kinds: ['sign'], sentence: () => `sign: the term ${name()} has the wrong sign` };
        for (const doubled of edited(root, path, withTerm(sum, i, mul(num(2), term)))) yield { side: 'truth', expr: doubled, kinds: ['extra-term'], sentence: () => `extra term: the term ${name()} is counted twice` };
        for (const halved of edited(root, path, withTerm(sum, i, mul(num(0.5), term)))) yield { side: 'truth', expr: halved, kinds: ['factor'], sentence: () => `factor: ${C} has 1/2 times the term ${name()}` };
      }
    }
    // the claim's own terms: one too many (the claim without it is right), or with the wrong sign or coefficient
    for (const { path, node } of sites(ctx.claim, (e) => isOp(e, 'add'), true)) {
      const sum = node as OpNode;
      for (let i = 0; i < sum.args.length; i++) {
        const term = sum.args[i];
        const name = () => termName(ctx.claim, path, sum, term);
        for (const expr of edited(ctx.claim, path, without(sum, i))) yield { side: 'claim', expr, kinds: ['extra-term'], sentence: () => `extra term: without its term ${name()}, ${C} would be right` };
        for (const expr of edited(ctx.claim, path, withTerm(sum, i, negated(term)))) yield { side: 'claim', expr, kinds: ['sign'], sentence: () => `sign: the term ${name()} of ${C} has the wrong sign` };
        for (const expr of edited(ctx.claim, path, withTerm(sum, i, mul(num(0.5), term)))) yield { side: 'claim', expr, kinds: ['extra-term'], sentence: () => `extra term: the term ${name()} of ${C} is counted twice` };
        for (const expr of edited(ctx.claim, path, withTerm(sum, i, mul(num(2), term)))) yield { side: 'claim', expr, kinds: ['factor'], sentence: () => `factor: ${C} has 1/2 times its term ${name()}` };
      }
    }
  },
};

const kronSwap: Mistake = {
  name: 'kron-swap',
  description: "Kronecker factors in the wrong order: kron(B, A) for kron(A, B) (recall vec(AXB) = kron(B', A) vec(X))",
  *candidates(ctx) {
    const { claim: C, truth: R } = ctx.words;
    for (const [side, root] of [['truth', ctx.truth], ['claim', ctx.claim]] as const)
      for (const { path, node } of sites(root, (e) => isOp(e, 'kron'), true)) {
        const [a, b] = (node as OpNode).args;
        const swapped = kron(b, a);
        const sentence =
          side === 'truth'
            ? () => `Kronecker factors swapped: ${C} has ${q(swapped)} where ${R} has ${q(node)} (vec(AXB) = kron(B', A) vec(X))`
            : () => `Kronecker factors swapped: ${C} has ${q(node)} where ${q(swapped)} belongs (vec(AXB) = kron(B', A) vec(X))`;
        for (const expr of edited(root, path, swapped)) yield { side, expr, kinds: ['kron-swap'], sentence };
      }
  },
};

const K = (e: Expr) => isOp(e, 'commutation');
const kText = (k: OpNode) => `K_{${k.attrs.dims!.map((d) => toText(op('dimval', [], { dims: [d] }))).join('')}}`;
const WHY_K = 'K_{mn} vec(A) = vec(Aᵀ) for A m×n';

const commutations: Mistake = {
  name: 'commutation',
  description: 'a commutation matrix K_{mn} missing or too many (vec(Aᵀ) = K_{mn} vec(A)), or K_{nm} written for K_{mn}',
  *candidates(ctx) {
    const { claim: C, truth: R } = ctx.words;
    const swap = (k: OpNode) => commutation(k.attrs.dims![1], k.attrs.dims![0]);
    /** the product without the factor at `path` (the factor's parent is a product) */
    const dropFactor = (root: Expr, path: Path, parent: Expr | undefined) => {
      if (!parent || !isOp(parent, 'mul')) return undefined;
      const i = path[path.length - 1];
      const rest = parent.args.filter((_, j) => j !== i);
      return attempt(() => replaceAt(root, path.slice(0, -1), rest.length === 1 ? rest[0] : mul(...rest)));
    };
    for (const { path, node: n, parent } of sites(ctx.truth, K)) {
      const node = n as OpNode;
      const dropped = dropFactor(ctx.truth, path, parent);
      if (dropped) yield { side: 'truth', expr: dropped, kinds: ['missing-commutation'], sentence: () => `missing commutation matrix: ${C} lacks the factor ${q(node)} = ${kText(node)} that ${R} has (${WHY_K})` };
      for (const swapped of edited(ctx.truth, path, swap(node))) yield { side: 'truth', expr: swapped, kinds: ['commutation-swap'], sentence: () => `commutation matrix with its indices swapped: ${C} has ${q(swap(node))} where ${R} has ${q(node)} (${WHY_K})` };
    }
    for (const { path, node: n, parent } of sites(ctx.claim, K, true)) {
      const node = n as OpNode;
      const dropped = dropFactor(ctx.claim, path, parent);
      if (dropped) yield { side: 'claim', expr: dropped, kinds: ['extra-commutation'], sentence: () => `commutation matrix too many: without ${q(node)}, ${C} would be right (${WHY_K})` };
      for (const swapped of edited(ctx.claim, path, swap(node))) yield { side: 'claim', expr: swapped, kinds: ['commutation-swap'], sentence: () => `commutation matrix with its indices swapped: ${C} has ${q(node)} where ${q(swap(node))} belongs (${WHY_K})` };
    }
    // K put back on the left or the right of a subexpression whose rows (columns) are a product m·n
    for (const { path, node, parent } of sites(ctx.claim, (e) => !isScalarShape(e.shape) && !K(e), true)) {
      if (parent && (isOp(parent, 'transpose') || K(parent))) continue;
      for (const [left, dim] of [[true, node.shape.rows], [false, node.shape.cols]] as const)
        for (const [a, b] of splits(dim)) {
          const k = commutation(a, b);
          const fixed = attempt(() => (left ? mul(k, node) : mul(node, k)));
          if (fixed)
            for (const expr of edited(ctx.claim, path, fixed)) yield { side: 'claim', expr, kinds: ['missing-commutation'], sentence: () => `missing commutation matrix: ${C} has ${q(node)} where ${q(fixed!)} belongs (${WHY_K})` };
        }
    }
  },
};

const swappedFactors: Mistake = {
  name: 'swapped-factors',
  description: 'factors of a product in the wrong order: two adjacent blocks swapped, the product reversed, or an outer product u·vᵀ written v·uᵀ',
  *candidates(ctx) {
    const { claim: C, truth: R } = ctx.words;
    for (const [side, root] of [['truth', ctx.truth], ['claim', ctx.claim]] as const)
      for (const { path, node } of sites(root, (e) => isOp(e, 'mul'), true)) {
        const chain = productParts(node).chain;
        if (chain.length < 2) continue;
        const orders: { order: Expr[]; outer?: readonly [Expr, Expr] }[] = [...chainMisorders(chain)].map((order) => ({ order }));
        for (const r of outerReversals(chain)) orders.push({ order: r.order, outer: [r.outer, r.reversed] });
        for (const { order, outer } of orders) {
          const other = attempt(() => reordered(node, order));
          if (!other) continue;
          const [claimHas, truthHas] = outer ? (side === 'truth' ? [outer[1], outer[0]] : [outer[0], outer[1]]) : side === 'truth' ? [other, node] : [node, other];
          const what = outer ? 'outer product the wrong way round' : 'factors in the wrong order';
          const sentence = side === 'truth' ? () => `${what}: ${C} has ${q(claimHas)} where ${R} has ${q(truthHas)}` : () => `${what}: ${C} has ${q(claimHas)} where ${q(truthHas)} belongs`;
          for (const expr of edited(root, path, other)) yield { side, expr, kinds: ['swapped-factors'], sentence };
        }
      }
    // b'*a + M read as (b'*a)·1 + M (a scalar broadcast): the factors the other way round give the matrix a*b'
    for (const { path, node } of sites(ctx.claim, broadcast, true)) {
      const s = (node as OpNode).args[0];
      for (const order of [...chainMisorders(productParts(s).chain), ...[...outerReversals(productParts(s).chain)].map((r) => r.order)]) {
        const other = attempt(() => reordered(s, order));
        if (!other || !shapeEq(other.shape, node.shape)) continue;
        for (const expr of edited(ctx.claim, path, other))
          yield { side: 'claim', expr, kinds: ['swapped-factors'], sentence: () => `factors in the wrong order: ${C} has ${q(s)} (a scalar, added to every entry) where ${q(other)} belongs` };
      }
    }
  },
};

/** A scalar product broadcast over a matrix, s·1 (how b'*a + M reads): s is a product of two or more matrices. */
const broadcast = (e: Expr) =>
  isOp(e, 'mul') && e.args.length === 2 && isOp(e.args[1], 'ones') && isScalarShape(e.args[0].shape) && productParts(e.args[0]).chain.length >= 2;

const hadamardProduct: Mistake = {
  name: 'hadamard-product',
  description: 'a Hadamard product A .* B written as a matrix product A*B, or the reverse',
  *candidates(ctx) {
    const { claim: C, truth: R } = ctx.words;
    const kindFor = (claimHasProduct: boolean): MistakeKind => (claimHasProduct ? 'product-for-hadamard' : 'hadamard-for-product');
    for (const [side, root] of [['truth', ctx.truth], ['claim', ctx.claim]] as const) {
      // a .* b ↔ a*b, for two adjacent factors of a Hadamard product or of a matrix product
      for (const { path, node } of sites(root, (e) => isOp(e, 'hadamard') || isOp(e, 'mul'), true)) {
        const isHadamard = isOp(node, 'hadamard');
        const factors = isHadamard ? (node as OpNode).args : productParts(node).chain;
        for (let i = 0; i + 1 < factors.length; i++) {
          const [a, b] = [factors[i], factors[i + 1]];
          // A .* eye(n) is a mask (diag), A*eye(n) is A: not a product of the other kind, but a factor left out
          if ([a, b].some((f) => isOp(f, 'eye') || isOp(f, 'ones'))) continue;
          const pair = isHadamard ? hadamard(a, b) : mul(a, b);
          const other = attempt(() => (isHadamard ? mul(a, b) : hadamard(a, b)));
          if (!other) continue;
          const rest = [...factors.slice(0, i), other, ...factors.slice(i + 2)];
          const whole = attempt(() => (isHadamard ? (rest.length === 1 ? rest[0] : hadamard(...rest)) : reordered(node, rest)));
          if (!whole) continue;
          // the claim has the product where the Hadamard product belongs, or the reverse
          const [claimHas, belongs] = side === 'truth' ? [other, pair] : [pair, other];
          const word = (e: Expr) => (isOp(e, 'hadamard') ? 'Hadamard product' : 'matrix product');
          for (const expr of edited(root, path, whole)) yield {
            side, expr, kinds: [kindFor(!isOp(claimHas, 'hadamard'))],
            sentence: () => `${word(claimHas)} for a ${word(belongs)}: ${C} has ${q(claimHas)} where ${side === 'truth' ? `${R} has ` : ''}${q(belongs)}${side === 'claim' ? ' belongs' : ''}`,
          };
        }
      }
    }
  },
};

const symmetrisation: Mistake = {
  name: 'symmetrisation',
  description:
    'symmetry mishandled: for a symmetric variable, G + Gᵀ or the Matrix Cookbook form G + Gᵀ − G∘I instead of sym(G); a non-symmetric matrix treated as symmetric where both it and its transpose appear; a formula whose symmetric part is right',
  *candidates(ctx) {
    const { claim: C } = ctx.words;
    const symmetric = ctx.symmetricVariable;
    const kinds: MistakeKind[] = ['symmetrisation'];
    if (symmetric) {
      const v = symmetric.name;
      yield {
        side: 'truth', expr: simplify(mul(num(2), ctx.truth)), kinds,
        sentence: () => `symmetrisation: ${C} is G + Gᵀ; on symmetric matrices the gradient is sym(G) = (G + Gᵀ)/2, half of it (${v} is symmetric, so df = ⟨∇f, d${v}⟩ with d${v} symmetric)`,
      };
      if (symmetric.cookbook)
        yield {
          side: 'truth', expr: symmetric.cookbook, kinds,
          sentence: () => `symmetrisation: ${C} is the Matrix Cookbook's G + Gᵀ − G∘I, which counts each off-diagonal pair once; as a gradient (df = ⟨∇f, d${v}⟩ for symmetric d${v}) it is sym(G) = (G + Gᵀ)/2`,
        };
    }
    // a matrix treated as symmetric: A and Aᵀ written alike — only where that merges terms (A + Aᵀ → 2A);
    // elsewhere it is one transpose dropped, which the transpose entry names
    const count = (e: Expr, s: Expr) => [...sites(e, (x) => x === s, true)].length;
    for (const s of ctx.symbols) {
      if (!transposable(s)) continue;
      const st = op('transpose', [s]);
      const before = count(ctx.truth, s);
      for (const [to, which] of [[s, `${s.name}'`], [st, s.name]] as const) {
        const expr = attempt(() => simplify(substitute(ctx.truth, new Map<Expr, Expr>([[st, to], [s, to]]))));
        if (!expr || expr === ctx.truth || count(expr, s) >= before) continue;
        yield {
          side: 'truth', expr, kinds,
          sentence: () => `symmetrisation: ${C} treats ${s.name} as symmetric: it is ${ctx.words.whole} with ${which} written as ${toText(to)}; unless ${s.name} is declared symmetric, both ${s.name} and ${s.name}' appear`,
        };
      }
    }
    // the claim's symmetric part is right
    if (transposable(ctx.claim) && !symmetric)
      yield {
        side: 'claim', expr: simplify(mul(num(0.5), add(ctx.claim, T(ctx.claim)))), kinds,
        sentence: () => `symmetrisation: ${C} is not symmetrised: ${ctx.words.whole} is its symmetric part (C + Cᵀ)/2`,
      };
  },
};

const chainRule: Mistake = {
  name: 'chain-rule',
  description: "an entrywise factor of the chain rule (σ′(·), a mask) left out of a Hadamard product",
  *candidates(ctx) {
    const { claim: C } = ctx.words;
    for (const { path, node } of sites(ctx.truth, (e) => isOp(e, 'hadamard'), true)) {
      const factors = (node as OpNode).args;
      for (let i = 0; i < factors.length; i++) {
        const rest = factors.filter((_, j) => j !== i);
        for (const expr of edited(ctx.truth, path, rest.length === 1 ? rest[0] : hadamard(...rest))) yield { side: 'truth', expr, kinds: ['chain-rule'], sentence: () => `chain rule: ${C} lacks the entrywise factor ${q(factors[i])} (in ${q(node)})` };
      }
    }
  },
};

const functionDerivative: Mistake = {
  name: 'function-derivative',
  description: "an elementwise function f written where its derivative f′ belongs, or f′ where f belongs — for every elementwise function of the language (tanh and 1 − tanh², sigmoid and sigmoid∘(1 − sigmoid), softplus and sigmoid, relu and step, σ and σ′, …)",
  *candidates(ctx) {
    const { claim: C, truth: R } = ctx.words;
    const nodes = elementwiseNodes([ctx.claim, ctx.truth]);
    for (const [side, root] of [['truth', ctx.truth], ['claim', ctx.claim]] as const) {
      // f(a) replaced by f′(a)
      for (const { path, node } of sites(root, (e) => isOp(e, 'ew'), true)) {
        const d = derivativeOf(node as OpNode);
        if (!d) continue;
        for (const expr of edited(root, path, d)) yield side === 'truth'
          ? { side, expr, kinds: ['derivative-for-function'], sentence: () => `derivative for the function: ${C} has ${q(d)} where ${R} has ${q(node)}` }
          : { side, expr, kinds: ['function-for-derivative'], sentence: () => `function for its derivative: ${C} has ${q(node)} where its derivative ${q(d)} belongs` };
      }
      // f′(a) replaced by f(a)
      for (const n of nodes) {
        const d = derivativeOf(n)!;
        for (const { path, replace } of derivativeSites(root, d)) {
          for (const expr of edited(root, path, replace(n))) yield side === 'truth'
            ? { side, expr, kinds: ['function-for-derivative'], sentence: () => `function for its derivative: ${C} has ${q(n)} where ${R} has its derivative ${q(d)}` }
            : { side, expr, kinds: ['derivative-for-function'], sentence: () => `derivative for the function: ${C} has ${q(d)} where ${q(n)} belongs` };
        }
      }
    }
  },
};

/**
 * The catalogue, in the order findings are reported when several explain a formula: the simplest (a
 * constant, the whole transposed), then the specific stories (a symmetric matrix, f for f′, a chain-rule
 * factor) before the generic edits that can also reproduce them (a transpose, a term, an order).
 */
export const MISTAKES: readonly Mistake[] = [factor, layout, symmetrisation, functionDerivative, chainRule, kronSwap, commutations, transposes, terms, swappedFactors, hadamardProduct];

