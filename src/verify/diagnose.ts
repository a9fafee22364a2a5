// Matching the mistake catalogue (catalogue.ts) against a wrong formula. Every explanation is evaluated
// at the check points and kept only when it reproduces the formula exactly there (relative 1e-7; 1e-6
// when derivative operators are evaluated by differences) — a diagnosis is never a guess:
// - one slip: a transformation of the reference R equals the wrong formula C, or a transformation of C
//   (C corrected) equals R — possibly up to a constant factor 2, ½, −1, …, which is then a second slip;
// - two slips, when no single one explains it: a transformation of C equals a transformation of R (one
//   slip undone on each side, found in the same search).
// Findings come simplest first: one slip before two, then in the catalogue's order.
import type { Expr, SymNode } from '../expr/ast.js';
import { isOp, isSymmetricSymbol, mapDag, num } from '../expr/ast.js';
import { add, ew, mul, ones } from '../expr/build.js';
import { isScalarShape } from '../expr/shape.js';
import type { ClaimKind } from '../check/derivative.js';
import { drawSizes, Sampler, satisfied, type Scope } from '../check/sample.js';
import type { Rng } from '../numeric/random.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { axpy, dot, Mat, scale, transpose } from '../numeric/mat.js';
import { MISTAKES, factorText, isNiceFactor, nice, type Candidate, type MistakeContext, type MistakeKind } from './catalogue.js';

export { MISTAKES, MISTAKE_KINDS, factorText, nice, type MistakeContext, type MistakeKind, type Words } from './catalogue.js';

export interface Finding {
  /** what kind of slip (two kinds when two slips explain it together) */
  readonly kinds: readonly MistakeKind[];
  readonly sentence: string;
  readonly slips: 1 | 2;
  /** the claim with the slip undone, in the claim's own notation (when the slip can be undone there) */
  readonly corrected?: Expr;
  /** two expressions equal at every check point: what makes the finding exact (re-checked by the tests) */
  readonly witness: readonly [Expr, Expr];
}

export interface Diagnosis {
  readonly findings: readonly Finding[];
  /** the claim equals the reference at the points (then the engine and the checker disagree) */
  readonly claimMatchesTruth: boolean;
}

/**
 * The values of an expression at the check points (the first `count` of them; all by default), or
 * undefined where it cannot be evaluated or is not finite.
 */
export type Evaluate = (e: Expr, count?: number) => readonly Mat[] | undefined;

export const TOLERANCE = 1e-7;
const MAX_CANDIDATES = 6000;
const MAX_PAIR_FINDINGS = 3;

/**
 * How derivatives are compared. For a symmetric variable only the symmetric part of a gradient is
 * determined (df = ⟨G, dX⟩ for symmetric dX), so sym(·) is compared — of a gradient, or of each column of
 * a vec-Jacobian. `n` is the variable's number of rows at the point.
 */
export function comparable(variable: SymNode, kind: ClaimKind, n: number): (m: Mat) => Mat {
  if (!isSymmetricSymbol(variable)) return (m) => m;
  const sym = (m: Mat) => scale(axpy(m, 1, transpose(m)), 0.5);
  return (m) => {
    if (kind === 'gradient') return m.rows === n && m.cols === n ? sym(m) : m;
    if (m.rows !== n * n) return m;
    const out = Mat.zeros(m.rows, m.cols);
    for (let c = 0; c < m.cols; c++) out.data.set(sym(new Mat(n, n, m.data.slice(c * m.rows, (c + 1) * m.rows))).data, c * m.rows);
    return out;
  };
}

/**
 * Sizes for the i-th point of a diagnosis: distinct, so a transpose cannot hide, and small, so the many
 * candidates — Kronecker products among them — are cheap: 2, 3, … in random order at the first two
 * points, 3, 4, … at the third. The larger third point keeps identities that hold only in the smallest
 * dimensions (K₂₃⁴ = I, Cayley–Hamilton for 2×2) from passing for an explanation.
 */
export function diagnosisSizes(dims: Iterable<string>, rng: Rng, i: number): Map<string, number> {
  const names = [...dims].sort();
  const pool = rng.shuffle(names.map((_, k) => (i < 2 ? 2 : 3) + k));
  return new Map(names.map((d, k) => [d, pool[k]]));
}

/**
 * Three points where f and the claims are finite and smooth, drawn by the kernel's sampler
 * (src/check/sample.ts) at diagnosis sizes — or at sizes it draws when those break a dimension constraint.
 * Throws Unchecked when there are none.
 */
export function diagnosisPoints(claim: Scope & { f: Expr; claims: ReadonlyMap<string, Expr> }, rng: Rng): Point[] {
  return [0, 1, 2].map((i) => {
    const small = diagnosisSizes(claim.dims, rng, i);
    const sizes = (claim.constraints ?? []).every((c) => satisfied(c, small)) ? small : drawSizes(claim, rng);
    return new Sampler(claim, [claim.f, ...claim.claims.values()], rng, { sizes }).next().point;
  });
}

/** Expressions evaluated at fixed points (each value passed through that point's `project`, if any). */
export function atPoints(points: readonly Point[], project?: readonly ((m: Mat) => Mat)[]): Evaluate {
  const evaluators = points.map((p) => new Evaluator(p));
  return (e, count = evaluators.length) => {
    try {
      const vs = evaluators.slice(0, count).map((ev, p) => (project ? project[p](ev.eval(e)) : ev.eval(e)));
      return vs.every((m) => m.data.every(Number.isFinite)) ? vs : undefined;
    } catch {
      return undefined;
    }
  };
}

type Values = readonly Mat[];
const sameShape = (a: Values, b: Values) => a.every((m, i) => m.rows === b[i].rows && m.cols === b[i].cols);
const dotAll = (a: Values, b: Values) => a.reduce((s, m, i) => s + dot(m, b[i]), 0);
const normAll = (a: Values) => Math.sqrt(dotAll(a, a));
const scaled = (a: Values, s: number) => a.map((m) => scale(m, s));

/** Equal to the tolerance, relative to the values or — for values near zero — to the size of the reference. */
export function closeness(reference: Values, tolerance = TOLERANCE): (a: Values, b: Values) => boolean {
  const unit = normAll(reference);
  return (a, b) => sameShape(a, b) && normAll(a.map((m, i) => axpy(m, -1, b[i]))) <= tolerance * Math.max(normAll(a), normAll(b), 1e-3 * unit, 1e-300);
}

export type Near = (a: Values, b: Values) => boolean;

/**
 * The generic σ is evaluated as one function (src/ops/elementwise.ts), so an equality found with it might
 * hold for that function only — σ″(0) = 0 for its sin, where the zeros of diag feed it. A finding about σ
 * must also hold for σ shifted, x ↦ σ(x + 0.7), another smooth function with the same derivative structure.
 */
function shiftedSigma(e: Expr): Expr | undefined {
  let found = false;
  const out = mapDag(e, (_, rebuilt) => {
    if (!isOp(rebuilt, 'ew') || rebuilt.attrs.fn !== 'sigma') return rebuilt;
    found = true;
    const [a] = rebuilt.args;
    const shift = isScalarShape(a.shape) ? num(0.7) : mul(num(0.7), ones(a.shape.rows, a.shape.cols));
    return ew('sigma', add(a, shift), rebuilt.attrs.k);
  });
  return found ? out : undefined;
}

/** Does a finding's witness hold for the shifted σ too (true when it has no σ)? */
export function holdsForAnySigma(w: readonly [Expr, Expr], evaluate: Evaluate, close: Near): boolean {
  const [a, b] = w.map(shiftedSigma);
  if (!a && !b) return true;
  const [va, vb] = [evaluate(a ?? w[0]), evaluate(b ?? w[1])];
  return !!va && !!vb && close(va, vb);
}

interface Tested {
  readonly c: Candidate;
  /** the values at the first point */
  readonly v: Values;
  /** the catalogue entry's position: simpler slips first */
  readonly entry: number;
}

/**
 * Test every explanation of the catalogue: at the first (smallest) point, and — when it explains the
 * formula there — at every point, which is what a finding needs.
 */
export function diagnose(ctx: MistakeContext, evaluate: Evaluate, opts: { tolerance?: number } = {}): Diagnosis {
  const tolerance = opts.tolerance ?? TOLERANCE;
  const R = evaluate(ctx.truth), C = evaluate(ctx.claim);
  if (!R || !C) return { findings: [], claimMatchesTruth: false };
  const close = closeness(R, tolerance);
  if (close(C, R)) return { findings: [], claimMatchesTruth: true };
  const closeFirst = closeness(R.slice(0, 1), tolerance);
  /** target ≈ s·v at the given values: the fitted s (2, ½, −1 as written), or undefined */
  const fit = (target: Values, v: Values, near: typeof close) => {
    const vv = dotAll(v, v);
    const s = vv > 0 ? nice(dotAll(target, v) / vv) : 1;
    return near(target, scaled(v, s)) ? s : undefined;
  };

  const found: Found[] = [];
  const tested: Tested[] = [];
  let count = 0;
  MISTAKES.forEach((mistake, entry) => {
    for (const c of mistake.candidates(ctx)) {
      if (++count > MAX_CANDIDATES) return;
      const [self, target, targetExpr] = c.side === 'truth' ? [R, C, ctx.claim] : [C, R, ctx.truth];
      const first = evaluate(c.expr, 1);
      if (!first) continue;
      // a transformation that changes nothing (a transpose of a symmetric product) explains nothing —
      // checked at every point when the first cannot tell (relu(Wx) = 0 there, say)
      if (!c.identity && closeFirst(first, self.slice(0, 1))) {
        const all = evaluate(c.expr);
        if (!all || close(all, self)) continue;
      }
      if (!c.identity) tested.push({ c, v: first, entry });
      if (!sameShape(first, target) || fit(target.slice(0, 1), first, closeFirst) === undefined) continue;
      const v = evaluate(c.expr);
      const s = v && sameShape(v, target) ? fit(target, v, close) : undefined;
      if (s === undefined) continue;
      // target ≈ s·v; the claim's own factor is s (truth side: C = s·R′) or 1/s (claim side: C′ = R/s)
      const claimFactor = c.side === 'truth' ? s : s === 0 ? 0 : nice(1 / s);
      const witness: [Expr, Expr] = [targetExpr, s === 1 ? c.expr : mul(num(s), c.expr)];
      if (!holdsForAnySigma(witness, evaluate, close)) continue;
      const corrected = c.side === 'claim' ? c.expr : c.corrected?.();
      if (c.identity) found.push({ finding: { kinds: [factorKind(claimFactor)], sentence: factorSentence(ctx, claimFactor), slips: 1, witness }, rank: entry, side: c.side });
      else if (s === 1) found.push({ finding: { kinds: c.kinds, sentence: c.sentence(), slips: 1, witness, ...(corrected ? { corrected } : {}) }, rank: entry, side: c.side });
      else if (isNiceFactor(claimFactor))
        found.push({
          side: c.side,
          finding: { kinds: [...c.kinds, factorKind(claimFactor)], sentence: `two slips: ${c.sentence()}; and ${claimFactor === -1 ? 'the sign is flipped' : `a constant factor ${factorText(claimFactor)}`}`, slips: 2, witness },
          rank: 100 + entry,
        });
    }
  });
  if (!found.some((f) => f.finding.slips === 1)) found.push(...pairs(tested, closeFirst, close, evaluate));
  return { findings: ordered(found), claimMatchesTruth: false };
}

const factorKind = (s: number): MistakeKind => (s === -1 ? 'sign' : 'factor');

function factorSentence(ctx: MistakeContext, s: number): string {
  const { claim, whole } = ctx.words;
  if (s === 0) return `factor: ${claim} is zero, but ${whole} is not`;
  if (s === -1) return `sign: ${claim} is minus ${whole} (the sign is flipped)`;
  return `factor: ${claim} is ${factorText(s)} times ${whole}`;
}

/** Two slips: one undone on the claim's side, one made on the reference's side, giving the same values. */
function pairs(tested: readonly Tested[], closeFirst: Near, close: Near, evaluate: Evaluate): Found[] {
  const claimSide = tested.filter((t) => t.c.side === 'claim');
  const truthSide = tested.filter((t) => t.c.side === 'truth');
  // a fingerprint (a fixed random projection of the values) to skip pairs that cannot match
  const weights = new Map<number, Float64Array>();
  const w = (n: number) => {
    let a = weights.get(n);
    if (!a) {
      a = Float64Array.from({ length: n }, (_, i) => Math.sin(12.9898 * (i + 1) * (n + 7)) * 43758.5453 % 1);
      weights.set(n, a);
    }
    return a;
  };
  const key = (v: Values) => v.map((m) => `${m.rows}x${m.cols}`).join('|');
  const print = (v: Values) => {
    const norm = normAll(v) || 1;
    return v.reduce((s, m) => s + m.data.reduce((t, x, i) => t + x * w(m.data.length)[i], 0), 0) / norm;
  };
  const byShape = new Map<string, { t: Tested; p: number }[]>();
  for (const t of truthSide) {
    const k = key(t.v);
    if (!byShape.has(k)) byShape.set(k, []);
    byShape.get(k)!.push({ t, p: print(t.v) });
  }
  const out: Found[] = [];
  for (const x of claimSide) {
    const p = print(x.v);
    for (const { t: y, p: py } of byShape.get(key(x.v)) ?? []) {
      if (Math.abs(p - py) > 1e-5 * (1 + Math.abs(p)) || !closeFirst(x.v, y.v)) continue;
      const [vx, vy] = [evaluate(x.c.expr), evaluate(y.c.expr)];
      if (!vx || !vy || !close(vx, vy) || !holdsForAnySigma([x.c.expr, y.c.expr], evaluate, close)) continue;
      const kinds = [...new Set([...x.c.kinds, ...y.c.kinds])];
      out.push({
        finding: { kinds, sentence: `two slips: ${x.c.sentence()}; and ${y.c.sentence()}`, slips: 2, witness: [x.c.expr, y.c.expr] },
        rank: 200 + Math.min(x.entry, y.entry) * 20 + Math.max(x.entry, y.entry),
        side: 'claim',
      });
    }
  }
  return out.sort((a, b) => a.rank - b.rank).slice(0, MAX_PAIR_FINDINGS * 4);
}

/**
 * Simplest first; the same sentence once. A slip found from both sides (the truth's A' dropped, and the
 * claim's A transposed) is reported once, as seen in the claim, with the claim corrected in its notation.
 */
function ordered(found: readonly Found[]): Finding[] {
  const kindsKey = (f: Found) => f.finding.slips + ':' + [...f.finding.kinds].sort().join();
  const seenInClaim = new Set(found.filter((f) => f.side === 'claim').map(kindsKey));
  const bySentence = new Map<string, Found>();
  const pairKinds = new Set<string>();
  for (const f of [...found].sort((a, b) => a.rank - b.rank)) {
    if (f.side === 'truth' && f.finding.slips === 1 && seenInClaim.has(kindsKey(f))) continue;
    // two slips of the same two kinds are one explanation, however it was found
    if (f.finding.slips === 2 && pairKinds.has(kindsKey(f))) continue;
    if (f.finding.slips === 2) pairKinds.add(kindsKey(f));
    if (!bySentence.has(f.finding.sentence)) bySentence.set(f.finding.sentence, f);
  }
  const all = [...bySentence.values()].sort((a, b) => a.finding.slips - b.finding.slips || a.rank - b.rank).map((f) => f.finding);
  const singles = all.filter((f) => f.slips === 1);
  return singles.length ? singles : all.slice(0, MAX_PAIR_FINDINGS);
}

interface Found {
  readonly finding: Finding;
  readonly rank: number;
  readonly side: 'truth' | 'claim';
}
