// Numerical verification of a rule: both sides equal (equality.ts) at random instances of the rule's own
// variables (respecting their properties), with the rule's `check:` instances substituted for
// function-valued variables. Identities must agree to 1e-9; rules with derivative operators (finite
// differences) to 1e-6, and 1e-4 for second derivatives. An instance on which both sides vanish is no
// evidence: such a rule is not verified (unless it states that something vanishes).
import { substitute, type Expr, type SymNode } from '../expr/ast.js';
import { checkEquation } from './equality.js';
import { atInstance, chooseInstances } from './instances.js';
import type { Status } from './verdict.js';

/** What the kernel needs of a rule (src/rewrite/rules.ts reads them from rules/*.rules). */
export interface RuleStatement {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly decls: { readonly symbols: ReadonlyMap<string, SymNode>; readonly dims: ReadonlySet<string> };
  /** function-valued variables and the expressions to check them at (u = tanh(A*X*B)) */
  readonly check: readonly (readonly [string, Expr])[];
}

export interface RuleVerdict {
  readonly rule: string;
  readonly status: Status;
  readonly passed: boolean;
  readonly maxError: number;
  readonly tolerance: number;
  readonly where: string;
  readonly message?: string;
}

function uses(e: Expr, ops: readonly string[]): boolean {
  return e.kind === 'op' && (ops.includes(e.op) || e.args.some((a) => uses(a, ops)));
}

export function verifyRule(rule: RuleStatement, points = 3, seed = 7): RuleVerdict {
  const both = [rule.lhs, rule.rhs, ...rule.check.map(([, v]) => v)];
  const second = both.some((e) => uses(e, ['hess'])) || both.some((e) => e.kind === 'op' && uses(e, ['diff']) && JSON.stringify(e.key).split('diff').length > 2);
  const tolerance = second ? 1e-4 : both.some((e) => uses(e, ['grad', 'jac', 'diff'])) ? 1e-6 : 1e-9;
  // function-valued variables are substituted as expressions, so that derivative operators see them depend on X
  const instances = new Map<Expr, Expr>();
  for (const [name, value] of rule.check) instances.set(rule.decls.symbols.get(name)!, substitute(value, instances));
  const lhs = substitute(rule.lhs, instances), rhs = substitute(rule.rhs, instances);
  const where = `${rule.file}:${rule.line}`;
  const declared = [...rule.decls.symbols.values()];
  // a rule over a family (products of any length) is checked at several lengths and split points
  const atIndices = chooseInstances([lhs, rhs]);
  const cases = atIndices.length
    ? atIndices.map((inst) => {
        const { exprs: [l, r], symbols, dims } = atInstance(inst, [lhs, rhs], declared);
        return { l, r, scope: { symbols, dims }, points: 1 };
      })
    : [{ l: lhs, r: rhs, scope: { symbols: declared, dims: rule.decls.dims }, points }];
  // a rule that states that its left side vanishes (dC = 0 for a constant C) is evidence when it does
  const statesZero = rule.rhs.kind === 'op' && rule.rhs.op === 'zeros';
  const verdicts = cases.map((c) => checkEquation(c.l, c.r, c.scope, { points: c.points, seed, tolerance, nonzero: !statesZero }));
  const maxError = Math.max(...verdicts.map((v) => v.error));
  const failed = verdicts.find((v) => v.status === 'fails'), unchecked = verdicts.find((v) => v.status === 'unchecked');
  const status: Status = failed ? 'fails' : unchecked ? 'unchecked' : 'holds';
  const message = failed
    ? `rule ${rule.name} (${where}) is false: the two sides differ by ${maxError.toExponential(2)} (relative) at random instances`
    : unchecked
      ? `rule ${rule.name} (${where}) could not be checked: ${unchecked.reason}${unchecked.reason?.includes('vanish') ? '; give function-valued variables a check: instance' : ''}`
      : undefined;
  return { rule: rule.name, status, passed: status === 'holds', maxError, tolerance, where, ...(message ? { message } : {}) };
}
