// Assumptions about the evaluation point: a substitution `Y = W2*W1*X` (--at), or an equation
// `W2*W1*X - Y = 0` (--assume) solved for a symbol that appears in it as ± itself. Either way the
// result is "symbol := expression", which both the engine (substituted after differentiating) and the
// checker (points built to satisfy it) use.
import { Expr, SymNode, isOp, num } from '../expr/ast.js';
import { add, mul, sub, zeroLike } from '../expr/build.js';
import { InputError } from '../expr/errors.js';
import { shapeText } from '../expr/shape.js';
import { splitCoefficient } from '../ops/add.js';
import { simplify } from '../rewrite/simplify.js';
import { toText } from '../render/print.js';
import { parseExpression, type Scope } from './parse.js';

export interface Assumption {
  readonly symbol: SymNode;
  readonly value: Expr;
  readonly source: string;
}

function sides(src: string, what: string): [string, string] {
  // the = of the equation, not one inside prod(j = …, …)
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '=' && depth === 0 && !/[=<>!]/.test(src[i - 1] ?? '') && src[i + 1] !== '=') {
      parts.push(src.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(src.slice(start));
  if (parts.length !== 2 || !parts[0].trim() || !parts[1].trim())
    throw new InputError(`${what} "${src}": expected one equation "left = right", e.g. "Y = W2*W1*X" or "W2*W1*X - Y = 0"`);
  return [parts[0], parts[1]];
}

export function parseAssumption(src: string, scope: Scope, wrt: readonly SymNode[], what = '--assume'): Assumption {
  const [l, r] = sides(src, what);
  let lhs = parseExpression(l.trim(), scope, `${what} (left side)`);
  let rhs = parseExpression(r.trim(), scope, `${what} (right side)`);
  // "… = 0": the zero of the other side's shape
  if (rhs.kind === 'num' && rhs.value === 0) rhs = zeroLike(lhs);
  if (lhs.kind === 'num' && lhs.value === 0) lhs = zeroLike(rhs);
  let eq: Expr;
  try {
    eq = simplify(sub(lhs, rhs));
  } catch (e) {
    throw new InputError(`${what} "${src}" does not typecheck: ${toText(lhs)} is ${shapeText(lhs.shape)} but ${toText(rhs)} is ${shapeText(rhs.shape)}`);
  }
  const fixed = new Set(wrt.map((w) => w.name));
  // "S = expr": the direct substitution
  if (lhs.kind === 'sym' && !rhs.vars.has(lhs.name)) return check({ symbol: lhs, value: rhs, source: src }, fixed, src, what);
  // otherwise look for a term ±S in the equation lhs − rhs = 0 whose symbol occurs nowhere else
  const terms = isOp(eq, 'add') ? eq.args : [eq];
  for (const t of terms) {
    const [c, base] = splitCoefficient(t);
    if (base.kind !== 'sym' || Math.abs(c) !== 1 || fixed.has(base.name)) continue;
    const rest = terms.filter((u) => u !== t);
    if (rest.some((u) => u.vars.has(base.name))) continue;
    // c·S + rest = 0 with c = ±1  ⇒  S = −c·rest
    const value = rest.length === 0 ? zeroLike(base) : simplify(mul(num(-c), add(...rest)));
    return check({ symbol: base, value, source: src }, fixed, src, what);
  }
  throw new InputError(
    `${what} "${src}" cannot be satisfied by construction: no declared symbol outside --wrt appears in it alone (as +S or −S); write it as a substitution, e.g. --at "Y = W2*W1*X"`,
  );
}

function check(a: Assumption, fixed: ReadonlySet<string>, src: string, what: string): Assumption {
  if (fixed.has(a.symbol.name))
    throw new InputError(`${what} "${src}" fixes ${a.symbol.name}, which is a variable of --wrt; an assumption may only fix data (symbols not differentiated)`);
  if (a.value.vars.has(a.symbol.name)) throw new InputError(`${what} "${src}": ${a.symbol.name} appears on both sides`);
  return a;
}
