// Checking a chain of equalities: consecutive lines must be equal as functions of the declared symbols.
// Each pair is evaluated at random points with random distinct sizes; derivative operators inside the
// lines (jac, grad, diff, hess) are evaluated by finite differences, so nothing here trusts the engine.
import { isOp, type Expr, type SymNode } from '../expr/ast.js';
import { Evaluator } from '../numeric/evaluate.js';
import { axpy, frob, Mat } from '../numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../numeric/random.js';
import { assignRoots, atInstance, chooseInstances, instanceSeed, pointsEach } from './instances.js';

export interface StepVerdict {
  /** index of the line (0 = the first right-hand side) */
  readonly index: number;
  readonly passed: boolean;
  readonly error: number;
}

export interface ChainVerdict {
  readonly passed: boolean;
  readonly tolerance: number;
  readonly steps: readonly StepVerdict[];
  /** the first line that is not equal to the one before it */
  readonly firstFailure?: number;
  /** the values of the indices the lines were checked at, when they hold for any depth */
  readonly instances?: readonly string[];
}

/** Lines with derivative operators are compared at finite-difference accuracy. */
export const CHAIN_TOLERANCE = 1e-6;

type ChainOptions = { points?: number; seed?: number; assign?: readonly (readonly [string, Expr])[] };

/** Lines stated for symbolic indices (any depth l) are checked at several instances (src/check/instances.ts). */
export function verifyChain(lines: readonly Expr[], symbols: readonly SymNode[], dims: ReadonlySet<string>, opts: ChainOptions = {}): ChainVerdict {
  const instances = chooseInstances([...lines, ...assignRoots(opts.assign)]);
  if (!instances.length) return verifyConcreteChain(lines, symbols, dims, opts);
  const each = instances.map((inst, i) => {
    const { exprs, assign, ...scope } = atInstance(inst, lines, symbols, opts.assign);
    const points = pointsEach(instances.length, opts.points);
    return verifyConcreteChain(exprs, scope.symbols, scope.dims, { ...opts, points, seed: instanceSeed(opts.seed ?? 11, i), ...(assign ? { assign } : {}) });
  });
  const steps = lines.map((_, index) => {
    const error = Math.max(...each.map((v) => v.steps[index].error));
    return { index, error, passed: error <= CHAIN_TOLERANCE };
  });
  const firstFailure = steps.find((s) => !s.passed)?.index;
  return { passed: firstFailure === undefined, tolerance: CHAIN_TOLERANCE, steps, instances: instances.map((i) => i.label), ...(firstFailure !== undefined ? { firstFailure } : {}) };
}

function verifyConcreteChain(lines: readonly Expr[], symbols: readonly SymNode[], dims: ReadonlySet<string>, opts: ChainOptions): ChainVerdict {
  const rng = new Rng(opts.seed ?? 11);
  const errors = lines.map(() => 0);
  for (let p = 0; p < (opts.points ?? 3); p++) {
    const sizes = randomSizes(dims, rng);
    const values = new Map<string, Mat>();
    for (const s of symbols) values.set(s.name, randomValue(s, sizes, rng));
    for (const [name, rhs] of opts.assign ?? []) values.set(name, new Evaluator({ sizes, values }).eval(rhs));
    const ev = new Evaluator({ sizes, values });
    const vals = lines.map((l) => ev.eval(l));
    // the size of the terms a line adds up: "a − b = 0" is judged against ‖a‖, not against 0
    const termSize = (e: Expr, v: Mat) => (isOp(e, 'add') ? Math.max(...e.args.map((t) => frob(ev.eval(t)))) : frob(v));
    for (let i = 1; i < lines.length; i++) {
      const a = vals[i - 1], b = vals[i];
      const scale = Math.max(frob(a), frob(b), termSize(lines[i - 1], a), termSize(lines[i], b), 1e-6);
      const err = a.rows !== b.rows || a.cols !== b.cols ? Infinity : frob(axpy(a, -1, b)) / scale;
      errors[i] = Math.max(errors[i], Number.isFinite(err) ? err : Infinity);
    }
  }
  const steps = errors.map((error, index) => ({ index, error, passed: error <= CHAIN_TOLERANCE }));
  const firstFailure = steps.find((s) => !s.passed)?.index;
  return { passed: firstFailure === undefined, tolerance: CHAIN_TOLERANCE, steps, ...(firstFailure !== undefined ? { firstFailure } : {}) };
}
