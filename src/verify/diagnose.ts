// The mistake catalogue. When a claimed derivative is false, each entry below proposes explanations:
// a named transformation of the true result T ("the claim is Tᵀ", "T without the term A'X", "T with the
// Kronecker factors swapped") — or of the claim, when that is the natural direction ("the claim has an
// extra term") — with a sentence saying what a person did wrong. Every explanation is tested numerically
// at random points (distinct sizes, so transposes cannot hide); all that match exactly are reported.
// Some explanations carry a number fitted by least squares (a constant factor, a term's coefficient).
import { Expr, OpNode, SymNode, isOp, isSymmetricSymbol, num, op, substitute } from '../expr/ast.js';
import { add, ew, hadamard, isZero, mul, T, kron, zeroLike } from '../expr/build.js';
import { InputError } from '../expr/errors.js';
import { ancestors, positions, replaceAt, type Path } from '../expr/paths.js';
import { isScalarShape, isSquare, shapeEq } from '../expr/shape.js';
import { productParts } from '../ops/mul.js';
import { opDef } from '../ops/registry.js';
import { simplify } from '../rewrite/simplify.js';
import { toText } from '../render/print.js';
import { numberText } from '../render/names.js';
import type { ClaimKind } from '../check/derivative.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { axpy, dot, Mat, scale, transpose } from '../numeric/mat.js';

export type MistakeKind =
  | 'layout'
  | 'factor'
  | 'sign'
  | 'missing-term'
  | 'extra-term'
  | 'kron-swap'
  | 'dropped-transpose'
  | 'extra-transpose'
  | 'swapped-factors'
  | 'symmetrisation'
  | 'chain-rule';

export interface Finding {
  /** what kind of mistake (one explanation may combine two: the transpose, and a factor 2) */
  readonly kinds: readonly MistakeKind[];
  readonly sentence: string;
}

/** What the catalogue's transformations see. */
export interface MistakeContext {
  /** the engine's result */
  readonly truth: Expr;
  /** the claim, simplified */
  readonly claim: Expr;
  readonly variable: SymNode;
  readonly kind: ClaimKind;
  /** for a symmetric variable: the Matrix Cookbook's G + Gᵀ − G∘I */
  readonly cookbook?: Expr;
  readonly symbols: readonly SymNode[];
}

/**
 * One explanation to test. side 'truth': the claim should equal `expr`, a transformation of the true
 * result; side 'claim': the true result should equal `expr`, a transformation of the claim. With a fit, a
 * number s is fitted by least squares: target ≈ s·expr (scale), or target ≈ expr + s·along.
 */
export interface Candidate {
  readonly side: 'truth' | 'claim';
  readonly expr: Expr;
  readonly fit?: 'scale' | { readonly along: Expr };
  /** `expr` is the side's own expression on purpose (a fit does the explaining); otherwise a candidate equal to it is skipped */
  readonly unchanged?: true;
  /** the finding for the fitted number (1 without a fit), or undefined when that number explains nothing */
  readonly explain: (s: number) => Finding | undefined;
}

export interface Mistake {
  readonly name: string;
  /** what it looks for (docs/verify.md lists these) */
  readonly description: string;
  readonly candidates: (ctx: MistakeContext) => Iterable<Candidate>;
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────────

const q = (e: Expr) => '`' + toText(e) + '`';

/** Build, or undefined when the transformation is ill-typed (a transpose dropped from a non-square factor). */
function attempt(build: () => Expr): Expr | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** A square, non-scalar, not known symmetric subexpression: one a transpose changes. */
function transposable(e: Expr): boolean {
  return !isScalarShape(e.shape) && isSquare(e.shape) && !isSymmetricSymbol(e);
}

/** Every position of `root` (the root itself only with includeRoot) whose node passes `test`, with its parent. */
function* sites(root: Expr, test: (e: Expr) => boolean, includeRoot = false): Generator<{ path: Path; node: Expr; parent?: Expr }> {
  for (const p of positions(root)) {
    if (!includeRoot && p.path.length === 0) continue;
    if (!test(p.node)) continue;
    const up = ancestors(root, p.path);
    yield { path: p.path, node: p.node, parent: up[up.length - 1] };
  }
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

const derivativeWord = (ctx: MistakeContext) => (ctx.kind === 'gradient' ? 'gradient' : 'Jacobian');

/** A fitted number as people write it: 1/2, -1, 2, or the number. */
export function nice(s: number): number {
  for (const d of [1, 2, 3, 4, 6, 8]) {
    const r = Math.round(s * d) / d;
    if (Math.abs(s - r) < 1e-6 * Math.max(1, Math.abs(r))) return r;
  }
  return s;
}

const near = (s: number, v: number) => Math.abs(s - v) < 1e-9;
/** 2, 1/2, -1, 7/10 — or the fitted number to 6 significant digits. */
export const factorText = (s: number): string => (Number.isInteger(s) || numberText(s).includes('/') ? numberText(s) : String(Number(s.toPrecision(6))));

// ── the catalogue ───────────────────────────────────────────────────────────────────────────────────

const layout: Mistake = {
  name: 'layout',
  description: 'the claim is the transpose of the true result (numerator layout where matcalc uses denominator layout), possibly times a constant',
  *candidates(ctx) {
    const t = simplify(T(ctx.truth));
    const why =
      ctx.kind === 'gradient'
        ? `numerator layout (∂f/∂${ctx.variable.name} shaped like ${ctx.variable.name}ᵀ) where matcalc uses denominator layout (∇_${ctx.variable.name} f has the shape of ${ctx.variable.name})`
        : `numerator layout (∂vec F/∂vec(${ctx.variable.name})ᵀ) where matcalc uses denominator layout (∇_vec(${ctx.variable.name}) vec F, with d vec F = (∇_vec(${ctx.variable.name}) vec F)ᵀ d vec ${ctx.variable.name})`;
    yield {
      side: 'truth',
      expr: t,
      fit: 'scale',
      explain: (s) => ({
        kinds: near(s, 1) ? ['layout'] : ['layout', 'factor'],
        sentence: `layout: the claim is the transpose of the true ${derivativeWord(ctx)}${near(s, 1) ? '' : `, times ${factorText(s)}`} — ${why}`,
      }),
    };
  },
};

const factor: Mistake = {
  name: 'factor',
  description: 'the claim is c times the true result (c fitted by least squares: ½, 2, −1, …)',
  *candidates(ctx) {
    yield {
      side: 'truth',
      expr: ctx.truth,
      fit: 'scale',
      unchanged: true,
      explain: (s) =>
        near(s, 1)
          ? undefined
          : near(s, 0)
            ? { kinds: ['factor'], sentence: 'factor: the claim is zero, but the true result is not' }
            : near(s, -1)
              ? { kinds: ['sign'], sentence: 'sign: the claim is minus the true result (the sign is flipped)' }
              : { kinds: ['factor'], sentence: `factor: the claim is ${factorText(s)} times the true result (off by a constant factor ${factorText(s)})` },
    };
  },
};

const terms: Mistake = {
  name: 'term',
  description: 'one term of a sum in the true result is missing, counted twice, has the wrong sign, or half its coefficient (the term is named in input syntax)',
  *candidates(ctx) {
    const root = ctx.truth;
    for (const { path, node } of sites(root, (e) => isOp(e, 'add'), true)) {
      const sum = node as OpNode;
      for (let i = 0; i < sum.args.length; i++) {
        const term = sum.args[i];
        const dropped = attempt(() => replaceAt(root, path, without(sum, i)));
        if (!dropped) continue;
        // named only when a finding is reported (naming simplifies)
        const name = () => termName(root, path, sum, term);
        const missing = (): Finding => ({ kinds: ['missing-term'], sentence: `missing term: the claim is the true result without the term ${name()}` });
        const flipped = (): Finding => ({ kinds: ['sign'], sentence: `sign: the term ${name()} has the wrong sign` });
        const twice = (): Finding => ({ kinds: ['extra-term'], sentence: `extra term: the term ${name()} is counted twice` });
        if (linearAt(root, path)) {
          // claim = T + s·(contribution of the term): s = −1 missing, +1 counted twice, −2 sign flipped
          yield {
            side: 'truth',
            expr: root,
            fit: { along: add(root, mul(num(-1), dropped)) },
            unchanged: true,
            explain: (s) =>
              near(s, -1) ? missing()
              : near(s, -2) ? flipped()
              : near(s, 1) ? twice()
              : near(s, -0.5) ? { kinds: ['factor'], sentence: `factor: the claim has 1/2 times the term ${name()}` }
              : undefined,
          };
        } else {
          yield { side: 'truth', expr: dropped, explain: missing };
          const negated = attempt(() => replaceAt(root, path, withTerm(sum, i, mul(num(-1), term))));
          if (negated) yield { side: 'truth', expr: negated, explain: flipped };
          const doubled = attempt(() => replaceAt(root, path, withTerm(sum, i, mul(num(2), term))));
          if (doubled) yield { side: 'truth', expr: doubled, explain: twice };
        }
      }
    }
  },
};

const extraTerms: Mistake = {
  name: 'extra-term',
  description: 'the claim has a term the true result does not have (the term is named)',
  *candidates(ctx) {
    const root = ctx.claim;
    for (const { path, node } of sites(root, (e) => isOp(e, 'add'), true)) {
      const sum = node as OpNode;
      for (let i = 0; i < sum.args.length; i++) {
        const dropped = attempt(() => replaceAt(root, path, without(sum, i)));
        if (!dropped) continue;
        const explain = (): Finding => ({ kinds: ['extra-term'], sentence: `extra term: without its term ${termName(root, path, sum, sum.args[i])} the claim would be right` });
        yield { side: 'claim', expr: dropped, explain };
      }
    }
  },
};

const kronSwap: Mistake = {
  name: 'kron-swap',
  description: 'Kronecker factors in the wrong order: kron(B, A) for kron(A, B) (recall vec(AXB) = kron(B\', A) vec(X))',
  *candidates(ctx) {
    for (const [side, root] of [['truth', ctx.truth], ['claim', ctx.claim]] as const)
      for (const { path, node } of sites(root, (e) => isOp(e, 'kron'), true)) {
        const [a, b] = (node as OpNode).args;
        const swapped = kron(b, a);
        const expr = attempt(() => replaceAt(root, path, swapped));
        if (!expr) continue;
        const [claimHas, truthHas] = side === 'truth' ? [swapped, node] : [node, swapped];
        yield {
          side,
          expr,
          explain: () => ({ kinds: ['kron-swap'], sentence: `Kronecker factors swapped: the claim has ${q(claimHas)} where the truth has ${q(truthHas)} (vec(AXB) = kron(B', A) vec(X))` }),
        };
      }
  },
};

const droppedTranspose: Mistake = {
  name: 'dropped-transpose',
  description: 'a transpose is missing somewhere in the claim',
  *candidates(ctx) {
    const sentence = (claimHas: Expr, truthHas: Expr): Finding => ({ kinds: ['dropped-transpose'], sentence: `missing transpose: the claim has ${q(claimHas)} where the truth has ${q(truthHas)}` });
    // the truth's transposes, dropped one at a time
    for (const { path, node } of sites(ctx.truth, (e) => isOp(e, 'transpose'))) {
      const inner = (node as OpNode).args[0];
      const expr = attempt(() => replaceAt(ctx.truth, path, inner));
      if (expr) yield { side: 'truth', expr, explain: () => sentence(inner, node) };
    }
    // the claim's square subexpressions, transposed one at a time
    for (const { path, node, parent } of sites(ctx.claim, transposable)) {
      if (isOp(node, 'transpose') || (parent && isOp(parent, 'transpose'))) continue;
      const expr = attempt(() => replaceAt(ctx.claim, path, T(node)));
      if (expr) yield { side: 'claim', expr, explain: () => sentence(node, T(node)) };
    }
  },
};

const extraTranspose: Mistake = {
  name: 'extra-transpose',
  description: 'a transpose too many somewhere in the claim',
  *candidates(ctx) {
    const sentence = (claimHas: Expr, truthHas: Expr): Finding => ({ kinds: ['extra-transpose'], sentence: `transpose too many: the claim has ${q(claimHas)} where the truth has ${q(truthHas)}` });
    for (const { path, node, parent } of sites(ctx.truth, transposable)) {
      if (isOp(node, 'transpose') || (parent && isOp(parent, 'transpose'))) continue;
      const expr = attempt(() => replaceAt(ctx.truth, path, T(node)));
      if (expr) yield { side: 'truth', expr, explain: () => sentence(T(node), node) };
    }
    for (const { path, node } of sites(ctx.claim, (e) => isOp(e, 'transpose'))) {
      const inner = (node as OpNode).args[0];
      const expr = attempt(() => replaceAt(ctx.claim, path, inner));
      if (expr) yield { side: 'claim', expr, explain: () => sentence(node, inner) };
    }
  },
};

const swappedFactors: Mistake = {
  name: 'swapped-factors',
  description: 'matrix factors of a product in the wrong order (two adjacent blocks swapped, or the product reversed)',
  *candidates(ctx) {
    for (const [side, root] of [['truth', ctx.truth], ['claim', ctx.claim]] as const)
      for (const { path, node } of sites(root, (e) => isOp(e, 'mul'), true)) {
        const chain = productParts(node).chain;
        if (chain.length < 2) continue;
        for (const order of chainMisorders(chain)) {
          const other = attempt(() => reordered(node, order));
          const expr = other && attempt(() => replaceAt(root, path, other));
          if (!other || !expr) continue;
          const [claimHas, truthHas] = side === 'truth' ? [other, node] : [node, other];
          yield { side, expr, explain: () => ({ kinds: ['swapped-factors'], sentence: `factors in the wrong order: the claim has ${q(claimHas)} where the truth has ${q(truthHas)}` }) };
        }
      }
  },
};

const symmetrisation: Mistake = {
  name: 'symmetrisation',
  description:
    'symmetry mishandled: for a symmetric variable, G + Gᵀ or the Matrix Cookbook form G + Gᵀ − G∘I instead of sym(G); a non-symmetric matrix treated as symmetric; a claim whose symmetric part is right',
  *candidates(ctx) {
    const finding = (sentence: string): Finding => ({ kinds: ['symmetrisation'], sentence: `symmetrisation: ${sentence}` });
    const v = ctx.variable.name;
    if (isSymmetricSymbol(ctx.variable) && ctx.kind === 'gradient') {
      yield {
        side: 'truth',
        expr: simplify(mul(num(2), ctx.truth)),
        explain: () => finding(`the claim is G + Gᵀ; on symmetric matrices the gradient is sym(G) = (G + Gᵀ)/2, half of it (${v} is symmetric, so df = ⟨∇f, d${v}⟩ with d${v} symmetric)`),
      };
      if (ctx.cookbook)
        yield {
          side: 'truth',
          expr: ctx.cookbook,
          explain: () => finding(`the claim is the Matrix Cookbook's G + Gᵀ − G∘I, which counts each off-diagonal pair once; as a gradient (df = ⟨∇f, d${v}⟩ for symmetric d${v}) it is sym(G) = (G + Gᵀ)/2`),
        };
    }
    // a matrix treated as symmetric: A and Aᵀ written alike
    for (const s of ctx.symbols) {
      if (!transposable(s)) continue;
      const st = op('transpose', [s]);
      for (const [to, which] of [[s, `${s.name}'`], [st, s.name]] as const) {
        const expr = substitute(ctx.truth, new Map<Expr, Expr>([[st, to], [s, to]]));
        if (expr !== ctx.truth)
          yield {
            side: 'truth',
            expr,
            explain: () => finding(`the claim treats ${s.name} as symmetric: it is the true result with ${which} written as ${toText(to)}; unless ${s.name} is declared symmetric, both ${s.name} and ${s.name}' appear`),
          };
      }
    }
    // the claim's symmetric part is right
    if (transposable(ctx.claim) && !isSymmetricSymbol(ctx.variable))
      yield {
        side: 'claim',
        expr: simplify(mul(num(0.5), add(ctx.claim, T(ctx.claim)))),
        explain: () => finding('the claim is not symmetrised: the true result is its symmetric part (C + Cᵀ)/2'),
      };
  },
};

const chainRule: Mistake = {
  name: 'chain-rule',
  description: "an entrywise function's derivative mishandled: the factor σ′(·) of the chain rule left out, or σ written for σ′",
  *candidates(ctx) {
    const finding = (sentence: string): Finding => ({ kinds: ['chain-rule'], sentence: `chain rule: ${sentence}` });
    for (const { path, node } of sites(ctx.truth, (e) => isOp(e, 'hadamard'), true)) {
      const factors = (node as OpNode).args;
      for (let i = 0; i < factors.length; i++) {
        const rest = factors.filter((_, j) => j !== i);
        const expr = attempt(() => replaceAt(ctx.truth, path, rest.length === 1 ? rest[0] : hadamard(...rest)));
        if (expr) yield { side: 'truth', expr, explain: () => finding(`the entrywise factor ${q(factors[i])} is missing (in ${q(node)})`) };
      }
    }
    // σ⁽ᵏ⁺¹⁾ written as σ⁽ᵏ⁾: the function where its derivative belongs
    for (const { path, node } of sites(ctx.truth, (e) => isOp(e, 'ew') && e.attrs.fn === 'sigma' && e.attrs.k! > 0, true)) {
      const n = node as OpNode;
      const lower = ew('sigma', n.args[0], n.attrs.k! - 1);
      const expr = attempt(() => replaceAt(ctx.truth, path, lower));
      if (expr) yield { side: 'truth', expr, explain: () => finding(`the claim has ${q(lower)} where the derivative ${q(node)} belongs`) };
    }
  },
};

/** The catalogue, in the order findings are reported. */
export const MISTAKES: readonly Mistake[] = [layout, factor, terms, extraTerms, kronSwap, droppedTranspose, extraTranspose, swappedFactors, symmetrisation, chainRule];

// ── numerical matching ──────────────────────────────────────────────────────────────────────────────

const TOLERANCE = 1e-7;
const MAX_CANDIDATES = 5000;

/** Values at every point, as derivatives are compared (see `comparable`). */
type Values = Mat[];

/**
 * How derivatives are compared. For a symmetric variable only the symmetric part of a gradient is
 * determined (df = ⟨G, dX⟩ for symmetric dX), so sym(·) is compared — of a gradient, or of each column of
 * a vec-Jacobian. `n` is the variable's number of rows at the point.
 */
export function comparable(variable: SymNode, kind: ClaimKind, n: number): (m: Mat) => Mat {
  if (!isSymmetricSymbol(variable)) return (m) => m;
  const sym = (m: Mat) => scale(axpy(m, 1, transpose(m)), 0.5);
  return (m) => {
    if (kind === 'gradient') return m.rows === n && m.cols === n ? sym(m) : m;
    if (m.rows !== n * n) return m;
    const out = Mat.zeros(m.rows, m.cols);
    for (let c = 0; c < m.cols; c++) out.data.set(sym(new Mat(n, n, m.data.slice(c * m.rows, (c + 1) * m.rows))).data, c * m.rows);
    return out;
  };
}

const dotAll = (a: Values, b: Values) => a.reduce((s, m, i) => s + dot(m, b[i]), 0);
const normAll = (a: Values) => Math.sqrt(dotAll(a, a));
const combine = (a: Values, s: number, b: Values) => a.map((m, i) => axpy(m, s, b[i]));
/** Equal to the tolerance, relative to the values or — for values near zero — to the size of the truth, `unit`. */
const closeness = (unit: number) => (a: Values, b: Values) => normAll(combine(a, -1, b)) <= TOLERANCE * Math.max(normAll(a), normAll(b), 1e-3 * unit, 1e-300);

export interface Diagnosis {
  readonly findings: readonly Finding[];
  /** the claim equals the true result at the points (then the engine and the checker disagree) */
  readonly claimMatchesTruth: boolean;
}

/** Expressions evaluated at fixed points, as derivatives are compared. */
function sampled(points: readonly Point[], variable: SymNode, kind: ClaimKind) {
  const evaluators = points.map((p) => new Evaluator(p));
  const project = points.map((p) => comparable(variable, kind, p.values.get(variable.name)!.rows));
  return (e: Expr): Values | undefined => {
    try {
      const vs = evaluators.map((ev, p) => project[p](ev.eval(e)));
      return vs.every((m) => m.data.every(Number.isFinite)) ? vs : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Test every explanation of the catalogue at the given points. */
export function diagnose(ctx: MistakeContext, points: readonly Point[]): Diagnosis {
  const values = sampled(points, ctx.variable, ctx.kind);
  const truth = values(ctx.truth)!;
  const claim = values(ctx.claim)!;
  const close = closeness(normAll(truth));
  if (shapeEq(ctx.truth.shape, ctx.claim.shape) && close(claim, truth)) return { findings: [], claimMatchesTruth: true };
  const findings = new Map<string, Finding>();
  let tried = 0;
  for (const mistake of MISTAKES)
    for (const c of mistake.candidates(ctx)) {
      if (++tried > MAX_CANDIDATES) break;
      const [target, self] = c.side === 'truth' ? [claim, truth] : [truth, claim];
      const [targetShape, selfShape] = c.side === 'truth' ? [ctx.claim.shape, ctx.truth.shape] : [ctx.truth.shape, ctx.claim.shape];
      if (!shapeEq(c.expr.shape, targetShape)) continue;
      const e = values(c.expr);
      if (!e) continue;
      // a transformation that changes nothing (a transpose of a symmetric product) explains nothing
      if (!c.unchanged && shapeEq(c.expr.shape, selfShape) && close(e, self)) continue;
      let s = 1;
      if (c.fit === undefined) {
        if (!close(target, e)) continue;
      } else if (c.fit === 'scale') {
        const ee = dotAll(e, e);
        if (ee === 0) continue;
        s = nice(dotAll(target, e) / ee);
        if (!close(target, e.map((m) => scale(m, s)))) continue;
      } else {
        const a = values(c.fit.along);
        if (!a || normAll(a) <= TOLERANCE * normAll(e)) continue;
        const r = combine(target, -1, e);
        s = nice(dotAll(r, a) / dotAll(a, a));
        if (!close(target, combine(e, s, a))) continue;
      }
      const f = c.explain(s);
      if (f && !findings.has(f.sentence)) findings.set(f.sentence, f);
    }
  return { findings: [...findings.values()], claimMatchesTruth: false };
}

/**
 * For a claim that cannot even be built (a shape mismatch inside it): one-character repairs of its text —
 * a transpose mark added after a name or a closing parenthesis, or one removed — that make it well-typed
 * and right. `read` parses a text, or returns undefined when it does not parse or is ill-typed.
 */
export function repairIllTyped(
  text: string,
  read: (text: string) => Expr | undefined,
  truth: Expr,
  variable: SymNode,
  kind: ClaimKind,
  points: readonly Point[],
): Finding[] {
  const values = sampled(points, variable, kind);
  const t = values(truth)!;
  const close = closeness(normAll(t));
  const edits: { text: string; finding: () => Finding }[] = [];
  const token = (end: number) => {
    let start = end;
    if (text[end - 1] === ')') {
      for (let depth = 0; start > 0; ) {
        const ch = text[--start];
        if (ch === ')') depth++;
        else if (ch === '(' && --depth === 0) break;
      }
      while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
    } else while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
    return { start, word: text.slice(start, end) };
  };
  for (let i = 1; i <= text.length; i++) {
    const endsName = /[A-Za-z0-9_]/.test(text[i - 1]) && !/[A-Za-z0-9_(]/.test(text[i] ?? '');
    if (endsName || text[i - 1] === ')') {
      const { start, word } = token(i);
      if (/^\d/.test(word)) continue;
      edits.push({
        text: text.slice(0, i) + "'" + text.slice(i),
        finding: () => ({ kinds: ['dropped-transpose'], sentence: `missing transpose: with \`${word}'\` for \`${word}\` (column ${start + 1}) the claim is well-typed and right` }),
      });
    }
    if (text[i - 1] === "'") {
      const { start, word } = token(i - 1);
      edits.push({
        text: text.slice(0, i - 1) + text.slice(i),
        finding: () => ({ kinds: ['extra-transpose'], sentence: `transpose too many: with \`${word}\` for \`${word}'\` (column ${start + 1}) the claim is well-typed and right` }),
      });
    }
  }
  const out: Finding[] = [];
  for (const edit of edits) {
    const e = read(edit.text);
    if (!e || !shapeEq(e.shape, truth.shape)) continue;
    const v = values(e);
    if (v && close(v, t)) out.push(edit.finding());
  }
  return out;
}
