// Derivations as displayed: the repeated subexpressions of the results named (E = W2W1X − Y), and in the
// lines of differential derivations also what the lines repeat (σ(Xw) over five lines is Z), as an
// author names p = σ(Xw) once in an appendix. The names are the presentation's (src/rewrite/present.ts).
import type { Expr } from '../expr/ast.js';
import { nameSubexpressions, type Named } from '../rewrite/present.js';
import { segments, type Derivation } from './model.js';

export interface ToDisplay {
  readonly derivation: Derivation;
  /** whether its lines count towards naming what they repeat (the vec style keeps the seeds' forms) */
  readonly nameRepeats: boolean;
}

const linesOf = (d: Derivation): Expr[] => segments(d).flatMap((s) => [s.start, ...s.steps.map((x) => x.expr)]);

/** The same derivation with its lines replaced, in order, by `lines`. */
function withLines(d: Derivation, lines: readonly Expr[], where: readonly Named[]): Derivation {
  let at = 0;
  const go = (s: Derivation): Derivation => ({
    ...s,
    start: lines[at++],
    steps: s.steps.map((x) => ({ ...x, expr: lines[at++] })),
    where: [],
    ...(s.then ? { then: go(s.then) } : {}),
  });
  return { ...go(d), where: where.map((n) => ({ name: n.name, value: n.value })) };
}

/**
 * Name the results and the derivations' lines. `countOver`: how many of the roots count towards naming
 * repeated non-sums in the results (the derivative, not the step lines).
 */
export function nameForDisplay(
  roots: readonly Expr[],
  derivations: readonly ToDisplay[],
  defs: ReadonlyMap<string, Expr>,
  taken: ReadonlySet<string>,
  countOver = roots.length,
): { results: Expr[]; named: Named[]; displays: Derivation[] } {
  const sets = derivations.map((d) => linesOf(d.derivation));
  const base = nameSubexpressions([...roots, ...sets.flat()], defs, taken, countOver);
  const displays: Derivation[] = [];
  let at = roots.length;
  const baseLines = sets.map((s) => base.results.slice(at, (at += s.length)));
  const counted = sets.filter((_, i) => derivations[i].nameRepeats);
  const inSteps = counted.length ? nameSubexpressions([...roots, ...counted.flat()], defs, taken) : undefined;
  at = roots.length;
  derivations.forEach((d, i) => {
    if (d.nameRepeats && inSteps) displays.push(withLines(d.derivation, inSteps.results.slice(at, (at += sets[i].length)), inSteps.named));
    else displays.push(withLines(d.derivation, baseLines[i], base.named));
  });
  return { results: base.results.slice(0, roots.length), named: base.named, displays };
}
