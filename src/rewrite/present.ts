// Presentation: the forms people write. Common factors are pulled out of sums ((A + Aᵀ)X, not AX + AᵀX)
// and a sum that occurs more than once across the results is named (E = W2W1X − Y), or given the user's
// name for it when a definition says so.
import { Expr, OpNode, isOp, isScalar, mapDag, num, substitute, sym } from '../expr/ast.js';
import { add, ew, inner, mul, ones, T } from '../expr/build.js';
import { productParts } from '../ops/mul.js';
import { splitCoefficient } from '../ops/add.js';
import { simplify } from './simplify.js';
import { structuralText, weight } from './order.js';
import { renameBound } from '../expr/families.js';

function chainOf(e: Expr): { front: Expr[]; chain: Expr[] } {
  const { coef, scalars, chain } = productParts(e);
  return { front: [...(coef !== 1 ? [num(coef)] : []), ...scalars], chain };
}

/**
 * Pull a factor common to every term of a sum out on the right or on the left — when what remains of
 * each term is short: AX + AᵀX = (A + Aᵀ)X, W2Δ1X + Δ2W1X = (W2Δ1 + Δ2W1)X, but W2ᵀEXᵀ − μDW1XXᵀ stays.
 */
function factorSum(e: OpNode): Expr {
  const parts = e.args.map(chainOf);
  if (parts.some((p) => p.chain.length < 2 || p.chain.length > 3)) return e;
  const rest = (p: { front: Expr[]; chain: Expr[] }, drop: 'first' | 'last') => {
    const chain = drop === 'last' ? p.chain.slice(0, -1) : p.chain.slice(1);
    return chain.length === 0 ? undefined : mul(...p.front, ...chain);
  };
  const last = parts[0].chain[parts[0].chain.length - 1];
  if (last && parts.every((p) => p.chain[p.chain.length - 1] === last)) {
    const inner = parts.map((p) => rest(p, 'last'));
    if (inner.every((x) => x !== undefined)) return mul(simplify(add(...(inner as Expr[]))), last);
  }
  const first = parts[0].chain[0];
  if (first && parts.every((p) => p.chain[0] === first)) {
    const inner = parts.map((p) => rest(p, 'first'));
    if (inner.every((x) => x !== undefined)) return mul(first, simplify(add(...(inner as Expr[]))));
  }
  return e;
}

export function factorCommon(e: Expr): Expr {
  return mapDag(e, (_orig, rebuilt) => (isOp(rebuilt, 'add') ? factorSum(rebuilt) : rebuilt));
}

export interface Named {
  readonly name: string;
  readonly value: Expr;
}

/** Sums that appear as factors, counted over all results. */
function countSums(roots: readonly Expr[]): Map<Expr, number> {
  const count = new Map<Expr, number>();
  const seenIn = new Set<Expr>();
  const visit = (e: Expr, parentIsProduct: boolean) => {
    if (e.kind !== 'op') return;
    if (isOp(e, 'add') && parentIsProduct) count.set(e, (count.get(e) ?? 0) + 1);
    if (seenIn.has(e) && !isOp(e, 'add')) return;
    seenIn.add(e);
    for (const a of e.args) visit(a, e.op === 'mul' || e.op === 'transpose' || e.op === 'hadamard' || e.op === 'kron' || e.op === 'vec' || e.op === 'inner');
  };
  roots.forEach((r) => visit(r, false));
  return count;
}

/**
 * Name repeated sums. `defs` are the user's definitions (name → expanded value): a result containing a
 * definition's value uses the name. Other sums used twice or more get E, E1, E2, … (avoiding `taken`).
 */
export function nameSubexpressions(
  results: readonly Expr[],
  defs: ReadonlyMap<string, Expr>,
  taken: ReadonlySet<string>,
  /** how many of the results (the first ones) count towards naming repeated non-sums: the derivative, not the step lines */
  countOver = results.length,
): { results: Expr[]; named: Named[] } {
  const named: Named[] = [];
  const replace = new Map<Expr, Expr>();
  const normDefs = [...defs].map(([name, v]) => [name, simplify(v)] as const);
  for (const [name, v] of normDefs) {
    if (!isOp(v, 'add') && v.kind !== 'op') continue;
    if (results.some((r) => containsNode(r, v))) {
      replace.set(v, sym(name, v.shape));
      // a definition used with the opposite sign (Y − W2W1X) is −e
      named.push({ name, value: v });
    }
    const negated = simplify(mul(num(-1), v));
    if (results.some((r) => containsNode(r, negated))) replace.set(negated, mul(num(-1), sym(name, v.shape)));
  }
  let rs = results.map((r) => substitute(r, replace));
  const counts = countSums(rs);
  const counters = new Map<string, number>();
  const fresh = (letter = 'E') => {
    for (;;) {
      const k = counters.get(letter) ?? 0;
      const n = k === 0 ? letter : `${letter}${k}`;
      counters.set(letter, k + 1);
      if (!taken.has(n) && !defs.has(n)) return n;
    }
  };
  const more = new Map<Expr, Expr>();
  // a sum and its transpose (UVᵀ − M and VUᵀ − Mᵀ) are one quantity: E and Eᵀ
  const transposed = new Map<Expr, Expr>();
  for (const e of counts.keys()) {
    const t = simplify(T(e));
    if (t !== e && counts.has(t)) transposed.set(e, t);
  }
  // smaller sums first, so the residual W2W1X − Y is E; sums of vec-sized matrices (Kronecker blocks) are
  // left in place: a name would hide their structure
  const candidates = [...counts].filter(([e]) => isPlainShape(e)).sort(([a], [b]) => weight(a) - weight(b));
  // a sum that is a whole derivative is printed as it is: named, the result would read "E"
  const whole = new Set(rs.slice(0, countOver).flatMap((r) => [r, simplify(T(r))]));
  for (const [e, c] of candidates) {
    if (more.has(e) || e.hasDelta || weight(e) < 3 || whole.has(e)) continue; // A + Aᵀ reads better than a name
    const t = transposed.get(e);
    if (c + (t ? counts.get(t)! : 0) < 2) continue;
    const [coef] = splitCoefficient(e);
    if (coef < 0) continue; // name the positive form; the negated one follows through its transpose or not at all
    // name the form with fewer transposes (W2W1X − Y rather than XᵀW1ᵀW2ᵀ − Yᵀ)
    const flipped = simplify(T(e));
    const [value, other] = transposeCount(flipped) < transposeCount(e) ? [flipped, e] : [e, flipped];
    const name = fresh();
    const s = sym(name, value.shape);
    more.set(value, s);
    if (other !== value) more.set(other, T(s));
    named.push({ name, value });
  }
  if (more.size) rs = rs.map((r) => substitute(r, more));
  rs = nameRepeated(rs, named, fresh, countOver);
  // for display: a product's variable does not share its name with a free index (prod(k = …) next to W[k])
  return { results: rs.map(renameBound), named: named.map((n) => ({ ...n, value: renameBound(n.value) })) };
}

/**
 * Operators whose repeated applications are named, with how long (printed) and how often used they must
 * be: entrywise functions and inverses (σ(W1x), not W2W1X), and more sparingly entrywise products.
 */
const NAMEABLE: ReadonlyMap<string, { length: number; uses: number }> = new Map([
  ['ew', { length: 12, uses: 5 }],
  ['inv', { length: 12, uses: 3 }],
  ['hadamard', { length: 16, uses: 3 }],
  ['hpow', { length: 16, uses: 3 }],
]);
const MAX_NAMES = 8;

/** How often each node occurs in the printed results (occurrences in the tree, not in the DAG). */
function treeCounts(roots: readonly Expr[]): Map<Expr, number> {
  const counts = new Map<Expr, number>();
  // count by walking the DAG with multiplicities: a node's count is the sum over its parents' counts
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e) || e.kind !== 'op') return;
    seen.add(e);
    e.args.forEach(visit);
    order.push(e);
  };
  roots.forEach(visit);
  for (const r of roots) counts.set(r, (counts.get(r) ?? 0) + 1);
  for (let i = order.length - 1; i >= 0; i--) {
    const e = order[i] as OpNode;
    const c = counts.get(e) ?? 0;
    for (const a of e.args) counts.set(a, (counts.get(a) ?? 0) + c);
  }
  return counts;
}

/**
 * Name what the results repeat beyond sums: σ(W1x) used eight times in a network's Hessian is Z. Inner
 * subexpressions first, so that names nest as a forward pass does (Z = σ(W1x), Z1 = σ(W2Z)).
 */
function nameRepeated(results: Expr[], named: Named[], fresh: (letter?: string) => string, countOver: number): Expr[] {
  let rs = pairSigmoids(results, countOver);
  for (let round = 0; round < MAX_NAMES; round++) {
    const counts = treeCounts(rs.slice(0, countOver));
    let pick: Expr | undefined;
    for (const [e, c] of counts) {
      const need = e.kind === 'op' ? NAMEABLE.get(e.op) : undefined;
      if (!need || c < need.uses || e.hasDelta || !isPlainShape(e) || structuralText(e).length < need.length) continue;
      const [te, tp] = [structuralText(e), pick && structuralText(pick)];
      if (!pick || !tp || weight(e) < weight(pick) || (weight(e) === weight(pick) && (te.length < tp.length || (te.length === tp.length && te < tp)))) pick = e;
    }
    if (!pick) break;
    const name = fresh(isOp(pick, 'ew') ? 'Z' : 'F');
    const s = sym(name, pick.shape);
    named.push({ name, value: pick });
    const t = simplify(T(pick));
    const map = new Map<Expr, Expr>([[pick, s]]);
    if (t !== pick) map.set(t, T(s));
    rs = rs.map((r) => substitute(r, map));
  }
  return rs;
}

/**
 * σ(−z) next to σ(z) is 1 − σ(z) (rules/simplify.rules, sigmoid-complement, read backwards): one
 * quantity to name, not two — only where the two together are used often enough to be named (else
 * λ(σ(x) − σ(−x)) would read λ(σ(x) − (1 − σ(x)))).
 */
function pairSigmoids(results: Expr[], countOver: number): Expr[] {
  const need = NAMEABLE.get('ew')!;
  const counts = treeCounts(results.slice(0, countOver));
  const present = new Set<Expr>();
  const stack = [...results];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind !== 'op' || present.has(e)) continue;
    present.add(e);
    stack.push(...e.args);
  }
  const map = new Map<Expr, Expr>();
  for (const e of present) {
    if (!isOp(e, 'ew') || e.attrs.fn !== 'sigmoid') continue;
    const partner = simplify(ew('sigmoid', simplify(mul(num(-1), e.args[0]))));
    const [c] = splitCoefficient(e.args[0]);
    const uses = (counts.get(e) ?? 0) + (counts.get(partner) ?? 0);
    if (c < 0 && present.has(partner) && uses >= need.uses && structuralText(partner).length >= need.length)
      map.set(e, add(ones(e.shape.rows, e.shape.cols), mul(num(-1), partner)));
  }
  return map.size ? results.map((r) => simplify(substitute(r, map))) : results;
}

function isPlainShape(e: Expr): boolean {
  return e.shape.rows.syms.length <= 1 && e.shape.cols.syms.length <= 1;
}

function transposeCount(e: Expr): number {
  return e.kind !== 'op' ? 0 : (e.op === 'transpose' ? 1 : 0) + e.args.reduce((n, a) => n + transposeCount(a), 0);
}

function containsNode(root: Expr, target: Expr): boolean {
  const seen = new Set<Expr>();
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (e === target) return true;
    if (seen.has(e) || e.kind !== 'op') continue;
    seen.add(e);
    stack.push(...e.args);
  }
  return false;
}

/**
 * In a bilinear form, move the constant factors next to the directions to the other side of an inner
 * product: ⟨E, Δ2 Δ1 X⟩ = ⟨E Xᵀ, Δ2 Δ1⟩ (Zhu et al. App. B), and pull a common numeric factor out of
 * sums: 2a − 2b = 2(a − b).
 */
export function isolateDirections(e: Expr): Expr {
  return simplify(isolate(simplify(expandScalarMultiples(e))));
}

function isolate(e: Expr): Expr {
  return mapDag(e, (_orig, r) => {
    if (isOp(r, 'add')) return commonCoefficient(r);
    if (!isOp(r, 'inner')) return r;
    const [a, b] = r.args;
    if (a.hasDelta === b.hasDelta) return r;
    const [U, M] = a.hasDelta ? [b, a] : [a, b];
    const { coef, scalars, chain } = productParts(M);
    const first = chain.findIndex((c) => c.hasDelta);
    let last = -1;
    chain.forEach((c, i) => c.hasDelta && (last = i));
    if (first < 0 || (first === 0 && last === chain.length - 1)) return r;
    const left = chain.slice(0, first), right = chain.slice(last + 1);
    const core = chain.slice(first, last + 1);
    const moved = simplify(mul(...left.reverse().map(T), U, ...right.reverse().map(T)));
    return simplify(mul(num(coef), ...scalars, inner(moved, core.length === 1 ? core[0] : mul(...core))));
  });
}

/** c·(a + b) = c·a + c·b for scalar sums: a bilinear form reads as a sum of named terms. */
function expandScalarMultiples(e: Expr): Expr {
  return mapDag(e, (_o, r) => {
    if (!isOp(r, 'mul') || !isScalar(r)) return r;
    const sumIndex = r.args.findIndex((a) => isOp(a, 'add') && isScalar(a));
    if (sumIndex < 0 || !r.args.every(isScalar)) return r;
    const others = r.args.filter((_, i) => i !== sumIndex);
    return simplify(add(...(r.args[sumIndex] as OpNode).args.map((t) => mul(...others, t))));
  });
}

function commonCoefficient(e: OpNode): Expr {
  const coefs = e.args.map((t) => Math.abs(splitCoefficient(t)[0]));
  const c = coefs[0];
  if (c === 1 || !coefs.every((k) => k === c)) return e;
  return mul(num(c), add(...e.args.map((t) => simplify(mul(num(1 / c), t)))));
}
