// Why a step of a proof is not equal to the line before: the mistake catalogue of claims (catalogue.ts),
// with the line as the wrong formula and, as the reference, what the rule the step cites gives from the
// line before (when it cites one), the line before with its derivative operators worked out by matcalc
// (grad(f, X) → ∇_X f: a slip in a gradient is a slip against the gradient), and the line before
// itself. Every finding is exact at random points (at concrete indices when the lines hold for any depth).
import { mapDag, type Expr, type SymNode } from '../expr/ast.js';
import { InputError, UnsupportedError } from '../expr/errors.js';
import { deriveGradients, deriveJacobians } from '../calculus/derive.js';
import { Evaluator } from '../numeric/evaluate.js';
import { Rng } from '../numeric/random.js';
import { assignRoots, atInstance, chooseInstances } from '../check/instances.js';
import { Unchecked, type DimConstraint, type Scope } from '../check/sample.js';
import { closeness, diagnose, diagnosisPoints, TOLERANCE, type Evaluate, type Finding } from './diagnose.js';

/** Lines with derivative operators are evaluated by differences, to about 1e-8: compared at the checker's 1e-6. */
const DIFFERENCED = 1e-6;
const hasDerivative = (e: Expr): boolean => e.kind === 'op' && (['grad', 'jac', 'hess', 'diff'].includes(e.op) || e.args.some(hasDerivative));

/**
 * The check points of a step: 3 points drawn by the kernel's sampler (src/check/sample.ts) at diagnosis
 * sizes, where both lines are finite, with the `assign`ed symbols computed from the others. Expressions
 * are evaluated at the instance `at` maps them to. No points (Unchecked): nothing is finite.
 */
function stepPoints(scope: Scope, lines: readonly Expr[], at: (e: Expr) => Expr, seed: number): Evaluate {
  const rng = new Rng(seed);
  const concrete = { ...scope, assign: scope.assign?.map(([n, e]) => [n, at(e)] as const) };
  let evaluators: Evaluator[];
  try {
    evaluators = diagnosisPoints({ ...concrete, f: at(lines[0]), claims: new Map(lines.slice(1).map((l, i) => [String(i), at(l)])) }, rng).map((p) => new Evaluator(p));
  } catch (e) {
    if (!(e instanceof Unchecked)) throw e;
    evaluators = [];
  }
  return (e, count = evaluators.length) => {
    try {
      const vs = evaluators.slice(0, count).map((ev) => ev.eval(e));
      return vs.every((m) => m.data.every(Number.isFinite)) ? vs : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * The line with its derivative operators replaced by matcalc's derivatives — grad(f, X) by ∇_X f,
 * jac(F, X) by ∇_vec(X) vec F, hess(f, X, Y) by ∇_vec(X) vec(∇_Y f) — or undefined when it has none or
 * one cannot be derived (diff, a variable that is not a symbol).
 */
export function workedOut(line: Expr): Expr | undefined {
  if (!hasDerivative(line)) return undefined;
  try {
    const out = mapDag(line, (e, rebuilt) => {
      if (rebuilt.kind !== 'op' || !['grad', 'jac', 'hess', 'diff'].includes(rebuilt.op)) return rebuilt;
      const [f, x, y] = rebuilt.args;
      if (rebuilt.op === 'diff' || x.kind !== 'sym' || (y && y.kind !== 'sym')) throw new UnsupportedError('not worked out');
      if (rebuilt.op === 'grad') return deriveGradients(f, [x])[0].value;
      if (rebuilt.op === 'jac') return deriveJacobians(f, [x])[0].value;
      return deriveJacobians(deriveGradients(f, [y as SymNode])[0].value, [x])[0].value;
    });
    return hasDerivative(out) ? undefined : out;
  } catch (e) {
    if (e instanceof InputError || e instanceof UnsupportedError) return undefined;
    throw e;
  }
}

export interface StepReference {
  readonly expr: Expr;
  /** how findings name it, in "where ___ has": "the line before", "what kron-transpose gives" */
  readonly name: string;
  /** … and as a whole: "the line is 2 times the line before" */
  readonly whole?: string;
}

/**
 * The findings for a false step `cur` after `prev`: against each reference in turn (what the cited rule
 * gives first, then the line before), keeping the simplest explanation found. Each finding names the
 * reference it was found against.
 */
export function diagnoseStep(
  prev: Expr,
  cur: Expr,
  symbols: readonly SymNode[],
  dims: ReadonlySet<string>,
  opts: {
    seed?: number;
    assign?: readonly (readonly [string, Expr])[];
    /** the dimension constraints of the declarations (q >= n) */
    constraints?: readonly DimConstraint[];
    ruleResults?: readonly Expr[];
    rule?: string;
    /** how the two formulas are named: the line and the line before (default), or a claim's two sides */
    words?: { readonly line: string; readonly before: string };
  } = {},
): Finding[] {
  const words = opts.words ?? { line: 'the line', before: 'the line before' };
  const worked = workedOut(prev);
  const references: StepReference[] = [
    ...(opts.ruleResults ?? []).slice(0, 4).map((expr) => ({ expr, name: `what ${opts.rule} gives` })),
    ...(worked ? [{ expr: worked, name: 'the derivative (as matcalc works it out)', whole: words.before }] : []),
    { expr: prev, name: words.before },
  ];
  const instances = chooseInstances([prev, cur, ...references.map((r) => r.expr), ...assignRoots(opts.assign)]);
  const inst = instances[0];
  const at = inst?.at ?? ((e: Expr) => e);
  const scope = inst ? atInstance(inst, [prev, cur], symbols) : { symbols, dims };
  const evaluate = stepPoints({ symbols: scope.symbols, dims: scope.dims, constraints: opts.constraints, assign: opts.assign }, [prev, cur], at, opts.seed ?? 3);
  const where = inst ? `at ${inst.label.replace(/,/g, ', ').replace(/=/g, ' = ')}: ` : '';
  let best: readonly Finding[] = [];
  const before = evaluate(at(prev));
  for (const r of references) {
    const truth = at(r.expr), claim = at(cur);
    // a reference must equal the line before at the points (what the engine works out is checked here too)
    const values = r.expr === prev ? before : evaluate(truth);
    if (!before || !values || !closeness(before, DIFFERENCED)(values, before)) continue;
    const tolerance = hasDerivative(truth) || hasDerivative(claim) ? DIFFERENCED : TOLERANCE;
    const { findings } = diagnose({ truth, claim, symbols: scope.symbols, words: { claim: words.line, truth: r.name, whole: r.whole ?? r.name } }, evaluate, { tolerance });
    if (findings.length && (!best.length || findings[0].slips < best[0].slips)) best = findings;
    if (best.length && best[0].slips === 1) break;
  }
  return best.map((f) => ({ ...f, sentence: where + f.sentence }));
}
