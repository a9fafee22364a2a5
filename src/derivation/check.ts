// A recorded derivation, judged by the checking kernel without trusting how it was made: each quantity's
// chain (its definition, when given, then every line) is a chain of equalities in the declared symbols
// and the differentials dX (random directions), and the last line is compared with `final`, the engine's
// result. The verdict's steps follow the displayed lines: each quantity's first line, its steps, …, and
// last the comparison with `final`.
import type { Expr } from '../expr/ast.js';
import { CHAIN_TOLERANCE, chainVerdict, verifyChain, type ChainVerdict, type EqualityOptions, type StepVerdict } from '../check/equality.js';
import type { Scope } from '../check/sample.js';
import { segments, type Derivation } from './model.js';

export function verifyDerivation(d: Derivation, final: Expr, scope: Scope, opts: EqualityOptions = {}): ChainVerdict {
  const steps: StepVerdict[] = [];
  let instances: readonly string[] | undefined;
  const parts = segments(d);
  parts.forEach((p, k) => {
    const lines = [...(p.definition ? [p.definition] : []), p.start, ...p.steps.map((s) => s.expr), ...(k === parts.length - 1 ? [final] : [])];
    const v = verifyChain(lines, scope, opts);
    instances ??= v.instances;
    // the definition is not displayed: its comparison with the first line is the first line's verdict
    for (const s of p.definition ? v.steps.slice(1) : v.steps) steps.push({ ...s, index: steps.length });
  });
  return chainVerdict(steps, CHAIN_TOLERANCE, instances ? { instances } : {});
}
