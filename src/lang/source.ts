// Positions in user input, and the caret display every input error carries.
import { InputError, type InputPosition } from '../expr/errors.js';

export interface Span {
  start: number;
  end: number;
}

/** "  W2*W1*Z\n        ^" — the source with a caret under the span (columns are 1-based in messages). */
export function caret(source: string, span: Span | undefined): string {
  if (!span) return `  ${source}`;
  const width = Math.max(1, span.end - span.start);
  return `  ${source}\n  ${' '.repeat(span.start)}${'^'.repeat(width)}`;
}

export function errorAt(what: string, source: string, span: Span | undefined, message: string): InputError {
  const where = span ? ` at column ${span.start + 1}` : '';
  return new InputError(`${what}${where}: ${message}`, caret(source, span), positionOf(what, span));
}

/** The place for programs (the library's errors, `matcalc serve`'s 400 answers): which input, 1-based columns. */
export function positionOf(what: string, span: Span | undefined): InputPosition | undefined {
  return span ? { input: what.replace(/^syntax error in /, ''), column: span.start + 1, endColumn: Math.max(span.end, span.start + 1) + 1 } : undefined;
}

/** Split at commas outside brackets: "A[k = 1..l, q = 1..r], B" → ["A[k = 1..l, q = 1..r]", " B"]. */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
