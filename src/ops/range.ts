// What prod and isum share: printing a range, and finding the factors (terms) that contain a variable.
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { IndexRange } from '../expr/ast.js';
import { UnsupportedError } from '../expr/errors.js';
import { Idx, IndexVar, coefficientOf, idxLinear, idxSub, idxVars, inRange, isConstIdx, provablyDistinct, solveFor } from '../expr/indices.js';
import { toText } from './print.js';
import { primed } from '../expr/names.js';

export function rangeText(r: IndexRange): string {
  return `${r.v.name} = ${r.from.text}..${r.to.text}`;
}

export function idxLatex(i: Idx): string {
  return primed(i.text.replace(/(\d)\*/g, '$1'));
}

/** _{j=l}^{k+1}, for \prod and \sum. */
export function rangeLatex(r: IndexRange): string {
  return `_{${primed(r.v.name)}=${idxLatex(r.from)}}^{${idxLatex(r.to)}}`;
}

export function symbolicRange(n: OpNode): never {
  throw new Error(`internal: ${toText(n)} has a symbolic range; instantiate its indices before evaluating it`);
}

type Solution = { at: Idx } | 'never' | 'always' | 'unknown';

/**
 * When is the member x (inside the body, j the range's variable) the variable w? Each index slot gives
 * an equation x_s = w_s; a slot with j solves for j, slots without j must hold identically. Slots that
 * mention the variable of an inner range are left to that range.
 */
function solve(x: readonly Idx[], w: readonly Idx[], j: IndexVar, inner: ReadonlySet<IndexVar>): Solution {
  let at: Idx | undefined;
  let undecided = false;
  for (let s = 0; s < x.length; s++) {
    const diff = idxSub(x[s], w[s]);
    if (idxVars(diff).some((v) => inner.has(v))) continue;
    const c = coefficientOf(diff, j);
    if (c === 0) {
      if (isConstIdx(diff) && diff.c === 0) continue;
      if (provablyDistinct(diff, idxLinear([]))) return 'never';
      undecided = true;
      continue;
    }
    const sol = solveFor(diff, j);
    if (!sol) return 'unknown';
    if (at && at !== sol) {
      if (provablyDistinct(at, sol)) return 'never';
      undecided = true;
    }
    at ??= sol;
  }
  if (undecided) return 'unknown';
  return at ? { at } : 'always';
}

/**
 * Which factors of a prod (terms of a sum) B(i) contain one of the variables. For the factor W[j] and the
 * variable W[k]: the position i = k — when k lies in the range; the engine must be able to decide that,
 * or it says it cannot. A plain variable X in the body is in every factor (`every`); a body with both kinds
 * of dependence is not supported (yet).
 */
export function dependence(node: OpNode, wrt: readonly SymNode[]): { positions: Idx[]; every: boolean } {
  const r = node.attrs.range!;
  const [lo, hi] = r.down ? [r.to, r.from] : [r.from, r.to];
  const families = new Map<string, SymNode[]>();
  for (const w of wrt) if (w.member && w.member.index.length) families.set(w.member.family, [...(families.get(w.member.family) ?? []), w]);
  const plain = new Set(wrt.filter((w) => !w.member).map((w) => w.name));
  // a whole family varies in every factor that has one of its members
  const whole = new Set(wrt.filter((w) => w.member && !w.member.index.length).map((w) => w.member!.family));
  const found = new Map<Idx, SymNode>();
  let every = false;
  const what = () => `${node.op === 'prod' ? 'the product' : 'the sum'} ${toText(node)}`;
  const seen = new Set<Expr>();
  const visit = (x: Expr, inner: ReadonlySet<IndexVar>) => {
    if (inner.size === 0) {
      if (seen.has(x)) return;
      seen.add(x);
    }
    if (x.kind === 'sym') {
      if (x.delta) return;
      if (plain.has(x.name) || (x.member && whole.has(x.member.family))) every = true;
      if (!x.member) return;
      for (const w of families.get(x.member.family) ?? []) {
        const s = solve(x.member.index, w.member!.index, r.v, inner);
        if (s === 'never') continue;
        // W[k] itself in every factor (prod(j = l..1, W[k]) = W_k^l)
        if (s === 'always') {
          every = true;
          continue;
        }
        if (s === 'unknown')
          throw new UnsupportedError(
            `cannot tell for which ${r.v.name} the member ${x.name} of ${what()} is the variable ${w.name}; write the indices so that they can be compared, or declare the ranges of the index variables`,
          );
        const inside = inRange(s.at, lo, hi);
        if (inside === false) continue;
        if (inside === undefined)
          throw new UnsupportedError(
            `cannot tell whether ${w.name} is one of the factors ${r.v.name} = ${r.from.text}..${r.to.text} of ${what()}: is ${s.at.text} between ${lo.text} and ${hi.text}? Declare the order of the indices, e.g. "${idxVars(s.at)[0]?.name ?? 'k'} in ${lo.text}..${hi.text}"`,
          );
        found.set(s.at, w);
      }
    } else if (x.kind === 'op') {
      const ir = x.attrs.range;
      if (ir) visit(x.args[0], new Set([...inner, ir.v]));
      else x.args.forEach((a) => visit(a, inner));
    }
  };
  visit(node.args[0], new Set());
  if (every && found.size)
    throw new UnsupportedError(
      `${what()} depends on a variable in every ${node.op === 'prod' ? 'factor' : 'term'} and on ${[...found.values()].map((w) => w.name).join(', ')} in one; differentiate with respect to them separately`,
    );
  return { positions: [...found.keys()], every };
}

/** The positions alone, for rules that split a product at its variable (no factor may contain X everywhere). */
export function dependentPositions(node: OpNode, wrt: readonly SymNode[]): Idx[] {
  const d = dependence(node, wrt);
  return d.every ? [] : d.positions;
}
