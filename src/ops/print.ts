// The two printers: input-language text (re-parseable, so a result can be pasted back as a claim) and
// LaTeX in the papers' notation. Operators print themselves (src/ops/*); this file handles leaves and
// parentheses.
import type { Expr } from '../expr/ast.js';
import { numberLatex, numberText, symLatex, symText, type DeltaStyle } from '../expr/names.js';
import { delimit } from './delimiters.js';
import { opDef, PREC, type Printer } from './registry.js';

export function precedence(e: Expr, kind: 'text' | 'latex' = 'latex'): number {
  if (e.kind === 'num') return e.value < 0 || !Number.isInteger(e.value) ? PREC.mul : PREC.atom;
  if (e.kind === 'sym') return PREC.atom;
  if (e.op === 'mul' && e.args[0].kind === 'num' && e.args[0].value < 0) return PREC.neg;
  const def = opDef(e.op);
  return kind === 'text' ? (def.textPrecedence ?? def.precedence) : def.precedence;
}

function makePrinter(leaf: (e: Expr) => string, kind: 'text' | 'latex', paren: (s: string) => string): Printer {
  const memo = new Map<Expr, string>();
  const p: Printer = (e: Expr, min = 0): string => {
    let s = memo.get(e);
    if (s === undefined) {
      s = e.kind === 'op' ? opDef(e.op)[kind](e, p) : leaf(e);
      memo.set(e, s);
    }
    return precedence(e, kind) < min ? paren(s) : s;
  };
  return p;
}

export function toText(e: Expr): string {
  return makePrinter((l) => (l.kind === 'num' ? numberText(l.value) : l.kind === 'sym' ? symText(l) : '?'), 'text', (s) => `(${s})`)(e);
}

export function toLatex(e: Expr, delta: DeltaStyle = 'd'): string {
  return makePrinter((l) => (l.kind === 'num' ? numberLatex(l.value) : l.kind === 'sym' ? symLatex(l, delta) : '?'), 'latex', (s) => delimit(s))(e);
}
