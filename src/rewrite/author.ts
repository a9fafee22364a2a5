// The presentation search: from a canonical result to the form an author writes. Rewriting with the
// identities of rules/simplify.rules (sum patterns against any k terms of a sum, product patterns against
// any run of a product's factors), and three algebraic moves no fixed pattern states (expansion by
// multilinearity, kept when it does not lengthen; distribution over a sum when a product rule then
// applies to a term; (ab)ᵏ = aᵏbᵏ for scalars), keeping the cheapest form found; then a product's sign
// is taken into one of its sums, and a sum is written transposed as a whole, where that reads better.
//
// It works like a small e-graph extracted bottom-up: every node gets a class of equivalent forms (the
// few cheapest found), computed once per node (hash-consing makes equal subexpressions one node). A node's
// class is searched best-first from its canonical form and from the forms its arguments' classes allow,
// a bounded number of rewrites deep; every candidate goes through the canonical `simplify`, which does
// the associative-commutative bookkeeping an e-graph would otherwise need AC rules for. Cost: printed
// length (like terms left uncombined count longer), then fewer negative coefficients, then the text (so
// the result does not depend on search order).
import { Expr, OpNode, isOp, isScalar, num, op, substitute, withArgs } from '../expr/ast.js';
import { add, mul, pow } from '../expr/build.js';
import { opDef, type Printer } from '../ops/registry.js';
import { numberText, symText } from '../render/names.js';
import { precedence } from '../render/print.js';
import { simplify } from './simplify.js';
import { ShapeError } from '../expr/errors.js';
import { expand } from './expand.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRulesDir, parseRules, type Rule } from './rules.js';
import { NO_BINDINGS, instantiate, matchAt, conditionsHold } from './match.js';

/** The rule file whose rules the search uses. */
export const AUTHOR_RULES = 'simplify.rules';
/** How hard the search works: forms kept per node, rewrites tried from one node's forms, node searches per call. */
export interface SearchBudget {
  readonly classSize: number;
  readonly expansions: number;
  readonly nodes: number;
}
export const DEFAULT_BUDGET: SearchBudget = { classSize: 3, expansions: 8, nodes: 400 };
let settings: SearchBudget = DEFAULT_BUDGET;
/** Change the budget (the bench compares against a larger one; 0 nodes turns the search off); returns the previous one. */
export function setSearchBudget(b: SearchBudget): SearchBudget {
  const prev = settings;
  settings = b;
  classes = new WeakMap();
  return prev;
}
/** terms of a sum (factors of a Hadamard product) beyond which subsets are not enumerated */
const MAX_SUBSET_SOURCE = 6;
/** printed length beyond which a node is not expanded, and the most terms an expansion may have (it can be exponential) */
const MAX_EXPAND = 400;
const MAX_EXPANDED_TERMS = 16;
/** a candidate printing longer than this many times its source is dropped unseen (it would only be searched in vain) */
const MAX_GROWTH = 2;
/** rewrites produced per call of authorForm, past which no node is searched */
const MAX_REWRITES = 20000;
let budget = 0;
let work = 0;

let rulesCache: Rule[] | undefined;
function authorRules(): Rule[] {
  return (rulesCache ??= parseRules(readFileSync(join(defaultRulesDir(), AUTHOR_RULES), 'utf8'), AUTHOR_RULES));
}

// ── cost ────────────────────────────────────────────────────────────────────────────────────────
// held weakly, like the simplifier's cache: a long-running process (serve, the library) does not keep every node it printed
const textMemo = new WeakMap<Expr, string>();
/** A memoised text printer (nodes are hash-consed, so equal subexpressions are printed once). */
const printText: Printer = (e: Expr, min = 0): string => {
  let s = textMemo.get(e);
  if (s === undefined) {
    s = e.kind === 'op' ? opDef(e.op).text(e, printText) : e.kind === 'num' ? numberText(e.value) : symText(e);
    textMemo.set(e, s);
  }
  return precedence(e, 'text') < min ? `(${s})` : s;
};

export function printedSize(e: Expr): number {
  return printText(e).length;
}

const negativeMemo = new WeakMap<Expr, number>();
function negatives(e: Expr): number {
  if (e.kind === 'num') return e.value < 0 ? 1 : 0;
  if (e.kind !== 'op') return 0;
  let n = negativeMemo.get(e);
  if (n === undefined) negativeMemo.set(e, (n = e.args.reduce((k, a) => k + negatives(a), 0)));
  return n;
}

/**
 * Like terms a sum leaves uncombined (X − μX: two terms, one matrix part), counted in the cost as if
 * longer than they print: an author writes (1 − μ)X even where X − μX is a character shorter.
 */
const LIKE_TERM_PENALTY = 4;
const likeMemo = new WeakMap<Expr, number>();
function likeTerms(e: Expr): number {
  if (e.kind !== 'op') return 0;
  let n = likeMemo.get(e);
  if (n === undefined) {
    n = e.args.reduce((k, a) => k + likeTerms(a), 0);
    if (e.op === 'add') {
      const parts = e.args.map((t) => flatFactors(t).filter((f) => !isScalar(f))).filter((c) => c.length > 0);
      n += parts.length - new Set(parts.map((c) => c.map((f) => f.id).join(','))).size;
    }
    likeMemo.set(e, n);
  }
  return n;
}

/** The cost of a form as it will print: with the sums that print shorter transposed as a whole (see foldTransposes). */
const cost = (e: Expr) => printedSize(shortFolded(e)) + LIKE_TERM_PENALTY * likeTerms(e);

/** Negative if a is preferred to b. */
export function compareCost(a: Expr, b: Expr): number {
  return cost(a) - cost(b) || negatives(a) - negatives(b) || (printText(a) < printText(b) ? -1 : printText(a) > printText(b) ? 1 : 0);
}

// ── rewriting at the top of one node ──────────────────────────────────────────────────────────────
/** The factors of a product, nested products flattened (patterns are written with binary *). */
function flatFactors(p: Expr): Expr[] {
  return isOp(p, 'mul') ? p.args.flatMap(flatFactors) : [p];
}

/** A pattern term p*A with p a scalar pattern variable: a target term without a coefficient is 1*term. */
function hasScalarCoefficient(p: Expr, rule: Rule): boolean {
  const first = flatFactors(p)[0];
  return isOp(p, 'mul') && first.kind === 'sym' && rule.vars.has(first.name) && isScalar(first);
}

function withUnitCoefficient(t: Expr): Expr {
  return isOp(t, 'mul') && t.args[0].kind === 'num' ? t : op('mul', [num(1), t]);
}

function apply(rule: Rule, site: Expr): Expr[] {
  const out: Expr[] = [];
  for (const b of matchAt(rule.lhs, site, rule.vars, NO_BINDINGS)) {
    if (!conditionsHold(rule, b)) continue;
    try {
      out.push(instantiate(rule.rhs, rule.vars, b));
    } catch {
      /* a binding the right side cannot use */
    }
  }
  return out;
}

/** The operator a term is built with, numeric and scalar factors aside (a cheap test before matching). */
const heads = new WeakMap<Expr, string>();
function headOf(e: Expr): string {
  if (e.kind !== 'op') return e.kind;
  let h = heads.get(e);
  if (h === undefined) {
    if (isOp(e, 'mul')) {
      const core = e.args.filter((a) => a.kind !== 'num' && !(isScalar(a) && !isScalar(e)));
      h = core.length === 1 ? headOf(core[0]) : 'mul';
    } else h = e.op === 'ew' ? `ew:${e.attrs.fn}` : e.op;
    heads.set(e, h);
  }
  return h;
}

/** What a pattern term needs of a term's head; undefined: anything. */
function patternHead(p: Expr, rule: Rule): string | undefined {
  if (p.kind === 'sym') return rule.vars.has(p.name) ? undefined : 'sym';
  if (p.kind === 'num') return 'num';
  if (isOp(p, 'mul')) {
    const core = p.args.filter((a) => a.kind !== 'num' && !(a.kind === 'sym' && rule.vars.has(a.name) && isScalar(a)));
    return core.length === 1 ? patternHead(core[0], rule) : 'mul';
  }
  if (p.op === 'ew') return p.attrs.fn === 'sigma' ? undefined : `ew:${p.attrs.fn}`;
  return p.op;
}

function compatible(need: string | undefined, t: Expr): boolean {
  return need === undefined || headOf(t) === need || (need === 'mul' && isOp(t, 'mul'));
}

/** Ordered choices of distinct indices, one from each list. */
function choices(lists: readonly number[][], used: readonly number[] = []): number[][] {
  if (used.length === lists.length) return [used.slice()];
  return lists[used.length].filter((i) => !used.includes(i)).flatMap((i) => choices(lists, [...used, i]));
}

// ── anchors: a cheap necessary condition before matching a sum pattern ─────────────────────────
// A variable that every term of a sum pattern shares (A in pAB + qAC) sits at a fixed place in each
// term (the first matrix factor); the terms chosen must then have the same subexpression there. Checking
// that first rejects almost every pair of terms without running the matcher, which is where the time goes.
/** A place in a term: its first factor, its first or last non-scalar factor, its only non-scalar factor, an argument. */
type Step = 'first' | 'firstCore' | 'lastCore' | 'core' | number;

const isScalarVar = (p: Expr, rule: Rule) => p.kind === 'sym' && rule.vars.has(p.name) && isScalar(p);

function placeOf(p: Expr, v: string, rule: Rule): Step[] | undefined {
  // a sum inside a pattern is matched in any order: no fixed place
  if (p.kind !== 'op' || p.op === 'add') return undefined;
  if (isOp(p, 'mul')) {
    const fs = flatFactors(p);
    if (fs[0].kind === 'sym' && fs[0].name === v) return ['first'];
    const core = fs.filter((a) => a.kind !== 'num' && !isScalarVar(a, rule));
    if (core.length === 1) {
      const inner = placeOf(core[0], v, rule);
      return inner && ['core', ...inner];
    }
    if (core[0]?.kind === 'sym' && core[0].name === v) return ['firstCore'];
    const last = core[core.length - 1];
    if (last?.kind === 'sym' && last.name === v) return ['lastCore'];
    return undefined;
  }
  for (let j = 0; j < p.args.length; j++) {
    const a = p.args[j];
    if (a.kind === 'sym' && a.name === v) return [j];
    const inner = placeOf(a, v, rule);
    if (inner) return [j, ...inner];
  }
  return undefined;
}

const factorInfo = new WeakMap<Expr, { fs: Expr[]; core: Expr[] }>();
function factorsOf(e: Expr): { fs: Expr[]; core: Expr[] } {
  let f = factorInfo.get(e);
  if (!f) {
    const fs = flatFactors(e);
    factorInfo.set(e, (f = { fs, core: fs.filter((a) => !isScalar(a)) }));
  }
  return f;
}

function at(t: Expr, path: readonly Step[]): Expr | undefined {
  let cur: Expr | undefined = t;
  for (const step of path) {
    if (!cur) return undefined;
    const { fs, core } = factorsOf(cur);
    if (step === 'first') cur = fs[0];
    else if (step === 'firstCore') cur = core[0];
    else if (step === 'lastCore') cur = core[core.length - 1];
    else if (step === 'core') cur = core.length === 1 ? core[0] : undefined;
    else cur = cur.kind === 'op' && step < cur.args.length ? cur.args[step] : undefined;
  }
  return cur;
}

/** For each variable all terms of a sum pattern share, its place in each term. */
const anchorCache = new WeakMap<Rule, (readonly Step[])[][]>();
function anchorsOf(rule: Rule): (readonly Step[])[][] {
  let a = anchorCache.get(rule);
  if (!a) {
    const terms = (rule.lhs as OpNode).args;
    a = [...rule.vars].flatMap((v) => {
      const paths = terms.map((t) => placeOf(t, v, rule));
      return paths.every((x) => x) ? [paths as Step[][]] : [];
    });
    anchorCache.set(rule, a);
  }
  return a;
}

function anchorsAgree(rule: Rule, terms: readonly Expr[]): boolean {
  for (const paths of anchorsOf(rule)) {
    const found = terms.map((t, i) => at(t, paths[i]));
    if (found.every((x) => x) && found.some((x) => x !== found[0])) return false;
  }
  return true;
}

/** The rules by the operator at the top of their left side, with what each term of a sum pattern needs. */
interface IndexedRule {
  readonly rule: Rule;
  readonly heads: readonly (string | undefined)[];
  readonly unitCoefficient: readonly boolean[];
}
let ruleIndex: Map<string, IndexedRule[]> | undefined;
function rulesFor(opName: string): readonly IndexedRule[] {
  if (!ruleIndex) {
    ruleIndex = new Map();
    for (const rule of authorRules()) {
      const p = rule.lhs;
      if (p.kind !== 'op') continue;
      // a product pattern is written with binary *: its factors, flattened
      const parts = p.op === 'mul' ? flatFactors(p) : p.args;
      const entry = { rule, heads: parts.map((pa) => patternHead(pa, rule)), unitCoefficient: parts.map((pa) => p.op === 'add' && hasScalarCoefficient(pa, rule)) };
      ruleIndex.set(p.op, [...(ruleIndex.get(p.op) ?? []), entry]);
    }
  }
  return ruleIndex.get(opName) ?? [];
}

/** Rewrites of the node itself, of any k terms of a sum (factors of a Hadamard product) matching a k-term pattern, and of any run of a product's factors. */
function rewritesAtTop(e: OpNode): Expr[] {
  const out: Expr[] = [];
  for (const { rule, heads, unitCoefficient } of rulesFor(e.op)) {
    if ((e.op === 'add' || e.op === 'hadamard') && e.args.length <= MAX_SUBSET_SOURCE) {
      const fits = heads.map((need) => e.args.map((_, i) => i).filter((i) => compatible(need, e.args[i])));
      if (fits.some((f) => f.length === 0)) continue;
      for (const chosen of choices(fits)) {
        const raw = chosen.map((ti, i) => (unitCoefficient[i] ? withUnitCoefficient(e.args[ti]) : e.args[ti]));
        if (!anchorsAgree(rule, raw)) continue;
        const rest = e.args.filter((_, i) => !chosen.includes(i));
        for (const r of applyMemo(rule, op(e.op, raw), true)) out.push(rest.length ? op(e.op, [r, ...rest]) : r);
      }
      continue;
    }
    if (e.op === 'mul' && anchoredProduct(heads)) {
      out.push(...runRewrites(e, rule, heads));
      continue;
    }
    out.push(...applyMemo(rule, e, false));
  }
  return out;
}

/** A product pattern that begins or ends with an operator (S·(c ⊗ M), A·A⁻¹), not with a variable. */
function anchoredProduct(heads: readonly (string | undefined)[]): boolean {
  return heads.length >= 2 && (heads[0] !== undefined || heads[heads.length - 1] !== undefined);
}

/**
 * A product pattern applied to every run of a product's factors that begins and ends as the pattern
 * does: products are associative, and the canonical form has no brackets to say where a run starts.
 */
function runRewrites(e: OpNode, rule: Rule, heads: readonly (string | undefined)[]): Expr[] {
  const out: Expr[] = [];
  const fs = e.args;
  const [first, last] = [heads[0], heads[heads.length - 1]];
  for (let i = 0; i < fs.length; i++) {
    if (!compatible(first, fs[i])) continue;
    for (let j = i + heads.length - 1; j < fs.length; j++) {
      if (!compatible(last, fs[j])) continue;
      if (i === 0 && j === fs.length - 1) {
        out.push(...applyMemo(rule, e, false));
        continue;
      }
      let run: Expr;
      try {
        run = simplify(mul(...fs.slice(i, j + 1)));
      } catch (err) {
        if (err instanceof ShapeError) continue;
        throw err;
      }
      if (run.kind !== 'op') continue;
      for (const r of applyMemo(rule, run, false)) out.push(mul(...fs.slice(0, i), r, ...fs.slice(j + 1)));
    }
  }
  return out;
}

/** The rewrites of a product by the product rules alone (runs of its factors). */
function productRewrites(e: Expr): Expr[] {
  if (!isOp(e, 'mul')) return [];
  return rulesFor('mul').flatMap(({ rule, heads }) => (anchoredProduct(heads) ? runRewrites(e, rule, heads) : applyMemo(rule, e, false)));
}

/**
 * A product with a sum among its factors, distributed over that sum when a product rule then applies to
 * one of the terms: (I ⊗ xᵀ + xᵀ ⊗ I)Sᵀ = (I ⊗ xᵀ)Sᵀ + (xᵀ ⊗ I)Sᵀ = 2 diag(x). (Expansion in general is kept
 * only when it does not lengthen; this is the expansion that pays off only after a rule.)
 */
function distributeForRules(e: OpNode): Expr[] {
  if (e.op !== 'mul' || rulesFor('mul').length === 0) return [];
  const out: Expr[] = [];
  e.args.forEach((a, i) => {
    if (!isOp(a, 'add') || a.args.length > MAX_SUBSET_SOURCE) return;
    let rewritten = false;
    const terms = a.args.map((t) => {
      const term = simplify(withArgs(e, e.args.map((b, j) => (j === i ? t : b))));
      const best = productRewrites(term)
        .map((r) => simplify(r))
        .sort(compareCost)[0];
      if (best && compareCost(best, term) < 0) {
        rewritten = true;
        return best;
      }
      return term;
    });
    if (rewritten) out.push(add(...terms));
  });
  return out;
}

/** Rule applications at a site, remembered: the candidates of one node share most of their terms. */
let applied = new WeakMap<Expr, Map<Rule, Expr[]>>();
function applyMemo(rule: Rule, site: OpNode, ordered: boolean): Expr[] {
  let bySite = applied.get(site);
  if (!bySite) applied.set(site, (bySite = new Map()));
  let r = bySite.get(rule);
  if (!r) bySite.set(rule, (r = ordered ? applyOrdered(rule, site) : apply(rule, site)));
  return r;
}

/** Match a sum or Hadamard pattern term by term in the order given (no further permutation). */
function applyOrdered(rule: Rule, site: OpNode): Expr[] {
  const p = rule.lhs as OpNode;
  let states = [NO_BINDINGS];
  p.args.forEach((pa, i) => (states = states.flatMap((s) => matchAt(pa, site.args[i], rule.vars, s))));
  const out: Expr[] = [];
  for (const b of states) {
    if (!conditionsHold(rule, b)) continue;
    try {
      out.push(instantiate(rule.rhs, rule.vars, b));
    } catch {
      /* a binding the right side cannot use */
    }
  }
  return out;
}

/** (ab)ᵏ = aᵏbᵏ for scalars and integer k, so that common scalar factors cancel in quotients. */
function splitPowers(e: OpNode): Expr[] {
  if (!isOp(e, 'mul')) return [];
  let changed = false;
  const args = e.args.map((a) => {
    if (isOp(a, 'pow') && Number.isInteger(a.attrs.k!) && isOp(a.args[0], 'mul') && a.args[0].args.every(isScalar)) {
      changed = true;
      return mul(...a.args[0].args.map((f) => pow(f, a.attrs.k!)));
    }
    return a;
  });
  return changed ? [mul(...args)] : [];
}

/**
 * The expanded form, kept only when it is no longer than its source: what expansion is for is
 * cancellation ((1 − y)∘σ − (1 − σ)∘y = σ − y); a longer one would only feed the factor rules terms
 * to pair up in every way.
 */
function expansion(x: OpNode): Expr[] {
  if (printedSize(x) > MAX_EXPAND) return [];
  const y = expand(x, MAX_EXPANDED_TERMS);
  return y && printedSize(y) <= printedSize(x) ? [y] : [];
}

/** Candidate rewrites of one form. */
function moves(e: OpNode): Expr[] {
  const out: Expr[] = [];
  for (const move of [rewritesAtTop, expansion, distributeForRules, splitPowers])
    try {
      for (const y of move(e)) if (y && y !== e) out.push(y);
    } catch (err) {
      // a rewrite whose pieces do not fit together (a sub-chain across a flattened scalar xᵀAx) is no candidate
      if (!(err instanceof ShapeError)) throw err;
    }
  return out;
}

// ── classes ─────────────────────────────────────────────────────────────────────────────────────
let classes = new WeakMap<Expr, Expr[]>();
const inProgress = new Set<Expr>();

export function clearAuthorCache(): void {
  classes = new WeakMap();
  applied = new WeakMap();
}

/** The few cheapest forms equal to e, cheapest first. */
function classOf(e: Expr): Expr[] {
  if (e.kind !== 'op') return [e];
  const known = classes.get(e);
  if (known) return known;
  if (inProgress.has(e) || budget <= 0 || work > MAX_REWRITES) return [e];
  budget--;
  inProgress.add(e);
  try {
    const found = new Set<Expr>();
    const queue: Expr[] = [];
    const consider = (x: Expr) => {
      const s = simplify(x);
      if (found.has(s)) return;
      found.add(s);
      queue.push(s);
    };
    // a form with each argument replaced by one of the argument's own forms (one argument at a time):
    // an argument's second-best form may be what lets a rule apply here (A'·inv(A')·… after inv(X'A'))
    const alternatives = (x: OpNode) =>
      x.args.forEach((a, i) => {
        for (const alt of classOf(a)) if (alt !== a) consider(withArgs(x, x.args.map((b, j) => (j === i ? alt : b))));
      });
    consider(e);
    alternatives(e);
    if (e.args.length > 1) consider(withArgs(e, e.args.map((a) => classOf(a)[0])));
    let expansions = 0;
    while (queue.length && expansions < settings.expansions) {
      queue.sort(compareCost);
      const x = queue.shift()!;
      if (x.kind !== 'op') continue;
      if (x !== e) alternatives(x);
      expansions++;
      const limit = MAX_GROWTH * printedSize(x) + 20;
      for (const y of moves(x)) {
        work++;
        let s: Expr;
        try {
          s = simplify(y);
        } catch {
          continue;
        }
        if (found.has(s) || printedSize(s) > limit) continue;
        consider(s);
        // what the rewrite built may itself simplify further
        if (s.kind === 'op' && s !== x) {
          const better = withArgs(s, s.args.map((a) => classOf(a)[0]));
          if (better !== s) consider(better);
        }
      }
    }
    const best = [...found].sort(compareCost).slice(0, settings.classSize);
    classes.set(e, best);
    return best;
  } finally {
    inProgress.delete(e);
  }
}

let off = 0;
/**
 * Run without the search (canonical forms only): for derivatives computed only to be compared numerically,
 * such as the check that a result at any depth agrees with the derivative at concrete depths.
 */
export function withoutPresentation<T>(run: () => T): T {
  off++;
  try {
    return run();
  } finally {
    off--;
  }
}

/** The cheapest form found for e (equal to e; the derive pipeline checks every result numerically). */
export function authorForm(e: Expr): Expr {
  if (off) return simplify(e);
  budget = settings.nodes;
  work = 0;
  const best = classOf(simplify(e))[0];
  return settings.nodes > 0 ? signsIntoSums(foldTransposes(best)) : best;
}

// ── finishing: signs and transposes the canonical form puts elsewhere ───────────────────────────────
// Both are done on the form chosen, not as moves of the search: the canonical form undoes a transposed
// sum, and a move that only moves a sign would spend the search's budget on forms of equal length.

/**
 * −A(B − C) = A(C − B), where that shortens the whole: −Σ⁻¹(x − μ) → Σ⁻¹(μ − x), but not A − B(x − y) →
 * A + B(y − x), nor a sum written elsewhere too ((Ax − b)(Ax − b)ᵀ stays one quantity).
 */
function signsIntoSums(root: Expr): Expr {
  const sites: OpNode[] = [];
  const uses = new Map<Expr, number>();
  const visit = (e: Expr) => {
    if (e.kind !== 'op') return;
    const n = (uses.get(e) ?? 0) + 1;
    uses.set(e, n);
    if (n > 1) return;
    // a leading minus alone: a negative multiple stays as papers write it, −2(M − xxᵀ)x
    const c = e.args[0];
    if (isOp(e, 'mul') && c.kind === 'num' && c.value === -1 && e.args.some((a) => isOp(a, 'add'))) sites.push(e);
    e.args.forEach(visit);
  };
  visit(root);
  let out = root;
  for (const site of sites) {
    for (let i = 1; i < site.args.length; i++) {
      const sum = site.args[i];
      if (!isOp(sum, 'add') || uses.get(sum)! > 1) continue;
      const negated = simplify(add(...sum.args.map((t) => mul(num(-1), t))));
      const flipped = mul(...site.args.slice(1).map((b, j) => (j + 1 === i ? negated : b)));
      const candidate = substitute(out, new Map([[site, flipped]]));
      if (cost(candidate) < cost(out)) {
        out = candidate;
        break;
      }
    }
  }
  return out;
}

// ── transposes of sums ──────────────────────────────────────────────────────────────────────────
// The canonical form keeps transposes at the leaves, and every candidate of the search goes through it,
// so a transposed sum is never a candidate: it is the last step, on the form chosen. An author writes
// the residual once and transposes it as a whole, X(W2W1X − Y)ᵀ, not X(XᵀW1ᵀW2ᵀ − Yᵀ).
function transposeCount(e: Expr): number {
  return e.kind !== 'op' ? 0 : (e.op === 'transpose' ? 1 : 0) + e.args.reduce((n, a) => n + transposeCount(a), 0);
}

/** Not a Kronecker-sized block: Hessian blocks are read as sums of Kronecker products, not transposed. */
function foldable(e: Expr): e is OpNode {
  return isOp(e, 'add') && !isScalar(e) && e.shape.rows.syms.length <= 1 && e.shape.cols.syms.length <= 1;
}

/** The transpose of a sum's transpose, its sums folded in turn (Xᵀ W1ᵀ W2ᵀ − Yᵀ → (W2 W1 X − Y)ᵀ), if that is a sum. */
function transposedSum(e: OpNode, fold: (x: Expr) => Expr): Expr | undefined {
  const flipped = simplify(op('transpose', [e]));
  return isOp(flipped, 'add') ? op('transpose', [withArgs(flipped, flipped.args.map(fold))]) : undefined;
}

const shortFoldMemo = new WeakMap<Expr, Expr>();
/** e with every sum that prints shorter transposed as a whole so written: what the search's cost measures. */
function shortFolded(e: Expr): Expr {
  if (e.kind !== 'op') return e;
  let out = shortFoldMemo.get(e);
  if (!out) {
    out = withArgs(e, e.args.map(shortFolded));
    const t = foldable(e) ? transposedSum(e, shortFolded) : undefined;
    if (t && printedSize(t) < printedSize(out)) out = t;
    shortFoldMemo.set(e, out);
  }
  return out;
}

/** A sum written as the transpose of its transpose where that prints shorter, or writes a sum the expression has elsewhere. */
function foldTransposes(root: Expr): Expr {
  const memo = new Map<Expr, Expr>();
  const present = new Set<Expr>();
  const visit = (e: Expr) => {
    if (e.kind !== 'op' || present.has(e)) return;
    present.add(e);
    e.args.forEach(visit);
  };
  visit(root);
  const inside = (e: OpNode) => withArgs(e, e.args.map(fold));
  const fold = (e: Expr): Expr => {
    if (e.kind !== 'op') return e;
    let out = memo.get(e);
    if (out) return out;
    out = inside(e);
    const folded = foldable(e) ? transposedSum(e, fold) : undefined;
    if (folded) {
      // shorter, or the same sum as one written elsewhere, a character longer: (x − y)(x − y)ᵀ, not (x − y)(xᵀ − yᵀ)
      const c = printedSize(folded) - printedSize(out);
      if (c < 0 || (c <= 1 && present.has(simplify(op('transpose', [e]))) && transposeCount(folded) < transposeCount(out))) out = folded;
    }
    memo.set(e, out);
    return out;
  };
  return fold(root);
}

