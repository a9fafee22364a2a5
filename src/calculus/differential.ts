// Differentials in the Magnus–Neudecker style: d(e) with respect to the chosen variables, built from
// each operator's differential rule. Variables not chosen are constants. The result is linear in the
// differentials dX (symbols with delta = true).
//
// A variable may be a member W[k] of a family. Another member W[k+1] is a different matrix, but W[l]
// may be W[k] (when k = l): a member that cannot be told apart from a variable is an error, not a
// guess. Members inside prod/sum bodies are the business of those operators (they split at k).
import { Expr, SymNode, delta, familyMarker, sym } from '../expr/ast.js';
import { UnsupportedError } from '../expr/errors.js';
import { provablyDistinct } from '../expr/indices.js';
import { opDef } from '../ops/registry.js';


/**
 * A variable standing for every member of a family at once (W_1, …, W_l: the directions of the bilinear
 * form over all layers): a member with no indices.
 */
export function wholeFamily(family: string, shape: SymNode['shape']): SymNode {
  return sym(familyMarker(family), shape, [], false, { family, index: [] });
}

export const isWholeFamily = (w: SymNode): boolean => !!w.member && w.member.index.length === 0;

export function differential(e: Expr, wrt: readonly SymNode[]): Expr | null {
  const names = new Set(wrt.map((v) => v.name));
  const whole = new Set(wrt.filter(isWholeFamily).map((w) => w.member!.family));
  const families = new Map<string, SymNode[]>();
  for (const w of wrt) if (w.member && !isWholeFamily(w)) families.set(w.member.family, [...(families.get(w.member.family) ?? []), w]);
  for (const f of whole) families.set(f, families.get(f) ?? []);
  const markers = [...families.keys()].map(familyMarker);
  const depends = (x: Expr) => [...x.vars].some((v) => names.has(v)) || markers.some((m) => x.vars.has(m));
  const memo = new Map<Expr, Expr | null>();
  const d = (x: Expr): Expr | null => {
    if (memo.has(x)) return memo.get(x)!;
    let out: Expr | null;
    if (x.kind === 'num') out = null;
    else if (x.kind === 'sym') out = x.delta ? null : names.has(x.name) || (x.member && whole.has(x.member.family)) ? delta(x) : (checkDistinct(x, families), null);
    else if (!depends(x)) out = null;
    else out = opDef(x.op).differential(x, d, wrt);
    memo.set(x, out);
    return out;
  };
  return d(e);
}

function checkDistinct(x: SymNode, families: ReadonlyMap<string, SymNode[]>): void {
  if (!x.member) return;
  for (const w of families.get(x.member.family) ?? []) {
    const differs = x.member.index.some((i, s) => provablyDistinct(i, w.member!.index[s]));
    if (!differs)
      throw new UnsupportedError(
        `cannot tell whether ${x.name} is the variable ${w.name} (they are the same matrix when ${x.member.index.map((i, s) => `${i.text} = ${w.member!.index[s].text}`).join(' and ')}); write it inside the product or sum over the family, or differentiate at concrete indices`,
      );
  }
}

/**
 * Does e depend on the variable x? For a member W[k] this asks whether some factor of a product over W[j]
 * is W[k] (prod(j = l..k+1, W[j]) does not depend on W[k]); when that cannot be decided, e counts as
 * dependent.
 */
export function dependsOn(e: Expr, x: SymNode): boolean {
  if (!x.member) return e.vars.has(x.name);
  if (!e.vars.has(familyMarker(x.member.family))) return false;
  try {
    return differential(e, [x]) !== null;
  } catch (err) {
    if (err instanceof UnsupportedError) return true;
    throw err;
  }
}
