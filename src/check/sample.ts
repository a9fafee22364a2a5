// The one point sampler: every verdict of the kernel is reached at points drawn here.
//
// Sizes. Distinct dimension symbols get distinct sizes from 2, 3, 4, … (a pool of max(5, count) sizes),
// so that a formula confusing two dimensions, or missing a transpose, cannot type-check by accident;
// consecutive points get fresh sizes where the dimensions allow it. The declared dimension constraints
// (q >= n, m >= n + 1, r <= n) must hold: draws that break one are rejected, and the pool widens (and
// finally admits equal sizes) until they hold; if none is found, there is no verdict.
// Values. Every symbol gets a value that satisfies its properties (numeric/random.ts); symbols fixed by
// an assumption (the at: point, Y := W2W1X) are computed from the others. A candidate point is kept
// when every expression probed (the function, the claim) is finite there, and no argument of a
// non-smooth or partial function (relu, abs, log, sqrt, logdet) is within KINK_MARGIN of its kink or
// boundary. The search for such a point: Gaussian entries first, then positive ones (what log, sqrt and
// fractional powers need), then each symbol Gaussian or positive and scaled by 0.01 … 100 at random
// (what log(b − Ax) needs: small x; what log(X − 10) needs: large X); every ATTEMPTS candidates the
// sizes are drawn again. When none is found, there is no verdict, and the reason says so.
// A zero dimension leaves an instance empty: it is not evidence either way, and there is no verdict.
import type { Expr, SymNode } from '../expr/ast.js';
import { dimValue } from '../expr/dim.js';
import { isConstIdx } from '../expr/indices.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { scale, type Mat } from '../numeric/mat.js';
import { GAUSSIAN, POSITIVE, Rng, randomDirection, randomValue, type Draw } from '../numeric/random.js';

/** Σ coefs[d]·d + constant ≥ 0, over dimension symbols d: "q >= n" is q − n ≥ 0. */
export interface DimConstraint {
  readonly text: string;
  readonly coefs: Readonly<Record<string, number>>;
  readonly constant: number;
}

/** What the points are drawn for: the symbols, their dimensions, constraints and assumptions. */
export interface Scope {
  readonly symbols: readonly SymNode[];
  readonly dims: ReadonlySet<string>;
  readonly constraints?: readonly DimConstraint[];
  /** symbols fixed by an assumption (Y := W2 W1 X), computed in order after the others are drawn */
  readonly assign?: readonly (readonly [string, Expr])[];
}

/** No verdict: the reason is the message. */
export class Unchecked extends Error {}

export interface Sample {
  readonly point: Point;
  /** the evaluator at the point, with the probed expressions already evaluated */
  readonly at: Evaluator;
  /** how the entries were drawn: all Gaussian, all positive, or mixed and rescaled per symbol */
  readonly entries: 'gaussian' | 'positive' | 'mixed';
}

export const KINK_MARGIN = 1e-2;
/** candidates per draw of the sizes, and draws of the sizes */
const ATTEMPTS = 30;
const SIZE_DRAWS = 4;
const SCALES = [0.01, 0.1, 1, 10, 100];

export function satisfied(c: DimConstraint, sizes: ReadonlyMap<string, number>): boolean {
  return Object.entries(c.coefs).reduce((s, [d, k]) => s + k * sizes.get(d)!, c.constant) >= 0;
}

/** Sizes for the dimensions, satisfying the constraints; fresh (not in `used`) when possible. */
export function drawSizes(scope: Scope, rng: Rng, used: ReadonlySet<string> = new Set()): Map<string, number> {
  const names = [...scope.dims].sort();
  const constraints = scope.constraints ?? [];
  for (let k = 0; k < 400; k++) {
    const width = Math.max(5, names.length) + 2 * Math.floor(k / 50);
    const pool = k < 300 ? rng.shuffle(Array.from({ length: width }, (_, i) => 2 + i)) : names.map(() => 2 + rng.int(width));
    const sizes = new Map(names.map((d, i) => [d, pool[i]]));
    if (constraints.every((c) => satisfied(c, sizes)) && (k >= 40 || !used.has(JSON.stringify([...sizes])))) return sizes;
  }
  throw new Unchecked(`no sizes satisfy the dimension constraints ${constraints.map((c) => c.text).join(', ')}`);
}

/** A symbol or expression with no entries at these sizes, if any: such an instance is empty. */
function emptyShape(exprs: readonly Expr[], symbols: readonly SymNode[], sizes: ReadonlyMap<string, number>): string | undefined {
  const used = new Set(exprs.flatMap((e) => [...e.vars]));
  for (const e of [...symbols.filter((s) => used.has(s.name)), ...exprs]) {
    const r = dimValue(e.shape.rows, sizes), c = dimValue(e.shape.cols, sizes);
    if (r === 0 || c === 0) return `${e.kind === 'sym' ? e.name : 'a side'} is ${r}×${c}`;
  }
  return undefined;
}

export interface SamplerOptions {
  /** fixed sizes for every point (default: drawn afresh for each) */
  readonly sizes?: ReadonlyMap<string, number>;
  /**
   * how far from kinks and domain boundaries a point must be: what finite differences need (default
   * KINK_MARGIN; 0 for statements judged without them, such as inequalities, whose tight cases may lie at kinks)
   */
  readonly margin?: number;
  /** differentials dX in the expressions: each gets a random direction of this scale at every point */
  readonly directions?: { readonly of: readonly SymNode[]; readonly scale: number };
}

/**
 * The scope with the members of families of any depth that the expressions name by constant indices
 * (W[1], n[1]×n[0] when W[k = 1..l]: n[k] x n[k-1]): the declarations cannot list them (l is open), yet a
 * claim about W[1] needs a value for it, and sizes for its dimensions.
 */
export function withNamedMembers(scope: Scope, exprs: readonly Expr[]): Scope {
  const declared = new Set(scope.symbols.map((s) => s.name));
  const members = new Map<string, SymNode>();
  const seen = new Set<Expr>();
  const visit = (e: Expr): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.kind === 'sym' && e.member && !e.delta && !declared.has(e.name) && e.member.index.every(isConstIdx)) members.set(e.name, e);
    if (e.kind === 'op') e.args.forEach(visit);
  };
  [...exprs, ...(scope.assign ?? []).map(([, e]) => e)].forEach(visit);
  if (!members.size) return scope;
  const dims = new Set(scope.dims);
  for (const m of members.values()) for (const d of [m.shape.rows, m.shape.cols]) for (const x of d.syms) dims.add(x);
  return { ...scope, symbols: [...scope.symbols, ...members.values()], dims };
}

export class Sampler {
  private readonly used = new Set<string>();
  /** what the search had to do, for the verdict's notes */
  readonly notes = new Set<string>();
  private readonly margin: number;
  /** the scope given, with the members the probes name (withNamedMembers) */
  readonly scope: Scope;

  /** @param probes expressions that must be finite (and away from kinks) at every point */
  constructor(
    scope: Scope,
    readonly probes: readonly Expr[],
    readonly rng: Rng,
    readonly opts: SamplerOptions = {},
  ) {
    this.scope = withNamedMembers(scope, probes);
    this.margin = opts.margin ?? KINK_MARGIN;
  }

  /** The next admissible point; throws Unchecked when a fair search finds none. */
  next(): Sample {
    let nearKink = false;
    for (let round = 0; round < (this.opts.sizes ? 1 : SIZE_DRAWS); round++) {
      const sizes = this.opts.sizes ?? drawSizes(this.scope, this.rng, this.used);
      this.used.add(JSON.stringify([...sizes]));
      const empty = emptyShape(this.probes, this.scope.symbols, sizes);
      if (empty) throw new Unchecked(`${empty}: a zero dimension leaves nothing to compare, which is no evidence either way`);
      for (let attempt = 0; attempt < (this.opts.sizes ? SIZE_DRAWS : 1) * ATTEMPTS; attempt++) {
        const { draws, entries } = this.plan(attempt % ATTEMPTS);
        const values = new Map<string, Mat>();
        for (const s of this.scope.symbols) values.set(s.name, randomValue(s, sizes, this.rng, draws(s)));
        const at = this.admissible({ sizes, values });
        if (at === 'near a kink') nearKink = true;
        if (typeof at === 'string') continue;
        if (at.kinkDistance < Infinity && this.margin > 0)
          // one wording whether or not this draw had to be resampled: samplers' notes are merged as a set
          this.notes.add(`non-smooth or partial functions (relu, abs, log, …): points kept at least ${this.margin} away from their kinks and domain boundaries`);
        if (entries === 'positive') this.notes.add('used positive entries to stay inside the domain');
        if (entries === 'mixed') this.notes.add('drew some symbols with positive or rescaled entries to stay inside the domain');
        return { point: at.point, at, entries };
      }
    }
    const where = this.opts.sizes ? 'at the given sizes' : `at ${SIZE_DRAWS} draws of the sizes`;
    throw new Unchecked(
      `no point was found where ${this.probes.length > 1 ? 'the expressions compared are' : 'the expression is'} finite${nearKink ? ' and away from kinks and domain boundaries' : ''}: ${ATTEMPTS * SIZE_DRAWS} candidates ${where}, with Gaussian, positive and rescaled entries`,
    );
  }

  /** Candidate `attempt`: Gaussian, then positive, then each symbol Gaussian or positive and rescaled at random. */
  private plan(attempt: number): { draws: (s: SymNode) => Draw; entries: Sample['entries'] } {
    if (attempt < ATTEMPTS / 3) return { draws: () => GAUSSIAN, entries: 'gaussian' };
    if (attempt < (2 * ATTEMPTS) / 3) return { draws: () => POSITIVE, entries: 'positive' };
    const chosen = new Map(this.scope.symbols.map((s) => [s.name, { positive: this.rng.next() < 0.5, scale: SCALES[this.rng.int(SCALES.length)] }]));
    return { draws: (s) => chosen.get(s.name)!, entries: 'mixed' };
  }

  /** The evaluator at the point (assumptions applied) when every probe is finite and away from kinks, or why not. */
  private admissible(drawn: Point): Evaluator | 'not finite' | 'near a kink' {
    const values = new Map(drawn.values);
    for (const [name, rhs] of this.scope.assign ?? []) values.set(name, new Evaluator({ sizes: drawn.sizes, values }).eval(rhs));
    const d = this.opts.directions;
    for (const x of d?.of ?? []) values.set('d' + x.name, scale(randomDirection(x, drawn.sizes, this.rng), d!.scale));
    const at = new Evaluator({ sizes: drawn.sizes, values });
    if (!this.probes.every((e) => at.eval(e).data.every(Number.isFinite))) return 'not finite';
    return at.kinkDistance < this.margin ? 'near a kink' : at;
  }
}

/**
 * `count` admissible points for the expressions, as the kernel's checks draw them: what a diagnosis
 * evaluates its candidate explanations at. Throws Unchecked when there are none.
 */
export function samplePoints(scope: Scope, probes: readonly Expr[], count: number, seed: number): Sample[] {
  const sampler = new Sampler(scope, probes, new Rng(seed));
  return Array.from({ length: count }, () => sampler.next());
}
