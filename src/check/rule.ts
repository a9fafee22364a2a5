// Numerical verification of a rule: both sides evaluated at random instances of the rule's own
// variables (respecting their properties, with the rule's `check:` instances for function-valued
// variables). Identities must agree to 1e-9; rules with derivative operators (evaluated by finite
// differences) to 1e-6, and 1e-4 for second derivatives.
import { substitute, type Expr } from '../expr/ast.js';
import type { Rule } from '../rewrite/rules.js';
import { Evaluator } from '../numeric/evaluate.js';
import { axpy, frob, Mat } from '../numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../numeric/random.js';
import { atInstance, chooseInstances } from './instances.js';

export interface RuleVerdict {
  readonly rule: string;
  readonly passed: boolean;
  readonly maxError: number;
  readonly tolerance: number;
  readonly points: number;
  readonly where: string;
  readonly message?: string;
}

function uses(e: Expr, ops: readonly string[]): boolean {
  return e.kind === 'op' && (ops.includes(e.op) || e.args.some((a) => uses(a, ops)));
}

export function verifyRule(rule: Rule, points = 3, seed = 7): RuleVerdict {
  const both = [rule.lhs, rule.rhs, ...rule.check.map(([, v]) => v)];
  const second = both.some((e) => uses(e, ['hess'])) || both.some((e) => e.kind === 'op' && uses(e, ['diff']) && JSON.stringify(e.key).split('diff').length > 2);
  const tolerance = second ? 1e-4 : both.some((e) => uses(e, ['grad', 'jac', 'diff'])) ? 1e-6 : 1e-9;
  // function-valued variables (u = tanh(A*X*B)) are substituted as expressions, so that derivative
  // operators see them depend on X
  const instances = new Map<Expr, Expr>();
  for (const [name, value] of rule.check) instances.set(rule.decls.symbols.get(name)!, substitute(value, instances));
  const lhs = substitute(rule.lhs, instances), rhs = substitute(rule.rhs, instances);
  const rng = new Rng(seed);
  let maxError = 0;
  let largest = 0;
  const where = `${rule.file}:${rule.line}`;
  // a rule over a family (products of any length) is checked at several lengths and split points
  const atIndices = chooseInstances([lhs, rhs]);
  const cases = atIndices.length
    ? atIndices.map((inst) => {
        const { exprs: [l, r], symbols, dims } = atInstance(inst, [lhs, rhs], [...rule.decls.symbols.values()]);
        return { lhs: l, rhs: r, symbols, dims, points: 1 };
      })
    : [{ lhs, rhs, symbols: [...rule.decls.symbols.values()], dims: rule.decls.dims, points }];
  let evaluated = 0;
  for (const c of cases)
    for (let p = 0; p < c.points; p++) {
      const sizes = randomSizes(c.dims, rng);
      const values = new Map<string, Mat>();
      for (const s of c.symbols) values.set(s.name, randomValue(s, sizes, rng));
      const ev = new Evaluator({ sizes, values });
      let l: Mat, r: Mat;
      try {
        l = ev.eval(c.lhs);
        r = ev.eval(c.rhs);
      } catch (e) {
        return { rule: rule.name, passed: false, maxError: Infinity, tolerance, points: evaluated, where, message: `could not evaluate: ${(e as Error).message}` };
      }
      // finite differences carry an absolute error of ~1e-11 on O(1) instances: below 1e-4 compare absolutely
      const err = l.rows !== r.rows || l.cols !== r.cols ? Infinity : frob(axpy(l, -1, r)) / Math.max(frob(l), frob(r), tolerance < 1e-6 ? 1e-12 : 1e-4);
      if (!Number.isFinite(err)) return { rule: rule.name, passed: false, maxError: Infinity, tolerance, points: evaluated, where, message: 'not finite' };
      maxError = Math.max(maxError, err);
      largest = Math.max(largest, frob(l), frob(r));
      evaluated++;
    }
  points = evaluated;
  // an instance on which both sides vanish proves nothing
  if (largest < 1e-9) return { rule: rule.name, passed: false, maxError, tolerance, points, where, message: `rule ${rule.name} (${where}): both sides vanish on every instance; give function-valued variables a check: instance` };
  const passed = maxError <= tolerance;
  return {
    rule: rule.name, passed, maxError, tolerance, points, where,
    ...(passed ? {} : { message: `rule ${rule.name} (${where}) is false: the two sides differ by ${maxError.toExponential(2)} (relative) at random instances` }),
  };
}
