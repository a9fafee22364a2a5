// Identification step by step. A differential linear in dX is brought into the form
//   df = ⟨G, dX⟩ = tr(Gᵀ dX)            ⇒ ∇_X f = G            (first identification theorem), or
//   d vec F = J d vec X                 ⇒ ∇_{vec X} vec F = Jᵀ,
// by moving the linear maps off dX one at a time: each move is the adjoint of one operator
// (⟨U, AXB⟩ = ⟨AᵀUBᵀ, X⟩, ⟨U, Xᵀ⟩ = ⟨Uᵀ, X⟩, …) or its vec form (vec(AXB) = (Bᵀ ⊗ A) vec X, …) —
// the same maps the engine's identification uses (each operator's `adjoint` and `vecLinear`), here
// applied from the outside in and recorded, every step citing its rule from rules/identification.rules.
import { Expr, OpNode, SymNode, isOp, isScalar, num } from '../expr/ast.js';
import { add, eye, inner, mul, ones, sizeOf, tr, vec, zeros } from '../expr/build.js';
import { UnsupportedError } from '../expr/errors.js';
import { isOne } from '../expr/dim.js';
import { opDef } from '../ops/registry.js';
import { productParts } from '../ops/mul.js';
import { simplify } from '../rewrite/simplify.js';
import { toText } from '../render/print.js';
import type { RuleApplication, Step } from './model.js';
import { tidyDifferential } from './differential-steps.js';
import { reasonForAll } from './rule-reasons.js';

/** A term c·⟨U, M⟩ (U undefined: c·M, not yet an inner product) of a scalar linear form. */
interface InnerTerm {
  readonly c: readonly Expr[];
  readonly U?: Expr;
  readonly M: Expr;
}

const isDelta = (e: Expr) => e.kind === 'sym' && e.delta;

/** The argument of a linear node that carries the differential (exactly one in a linear form). */
function carrier(M: OpNode): number {
  const i = M.args.findIndex((a) => a.hasDelta);
  if (i < 0 || M.args.some((a, j) => j !== i && a.hasDelta && M.op !== 'add'))
    throw new Error(`internal: ${toText(M)} is not linear in one differential`);
  return i;
}

/** Split a scalar linear form into terms c·M with constant scalar factors c. */
function termsOf(S: Expr, c: readonly Expr[] = [], distributed?: RuleApplication[]): InnerTerm[] {
  if (isOp(S, 'add')) return S.args.flatMap((a) => termsOf(a, c, distributed));
  if (isOp(S, 'mul') && isScalar(S)) {
    const { coef, scalars, chain } = productParts(S);
    const consts = [...(coef !== 1 ? [num(coef)] : []), ...scalars.filter((s) => !s.hasDelta)];
    const live = scalars.filter((s) => s.hasDelta);
    if (chain.length) return [{ c: [...c, ...consts, ...live], M: chain.length === 1 ? chain[0] : mul(...chain) }];
    if (live.length !== 1) throw new Error(`internal: ${toText(S)} is not linear`);
    const out = termsOf(live[0], [...c, ...consts], distributed);
    // c·(a + b) = c·a + c·b (pA + qA = (p + q)A read backwards)
    if (isOp(live[0], 'add') && consts.length) distributed?.push({ rule: 'like-terms', reversed: true, before: S, after: add(...termsOf(live[0], consts).map((t) => mul(...t.c, t.M))) });
    return out;
  }
  return [{ c, M: S }];
}

const term = (t: InnerTerm): Expr => {
  if (!t.U) return mul(...t.c, t.M);
  // a scalar variable: df = g da
  if (isScalar(t.M)) return mul(...t.c, t.U, t.M);
  return mul(...t.c, inner(t.U, t.M));
};

/** The next move of a term: the rule and the terms it becomes; undefined when the term is c·⟨U, dX⟩. */
function innerMove(t: InnerTerm): Move<InnerTerm> | undefined {
  const { c, U, M } = t;
  if (isDelta(M)) return U ? undefined : { out: [{ c, U: num(1), M }] };
  if (M.kind !== 'op') throw new Error(`internal: ${toText(M)} does not contain a differential`);
  if (!U) {
    if (isOp(M, 'inner')) {
      const i = carrier(M);
      return { rule: i === 0 ? 'inner-symmetric' : undefined, out: [{ c, U: M.args[1 - i], M: M.args[i] }] };
    }
    if (isOp(M, 'tr')) {
      const P = M.args[0];
      if (isOp(P, 'add')) return { rule: 'trace-sum', out: P.args.filter((a) => a.hasDelta).map((a) => ({ c, M: tr(a) })) };
      // tr(A ⊗ dX) = tr(A) tr(dX)
      if (isOp(P, 'kron')) {
        const i = carrier(P);
        return { rule: 'kron-trace', out: [{ c: [...c, tr(P.args[1 - i])], M: tr(P.args[i]) }] };
      }
      if (isOp(P, 'mul') && !isScalar(P.args[carrier(P)])) {
        const i = carrier(P);
        return { rule: sided(P, i, ['trace-product-inner', 'trace-product-inner-right', 'trace-cyclic-inner']), out: [{ c, U: simplify(opDef('mul').adjoint!(P, i, eye(P.shape.rows))), M: P.args[i] }] };
      }
      return { rule: 'trace-as-inner', out: [{ c, U: eye(P.shape.rows), M: P }] };
    }
    if (isOp(M, 'sum')) return { rule: 'sum-inner', out: [{ c, U: ones(M.args[0].shape.rows, M.args[0].shape.cols), M: M.args[0] }] };
    if (isOp(M, 'mul')) {
      const i = carrier(M);
      return { rule: sided(M, i, ['scalar-product-inner-left', 'scalar-product-inner-right', 'scalar-product-inner']), out: [{ c, U: simplify(opDef('mul').adjoint!(M, i, num(1))), M: M.args[i] }] };
    }
    return { out: [{ c, U: num(1), M }] };
  }
  const i = carrier(M);
  if (isOp(M, 'add')) return { rule: 'inner-add', out: M.args.filter((a) => a.hasDelta).map((a) => ({ c, U, M: a })) };
  const arg = M.args[i];
  if (isOp(M, 'mul') && isScalar(arg) && !isScalar(M)) {
    const others = M.args.filter((_, j) => j !== i);
    return { rule: 'inner-scalar-move', out: termsOf(arg, [...c, simplify(inner(U, mul(...others)))]) };
  }
  const rule = ADJOINT_RULES[M.op]?.(M, i);
  if (!rule) throw new UnsupportedError(`no step-by-step identification through ${M.op} yet; the result without steps is available without --steps`);
  return { rule, out: [{ c, U: simplify(opDef(M.op).adjoint!(M, i, U)), M: arg }] };
}

/** The rule for a product A X B around factor i: [only A, only B, both] (constant scalars commute). */
function sided(P: OpNode, i: number, [left, right, both]: readonly [string, string, string]): string {
  const matrix = (a: Expr) => !isScalar(a);
  const before = P.args.slice(0, i).some(matrix), after = P.args.slice(i + 1).some(matrix);
  return before && after ? both : before ? left : after ? right : both;
}

const ADJOINT_RULES: Record<string, (M: OpNode, i: number) => string> = {
  mul: (M, i) => (M.args.every((a, j) => j === i || isScalar(a)) ? 'inner-scalar-factor' : sided(M, i, ['inner-product-move-left', 'inner-product-move-right', 'inner-product-move'])),
  transpose: () => 'inner-transpose-move',
  hadamard: (M, i) => (i === 0 ? 'inner-hadamard-move-right' : 'inner-hadamard-move'),
  vec: () => 'inner-vec-move',
  unvec: () => 'inner-unvec-move',
  // diag(x) of a vector is a matrix; diag(X) of a square matrix is its diagonal
  diag: (M) => (isOne(M.args[0].shape.cols) ? 'inner-diag-move' : 'inner-diagonal-move'),
  tr: () => 'inner-trace-move',
  sum: () => 'inner-sum-move',
  inner: () => 'inner-inner-move',
  kron: (_M, i) => (i === 1 ? 'inner-kron-right-move' : 'inner-kron-left-move'),
};

/**
 * Move the linear maps off the differentials, in rounds (each applies one rule to every term whose next
 * move it is), as one step of the derivation: a paper brings df into the form ⟨G, dX⟩ in one line,
 * citing the identities it used. Returns the terms at the end and the rules applied, in order.
 */
/** The next move of a term: the rule (read backwards when `reversed`) and the terms it becomes. */
interface Move<T> {
  readonly rule?: string;
  readonly reversed?: boolean;
  readonly out: T[];
  /** where the rule applies, when that is a part of the term (vec(AXB) in c·J·vec(AXB)) */
  readonly site?: { readonly before: Expr; readonly after: Expr };
}

function moveAll<T>(start: readonly T[], move: (t: T) => Move<T> | undefined, build: (ts: readonly T[]) => Expr): { terms: T[]; rewrites: RuleApplication[] } {
  let terms = [...start];
  const rewrites: RuleApplication[] = [];
  for (let guard = 0; guard < 200; guard++) {
    const moves = terms.map(move);
    const first = moves.find((m) => m !== undefined);
    if (!first) return { terms, rewrites };
    const rule = first.rule;
    terms = terms.flatMap((t, k) => {
      const m = moves[k];
      if (!m || m.rule !== rule) return [t];
      // a move without a rule only renames (U := the other argument of ⟨·, ·⟩): the line reads the same
      if (rule) rewrites.push({ rule, ...(m.site ?? { before: build([t]), after: build(m.out) }), ...(m.reversed ? { reversed: true } : {}) });
      return m.out;
    });
  }
  throw new Error('internal: identification did not finish in 200 rounds');
}

/** The step that ends in `expr`, citing the rules of `rewrites` (each once, in order). */
function identificationStep(expr: Expr, rewrites: readonly RuleApplication[]): Step[] {
  if (!rewrites.length) return [];
  return [{ expr, reason: reasonForAll(rewrites.map((r) => r.rule)), rewrites }];
}

/**
 * From df (linear in dX) to df = ⟨G, dX⟩ in one step (or none when df is that already), and G
 * (simplified). A scalar variable gives df = g da.
 */
export function identifyGradient(df: Expr, x: SymNode): { steps: Step[]; G: Expr } {
  // df = 0 (f does not depend on X after all): ∇_X f = 0
  if (!df.hasDelta) return { steps: [], G: zeros(x.shape.rows, x.shape.cols) };
  const build = (ts: readonly InnerTerm[]) => add(...ts.map(term));
  const distributed: RuleApplication[] = [];
  const terms = termsOf(df, [], distributed);
  const { terms: done, rewrites } = moveAll(terms, innerMove, build);
  rewrites.unshift(...distributed);
  const G = simplify(add(...done.map((t) => mul(...t.c, t.U!))));
  const dX = done[0].M;
  const final = isScalar(x) ? mul(G, dX) : inner(G, dX);
  const moved = tidyDifferential(build(done));
  if (done.length > 1 || done[0].c.length) {
    // a scalar variable: p da + q da = (p + q) da
    const rule = done.length === 1 ? 'inner-scale' : isScalar(x) ? 'factor-right' : 'inner-collect';
    if (tidyDifferential(final) !== moved) rewrites.push({ rule, before: moved, after: final });
  }
  return { steps: identificationStep(final, rewrites), G };
}

/** A term c·J·vec(M) of d vec F (J undefined: the identity). */
interface VecTerm {
  readonly c: readonly Expr[];
  readonly J?: Expr;
  readonly M: Expr;
}

const vecTerm = (t: VecTerm): Expr => mul(...t.c, ...(t.J ? [t.J] : []), isScalar(t.M) ? t.M : vec(t.M));

const VEC_RULES: Record<string, (M: OpNode, i: number) => string | undefined> = {
  mul: (M, i) => {
    if (isScalar(M.args[i]) && !isScalar(M)) return 'vec-scalar-factor';
    const before = M.args.slice(0, i).some((a) => !isScalar(a));
    const after = M.args.slice(i + 1).some((a) => !isScalar(a));
    return before && after ? 'vec-kron' : before ? 'vec-kron-left' : after ? 'vec-kron-right' : 'vec-scalar-factor';
  },
  transpose: () => 'vec-transpose',
  hadamard: () => 'vec-hadamard',
  vec: () => undefined,
  unvec: () => 'vec-vec',
  tr: () => 'vec-trace',
  sum: () => 'vec-sum-entries',
  inner: () => 'inner-vec',
  kron: (_M, i) => (i === 1 ? 'vec-kron-move' : 'vec-kron-left-move'),
};

function vecMove(t: VecTerm): Move<VecTerm> | undefined {
  const { c, J, M } = t;
  if (isDelta(M)) return undefined;
  if (M.kind !== 'op') throw new Error(`internal: ${toText(M)} does not contain a differential`);
  // a scalar sum distributes over the product it stands in ((a + b)v = av + bv: like terms read backwards); a matrix one over vec
  if (isOp(M, 'add')) return { rule: isScalar(M) ? 'like-terms' : 'vec-sum', ...(isScalar(M) ? { reversed: true } : {}), out: M.args.filter((a) => a.hasDelta).map((a) => ({ c, J, M: a })) };
  const i = carrier(M);
  const arg = M.args[i];
  const rule = VEC_RULES[M.op]?.(M, i);
  if (rule === undefined && !isOp(M, 'vec')) throw new UnsupportedError(`no step-by-step vec identification through ${M.op} yet; the result without steps is available without --steps`);
  const L = opDef(M.op).vecLinear!(M, i);
  const onePlain = isOp(L, 'eye') || (L.kind === 'num' && L.value === 1);
  const next = onePlain ? J : J ? mul(J, L) : L;
  // the rule rewrites vec(M) in place (vec(AXB) = (Bᵀ ⊗ A) vec X; for a scalar M, vec(M) = M)
  return { rule, site: { before: vec(M), after: onePlain ? vec(arg) : mul(L, vec(arg)) }, out: [{ c, J: next && simplify(next), M: arg }] };
}

/** From dF (matrix, linear in dX) to d vec F = J d vec X: the step (from vec(dF)) and J. */
export function identifyJacobian(dF: Expr, x: SymNode): { steps: Step[]; J: Expr } {
  if (!dF.hasDelta) return { steps: [], J: zeros(sizeOf(dF), sizeOf(x)) };
  const distributed: RuleApplication[] = [];
  const start: VecTerm[] = termsOf(isScalar(dF) ? dF : vec(dF), [], distributed).map((t) => (isOp(t.M, 'vec') ? { c: t.c, M: t.M.args[0] } : { c: t.c, M: t.M }));
  const build = (ts: readonly VecTerm[]) => add(...ts.map(vecTerm));
  const { terms: done, rewrites } = moveAll(start, vecMove, build);
  rewrites.unshift(...distributed);
  const dx = done[0].M;
  const J = simplify(add(...done.map((t) => mul(...t.c, t.J ?? eye(dx.shape.rows)))));
  const final = mul(J, isScalar(dx) ? dx : vec(dx));
  const moved = tidyDifferential(build(done));
  if ((done.length > 1 || done[0].c.length) && tidyDifferential(final) !== moved)
    rewrites.push({ rule: done.length > 1 ? 'factor-right' : 'vec-scalar-factor', before: moved, after: final });
  return { steps: identificationStep(final, rewrites), J };
}
