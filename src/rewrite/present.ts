// Presentation: the forms people write. Common factors are pulled out of sums ((A + Aᵀ)X, not AX + AᵀX)
// and a sum that occurs more than once across the results is named (E = W2W1X − Y), or given the user's
// name for it when a definition says so.
import { Expr, OpNode, isOp, mapDag, num, substitute, sym } from '../expr/ast.js';
import { add, mul, T } from '../expr/build.js';
import { productParts } from '../ops/mul.js';
import { splitCoefficient } from '../ops/add.js';
import { simplify } from './simplify.js';

function chainOf(e: Expr): { front: Expr[]; chain: Expr[] } {
  const { coef, scalars, chain } = productParts(e);
  return { front: [...(coef !== 1 ? [num(coef)] : []), ...scalars], chain };
}

/**
 * Pull a factor common to every term of a sum out on the right or on the left — when what remains of
 * each term is a single factor: AX + AᵀX = (A + Aᵀ)X, but W2ᵀEXᵀ − μDW1XXᵀ stays as it is.
 */
function factorSum(e: OpNode): Expr {
  const parts = e.args.map(chainOf);
  if (parts.some((p) => p.chain.length !== 2)) return e;
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
  return mapDag(e, (_orig, rebuilt) => (isOp(rebuilt, 'add') && !rebuilt.hasDelta ? factorSum(rebuilt) : rebuilt));
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
    for (const a of e.args) visit(a, e.op === 'mul' || e.op === 'transpose' || e.op === 'hadamard' || e.op === 'kron' || e.op === 'vec');
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
  let k = 0;
  const fresh = () => {
    for (;;) {
      const n = k === 0 ? 'E' : `E${k}`;
      k++;
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
  for (const [e, c] of counts) {
    if (more.has(e) || e.hasDelta) continue;
    const t = transposed.get(e);
    if (c + (t ? counts.get(t)! : 0) < 2) continue;
    const [coef] = splitCoefficient(e);
    if (coef < 0) continue; // name the positive form; the negated one follows through its transpose or not at all
    const name = fresh();
    const s = sym(name, e.shape);
    more.set(e, s);
    if (t) more.set(t, T(s));
    named.push({ name, value: e });
  }
  if (more.size) rs = rs.map((r) => substitute(r, more));
  return { results: rs, named };
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
