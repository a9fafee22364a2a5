// Finite differences: the one way the kernel learns a derivative. Every derivative it judges — a claimed
// gradient, a Hessian, grad/jac/diff/hess written in a document — is compared with these, never with
// the engine's calculus.
//
// First derivative of t ↦ g(t) at 0: central quotients D(s) = (g(s) − g(−s))/2s at s = h, h/2, h/4
// (h = 1e-3). Second (mixed) derivative of (s, t) ↦ g(s, t) at 0: D(s) = (g(s,s) − g(s,−s) − g(−s,s) +
// g(−s,−s))/4s² at s = h, h/2, h/4 (h = 4e-3); along one direction (s = t) it is ∇²f[V, V]. Both
// quotients have errors c₂s² + c₄s⁴ + …, so Richardson extrapolation R₁ = (4D(h/2) − D(h))/3 and
// R₂ = (4D(h/4) − D(h/2))/3 removes the s² term. The estimate is R₂; its error is taken to be
// ‖R₁ − R₂‖ (R₁'s truncation error is 16 times R₂'s) plus the rounding of the quotient, ROUNDING·S
// divided by the smallest step (or its square), where S is the scale at which g is rounded. That scale
// is known only within bounds (`roundingScales`): likely that of the terms g adds up (sum(tanh(51·W·X))
// adds up ±1s, and can cancel to exactly 0: |g| itself is no scale), at most the largest value met on
// the way (51·W·X, when a cancellation inside tanh is amplified). So an estimate carries two errors:
// the likely one, within which a claim agrees, and the bound, beyond which it differs (check/verdict.ts).
// A non-finite value anywhere gives no estimate: NaN or ∞ is never evidence.
import type { Expr, OpNode, SymNode } from '../expr/ast.js';
import { axpy, frob, Mat, scale } from './mat.js';
import { defineMeaning, type PointContext } from './meanings.js';

export const FIRST_STEP = 1e-3;
export const SECOND_STEP = 4e-3;
/** the relative accuracy assumed for an evaluation, of the scale it is rounded at (about 500 units in the last place) */
export const ROUNDING = 1e-13;

/** The derivative operators: their arguments are evaluated at perturbed points, not at the point itself. */
export const DERIVATIVE_OPERATORS: ReadonlySet<string> = new Set(['grad', 'jac', 'diff', 'hess']);
/** Operators whose result is rounded at the scale of their arguments' values: sums and rearrangements. */
const ADDING = new Set(['add', 'sum', 'tr', 'transpose', 'vec', 'unvec']);
/** Products, rounded at the scale ‖A‖‖B‖ of their factors. */
const MULTIPLYING = new Set(['mul', 'inner', 'hadamard', 'kron']);

export interface Scales {
  /** the largest of the values e adds up: e, the arguments of its sums, ‖A‖‖B‖ of its products (the likely scale) */
  readonly terms: number;
  /** the largest value (Frobenius norm) of any subexpression, derivative operators' arguments excepted (a bound) */
  readonly largest: number;
}

/** The scales at which evaluating e at the point is rounded. */
export function roundingScales(e: Expr, at: PointContext): Scales {
  let terms = 0, largest = 0;
  const seen = new Set<Expr>();
  const walk = (x: Expr, adding: boolean) => {
    if (seen.has(x)) return;
    seen.add(x);
    const size = frob(at.eval(x));
    largest = Math.max(largest, size);
    if (adding) terms = Math.max(terms, size);
    if (x.kind !== 'op' || DERIVATIVE_OPERATORS.has(x.op)) return;
    if (adding && MULTIPLYING.has(x.op)) terms = Math.max(terms, x.args.reduce((p, a) => p * frob(at.eval(a)), 1));
    x.args.forEach((a) => walk(a, adding && ADDING.has(x.op)));
  };
  walk(e, true);
  return { terms, largest };
}

/** Scales times a factor (g = ⟨W, F⟩ is rounded at ‖W‖ times F's scales). */
export const times = (s: Scales, k: number): Scales => ({ terms: k * s.terms, largest: k * s.largest });

export interface Estimate {
  readonly value: Mat;
  /** the likely absolute error (Frobenius norm): truncation, and rounding at the scale of the terms */
  readonly error: number;
  /** an upper estimate of it: rounding at the scale of the largest value met */
  readonly bound: number;
}

const finite = (m: Mat) => m.data.every(Number.isFinite);
const NO_SCALES: Scales = { terms: 0, largest: 0 };

function extrapolate(quotient: (s: number) => { q: Mat; size: number } | undefined, h: number, power: 1 | 2, scales: Scales): Estimate | undefined {
  const d = [h, h / 2, h / 4].map(quotient);
  if (d.some((x) => !x || !finite(x.q))) return undefined;
  const [a, b, c] = d.map((x) => x!.q);
  const r1 = axpy(scale(b, 4 / 3), -1 / 3, a);
  const r2 = axpy(scale(c, 4 / 3), -1 / 3, b);
  const size = Math.max(...d.map((x) => x!.size)), truncation = frob(axpy(r1, -1, r2)), step = (h / 4) ** power;
  const rounding = (scale: number) => (ROUNDING * Math.max(size, scale)) / step;
  return { value: r2, error: truncation + rounding(scales.terms), bound: truncation + rounding(Math.max(scales.terms, scales.largest)) };
}

/** d/dt g(t) at t = 0; `scales`: those of the function g evaluates (roundingScales), |g| at least. */
export function slope(g: (t: number) => Mat, scales = NO_SCALES): Estimate | undefined {
  return extrapolate((s) => {
    const p = g(s), m = g(-s);
    if (!finite(p) || !finite(m)) return undefined;
    return { q: scale(axpy(p, -1, m), 1 / (2 * s)), size: Math.max(frob(p), frob(m)) };
  }, FIRST_STEP, 1, scales);
}

/** ∂²/∂s∂t g(s, t) at s = t = 0; `scales` as for slope. */
export function mixed(g: (s: number, t: number) => Mat, scales = NO_SCALES): Estimate | undefined {
  return extrapolate((s) => {
    const v = [g(s, s), g(s, -s), g(-s, s), g(-s, -s)];
    if (!v.every(finite)) return undefined;
    const q = scale(axpy(axpy(axpy(v[0], -1, v[1]), -1, v[2]), 1, v[3]), 1 / (4 * s * s));
    return { q, size: Math.max(...v.map(frob)) };
  }, SECOND_STEP, 2, scales);
}

// ── The derivative operators of documents and rules, evaluated in full ──────────────────────────────
// grad(f, X) = ∇_X f (shape of X), jac(F, X) = ∇_{vec X} vec F ((mn)×(pq)), diff(F, X, V) = dF[V]
// (diff(F, X1, V1, …, Xk, Vk): all variables move together; d(F) is diff(F, X, dX) for every X),
// hess(f, X, Y) = ∇_{vec X}∇_{vec Y} f, entry by entry. (Equations project them instead when they can:
// check/equality.ts.) An entry without an estimate is NaN, so the point is not used.

/** The point moved: each symbol plus t times a direction (a symbol named twice moves by the sum). */
export function moved(at: PointContext, moves: readonly (readonly [name: string, along: Mat, t: number])[]): PointContext {
  const total = new Map<string, Mat>();
  for (const [name, along, t] of moves) total.set(name, axpy(total.get(name) ?? at.valueOf(name), t, along));
  let p = at;
  for (const [name, value] of total) p = p.with(name, value);
  return p;
}

/** E_k: the k-th coordinate direction of a matrix shaped like m. */
export function unit(m: Mat, k: number): Mat {
  const e = Mat.zeros(m.rows, m.cols);
  e.data[k] = 1;
  return e;
}

function operand(node: OpNode, i: number): SymNode {
  const x = node.args[i];
  if (x.kind !== 'sym' || x.delta) throw new Error(`${node.op}: argument ${i + 1} must be a declared symbol`);
  return x;
}

/** The context of a derivative operator: a point it can move (the tree evaluator's). */
export function movable(ctx: unknown): PointContext {
  if (typeof ctx !== 'object' || ctx === null || !('with' in ctx)) throw new Error('derivative operators (grad, jac, diff, hess) are evaluated by the tree evaluator only');
  return ctx as PointContext;
}

/** The estimate's value, its uncertainty recorded at the point; NaN when there is no estimate. */
function settle(at: PointContext, e: Estimate | undefined, rows: number, cols: number): Mat {
  if (!e) return Mat.fill(rows, cols, NaN);
  const size = Math.max(frob(e.value), 1e-300);
  at.inexact(e.error / size, e.bound / size);
  return e.value;
}

/** Row k: the slope of vec F along E_k in X. */
function jacobian(at: PointContext, F: Expr, X: SymNode): Mat {
  const x = at.valueOf(X.name), fx = at.eval(F), size = roundingScales(F, at);
  const J = Mat.zeros(x.data.length, fx.data.length);
  for (let k = 0; k < x.data.length; k++)
    settle(at, slope((t) => moved(at, [[X.name, unit(x, k), t]]).eval(F), size), ...shapeOf(fx)).data.forEach((v, j) => (J.data[j * x.data.length + k] = v));
  return J;
}

const shapeOf = (m: Mat): [number, number] => [m.rows, m.cols];

defineMeaning('grad', (node, _args, ctx) => {
  const X = operand(node, 1), x = movable(ctx).valueOf(X.name);
  return new Mat(x.rows, x.cols, jacobian(movable(ctx), node.args[0], X).data);
});

defineMeaning('jac', (node, _args, ctx) => jacobian(movable(ctx), node.args[0], operand(node, 1)));

/** diff(F, X1, V1, …, Xk, Vk): the variables and their directions, evaluated at the point (all move together). */
export function diffMoves(node: OpNode, at: PointContext): [name: string, along: Mat][] {
  const out: [string, Mat][] = [];
  for (let i = 1; i + 1 < node.args.length; i += 2) out.push([operand(node, i).name, at.eval(node.args[i + 1])]);
  return out;
}

defineMeaning('diff', (node, _args, ctx) => {
  const at = movable(ctx), moves = diffMoves(node, at);
  const F = node.args[0];
  return settle(at, slope((t) => moved(at, moves.map(([name, V]) => [name, V, t])).eval(F), roundingScales(F, at)), ...shapeOf(at.eval(F)));
});

defineMeaning('hess', (node, _args, ctx) => {
  const at = movable(ctx), X = operand(node, 1), Y = operand(node, 2);
  const x = at.valueOf(X.name), y = at.valueOf(Y.name);
  const H = Mat.zeros(x.data.length, y.data.length), size = roundingScales(node.args[0], at);
  for (let b = 0; b < y.data.length; b++)
    for (let a = 0; a < x.data.length; a++)
      H.data[b * x.data.length + a] = settle(at, mixed((s, t) => moved(at, [[X.name, unit(x, a), s], [Y.name, unit(y, b), t]]).eval(node.args[0]), size), 1, 1).data[0];
  return H;
});
