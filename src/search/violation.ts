// Looking for a point where a function is positive — the violation of an inequality, measured as its
// relative margin (lhs − rhs)/(|lhs| + |rhs|) — in two phases: random points first, then local searches
// (maximise.ts) started from the most promising of them and from fresh random points. The
// search is what finds violations that random points rarely hit: ‖AB‖_F ≤ ‖A‖₂‖B‖₂ fails only near
// matrices with equal singular values, Cauchy–Schwarz sharpened by 1% fails only in a thin cone.
//
// Generic over the point's "context" (the sizes of the instance, say): a search moves the continuous
// parameters θ and keeps the context of its start.
import { maximise } from './maximise.js';

export interface ViolationProblem<C> {
  /** the i-th random point: its parameters and its context */
  draw(i: number): { readonly theta: Float64Array; readonly context: C };
  /** the relative margin at θ (> 0: violated; NaN: undefined there) */
  margin(theta: Float64Array, context: C): number;
}

export interface ViolationOptions {
  readonly points: number;
  readonly searches: number;
  /** evaluations per search */
  readonly budget: number;
  /** a margin above this is a violation (rounding below it is not evidence) */
  readonly tolerance: number;
  readonly normal: () => number;
}

export interface Violation<C> {
  readonly theta: Float64Array;
  readonly context: C;
  readonly margin: number;
  /** 'sampling': random point number `index`; 'search': search number `index` (1-based) */
  readonly foundBy: 'sampling' | 'search';
  readonly index: number;
}

export interface ViolationReport<C> {
  readonly violation?: Violation<C>;
  /** the largest margin seen anywhere (≤ tolerance when there is no violation) */
  readonly best: { readonly theta: Float64Array; readonly context: C; readonly margin: number };
  /** random points at which the margin was defined */
  readonly points: number;
  /** random points at which it was not (NaN) */
  readonly undefinedPoints: number;
  readonly searches: number;
  readonly evaluations: number;
}

/** Stop polishing a violation once it is this many tolerances clear. */
const CLEAR = 100;

export function findViolation<C>(problem: ViolationProblem<C>, opts: ViolationOptions): ViolationReport<C> {
  const sampled: { theta: Float64Array; context: C; margin: number; index: number }[] = [];
  let evaluations = 0, undefinedPoints = 0, drawn = 0;
  let best: ViolationReport<C>['best'] | undefined;
  const note = (theta: Float64Array, context: C, margin: number) => {
    if (!best || margin > best.margin) best = { theta, context, margin };
  };
  for (let i = 0; i < opts.points; i++) {
    const { theta, context } = problem.draw(drawn++);
    const margin = problem.margin(theta, context);
    evaluations++;
    if (Number.isNaN(margin)) {
      undefinedPoints++;
      continue;
    }
    sampled.push({ theta, context, margin, index: i + 1 });
    note(theta, context, margin);
    if (margin > opts.tolerance) {
      const report = { points: sampled.length, undefinedPoints, searches: 0, evaluations, best: best! };
      return { ...report, violation: { theta, context, margin, foundBy: 'sampling', index: i + 1 } };
    }
  }
  // starts: the most promising random points (one per context, so the sizes differ), then fresh draws
  const starts: { theta: Float64Array; context: C }[] = [];
  const seen = new Set<C>();
  for (const p of [...sampled].sort((a, b) => b.margin - a.margin)) {
    if (starts.length >= Math.ceil(opts.searches / 2)) break;
    if (seen.has(p.context)) continue;
    seen.add(p.context);
    starts.push(p);
  }
  while (starts.length < opts.searches) starts.push(problem.draw(drawn++));
  let searches = 0;
  for (const start of starts) {
    searches++;
    const f = (theta: Float64Array) => problem.margin(theta, start.context);
    const r = maximise(f, start.theta, { budget: opts.budget, normal: opts.normal, target: CLEAR * opts.tolerance });
    evaluations += r.evaluations;
    if (r.value > -Infinity) note(r.theta, start.context, r.value);
    if (r.value > opts.tolerance) {
      const violation: Violation<C> = { theta: r.theta, context: start.context, margin: r.value, foundBy: 'search', index: searches };
      return { violation, best: best!, points: sampled.length, undefinedPoints, searches, evaluations };
    }
  }
  const fallback = { theta: new Float64Array(0), context: undefined as C, margin: -Infinity };
  return { best: best ?? fallback, points: sampled.length, undefinedPoints, searches, evaluations };
}
