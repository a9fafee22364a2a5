// Local maximisation without derivatives, for the adversarial search of inequality checks: the
// (1+1) evolution strategy with the one-fifth success rule (Rechenberg 1973; Auger & Hansen's tutorial
// form). One trial point per step, y = θ + s·z with z standard normal; y replaces θ when it is at least
// as good, and the step s grows after a success and shrinks after a failure so that about one trial in
// five succeeds. Why this method: the functions searched are built from norms, eigenvalues and
// singular values — non-smooth exactly where inequalities are tight (σ₁ = σ₂, a repeated eigenvalue) —
// and may contain finite-difference derivatives, so gradients would be expensive and unreliable; the
// strategy needs one evaluation per step whatever the number of parameters, and undefined values (NaN:
// a singular matrix, a log below zero) are simply rejected trial points.

export interface MaximiseOptions {
  /** evaluations allowed (the start's included) */
  readonly budget: number;
  /** standard normal draws */
  readonly normal: () => number;
  /** stop as soon as the value exceeds this (a clear violation needs no polishing) */
  readonly target?: number;
  /** the first step, relative to the root-mean-square entry of the start (default 0.3) */
  readonly step?: number;
}

export interface MaximiseResult {
  readonly theta: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  /** accepted steps */
  readonly steps: number;
}

const GROW = 1.5;
const SHRINK = Math.pow(GROW, -1 / 4); // one success in five leaves the step unchanged

export function maximise(f: (theta: Float64Array) => number, start: Float64Array, opts: MaximiseOptions): MaximiseResult {
  let theta = Float64Array.from(start);
  let value = f(theta);
  if (Number.isNaN(value)) value = -Infinity;
  let evaluations = 1, steps = 0;
  const n = theta.length;
  const rms = Math.sqrt(theta.reduce((s, x) => s + x * x, 0) / Math.max(n, 1));
  let s = (opts.step ?? 0.3) * (rms > 0 ? rms : 1);
  const y = new Float64Array(n);
  while (evaluations < opts.budget && n > 0) {
    if (opts.target !== undefined && value > opts.target) break;
    const size = Math.sqrt(theta.reduce((t, x) => t + x * x, 0));
    if (s < 1e-12 * (1 + size)) break; // converged: no step of representable size helps
    for (let i = 0; i < n; i++) y[i] = theta[i] + s * opts.normal();
    const fy = f(y);
    evaluations++;
    if (!Number.isNaN(fy) && fy >= value) {
      theta = Float64Array.from(y);
      value = fy;
      steps++;
      s *= GROW;
    } else s *= SHRINK;
  }
  return { theta, value, evaluations, steps };
}
