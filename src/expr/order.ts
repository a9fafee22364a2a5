// A deterministic, structural order for the terms of sums and the factors of commutative products:
// bigger terms first (W2W1X before Y), then by a key read off the tree (A before Aᵀ). It depends on
// neither node ids nor how operators print, so output does not depend on the order in which expressions
// were built, and changing a printer reorders nothing.
import type { Attrs, Expr } from './ast.js';
import { dimKey } from './dim.js';

const keyCache = new WeakMap<Expr, string>();
const weightCache = new WeakMap<Expr, number>();

function attrsKey(a: Attrs): string {
  const parts = [a.fn ?? '', a.k === undefined ? '' : String(a.k), ...(a.dims ?? []).map(dimKey)];
  if (a.range) parts.push(`${a.range.v.key}=${a.range.from.key}${a.range.down ? '>' : '<'}${a.range.to.key}`);
  return parts.some(Boolean) ? `[${parts.join(';')}]` : '';
}

/**
 * The key of a node: a symbol's name (dX for a differential), a number's value, and for an operator its
 * operands' keys. Products and transposes keep their operands' reading order (A*B, A') so that terms
 * sort by their leading factor, as one reads them; every other operator is name(operands).
 */
export function structuralKey(e: Expr): string {
  let k = keyCache.get(e);
  if (k !== undefined) return k;
  if (e.kind === 'sym') k = (e.delta ? 'd' : '') + e.name;
  else if (e.kind === 'num') k = String(e.value);
  else if (e.op === 'transpose') k = structuralKey(e.args[0]) + "'";
  else if (e.op === 'mul') k = e.args.map(structuralKey).join('*');
  else k = `${e.op === 'ew' ? e.attrs.fn : e.op}${attrsKey(e.op === 'ew' ? { ...e.attrs, fn: undefined } : e.attrs)}(${e.args.map(structuralKey).join(',')})`;
  keyCache.set(e, k);
  return k;
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

const byKey = (a: Expr, b: Expr): number => {
  const ka = structuralKey(a), kb = structuralKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export function compareTerms(a: Expr, b: Expr): number {
  return weight(b) - weight(a) || byKey(a, b);
}

/** Plain structural order (for commutative arguments such as ⟨A,B⟩ and A∘B). */
export function compareStructural(a: Expr, b: Expr): number {
  return byKey(a, b);
}
