// A counterexample a person can check by hand: the smallest sizes (every dimension 1 or 2, fewest 2s
// first), small integer entries (−2..2, resampled until the function is defined and smooth there and the
// claim differs from the truth), the claimed and the true value, and the derivative by central
// differences at that point, which does not depend on the engine.
import { isSymmetricSymbol, type Expr, type SymNode } from '../expr/ast.js';
import { dimValue } from '../expr/dim.js';
import { isSquare, shapeEq } from '../expr/shape.js';
import type { ClaimKind } from '../check/derivative.js';
import { moved, roundingScales, slope, unit } from '../numeric/differences.js';
import { Evaluator, type Point } from '../numeric/evaluate.js';
import { add, axpy, frob, Mat, matmul, transpose } from '../numeric/mat.js';
import { Rng, randomSizes } from '../numeric/random.js';
import { comparable } from './diagnose.js';
import { assignRoots, atInstance, chooseInstances } from '../check/instances.js';
import { satisfied, type DimConstraint } from '../check/sample.js';

export interface Counterexample {
  readonly sizes: Readonly<Record<string, number>>;
  /** values of the symbols that f, the claim or the truth use */
  readonly inputs: ReadonlyMap<string, Mat>;
  readonly entries: 'integer' | 'positive integer';
  readonly claimed: Mat;
  readonly truth: Mat;
  /** the derivative by central differences (Richardson), entry by entry */
  readonly differences: Mat;
}

export interface CounterexampleInput {
  readonly f: Expr;
  readonly variable: SymNode;
  readonly kind: ClaimKind;
  readonly claim: Expr;
  readonly truth: Expr;
  readonly symbols: readonly SymNode[];
  readonly dims: ReadonlySet<string>;
  readonly seed: number;
}

const DRAWS = 24;
const MAX_ASSIGNMENTS = 64;

/** Size assignments with every dimension 1 or 2, fewest 2s first. */
function* smallSizes(dims: readonly string[]): Generator<Map<string, number>> {
  const k = dims.length;
  const masks = Array.from({ length: 2 ** Math.min(k, 12) }, (_, m) => m).sort((a, b) => popcount(a) - popcount(b) || a - b);
  for (const m of masks.slice(0, MAX_ASSIGNMENTS)) yield new Map(dims.map((d, i) => [d, (m >> i) & 1 ? 2 : 1]));
}

function popcount(m: number): number {
  let c = 0;
  for (; m; m >>= 1) c += m & 1;
  return c;
}

function integers(rows: number, cols: number, rng: Rng, lo: number, hi: number): Mat {
  const m = Mat.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = lo + rng.int(hi - lo + 1);
  return m;
}

/** Integer values respecting the declared properties: spd BBᵀ + I, symmetric B + Bᵀ (B in −1..1), stochastic one-hot columns. */
function integerValue(s: SymNode, sizes: ReadonlyMap<string, number>, rng: Rng, positive: boolean): Mat {
  const rows = dimValue(s.shape.rows, sizes), cols = dimValue(s.shape.cols, sizes);
  // the integer points of the sphere and of the orthogonal matrices: signed (partial) permutations
  if (s.props.has('unit') || s.props.has('orthogonal')) return signedPermutation(rows, cols, s.props.has('unit'), rng);
  if (s.props.has('stochastic')) {
    // one-hot columns: integer labels whose columns sum to one
    const m = Mat.zeros(rows, cols);
    for (let j = 0; j < cols; j++) m.data[j * rows + rng.int(rows)] = 1;
    return m;
  }
  if (isSquare(s.shape) && (s.props.has('spd') || s.props.has('symmetric'))) {
    const B = integers(rows, cols, rng, positive ? 0 : -1, 1);
    return s.props.has('spd') ? add(matmul(B, transpose(B)), Mat.eye(rows)) : add(B, transpose(B));
  }
  return positive ? integers(rows, cols, rng, 1, 2) : integers(rows, cols, rng, -2, 2);
}

/** ±e_i (unit: one entry in the whole matrix) or a matrix whose columns (rows, if wide) are distinct ±e_i. */
function signedPermutation(rows: number, cols: number, unit: boolean, rng: Rng): Mat {
  const m = Mat.zeros(rows, cols);
  const sign = () => (rng.next() < 0.5 ? -1 : 1);
  if (unit) {
    m.data[rng.int(rows * cols)] = sign();
    return m;
  }
  const tall = rows >= cols;
  const slots = rng.shuffle(Array.from({ length: tall ? rows : cols }, (_, i) => i));
  for (let k = 0; k < (tall ? cols : rows); k++) m.data[tall ? k * rows + slots[k] : slots[k] * rows + k] = sign();
  return m;
}

const finite = (m: Mat) => m.data.every(Number.isFinite);
const relDiff = (a: Mat, b: Mat) => frob(axpy(a, -1, b)) / Math.max(frob(a), frob(b), 1e-12);

/** The first small point where the claim and the truth differ, or undefined. */
export function findCounterexample(input: CounterexampleInput): Counterexample | undefined {
  const rng = new Rng(input.seed);
  const used = new Set([...input.f.vars, ...input.claim.vars, ...input.truth.vars]);
  const dims = [...input.dims].sort();
  const tryPoint = (sizes: Map<string, number>, entries: Counterexample['entries']): Counterexample | undefined => {
    const values = new Map<string, Mat>();
    for (const s of input.symbols) values.set(s.name, integerValue(s, sizes, rng, entries === 'positive integer'));
    const point: Point = { sizes, values };
    const ev = new Evaluator(point);
    try {
      const fx = ev.eval(input.f);
      const claimed = ev.eval(input.claim);
      const truth = ev.eval(input.truth);
      if (!finite(fx) || !finite(claimed) || !finite(truth) || ev.kinkDistance < 1e-2) return undefined;
      const same = comparable(input.variable, input.kind, values.get(input.variable.name)!.rows);
      // informative: the truth is not zero, and the claim differs from it — in shape when its symbolic
      // shape is wrong, in value otherwise
      const reshaped = claimed.rows !== truth.rows || claimed.cols !== truth.cols;
      if (frob(truth) === 0 || reshaped !== !shapeEq(input.claim.shape, input.truth.shape)) return undefined;
      if (!reshaped && relDiff(same(claimed), same(truth)) <= 1e-6) return undefined;
      // the point must be one where the derivative is what the truth says (smooth, well conditioned)
      const differences = derivativeByDifferences(input.f, input.variable, input.kind, point);
      if (!finite(differences) || relDiff(differences, same(truth)) > 1e-6) return undefined;
      const inputs = new Map([...values].filter(([name]) => used.has(name)));
      return { sizes: Object.fromEntries(sizes), inputs, entries, claimed, truth, differences };
    } catch {
      return undefined;
    }
  };
  return searchSmallPoints(dims, tryPoint) ?? searchSmallPoints(dims, tryPoint, () => randomSizes(dims, rng));
}

type Entries = Counterexample['entries'];

/**
 * Try points, DRAWS per size assignment, integer entries first and positive ones after: the sizes 1 and
 * 2 (fewest 2s first), or, with `sizes`, DRAWS assignments drawn by it. The first point tried returns wins.
 */
function searchSmallPoints<T>(dims: readonly string[], tryPoint: (sizes: Map<string, number>, entries: Entries) => T | undefined, sizes?: () => Map<string, number>): T | undefined {
  const entries = (k: number): Entries => (k < (DRAWS * 3) / 4 ? 'integer' : 'positive integer');
  const assignments = sizes ? [sizes()] : smallSizes(dims);
  for (const s of assignments)
    for (let k = 0; k < DRAWS; k++) {
      const found = tryPoint(sizes && k > 0 ? sizes() : s, entries(k));
      if (found) return found;
    }
  return undefined;
}

/** A point where two sides of an equation (a step of a proof, a claim) differ, small and integer. */
export interface EqualityCounterexample {
  /** the indices, for lines that hold for any depth ("l=2,k=1") */
  readonly instance?: string;
  readonly sizes: Readonly<Record<string, number>>;
  readonly inputs: ReadonlyMap<string, Mat>;
  /** small integers, or the random point where the checker found the sides to differ (when no small one is found) */
  readonly entries: 'integer' | 'positive integer' | 'random';
  readonly left: Mat;
  readonly right: Mat;
}

/**
 * The smallest sizes (1 or 2 first) and small integer entries where `left` and `right` are finite and
 * differ. `assign` fixes symbols by an assumption (Y := W2W1X). Derivative operators in the sides are
 * evaluated by differences, so nothing here uses the engine.
 */
export function findEqualityCounterexample(input: {
  left: Expr;
  right: Expr;
  symbols: readonly SymNode[];
  dims: ReadonlySet<string>;
  seed: number;
  assign?: readonly (readonly [string, Expr])[];
  /** the declared dimension constraints (s <= d): small sizes that break one are skipped */
  constraints?: readonly DimConstraint[];
}): EqualityCounterexample | undefined {
  // at concrete indices, smallest depths first
  const instances = chooseInstances([input.left, input.right, ...assignRoots(input.assign)]);
  if (instances.length) {
    const bySize = [...instances].sort((a, b) => [...a.values.values()].reduce((x, y) => x + y, 0) - [...b.values.values()].reduce((x, y) => x + y, 0));
    for (const inst of bySize) {
      const { exprs: [left, right], ...scope } = atInstance(inst, [input.left, input.right], input.symbols, input.assign);
      const found = findEqualityCounterexample({ ...input, left, right, ...scope });
      if (found) return { ...found, instance: inst.label };
    }
    return undefined;
  }
  const rng = new Rng(input.seed);
  const used = new Set([...input.left.vars, ...input.right.vars]);
  const tryPoint = (sizes: Map<string, number>, entries: Entries): EqualityCounterexample | undefined => {
    const values = new Map<string, Mat>();
    for (const s of input.symbols) values.set(s.name, integerValue(s, sizes, rng, entries === 'positive integer'));
    try {
      for (const [name, e] of input.assign ?? []) values.set(name, new Evaluator({ sizes, values }).eval(e));
      const ev = new Evaluator({ sizes, values });
      const left = ev.eval(input.left), right = ev.eval(input.right);
      if (!finite(left) || !finite(right) || ev.kinkDistance < 1e-2) return undefined;
      // differences of a derivative operator carry ~1e-10 of noise: an integer point must differ by more
      if (left.rows === right.rows && left.cols === right.cols && frob(axpy(left, -1, right)) <= 1e-6 * Math.max(frob(left), frob(right), 1)) return undefined;
      return { sizes: Object.fromEntries(sizes), inputs: new Map([...values].filter(([n]) => used.has(n) || (input.assign ?? []).some(([a]) => a === n))), entries, left, right };
    } catch {
      return undefined;
    }
  };
  const allowed = (sizes: Map<string, number>) => (input.constraints ?? []).every((c) => satisfied(c, sizes));
  return searchSmallPoints([...input.dims].sort(), (sizes, entries) => (allowed(sizes) ? tryPoint(sizes, entries) : undefined));
}

/**
 * The derivative itself, entry by entry, by the kernel's finite differences: ∇_X f (the shape of X) for
 * gradients, ∇_{vec X} vec F ((mn)×(pq)) for vec-Jacobians. For a symmetric X the directions are
 * (E_ij + E_ji)/2, so the entries are those of the gradient on symmetric matrices, sym(G). NaN where the
 * differences give no estimate. Counterexamples show it, so that a person sees the true value without
 * trusting the engine.
 */
function derivativeByDifferences(f: Expr, variable: SymNode, kind: ClaimKind, point: Point): Mat {
  const at = new Evaluator(point);
  const X = at.valueOf(variable.name), fx = at.eval(f), scales = roundingScales(f, at);
  const sym = isSymmetricSymbol(variable);
  const out = kind === 'gradient' ? Mat.zeros(X.rows, X.cols) : Mat.zeros(X.data.length, fx.data.length);
  for (let j = 0; j < X.cols; j++)
    for (let i = 0; i < X.rows; i++) {
      const k = j * X.rows + i, E = unit(X, k);
      if (sym && i !== j) {
        E.data[k] = 0.5;
        E.data[i * X.rows + j] = 0.5;
      }
      const d = slope((t) => moved(at, [[variable.name, E, t]]).eval(f), scales)?.value ?? Mat.fill(fx.rows, fx.cols, NaN);
      if (kind === 'gradient') out.data[k] = d.data[0];
      else d.data.forEach((v, col) => (out.data[col * X.data.length + k] = v));
    }
  return out;
}
