// Verdicts are three-valued. A statement
// - holds: it was compared at enough random points, and agreed at every one;
// - fails: at some point where both sides are finite, they differ by far more than the finite differences
//   can explain; that point is the counterexample, and a refutation needs one;
// - is unchecked: no verdict, with the reason — no admissible point was found, the finite differences
//   were not accurate enough to decide, or every instance is empty (a zero dimension is not evidence).
// NaN or ∞ is never evidence either way: a point where a side is not finite is not used.
import { axpy, frob, type Mat } from '../numeric/mat.js';
import { Unchecked, type Sample, type Sampler } from './sample.js';

export type Status = 'holds' | 'fails' | 'unchecked';

/** A point where the two sides of a statement are finite and differ. */
export interface Counterexample {
  /** the values of the indices, for a statement about any depth ("l=3,k=2") */
  readonly instance?: string;
  readonly sizes: Readonly<Record<string, number>>;
  /** a value for every symbol */
  readonly values: ReadonlyMap<string, Mat>;
  /** the claim's side and the other side there (for a derivative: the claim applied to a direction, and the finite difference) */
  readonly left: Mat;
  readonly right: Mat;
  /** the direction of the comparison, for a derivative: a matrix per variable */
  readonly direction?: ReadonlyMap<string, Mat>;
}

export interface Judgement {
  readonly status: Status;
  /** why there is no verdict (status unchecked) */
  readonly reason?: string;
  /** where the statement is false (status fails) */
  readonly counterexample?: Counterexample;
}

/** The statement is judged false when the sides differ by more than this many times the noise. */
const REFUTE = 100;
/** …and judged true when they differ by at most the tolerance plus this many times the noise. */
const ACCEPT = 10;

export type Outcome = 'agree' | 'differ' | 'unclear';

/** The estimated absolute error of the finite differences on either side: likely, and at most (numeric/differences.ts). */
export type Noise = number | { readonly error: number; readonly bound: number };

/**
 * Two values at one point. `noise` is the estimated absolute error of the finite differences on either
 * side, `floor` a size below which differences are not relative to the values themselves (the size of
 * the terms a side adds up), size = max(‖a‖, ‖b‖, floor). They agree when ‖a − b‖ ≤ max(tolerance·size,
 * 10·noise), and differ when ‖a − b‖ > tolerance·size + 100·noise, with the likely noise for the first
 * and its bound for the second; in between, or when a side is not finite, the point decides nothing. The
 * error reported is ‖a − b‖/size, or, when the noise could explain the difference (‖a − b‖ ≤ 10·noise),
 * ‖a − b‖ / max(size, 10·noise/tolerance): at most the tolerance exactly when they agree.
 */
export function compare(a: Mat, b: Mat, tolerance: number, noise: Noise = 0, floor = 0): { outcome: Outcome; error: number } {
  if (!a.data.every(Number.isFinite) || !b.data.every(Number.isFinite)) return { outcome: 'unclear', error: NaN };
  if (a.rows !== b.rows || a.cols !== b.cols) return { outcome: 'differ', error: Infinity };
  const { error: likely, bound } = typeof noise === 'number' ? { error: noise, bound: noise } : noise;
  const diff = frob(axpy(a, -1, b));
  const size = Math.max(frob(a), frob(b), floor);
  const error = diff === 0 ? 0 : diff > ACCEPT * likely ? diff / size : diff / Math.max(size, (ACCEPT * likely) / tolerance);
  const outcome = error <= tolerance ? 'agree' : diff > tolerance * size + REFUTE * bound ? 'differ' : 'unclear';
  return { outcome, error };
}

/** Statements judged together: one failure refutes the whole, else one without a verdict leaves the whole without one. */
export function combined(statuses: Iterable<Status>): Status {
  const all = [...statuses];
  return all.includes('fails') ? 'fails' : all.includes('unchecked') ? 'unchecked' : 'holds';
}

/** At most this many points are drawn per point wanted, replacing the ones that decide nothing. */
export const TRIES_PER_POINT = 3;

export interface Decided<R> {
  /** the points that decided, in order */
  readonly results: readonly R[];
  readonly status: Status;
  readonly reason?: string;
  readonly counterexample?: Counterexample;
  /** points replaced because they decided nothing */
  readonly undecided: number;
}

/**
 * Judge a statement at `wanted` points that decide (agree or differ), drawing more where a point decides
 * nothing. It fails with the first counterexample; it has no verdict when the sampler finds no point
 * or too few points decide.
 */
export function decide<R extends { readonly outcome: Outcome; readonly counterexample?: Counterexample }>(sampler: Sampler, wanted: number, judge: (s: Sample) => R): Decided<R> {
  const results: R[] = [];
  let undecided = 0;
  let reason: string | undefined;
  for (let tries = 0; results.length < wanted && tries < TRIES_PER_POINT * wanted; tries++) {
    let s: Sample;
    try {
      s = sampler.next();
    } catch (e) {
      if (!(e instanceof Unchecked)) throw e;
      reason = e.message;
      break;
    }
    const r = judge(s);
    if (r.outcome === 'unclear') undecided++;
    else results.push(r);
  }
  const counterexample = results.find((r) => r.counterexample)?.counterexample;
  if (counterexample) return { results, status: 'fails', counterexample, undecided };
  if (!reason && results.length < wanted)
    reason = `the finite differences could not decide at ${undecided} of ${undecided + results.length} points (the function is not smooth enough there, or too ill-conditioned)`;
  return reason ? { results, status: 'unchecked', reason, undecided } : { results, status: 'holds', undecided };
}

/** Notes for a verdict: what the sampler had to do, and the points replaced. */
export function samplingNotes(sampler: Sampler, d: Decided<unknown>): string[] {
  const notes = [...sampler.notes];
  if (d.undecided && d.status !== 'unchecked') notes.push(`${d.undecided} point${d.undecided > 1 ? 's' : ''} where the finite differences could not decide ${d.undecided > 1 ? 'were' : 'was'} replaced`);
  return notes;
}
