// A deterministic, structural order for the terms of sums and the factors of commutative products:
// bigger terms first (W2W1X before Y), then by printed form (A before Aᵀ). Independent of node ids,
// so output does not depend on the order in which expressions were built.
import type { Expr } from '../expr/ast.js';
import { toText } from '../render/print.js';

const textCache = new WeakMap<Expr, string>();
const weightCache = new WeakMap<Expr, number>();

export function structuralText(e: Expr): string {
  let s = textCache.get(e);
  if (s === undefined) {
    s = toText(e);
    textCache.set(e, s);
  }
  return s;
}

/** Number of leaf symbols, ignoring transposes and numeric coefficients. */
export function weight(e: Expr): number {
  let w = weightCache.get(e);
  if (w === undefined) {
    w = e.kind === 'sym' ? 1 : e.kind === 'num' ? 0 : e.args.reduce((s, a) => s + weight(a), 0);
    weightCache.set(e, w);
  }
  return w;
}

export function compareTerms(a: Expr, b: Expr): number {
  const w = weight(b) - weight(a);
  if (w !== 0) return w;
  const ta = structuralText(a), tb = structuralText(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** Plain structural order (for commutative arguments such as ⟨A,B⟩ and A∘B). */
export function compareStructural(a: Expr, b: Expr): number {
  const ta = structuralText(a), tb = structuralText(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
