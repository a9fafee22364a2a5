// Positions in user input, and the caret display every input error carries.
import { InputError } from '../expr/errors.js';

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
  return new InputError(`${what}${where}: ${message}`, caret(source, span));
}
