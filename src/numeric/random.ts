// Random values: a seedable generator, and a value for a declared symbol that satisfies its properties
// (orthonormal columns by Gram–Schmidt among them).
// Which sizes and which entries to draw, and when a point is good enough, is the sampler's business
// (src/check/sample.ts).
import { isSymmetricSymbol, type SymNode } from '../expr/ast.js';
import { dimValue } from '../expr/dim.js';
import { isSquare } from '../expr/shape.js';
import { add, Mat, matmul, reshape, scale, transpose } from './mat.js';

/** mulberry32: small, fast, seedable — every check is reproducible from its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

/** Distinct sizes ≥ 2 for the dimension symbols, from a small pool so instances stay cheap. */
export function randomSizes(dims: Iterable<string>, rng: Rng, smallest = 2): Map<string, number> {
  const names = [...dims].sort();
  const pool = rng.shuffle(Array.from({ length: Math.max(5, names.length) }, (_, i) => smallest + i));
  return new Map(names.map((d, i) => [d, pool[i]]));
}

/** How to draw entries: standard Gaussian, or uniform in [0.5, 1.5) (positive); then times `scale`. */
export interface Draw {
  readonly positive: boolean;
  readonly scale: number;
}

export const GAUSSIAN: Draw = { positive: false, scale: 1 };
export const POSITIVE: Draw = { positive: true, scale: 1 };

export type Entries = 'gaussian' | 'positive';

export function randomMatrix(rows: number, cols: number, rng: Rng, positive = false): Mat {
  const m = Mat.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = positive ? 0.5 + rng.next() : rng.normal();
  return m;
}

/**
 * A value for a declared symbol, with B drawn as `draw` says: spd is BBᵀ/n + I; symmetric is (B + Bᵀ)/2;
 * any other square matrix B/(2√n) + I, well conditioned so that inverses and log-determinants are safe to
 * difference; a mask has entries in {0, 1}; a `positive` symbol always has positive entries. Then the
 * value is multiplied by draw.scale. Orthogonal (QᵀQ = I) and unit (‖x‖ = 1) values are Haar-random,
 * stochastic ones have positive columns that sum to one; these keep their normalisation.
 */
export function randomValue(s: SymNode, sizes: ReadonlyMap<string, number>, rng: Rng, draw: Draw | Entries = GAUSSIAN): Mat {
  const rows = dimValue(s.shape.rows, sizes), cols = dimValue(s.shape.cols, sizes);
  const d = typeof draw === 'string' ? (draw === 'positive' ? POSITIVE : GAUSSIAN) : draw;
  if (s.props.has('mask')) {
    // a sampling pattern: each entry observed with probability 0.6, symmetric when declared so
    const m = Mat.zeros(rows, cols);
    for (let j = 0; j < cols; j++)
      for (let i = 0; i < rows; i++) {
        if (s.props.has('symmetric') && i > j) continue;
        const v = rng.next() < 0.6 ? 1 : 0;
        m.data[j * rows + i] = v;
        if (s.props.has('symmetric')) m.data[i * rows + j] = v;
      }
    return m;
  }
  // orthogonal, unit and stochastic values are normalised: they are neither made positive nor rescaled
  if (s.props.has('orthogonal')) return randomOrthogonal(rows, cols, () => rng.normal());
  if (s.props.has('unit')) return reshape(randomOrthogonal(rows * cols, 1, () => rng.normal()), rows, cols);
  if (s.props.has('stochastic')) {
    // columns of positive weights summing to one (a distribution over the rows, as soft labels are)
    const m = randomMatrix(rows, cols, rng, true);
    for (let j = 0; j < cols; j++) {
      const col = m.data.subarray(j * rows, (j + 1) * rows);
      const total = col.reduce((a, b) => a + b, 0);
      for (let i = 0; i < rows; i++) col[i] /= total;
    }
    return m;
  }
  const B = randomMatrix(rows, cols, rng, d.positive || s.props.has('positive'));
  let value = B;
  if (s.props.has('spd')) value = add(scale(matmul(B, transpose(B)), 1 / rows), Mat.eye(rows));
  else if (s.props.has('symmetric')) value = scale(add(B, transpose(B)), 0.5);
  else if (isSquare(s.shape) && rows > 1) value = add(scale(B, 1 / (2 * Math.sqrt(rows))), Mat.eye(rows));
  return d.scale === 1 ? value : scale(value, d.scale);
}

/** A random direction in the tangent space of the symbol: symmetric for symmetric and spd variables. */
export function randomDirection(s: SymNode, sizes: ReadonlyMap<string, number>, rng: Rng): Mat {
  const rows = dimValue(s.shape.rows, sizes), cols = dimValue(s.shape.cols, sizes);
  const B = randomMatrix(rows, cols, rng, false);
  return isSymmetricSymbol(s) ? scale(add(B, transpose(B)), 0.5) : B;
}

/**
 * The orthonormal factor of B by Gram–Schmidt (twice, for accuracy): Q with orthonormal columns spanning
 * those of a tall B (QR with a positive diagonal R), orthonormal rows for a wide one. NaN columns where B
 * is rank-deficient (no such Q there).
 */
export function orthonormalise(B: Mat): Mat {
  if (B.rows < B.cols) return transpose(orthonormalise(transpose(B)));
  const q = new Mat(B.rows, B.cols, Float64Array.from(B.data));
  const m = q.rows;
  for (let j = 0; j < q.cols; j++) {
    const w = q.data.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++)
      for (let c = 0; c < j; c++) {
        const u = q.data.subarray(c * m, (c + 1) * m);
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i] * w[i];
        for (let i = 0; i < m; i++) w[i] -= d * u[i];
      }
    const nw = Math.hypot(...w);
    for (let i = 0; i < m; i++) w[i] = nw > 1e-8 * (1 + Math.hypot(...B.data.subarray(j * m, (j + 1) * m))) ? w[i] / nw : NaN;
  }
  return q;
}

/**
 * A random matrix with orthonormal columns (rows × cols, rows ≥ cols) or orthonormal rows (rows < cols),
 * Haar-distributed: Gram–Schmidt of a Gaussian matrix (the QR factor with a positive diagonal R).
 */
export function randomOrthogonal(rows: number, cols: number, normal: () => number): Mat {
  for (;;) {
    const B = Mat.zeros(rows, cols);
    for (let i = 0; i < B.data.length; i++) B.data[i] = normal();
    const q = orthonormalise(B);
    if (q.data.every(Number.isFinite)) return q; // a (practically impossible) dependent draw: start again
  }
}
