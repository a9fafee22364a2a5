// The reason a recorded step gives: a rule of rules/ by name, as the derivation's "where (i) follows
// from …" paragraph states it. A name that is not in rules/ is an error of the strategy, not of the input.
import { delta, isOp, substitute, type Expr } from '../expr/ast.js';
import { EXPONENT_PLACEHOLDER, loadRules, type Rule } from '../rewrite/rules.js';
import { toLatex, toText } from '../render/print.js';
import type { Reason } from './model.js';

let rules: ReadonlyMap<string, Rule> | undefined;
const cache = new Map<string, Reason>();

export function ruleLibrary(): ReadonlyMap<string, Rule> {
  return (rules ??= loadRules());
}

export function reasonOf(rule: Rule): Reason {
  const says = rule.says ?? `${toText(rule.lhs)} = ${toText(rule.rhs)}`;
  // diff(U, X, V) states a rule for any direction V; in a derivation it reads dU: V is dX
  const dirs = new Map<Expr, Expr>();
  const walk = (e: Expr) => {
    if (isOp(e, 'diff')) for (let i = 1; i + 1 < e.args.length; i += 2) {
      const [x, v] = [e.args[i], e.args[i + 1]];
      if (x.kind === 'sym' && v.kind === 'sym' && !v.delta) dirs.set(v, delta(x));
    }
    if (e.kind === 'op') e.args.forEach(walk);
  };
  walk(rule.lhs);
  walk(rule.rhs);
  const [lhs, rhs] = [rule.lhs, rule.rhs].map((e) => (dirs.size ? substitute(e, dirs) : e));
  let latex = `${toLatex(lhs)} = ${toLatex(rhs)}`;
  // a rule for every exponent k is stated at a placeholder value: k, k − 1 in its formula
  if (rule.exponent) {
    const k = rule.exponent.name, P = EXPONENT_PLACEHOLDER;
    latex = latex.replace(new RegExp(`${P - 1}|${P + 1}|${P}`, 'g'), (m) => (m === String(P) ? k : m === String(P - 1) ? `${k} - 1` : `${k} + 1`));
  }
  return { rule: rule.name, says: { text: says, latex }, citation: rule.cite };
}

export function reasonFor(name: string): Reason {
  const hit = cache.get(name);
  if (hit) return hit;
  const rule = ruleLibrary().get(name);
  if (!rule) throw new Error(`the step recorder cites rule ${name}, which is not in rules/`);
  const r = reasonOf(rule);
  cache.set(name, r);
  return r;
}

/**
 * The reason of a step that applies several rules: the first, then the others in order (a paper's
 * "by linearity and the chain rule"); each rule named once.
 */
export function reasonForAll(names: readonly string[]): Reason {
  const [first, ...more] = [...new Set(names)].map(reasonFor);
  return more.length ? { ...first, with: more } : first;
}
