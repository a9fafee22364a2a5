// The structural order of terms and factors lives with the AST (src/expr/order.ts), which the operators'
// simplifications use; re-exported for the rewriting code, with the printed text that presentation
// choices measure (how long a form reads).
import type { Expr } from '../expr/ast.js';
import { toText } from '../render/print.js';

export * from '../expr/order.js';

const textCache = new WeakMap<Expr, string>();

/** The printed text of a node, memoised. */
export function structuralText(e: Expr): string {
  let s = textCache.get(e);
  if (s === undefined) {
    s = toText(e);
    textCache.set(e, s);
  }
  return s;
}
