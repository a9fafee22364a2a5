// The last step of a chain: from the line the rules produced to the engine's printed form (the form the
// presentation search chose: (A + Aᵀ)X, Xᵀ(σ(Xw) − y), …). A paper writes that step citing the
// identities it uses, so the step is found here as a short sequence of rules of rules/ — the
// simplifier's (simplify.rules: factoring, like terms, σ identities, Kronecker forms) and the
// identities of inner products and vec — each applied at one place, every intermediate form tidied
// as a paper does silently (numbers collected, Aᵀᵀ = A, transposes of products, 1 ∘ A = A, like
// terms, the order of terms and of entrywise factors). When the two differ only by that
// bookkeeping, no step is needed.
import { Expr, OpNode, isNum, isOp, isScalar, mapDag, num, op, substitute, sym, withArgs } from '../expr/ast.js';
import { add, hadamard, hpow, isZero, mul, zeroLike } from '../expr/build.js';
import { opDef } from '../ops/registry.js';
import { splitCoefficient } from '../ops/add.js';
import { compareStructural, structuralKey } from '../expr/order.js';
import { matchAt, conditionsHold, instantiate, NO_BINDINGS } from '../rewrite/match.js';
import type { Rule } from '../rewrite/rules.js';
import type { RuleApplication, Step } from './model.js';
import { reasonForAll, ruleLibrary } from './rule-reasons.js';
import { expand } from '../rewrite/expand.js';
import { tidy } from './vec-gradient.js';

// ── the bookkeeping a paper does silently ─────────────────────────────────────────────────────────

const isOnes = (e: Expr) => isOp(e, 'ones') || isNum(e, 1);

/** Terms with equal rest merged (pA + qA = (p + q)A), zeros dropped; terms and entrywise factors in a fixed order. */
function tidyNode(r: Expr): Expr {
  if (r.kind !== 'op') return r;
  if (isOp(r, 'transpose')) {
    const hook = opDef('transpose').simplify!(r);
    return hook === r ? r : tidyTree(hook);
  }
  if (isOp(r, 'add')) {
    const terms = r.args.flatMap((a) => (isOp(a, 'add') ? a.args : [a]));
    const coefficients = new Map<Expr, number>();
    for (const t of terms) {
      if (isZero(t)) continue;
      const [c, rest] = splitCoefficient(t);
      coefficients.set(rest, (coefficients.get(rest) ?? 0) + c);
    }
    const kept = [...coefficients].filter(([, c]) => c !== 0).map(([rest, c]) => (c === 1 ? rest : tidy(mul(num(c), rest))));
    if (!kept.length) return zeroLike(r);
    return kept.length === 1 ? kept[0] : add(...kept.sort(compareStructural));
  }
  if ((isOp(r, 'inner') || isOp(r, 'kron') || isOp(r, 'vec') || isOp(r, 'tr') || isOp(r, 'hadamard')) && r.args.some(isZero)) return zeroLike(r);
  // a number comes out of a linear map: tr(2A) = 2 tr(A), ⟨A, −B⟩ = −⟨A, B⟩
  if (LINEAR_IN_EACH.has(r.op)) {
    let c = 1;
    const args = r.args.map((a) => {
      const [k, rest] = splitCoefficient(a);
      if (k === 1 || isNum(rest, 1)) return a;
      c *= k;
      return rest;
    });
    if (c !== 1) return tidyNode(tidy(mul(num(c), tidyNode(withArgs(r, args)))));
  }
  if (isOp(r, 'hadamard')) {
    // equal factors as a power (x ∘ x = x^∘2), ones dropped, the factors in a fixed order
    const powers = new Map<Expr, number>();
    for (const f of r.args.flatMap((a) => (isOp(a, 'hadamard') ? a.args : [a]))) {
      if (isOp(f, 'ones')) continue;
      const [base, k] = isOp(f, 'hpow') ? [f.args[0], f.attrs.k!] : [f, 1];
      powers.set(base, (powers.get(base) ?? 0) + k);
    }
    const kept = [...powers].filter(([, k]) => k !== 0).map(([b, k]) => (k === 1 ? b : hpow(b, k)));
    if (!kept.length) return r.args[0];
    return kept.length === 1 ? kept[0] : hadamard(...kept.sort(compareStructural));
  }
  if (isOp(r, 'mul')) return r.args.some(isZero) ? zeroLike(r) : tidy(r);
  // ⟨A, B⟩ = ⟨B, A⟩
  if (isOp(r, 'inner') && compareStructural(r.args[0], r.args[1]) > 0) return withArgs(r, [r.args[1], r.args[0]]);
  return r;
}

/** Operators linear in each argument: numbers move out of them. */
const LINEAR_IN_EACH = new Set(['tr', 'inner', 'vec', 'kron', 'transpose', 'hadamard', 'sum', 'diag']);

function tidyTree(e: Expr): Expr {
  return mapDag(e, (_o, r) => tidyNode(r));
}

/** The form of e up to what a paper does silently: equal keys, the same expression for a reader. */
export function bookkeepingKey(e: Expr): string {
  return structuralKey(tidyTree(tidy(e)));
}

// ── the rules the last step may cite ─────────────────────────────────────────────────────────────

/** Rules of the other files that printed forms use (inner products moved, vec and Kronecker forms undone). */
const MORE = [
  'trace-product-inner', 'trace-product-inner-right', 'trace-cyclic-inner', 'inner-product-move', 'inner-product-move-left', 'inner-product-move-right',
  'inner-transpose-move', 'trace-as-inner', 'vec-kron', 'vec-kron-left', 'vec-kron-right',
  'kron-transpose', 'stochastic-ones', 'stochastic-ones-transposed', 'diagonal-combine', 'unvec-combine',
  'kron-trace', 'kron-mixed-product', 'frobenius-trace', 'transpose-symmetric', 'trace-cyclic', 'trace-square-symmetric',
  'diag-product', 'diag-square', 'kron-scalar', 'kron-by-scalar',
];

/** The rule a step cites when it expands both lines and collects their terms again. */
export const EXPANSION = 'multilinear-expand';

export interface Move {
  readonly rule: Rule;
  /** applied right to left (p(A ∘ B) + q(A ∘ C) read as a distribution) */
  readonly reversed: boolean;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** the operators the left side needs */
  readonly ops: readonly string[];
}

/** A rule as moves: both directions (when the other side can be built), and with unit coefficients. */
export function movesOf(rule: Rule, directions: readonly boolean[] = [false, true]): Move[] {
  const out: Move[] = [];
  for (const reversed of directions) {
    const [lhs, rhs] = reversed ? [rule.rhs, rule.lhs] : [rule.lhs, rule.rhs];
    // a side that is a bare pattern variable matches everything: not a place to start from
    if (lhs.kind === 'sym' && rule.vars.has(lhs.name)) continue;
    // a right side with variables the left side does not bind cannot be built
    if ([...rule.vars].some((v) => mentions(rhs, v) && !mentions(lhs, v))) continue;
    // sums of terms without a coefficient: p, q := 1 (pA + pB matches A + B)
    for (const sides of [{ lhs, rhs }, ...unitVariants(rule, lhs, rhs)]) out.push({ rule, reversed, ...sides, ops: [...needs(sides.lhs)] });
  }
  return out;
}

let moves: Move[] | undefined;
function allMoves(): Move[] {
  if (moves) return moves;
  const lib = ruleLibrary();
  const rules = [...MORE.flatMap((n) => lib.get(n) ?? []), ...[...lib.values()].filter((r) => r.file === 'simplify.rules')];
  return (moves = rules.flatMap((r) => movesOf(r)));
}

/**
 * Moves the search tries only on a pair of terms the others do not join, when one side has a
 * commutation matrix: A ⊗ B = K(B ⊗ A)K matches every Kronecker product.
 */
let commutationMoves: Move[] | undefined;
function withCommutation(): Move[] {
  const lib = ruleLibrary();
  return (commutationMoves ??= [...allMoves(), ...['kron-commute', 'diag-vec-commutation'].flatMap((n) => movesOf(lib.get(n)!, [false]))]);
}

function mentions(e: Expr, name: string): boolean {
  if (e.kind === 'sym') return e.name === name;
  return e.kind === 'op' && e.args.some((a) => mentions(a, name));
}

/** The rule with its scalar coefficients p, q (those that are pattern variables) set to 1, one or both. */
function unitVariants(rule: Rule, lhs: Expr, rhs: Expr): { lhs: Expr; rhs: Expr }[] {
  const coefficients = ['p', 'q'].filter((v) => rule.vars.has(v) && mentions(lhs, v));
  if (!coefficients.length) return [];
  const subsets = coefficients.length === 2 ? [['p'], ['q'], ['p', 'q']] : [coefficients];
  return subsets.map((set) => {
    const one = (e: Expr) => tidy(mapDag(e, (o, r) => (o.kind === 'sym' && set.includes(o.name) && rule.vars.has(o.name) ? num(1) : r)));
    return { lhs: one(lhs), rhs: one(rhs) };
  });
}

/** The operators a pattern needs (a generic σ matches any entrywise function), for a quick test of whether it can match anywhere. */
function needs(p: Expr, into = new Set<string>()): Set<string> {
  if (p.kind === 'op') {
    into.add(p.op);
    p.args.forEach((a) => needs(a, into));
  }
  return into;
}

// ── the search ───────────────────────────────────────────────────────────────────────────────────

interface Found {
  readonly expr: Expr;
  readonly path: readonly RuleApplication[];
  /** both lines expanded and their terms collected again (cited, not recorded as one application) */
  readonly expanded?: boolean;
}

/**
 * Every result of one move at one place, the places seen as a paper reads them: a product by its
 * contiguous runs, a sum or an entrywise product by pairs of terms, by one term against the rest, and
 * either way round (∘ and the scalar factors of a product commute).
 */
export function rewritesOf(m: Move, e: Expr, ops: ReadonlySet<string> = operatorsIn(e), limit = 40): { result: Expr; before: Expr; after: Expr }[] {
  if (!m.ops.every((o) => ops.has(o))) return [];
  const out: { result: Expr; before: Expr; after: Expr }[] = [];
  const at = (site: Expr, rebuild: (r: Expr) => Expr) => {
    for (const b of matchAt(m.lhs, site, m.rule.vars, NO_BINDINGS)) {
      if (!conditionsHold(m.rule, b)) continue;
      try {
        const after = instantiate(m.rhs, m.rule.vars, b);
        out.push({ result: rebuild(after), before: site, after });
      } catch {
        /* a binding the other side cannot use (shapes) */
      }
    }
  };
  const visit = (n: Expr, rebuild: (r: Expr) => Expr): void => {
    if (out.length > limit) return;
    at(n, rebuild);
    if (n.kind !== 'op') return;
    const node = n as OpNode;
    for (const view of views(node)) at(view, rebuild);
    if (isOp(node, 'mul') && node.args.length > 2)
      for (let len = node.args.length - 1; len >= 2; len--)
        for (let i = 0; i + len <= node.args.length; i++) {
          let run: Expr;
          try {
            run = mul(...node.args.slice(i, i + len));
          } catch {
            continue;
          }
          at(run, (r) => rebuild(mul(...node.args.slice(0, i), r, ...node.args.slice(i + len))));
        }
    if ((isOp(node, 'add') || isOp(node, 'hadamard')) && node.args.length > 2)
      for (let i = 0; i < node.args.length; i++)
        for (let j = i + 1; j < node.args.length; j++) {
          const rest = node.args.filter((_, k) => k !== i && k !== j);
          at(op(node.op, [node.args[i], node.args[j]]), (r) => rebuild(op(node.op, [r, ...rest])));
        }
    node.args.forEach((a, i) => visit(a, (r) => rebuild(withArgs(node, node.args.map((x, j) => (j === i ? r : x))))));
  };
  visit(e, (r) => r);
  return out;
}

/**
 * The same node read differently: an entrywise product of two the other way round (in itself or as an
 * argument), an argument's terms or factors regrouped as one against the rest, a scalar factor of a
 * product moved to the front or (among scalars) to the end.
 */
function views(node: OpNode): Expr[] {
  const out: Expr[] = [];
  const swap = (h: Expr) => op('hadamard', [(h as OpNode).args[1], (h as OpNode).args[0]]);
  if (isOp(node, 'hadamard') && node.args.length === 2) out.push(swap(node));
  // ⟨A, B⟩ = ⟨B, A⟩ (the bookkeeping puts the arguments in a fixed order)
  if (isOp(node, 'inner')) out.push(op('inner', [node.args[1], node.args[0]]));
  if (isOp(node, 'mul') && node.args.length <= 6)
    node.args.forEach((a, i) => {
      if (!isScalar(a)) return;
      if (i > 0) out.push(op('mul', [a, ...node.args.filter((_, j) => j !== i)]));
      if (i < node.args.length - 1 && node.args.every(isScalar)) out.push(op('mul', [...node.args.filter((_, j) => j !== i), a]));
    });
  node.args.forEach((a, k) => {
    const replace = (x: Expr) => withArgs(node, node.args.map((y, j) => (j === k ? x : y)));
    if (isOp(a, 'hadamard') && a.args.length === 2) out.push(replace(swap(a)));
    // a sum or entrywise product of three or more seen as one term and the rest (p(A + B) with B a sum)
    if ((!isOp(a, 'add') && !isOp(a, 'hadamard')) || a.args.length < 3 || a.args.length > 6) return;
    for (let i = 0; i < a.args.length; i++) {
      const rest = op(a.op, a.args.filter((_, j) => j !== i));
      out.push(replace(op(a.op, [a.args[i], rest])), replace(op(a.op, [rest, a.args[i]])));
    }
  });
  return out;
}

export function operatorsIn(e: Expr): Set<string> {
  const ops = new Set<string>();
  const seen = new Set<Expr>();
  const walk = (x: Expr) => {
    if (x.kind !== 'op' || seen.has(x)) return;
    seen.add(x);
    ops.add(x.op);
    x.args.forEach(walk);
  };
  walk(e);
  return ops;
}

/** How many rule applications the search tries, at most, before it gives up. */
const BUDGET = 3000;
/** … and how many nodes of the lines it tries them on: on long lines (a Hessian's d²f) fewer rewrites. */
const BUDGET_NODES = 60_000;

function sizeOf(e: Expr): number {
  const seen = new Set<Expr>();
  const walk = (x: Expr): number => {
    if (seen.has(x)) return 0;
    seen.add(x);
    return 1 + (x.kind === 'op' ? x.args.reduce((s, a) => s + walk(a), 0) : 0);
  };
  return walk(e);
}
const MAX_DEPTH = 4;

/**
 * A shortest sequence of moves (breadth first, bounded) from `from` to a form equal to `to` up to
 * bookkeeping; undefined when none is found within the budget.
 */
export function justify(fromLine: Expr, toLine: Expr): Found | undefined {
  // rules bind no expression that contains a differential: the differentials become plain matrices
  // for the search (the identities hold for any matrix) and are put back in what it records
  const { plain, back } = placeholders([fromLine, toLine]);
  const [from, to] = [substitute(fromLine, plain), substitute(toLine, plain)];
  const found = search(from, to) ?? termwise(from, to);
  if (!found || !back.size) return found && { ...found, expr: toLine };
  const restore = (e: Expr) => substitute(e, back);
  return { ...found, expr: toLine, path: found.path.map((p) => ({ ...p, before: restore(p.before), after: restore(p.after) })) };
}

/** Each differential dX of the lines as a plain symbol (and back). */
export function placeholders(lines: readonly Expr[]): { plain: Map<Expr, Expr>; back: Map<Expr, Expr> } {
  const plain = new Map<Expr, Expr>(), back = new Map<Expr, Expr>();
  const seen = new Set<Expr>();
  const walk = (e: Expr) => {
    if (seen.has(e) || !e.hasDelta) return;
    seen.add(e);
    if (e.kind === 'sym') {
      const p = sym(`d${e.name}#`, e.shape, e.props);
      plain.set(e, p);
      back.set(p, e);
    } else if (e.kind === 'op') e.args.forEach(walk);
  };
  lines.forEach(walk);
  return { plain, back };
}

const termsOf = (e: Expr): readonly Expr[] => (isOp(e, 'add') ? e.args : [e]);

/**
 * When no short sequence joins the two lines as wholes: both expanded (the products, traces, inner
 * products and Kronecker products distributed over sums, as a paper "expands and collects terms"),
 * their terms paired up to bookkeeping, and each remaining pair joined by a short search of its own.
 */
function termwise(from: Expr, to: Expr): Found | undefined {
  const [ef, et] = [expand(from, 60), expand(to, 60)];
  if (!ef || !et) return undefined;
  // terms as coefficient · rest; several terms of `from` may become one of `to` (pA + qA = (p + q)A)
  const split = (e: Expr) => termsOf(tidyTree(tidy(e))).map(splitCoefficient);
  const F = split(ef), T = split(et);
  const keys = T.map(([, t]) => structuralKey(t));
  const got = T.map(() => 0);
  const path: RuleApplication[] = [];
  for (const [c, f] of F) {
    let j = keys.indexOf(structuralKey(f));
    if (j < 0)
      j = T.findIndex(([, t]) => {
        const found = search(f, t, 600) ?? ([f, t].some((x) => operatorsIn(x).has('commutation')) ? search(f, t, 600, withCommutation()) : undefined);
        if (found) path.push(...found.path);
        return found !== undefined;
      });
    if (j < 0) return undefined;
    got[j] += c;
  }
  if (T.some(([c], j) => Math.abs(got[j] - c) > 1e-12 * Math.max(1, Math.abs(c)))) return undefined;
  return { expr: to, path, expanded: true };
}

function search(from: Expr, to: Expr, budget = Math.max(300, Math.min(BUDGET, Math.round(BUDGET_NODES / sizeOf(from)))), moves = allMoves()): Found | undefined {
  const goal = bookkeepingKey(to);
  const start = tidyTree(tidy(from));
  if (structuralKey(start) === goal) return { expr: to, path: [] };
  const seen = new Set<string>([structuralKey(start)]);
  let frontier: Found[] = [{ expr: start, path: [] }];
  let tried = 0;
  for (let depth = 0; depth < MAX_DEPTH && frontier.length; depth++) {
    const next: Found[] = [];
    for (const f of frontier) {
      const ops = operatorsIn(f.expr);
      for (const m of moves) {
        for (const r of rewritesOf(m, f.expr, ops)) {
          if (++tried > budget) return undefined;
          let c: Expr;
          try {
            c = tidyTree(tidy(r.result));
          } catch {
            continue;
          }
          const key = structuralKey(c);
          if (seen.has(key)) continue;
          seen.add(key);
          const path = [...f.path, { rule: m.rule.name, before: r.before, after: r.after, ...(m.reversed ? { reversed: true } : {}) }];
          if (key === goal) return { expr: to, path };
          next.push({ expr: c, path });
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

/**
 * The steps from the recorded line `last` to the printed form: none when they are the same up to
 * bookkeeping (the caller shows the printed form in place of `last`), else one step citing the rules it
 * uses. Undefined when no short sequence of rules is found.
 */
export function stepsToPrinted(last: Expr, printed: Expr): { same: true } | { same: false; steps: Step[] } | undefined {
  if (last === printed || bookkeepingKey(last) === bookkeepingKey(printed)) return { same: true };
  const found = justify(last, printed);
  if (!found) return undefined;
  if (!found.path.length && !found.expanded) return { same: true };
  const cited = [...(found.expanded ? [EXPANSION] : []), ...found.path.map((p) => p.rule)];
  return { same: false, steps: [{ expr: printed, reason: reasonForAll(cited), rewrites: found.path }] };
}

/** A chain's last lines ending in the printed form: the last line itself when they differ by bookkeeping only. */
export function endInPrinted(start: Expr, steps: readonly Step[], printed: Expr): { start: Expr; steps: Step[] } {
  const last = steps.length ? steps[steps.length - 1].expr : start;
  const r = stepsToPrinted(last, printed);
  // no short sequence of rules found: the step says so and cites none (the tests require one)
  if (!r) return { start, steps: [...steps, { expr: printed, reason: { says: { text: 'simplifying (the printed form)', latex: '' } } }] };
  if (r.same) return steps.length ? { start, steps: [...steps.slice(0, -1), { ...steps[steps.length - 1], expr: printed }] } : { start: printed, steps: [] };
  return { start, steps: [...steps, ...r.steps] };
}
