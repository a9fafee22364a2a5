// Differentials step by step, as Magnus & Neudecker, the Matrix Cookbook and Zhu et al.'s App. B write
// them: d(½‖E‖²) = ⟨E, dE⟩ = ⟨E, d(W2W1X)⟩ = ⟨E, W2 dW1 X⟩. The engine's own differential rules (each
// operator's `differential` in src/ops/) are applied one level at a time, from the outside in; a step
// applies one rule a reader cares about wherever it applies, with the linearity around it, and cites
// both from rules/differentials.rules. Bookkeeping (½·2 = 1, flattening products, Aᵀᵀ = A) is merged.
import { Expr, OpNode, SymNode, delta, isNum, isOp, isScalar, mapDag, num, op, substitute } from '../expr/ast.js';
import { simplify } from '../rewrite/simplify.js';
import { add, hadamard, inner, isZero, mul, zeroLike } from '../expr/build.js';
import { splitCoefficient } from '../ops/add.js';
import { UnsupportedError } from '../expr/errors.js';
import { isOne } from '../expr/dim.js';
import { opDef } from '../ops/registry.js';
import { isTotalDifferential } from '../ops/derivatives.js';
import { dependsOn } from '../calculus/differential.js';
import { toText } from '../render/print.js';
import type { RuleApplication, Step } from './model.js';
import { tidy } from './vec-gradient.js';
import { reasonForAll } from './rule-reasons.js';

/** The variables among `vars` that e depends on. */
function varsOf(e: Expr, vars: readonly SymNode[]): SymNode[] {
  return vars.filter((v) => dependsOn(e, v));
}

/** d(e) with respect to `vars`: 0 (null) for a constant, dX for a variable, else the pending differential diff(e, X, dX, …). */
export function pendingDifferential(e: Expr, vars: readonly SymNode[]): Expr | null {
  if (e.kind === 'sym' && !e.delta && vars.some((v) => v === e)) return delta(e);
  const on = varsOf(e, vars);
  if (!on.length) return null;
  return op('diff', [e, ...on.flatMap((v) => [v, delta(v)])]);
}

const isPending = (e: Expr): boolean => isOp(e, 'diff') && isTotalDifferential(e);

/** Which rule of rules/ the expansion of d(U) uses, by U's operator and how many of its arguments vary. */
function ruleFor(U: OpNode, constant: readonly boolean[]): string {
  const varying = constant.filter((c) => !c).length;
  switch (U.op) {
    case 'add':
      return varying === 1 && U.args.length > 1 ? 'd-add-constant' : 'd-sum-of-terms';
    case 'mul': {
      // a scalar among the varying factors of a matrix product: d(uW) = (du)W + u dW
      if (varying > 1) return !isScalar(U) && U.args.some((a, j) => !constant[j] && isScalar(a)) ? 'd-scalar-product-chain' : 'd-product-chain';
      const i = constant.indexOf(false);
      // a scalar times constant matrices: d(uB) = (du)B
      if (isScalar(U.args[i]) && !isScalar(U)) return 'd-scalar-times-constant';
      // constant scalars commute: only constant matrices stand on a side
      const matrix = (a: Expr) => !isScalar(a);
      const before = U.args.slice(0, i).some(matrix), after = U.args.slice(i + 1).some(matrix);
      if (!before && !after) return constant.slice(0, i).some(Boolean) ? 'd-scalar-factor' : 'd-scalar-factor-right';
      return before && after ? 'd-constant-factor' : before ? 'd-constant-factor-left' : 'd-constant-factor-right';
    }
    case 'hadamard':
      return varying > 1 ? 'd-hadamard-chain' : constant[0] ? 'd-hadamard-constant' : 'd-hadamard-constant-right';
    case 'inner':
      return varying > 1 ? 'd-inner' : constant[0] ? 'd-inner-constant' : 'd-inner-constant-right';
    case 'kron':
      return varying === 2 ? 'd-kron-chain' : constant[1] ? 'd-kron-left' : 'd-kron-right';
    case 'pow':
      return U.attrs.k === -1 ? 'd-reciprocal' : U.attrs.k === 2 ? 'd-scalar-square' : 'd-scalar-power';
    case 'transpose':
      return 'd-transpose-chain';
    case 'inv':
      return 'd-inverse-chain';
    case 'det':
      return 'd-det-chain';
    case 'logdet':
      return 'd-logdet-chain';
    case 'tr':
      return 'd-trace-chain';
    case 'vec':
      return 'd-vec-chain';
    case 'unvec':
      return 'd-unvec-chain';
    case 'sum':
      return 'd-sum-chain';
    case 'diag':
      return isOne(U.args[0].shape.cols) ? 'd-diag-chain' : 'd-diagonal-chain';
    case 'ew':
      return 'd-entrywise-chain';
    case 'hpow':
      return U.attrs.k === 2 ? 'd-entrywise-square' : U.attrs.k === -1 ? 'd-entrywise-reciprocal' : 'd-entrywise-power-chain';
    case 'mpow':
      return U.attrs.k === 2 ? 'd-matrix-square' : 'd-matrix-power';
    case 'norm':
      return 'd-norm-chain';
    default:
      throw new UnsupportedError(`no step-by-step differential for ${U.op === 'prod' || U.op === 'isum' ? 'a product or sum over a family' : `the operator ${U.op}`} yet; --steps vec derives products over a family, and the result without steps is available without --steps`);
  }
}

/** One level of d(U): the engine's differential of U's operator, with d(child) left pending. */
export function expandOne(pending: OpNode, vars: readonly SymNode[]): { expr: Expr; rule: string } {
  const U = pending.args[0];
  if (U.kind !== 'op') throw new Error(`internal: pending differential of a leaf ${toText(U)}`);
  const on = varsOf(U, vars);
  // the line's bookkeeping left a constant (d(X − X) = d 0): dC = 0
  if (!on.length) return { expr: zeroLike(U), rule: 'd-constant' };
  // ‖U‖² as papers write it: d‖U‖² = 2⟨U, dU⟩, not 2‖U‖ d‖U‖
  if (isOp(U, 'pow') && U.attrs.k === 2 && isOp(U.args[0], 'norm')) {
    const V = U.args[0].args[0];
    return { expr: mul(num(2), inner(V, pendingDifferential(V, on)!)), rule: 'd-frobenius-chain' };
  }
  const rule = ruleFor(U, U.args.map((a) => varsOf(a, on).length === 0));
  let out = opDef(U.op).differential(U, (child) => pendingDifferential(child, on), on);
  // a function of a scalar: d log u = u⁻¹ du, a product rather than an entrywise one
  if (out && isOp(U, 'ew') && isScalar(U) && isOp(out, 'hadamard')) out = mul(simplify(out.args[0]), out.args[1]);
  if (!out) throw new Error(`internal: the differential of ${toText(U)} vanished though it depends on ${on.map((v) => v.name).join(', ')}`);
  return { expr: out, rule };
}

/** The pending differentials of e, in reading order. */
export function pendingIn(e: Expr): OpNode[] {
  const out: OpNode[] = [];
  const seen = new Set<Expr>();
  const walk = (x: Expr) => {
    if (seen.has(x) || x.kind !== 'op') return;
    seen.add(x);
    if (isPending(x)) out.push(x as OpNode);
    else x.args.forEach(walk);
  };
  walk(e);
  return out;
}

/** Products flattened, numbers collected, no double transposes; ⟨U, U⟩ kept as a norm. */
export function tidyDifferential(e: Expr): Expr {
  return tidy(
    mapDag(e, (_o, r) => {
      if (isOp(r, 'add') && r.args.some((a) => isOp(a, 'add'))) return op('add', r.args.flatMap((a) => (isOp(a, 'add') ? a.args : [a])));
      return r;
    }),
  );
}

/**
 * The rules a paper applies silently, "by linearity": d passes through sums, constant factors, ᵀ, tr,
 * vec, sums of entries, diag, and ∘, ⊗, ⟨·, ·⟩ with a constant. A step cites them once, as d-linearity,
 * next to the rule that changes the line for a reason (the product rule, the chain rule through σ, …).
 */
const LINEAR = new Set([
  'd-constant', 'd-sum-of-terms', 'd-scalar-times-constant', 'd-add-constant', 'd-scalar-factor', 'd-scalar-factor-right', 'd-constant-factor', 'd-constant-factor-left', 'd-constant-factor-right',
  'd-transpose-chain', 'd-trace-chain', 'd-vec-chain', 'd-unvec-chain', 'd-sum-chain', 'd-diag-chain', 'd-diagonal-chain',
  'd-hadamard-constant', 'd-hadamard-constant-right', 'd-kron-left', 'd-kron-right', 'd-inner-constant', 'd-inner-constant-right',
]);
export const LINEARITY = 'd-linearity';
export const isLinearRule = (rule: string): boolean => LINEAR.has(rule);

/**
 * A line of a differential derivation as a paper writes it: tidied, and the constant factors of an
 * entrywise product multiplied out (p^∘(−1) ∘ p ∘ (1 − p) ∘ dz = (1 − p) ∘ dz, as d log σ(z) reads), the
 * differential last. Otherwise the line keeps the order the rules produced (tr(X⁻¹dX), not ⟨dX, X⁻ᵀ⟩).
 */
export function differentialLine(e: Expr): Expr {
  return mapDag(tidyDifferential(e), (_o, r) => {
    // a differential that vanished (d(X − X) = 0) takes its factors with it
    if (r.kind === 'op' && VANISHES_WITH_AN_ARGUMENT.has(r.op) && r.args.some(isZero)) return zeroLike(r);
    if (isOp(r, 'add')) return likeTerms(r);
    if (!isOp(r, 'hadamard') || !r.hasDelta) return r;
    const factors: Expr[] = [];
    const flatten = (x: Expr): void => void (isOp(x, 'hadamard') ? x.args.forEach(flatten) : factors.push(x));
    flatten(r);
    const constant = factors.filter((f) => !f.hasDelta);
    if (constant.length < 2) return r;
    return hadamard(simplify(hadamard(...constant)), ...factors.filter((f) => f.hasDelta));
  });
}

const VANISHES_WITH_AN_ARGUMENT = new Set(['mul', 'hadamard', 'inner', 'kron', 'tr', 'vec', 'unvec', 'transpose', 'sum', 'diag']);

/** Like terms combined in place (dXᵀA dX + dXᵀA dX = 2 dXᵀA dX), the other terms in their order. */
function likeTerms(sum: OpNode): Expr {
  const coefficients = new Map<Expr, number>();
  for (const t of sum.args) {
    if (isZero(t)) continue;
    const [c, rest] = splitCoefficient(t);
    coefficients.set(rest, (coefficients.get(rest) ?? 0) + c);
  }
  if (coefficients.size === sum.args.length && !sum.args.some(isZero)) return sum;
  const terms = [...coefficients].filter(([, c]) => c !== 0).map(([rest, c]) => (c === 1 ? rest : tidy(mul(num(c), rest))));
  return terms.length ? add(...terms) : zeroLike(sum);
}

/**
 * Expand every pending differential in `start` until none is left, as a paper does: each step applies
 * one rule that changes the line for a reason (the chain rule through log det, the product rule, …) at
 * every place it applies, through compositions (d log σ(z) in one step), together with the linearity
 * that leads to and follows it. Returns the steps (each citing its rules, every application recorded)
 * and the last line, linear in the differentials dX.
 */
export function unfoldDifferential(start: Expr, vars: readonly SymNode[]): { steps: Step[]; result: Expr } {
  const steps: Step[] = [];
  let cur = start;
  let applied: RuleApplication[] = [];
  /** Expand the pending differentials whose rule is allowed, until none is left; true if any was. */
  const close = (allowed: (rule: string) => boolean): void => {
    for (let guard = 0; guard < 200; guard++) {
      const map = new Map<Expr, Expr>();
      for (const p of pendingIn(cur)) {
        const e = expandOne(p, vars);
        if (!allowed(e.rule)) continue;
        map.set(p, e.expr);
        applied.push({ rule: e.rule, before: p, after: e.expr });
      }
      if (!map.size) return;
      cur = tidyDifferential(substitute(cur, map));
    }
    throw new Error('internal: the differential did not unfold in 200 rounds');
  };
  const record = (rule?: string) => {
    const linear = applied.some((a) => LINEAR.has(a.rule));
    const rules = [...(linear ? [LINEARITY] : []), ...(rule ? [rule] : [])];
    cur = differentialLine(cur);
    steps.push({ expr: cur, reason: reasonForAll(rules), rewrites: applied });
    applied = [];
  };
  close(isLinearRule);
  for (let guard = 0; guard < 200; guard++) {
    const pending = pendingIn(cur);
    if (!pending.length) {
      if (applied.length) record();
      return { steps, result: cur };
    }
    const rule = pending.map((p) => expandOne(p, vars).rule).find((r) => !LINEAR.has(r))!;
    close((r) => r === rule || LINEAR.has(r));
    record(rule);
  }
  throw new Error('internal: the differential did not unfold in 200 steps');
}
