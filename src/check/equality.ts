// Equations: two expressions equal as functions of the declared symbols — a claim of a document, a step
// of a proof against the line before, a rule. Both sides are evaluated at random points (sample.ts) and
// compared (verdict.ts: compare), the tolerance relative to the size of the terms each side adds up
// ("a − b = 0" is judged against ‖a‖, not against 0).
//
// Derivative operators inside a side (grad, jac, diff, hess) are finite differences of their argument,
// never the engine's calculus. Evaluated in full, hess(f, X, Y) costs |X|·|Y| second differences; so
// when the derivative operators are reached through sums, products, transposes and vec only, both sides
// are compared through a random rank-one test matrix instead: uᵀ·side·v, with u and v Gaussian, which
// differs between two different matrices with probability one. uᵀ·hess(f, X, Y)·v is then one mixed
// second difference of f along (unvec u, unvec v), uᵀ·jac(F, X)·v one slope of vᵀ vec F along unvec u,
// and ⟨W, grad(f, X)⟩ one slope of f along W — a cost independent of the number of parameters.
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { shapeEq } from '../expr/shape.js';
import { DERIVATIVE_OPERATORS, diffMoves, mixed, moved, ROUNDING, roundingScales, slope, times, type Estimate } from '../numeric/differences.js';
import { Evaluator } from '../numeric/evaluate.js';
import { dot, frob, Mat, matmul, reshape, transpose } from '../numeric/mat.js';
import { randomMatrix, Rng } from '../numeric/random.js';
import { DEFAULT_SEED } from './derivative.js';
import { assignRoots, atInstance, chooseInstances, instanceSeed, pointsEach } from './instances.js';
import { Sampler, type Sample, type Scope } from './sample.js';
import { combined, compare, decide, samplingNotes, type Counterexample, type Judgement } from './verdict.js';

/** Lines with derivative operators are compared at finite-difference accuracy. */
export const CHAIN_TOLERANCE = 1e-6;
/** Lines evaluated by differences of differences (d²f, d(∇f) as such), as for the rules of second derivatives. */
export const SECOND_ORDER_TOLERANCE = 1e-4;
/** The length of the random directions dX of lines with differentials (short: one finite difference stays accurate near a pole). */
const DIRECTION_SCALE = 0.1;

export interface StepVerdict extends Judgement {
  /** index of the line (0 = the first line, which has no step) */
  readonly index: number;
  readonly passed: boolean;
  /** the largest relative difference from the line before at the points that decided */
  readonly error: number;
}

export interface ChainVerdict extends Judgement {
  readonly passed: boolean;
  readonly tolerance: number;
  readonly steps: readonly StepVerdict[];
  /** the first line that is not equal to the one before it */
  readonly firstFailure?: number;
  /** the values of the indices the lines were checked at, when they hold for any depth */
  readonly instances?: readonly string[];
  readonly notes?: readonly string[];
}

export interface EqualityOptions {
  readonly points?: number;
  readonly seed?: number;
  readonly tolerance?: number;
  /** both sides vanishing at every point is no evidence (a rule's instance must exercise it) */
  readonly nonzero?: boolean;
}

const hasDerivative = (e: Expr): boolean => e.kind === 'op' && (DERIVATIVE_OPERATORS.has(e.op) || e.args.some(hasDerivative));

/** How deeply derivative operators (finite differences) nest in e. */
function derivativeDepth(e: Expr): number {
  if (e.kind !== 'op') return 0;
  const inner = Math.max(0, ...e.args.map(derivativeDepth));
  return DERIVATIVE_OPERATORS.has(e.op) ? inner + 1 : inner;
}

/** The differentials dX in the expressions: the equation must hold for every direction. */
function differentials(exprs: readonly Expr[]): SymNode[] {
  const out = new Map<string, SymNode>();
  const seen = new Set<Expr>();
  const walk = (e: Expr) => {
    if (seen.has(e) || !e.hasDelta) return;
    seen.add(e);
    if (e.kind === 'sym') out.set(e.name, e);
    else if (e.kind === 'op') e.args.forEach(walk);
  };
  exprs.forEach(walk);
  return [...out.values()];
}

/**
 * What must be finite at a point: the parts of the lines without derivative operators, and the functions
 * the derivative operators difference (their values at perturbed points are checked as they are drawn).
 */
function probes(lines: readonly Expr[]): Expr[] {
  const out = new Set<Expr>();
  const visit = (e: Expr) => {
    if (!hasDerivative(e)) out.add(e);
    else if (e.kind === 'op' && DERIVATIVE_OPERATORS.has(e.op)) [e.args[0], ...e.args.slice(2)].forEach(visit);
    else if (e.kind === 'op') e.args.forEach(visit);
  };
  lines.forEach(visit);
  return [...out];
}

/** A side at a point: its value (or uᵀ·side·v), the finite differences' estimated error (likely, at most), the size of its terms. */
interface Reading {
  readonly value: Mat;
  readonly noise: number;
  readonly bound: number;
  readonly size: number;
}

/** The test matrix W of a projection ⟨W, e⟩, with its factors when it is u·vᵀ. */
interface Test {
  readonly W: Mat;
  readonly u?: Mat;
  readonly v?: Mat;
}

/** ⟨W, e⟩, a 1×1 reading: parts that cannot be read through W are evaluated in full. */
function project(e: Expr, at: Evaluator, t: Test): Reading {
  if (!hasDerivative(e) || e.kind !== 'op') {
    const x = dot(t.W, at.eval(e)), noise = frob(t.W) * rounding(e, at);
    return { value: Mat.scalar(x), noise, bound: noise, size: Math.abs(x) };
  }
  switch (e.op) {
    case 'add': {
      const rs = e.args.map((a) => project(a, at, t));
      const total = (k: 'noise' | 'bound') => rs.reduce((s, r) => s + r[k], 0);
      return { value: Mat.scalar(rs.reduce((s, r) => s + r.value.data[0], 0)), noise: total('noise'), bound: total('bound'), size: Math.max(...rs.map((r) => r.size)) };
    }
    case 'transpose':
      return project(e.args[0], at, { W: transpose(t.W), ...(t.u && t.v ? { u: t.v, v: t.u } : {}) });
    case 'vec': {
      const [a] = e.args, rows = at.size(a.shape.rows), cols = at.size(a.shape.cols);
      return project(a, at, { W: reshape(t.W, rows, cols), ...(cols === 1 ? { u: t.u, v: t.v } : {}) });
    }
    case 'mul':
      return projectProduct(e, at, t);
    case 'grad':
    case 'jac':
    case 'diff':
    case 'hess':
      return projectDerivative(e, at, t) ?? inFull(e, at, t);
    default:
      return inFull(e, at, t);
  }
}

/** ⟨W, e⟩ with e evaluated in full (derivative operators entry by entry), with the error its differences recorded. */
function inFull(e: Expr, at: Evaluator, t: Test): Reading {
  const r = full(e, at.point);
  const x = dot(t.W, r.value);
  return { value: Mat.scalar(x), noise: frob(t.W) * r.noise, bound: frob(t.W) * r.bound, size: Math.abs(x) };
}

/** ⟨W, L·D·R⟩ = ⟨Lᵀ W Rᵀ, D⟩ for the one factor D with derivative operators (times a scalar: s·⟨W, L·R⟩). */
function projectProduct(e: OpNode, at: Evaluator, t: Test): Reading {
  const j = e.args.findIndex(hasDerivative);
  if (e.args.findIndex((a, i) => i > j && hasDerivative(a)) >= 0) return inFull(e, at, t);
  const product = (fs: readonly Expr[]) => fs.map((f) => at.eval(f)).reduce<Mat | undefined>((p, x) => (p ? matmul(p, x) : x), undefined);
  const L = product(e.args.slice(0, j)), R = product(e.args.slice(j + 1)), D = e.args[j];
  const dIsScalar = D.shape.rows === D.shape.cols && at.size(D.shape.rows) === 1 && at.size(D.shape.cols) === 1;
  if (dIsScalar && !(at.size(e.shape.rows) === 1 && at.size(e.shape.cols) === 1)) {
    const rest = L && R ? matmul(L, R) : (L ?? R)!;
    const w = dot(t.W, rest);
    return project(D, at, { W: Mat.scalar(w), u: Mat.scalar(w), v: Mat.scalar(1) });
  }
  const left = (M: Mat) => (L ? matmul(transpose(L), M) : M);
  const right = (M: Mat) => (R ? matmul(M, transpose(R)) : M);
  return project(D, at, { W: right(left(t.W)), ...(t.u && t.v ? { u: left(t.u), v: R ? matmul(R, t.v) : t.v } : {}) });
}

/** The derivative operators, read through a test matrix: one finite difference each. */
function projectDerivative(e: OpNode, at: Evaluator, t: Test): Reading | undefined {
  const F = e.args[0], X = e.args[1] as SymNode, x = at.valueOf(X.name);
  const scales = roundingScales(F, at);
  let est: Estimate | undefined;
  if (e.op === 'grad') est = slope((s) => moved(at, [[X.name, t.W, s]]).eval(F), scales);
  else if (e.op === 'diff') {
    const moves = diffMoves(e, at);
    est = slope((s) => Mat.scalar(dot(t.W, moved(at, moves.map(([name, V]) => [name, V, s] as const)).eval(F))), times(scales, frob(t.W)));
  } else if (!t.u || !t.v) return undefined;
  else if (e.op === 'jac') {
    const u = reshape(t.u, x.rows, x.cols), v = t.v;
    est = slope((s) => Mat.scalar(dot(v, moved(at, [[X.name, u, s]]).eval(F))), times(scales, frob(v)));
  } else {
    const Y = e.args[2] as SymNode, y = at.valueOf(Y.name);
    const u = reshape(t.u, x.rows, x.cols), v = reshape(t.v, y.rows, y.cols);
    est = mixed((s, r) => moved(at, [[X.name, u, s], [Y.name, v, r]]).eval(F), scales);
  }
  if (!est) return { value: Mat.scalar(NaN), noise: Infinity, bound: Infinity, size: 0 };
  return { value: est.value, noise: est.error, bound: est.bound, size: Math.abs(est.value.data[0]) };
}

/**
 * The rounding error of evaluating e exactly: ROUNDING times the largest value of any subexpression. (A
 * side that cancels to 0, (M − xxᵀ)x at an eigenvector, is 0 only to within what it was computed from.)
 */
const rounding = (e: Expr, at: Evaluator): number => ROUNDING * roundingScales(e, at).largest;

/** A side in full, with its noise (rounding, and the finite differences' error as the evaluator recorded it) and its terms' size. */
function full(e: Expr, point: Sample['point']): Reading {
  const at = new Evaluator(point);
  const value = at.eval(e);
  const terms = e.kind === 'op' && e.op === 'add' ? e.args.map((a) => frob(at.eval(a))) : [];
  const size = Math.max(frob(value), ...terms);
  const r = rounding(e, at);
  return { value, noise: at.uncertainty * size + r, bound: at.uncertaintyBound * size + r, size };
}

/**
 * left = right at `wanted` points of the scope (concrete: no symbolic indices); differentials dX in them
 * are random directions (short ones, or of unit length under differences of differences, where rounding
 * would swamp short ones), drawn afresh at each point.
 */
export function checkEquation(left: Expr, right: Expr, scope: Scope, opts: EqualityOptions = {}): StepVerdict & { notes: string[] } {
  const secondOrder = Math.max(derivativeDepth(left), derivativeDepth(right)) > 1;
  const tolerance = opts.tolerance ?? (secondOrder ? SECOND_ORDER_TOLERANCE : CHAIN_TOLERANCE);
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const of = differentials([left, right]);
  const sampler = new Sampler(scope, probes([left, right]), rng, of.length ? { directions: { of, scale: secondOrder ? 1 : DIRECTION_SCALE } } : {});
  const projected = hasDerivative(left) || hasDerivative(right);
  let largest = 0;
  const decided = decide(sampler, opts.points ?? 3, (s) => {
    let a: Reading, b: Reading;
    if (projected && shapeEq(left.shape, right.shape)) {
      const u = randomMatrix(s.at.size(left.shape.rows), 1, rng), v = randomMatrix(s.at.size(left.shape.cols), 1, rng);
      const test = { W: matmul(u, transpose(v)), u, v };
      a = project(left, s.at, test);
      b = project(right, s.at, test);
    } else {
      a = full(left, s.point);
      b = full(right, s.point);
    }
    const c = compare(a.value, b.value, tolerance, { error: a.noise + b.noise, bound: a.bound + b.bound }, Math.max(a.size, b.size));
    largest = Math.max(largest, a.size, b.size);
    const counterexample: Counterexample | undefined =
      c.outcome === 'differ' ? { sizes: Object.fromEntries(s.point.sizes), values: s.point.values, left: a.value, right: b.value } : undefined;
    return { ...c, ...(counterexample ? { counterexample } : {}) };
  });
  const d = opts.nonzero && decided.status === 'holds' && largest < 1e-9 ? { ...decided, status: 'unchecked' as const, reason: 'both sides vanish at every point, which is no evidence' } : decided;
  return {
    index: 1,
    status: d.status,
    passed: d.status === 'holds',
    error: Math.max(0, ...d.results.map((r) => r.error)),
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.counterexample ? { counterexample: d.counterexample } : {}),
    notes: samplingNotes(sampler, d),
  };
}

/** Consecutive lines equal, each step judged on its own; lines stated for symbolic indices at several instances. */
export function verifyChain(lines: readonly Expr[], scope: Scope, opts: EqualityOptions = {}): ChainVerdict {
  const instances = chooseInstances([...lines, ...assignRoots(scope.assign)]);
  const cases = instances.length
    ? instances.map((inst, i) => {
        const { exprs, ...concrete } = atInstance(inst, lines, scope.symbols, scope.assign);
        return { label: inst.label, lines: exprs, scope: { ...concrete, constraints: scope.constraints }, seed: instanceSeed(opts.seed ?? DEFAULT_SEED, i) };
      })
    : [{ label: undefined, lines, scope, seed: opts.seed ?? DEFAULT_SEED }];
  const points = pointsEach(cases.length, opts.points);
  const notes = new Set<string>();
  const steps: StepVerdict[] = lines.map((_, index) => {
    if (index === 0) return { index, status: 'holds', passed: true, error: 0 };
    const each = cases.map((c) => ({ c, v: checkEquation(c.lines[index - 1], c.lines[index], c.scope, { ...opts, points, seed: c.seed }) }));
    each.forEach((e) => e.v.notes.forEach((n) => notes.add(n)));
    const status = combined(each.map((e) => e.v.status));
    const failing = each.find((e) => e.v.status === 'fails'), unchecked = each.find((e) => e.v.status === 'unchecked');
    return {
      index,
      status,
      passed: status === 'holds',
      error: Math.max(...each.map((e) => e.v.error)),
      ...(status === 'unchecked' ? { reason: (unchecked!.c.label ? `at ${unchecked!.c.label}: ` : '') + unchecked!.v.reason } : {}),
      ...(failing ? { counterexample: { ...failing.v.counterexample!, ...(failing.c.label ? { instance: failing.c.label } : {}) } } : {}),
    };
  });
  return chainVerdict(steps, opts.tolerance ?? CHAIN_TOLERANCE, {
    ...(instances.length ? { instances: instances.map((i) => i.label) } : {}),
    notes: [...notes],
  });
}

/** A chain's verdict from its steps' (they are numbered in display order): the first failure, or the first reason it went unchecked. */
export function chainVerdict(steps: readonly StepVerdict[], tolerance: number, extra: Pick<ChainVerdict, 'instances' | 'notes'> = {}): ChainVerdict {
  const status = combined(steps.map((s) => s.status));
  const firstFailure = steps.find((s) => s.status === 'fails')?.index;
  const firstUnchecked = steps.find((s) => s.status === 'unchecked');
  return {
    status,
    passed: status === 'holds',
    ...(status === 'unchecked' ? { reason: firstUnchecked!.reason } : {}),
    tolerance,
    steps,
    ...(firstFailure !== undefined ? { firstFailure, counterexample: steps[firstFailure].counterexample } : {}),
    ...extra,
  };
}
