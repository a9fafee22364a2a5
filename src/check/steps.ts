// Checking a chain of equalities: consecutive lines must be equal as functions of the declared symbols.
// Each pair is evaluated at random points with random distinct sizes; derivative operators inside the
// lines (jac, grad, diff, hess) are evaluated by finite differences, so nothing here trusts the engine.
import { isOp, type Expr, type SymNode } from '../expr/ast.js';
import { segments, type Derivation } from '../derivation/model.js';
import { Evaluator } from '../numeric/evaluate.js';
import { axpy, frob, Mat, scale } from '../numeric/mat.js';
import { Rng, randomDirection, randomSizes, randomValue } from '../numeric/random.js';
import { ATTEMPTS, KINK_MARGIN } from './derivative.js';
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

/** The size of the entries of the random directions dX. */
const DIRECTION_SCALE = 0.1;

/** Lines with derivative operators are compared at finite-difference accuracy. */
export const CHAIN_TOLERANCE = 1e-6;
/** Lines evaluated by differences of differences (d²f, d(∇f) as such), as for the rules of second derivatives. */
export const SECOND_ORDER_TOLERANCE = 1e-4;

/** The tolerance for line i against line i − 1. */
const toleranceAt = (lines: readonly Expr[], i: number) =>
  i > 0 && Math.max(derivativeDepth(lines[i]), derivativeDepth(lines[i - 1])) > 1 ? SECOND_ORDER_TOLERANCE : CHAIN_TOLERANCE;

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
    return { index, error, passed: error <= toleranceAt(lines, index) };
  });
  const firstFailure = steps.find((s) => !s.passed)?.index;
  return { passed: firstFailure === undefined, tolerance: CHAIN_TOLERANCE, steps, instances: instances.map((i) => i.label), ...(firstFailure !== undefined ? { firstFailure } : {}) };
}

function verifyConcreteChain(lines: readonly Expr[], symbols: readonly SymNode[], dims: ReadonlySet<string>, opts: ChainOptions): ChainVerdict {
  const rng = new Rng(opts.seed ?? 11);
  const errors = lines.map(() => 0);
  const deltas = differentials(lines);
  // the lines are homogeneous in dX, so any length will do: short directions keep one finite difference
  // accurate near a pole (A.^(-1) at small entries); differences of differences need unit ones, or
  // rounding swamps them
  const directionScale = Math.max(...lines.map(derivativeDepth)) > 1 ? 1 : DIRECTION_SCALE;
  for (let p = 0; p < (opts.points ?? 3); p++) {
    let sizes = randomSizes(dims, rng);
    let ev: Evaluator, vals: Mat[];
    // a point where every line is finite and away from kinks (relu, abs) and domain boundaries (log,
    // sqrt), as the derivative check chooses its points; positive entries when Gaussian ones keep failing
    for (let attempt = 0; ; attempt++) {
      // some sizes admit no point at all (log det XᵀX for X with fewer rows than columns): draw others
      if (attempt > 0 && attempt % 10 === 0) sizes = randomSizes(dims, rng);
      const values = new Map<string, Mat>();
      for (const s of symbols) values.set(s.name, randomValue(s, sizes, rng, attempt < ATTEMPTS / 2 ? 'gaussian' : 'positive'));
      for (const [name, rhs] of opts.assign ?? []) values.set(name, new Evaluator({ sizes, values }).eval(rhs));
      // differentials dX in the lines are random directions: the lines must agree for every direction
      for (const d of deltas) values.set('d' + d.name, scale(randomDirection(d, sizes, rng), directionScale));
      ev = new Evaluator({ sizes, values });
      const at = ev;
      vals = lines.map((l) => at.eval(l));
      if (attempt + 1 >= ATTEMPTS || (ev.kinkDistance >= KINK_MARGIN && vals.every((v) => v.data.every(Number.isFinite)))) break;
    }
    const at = ev;
    // the size of the terms a line adds up: "a − b = 0" is judged against ‖a‖, not against 0
    const termSize = (e: Expr, v: Mat) => (isOp(e, 'add') ? Math.max(...e.args.map((t) => frob(at.eval(t)))) : frob(v));
    for (let i = 1; i < lines.length; i++) {
      const a = vals[i - 1], b = vals[i];
      const scale = Math.max(frob(a), frob(b), termSize(lines[i - 1], a), termSize(lines[i], b), 1e-6);
      const err = a.rows !== b.rows || a.cols !== b.cols ? Infinity : frob(axpy(a, -1, b)) / scale;
      errors[i] = Math.max(errors[i], Number.isFinite(err) ? err : Infinity);
    }
  }
  const steps = errors.map((error, index) => ({ index, error, passed: error <= toleranceAt(lines, index) }));
  const firstFailure = steps.find((s) => !s.passed)?.index;
  return { passed: firstFailure === undefined, tolerance: CHAIN_TOLERANCE, steps, ...(firstFailure !== undefined ? { firstFailure } : {}) };
}

/** How deeply derivative operators (evaluated by finite differences) nest in e. */
function derivativeDepth(e: Expr): number {
  if (e.kind !== 'op') return 0;
  const inner = Math.max(0, ...e.args.map(derivativeDepth));
  return ['diff', 'grad', 'jac', 'hess'].includes(e.op) ? inner + 1 : inner;
}

/** The differentials dX (delta symbols) in the lines. */
function differentials(lines: readonly Expr[]): SymNode[] {
  const out = new Map<string, SymNode>();
  const seen = new Set<Expr>();
  const walk = (e: Expr) => {
    if (seen.has(e) || !e.hasDelta) return;
    seen.add(e);
    if (e.kind === 'sym') out.set(e.name, e);
    else if (e.kind === 'op') e.args.forEach(walk);
  };
  lines.forEach(walk);
  return [...out.values()];
}

/**
 * A recorded derivation, checked without trusting how it was made: each quantity's chain (its
 * definition, when given, then every line) is a chain of equalities in the declared symbols and the
 * differentials dX (random directions); then the last line against `final`, the engine's result.
 * The verdict's steps follow the displayed lines: each quantity's first line, its steps, …, and last
 * the comparison with `final`.
 */
export function verifyDerivation(d: Derivation, final: Expr, symbols: readonly SymNode[], dims: ReadonlySet<string>, opts: ChainOptions = {}): ChainVerdict {
  const steps: StepVerdict[] = [];
  let instances: readonly string[] | undefined;
  const parts = segments(d);
  parts.forEach((p, k) => {
    const lines = [...(p.definition ? [p.definition] : []), p.start, ...p.steps.map((s) => s.expr), ...(k === parts.length - 1 ? [final] : [])];
    const v = verifyChain(lines, symbols, dims, opts);
    instances ??= v.instances;
    // the definition is not displayed: its comparison with the first line is the first line's verdict
    const own = p.definition ? v.steps.slice(1) : v.steps;
    for (const s of own) steps.push({ ...s, index: steps.length });
  });
  const firstFailure = steps.find((s) => !s.passed)?.index;
  return { passed: firstFailure === undefined, tolerance: CHAIN_TOLERANCE, steps, ...(instances ? { instances } : {}), ...(firstFailure !== undefined ? { firstFailure } : {}) };
}
