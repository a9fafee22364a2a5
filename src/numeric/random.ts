// Random instances: distinct, non-square sizes for distinct dimension symbols (so a transposition
// error cannot hide), and values that satisfy the declared properties.
import type { SymNode } from '../expr/ast.js';
import { dimValue } from '../expr/dim.js';
import { isSquare } from '../expr/shape.js';
import { add, Mat, matmul, reshape, scale, transpose } from './mat.js';
import { randomOrthogonal } from './linalg.js';

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

export type Entries = 'gaussian' | 'positive';

export function randomMatrix(rows: number, cols: number, rng: Rng, entries: Entries = 'gaussian'): Mat {
  const m = Mat.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = entries === 'positive' ? 0.5 + rng.next() : rng.normal();
  return m;
}

/**
 * A value for a declared symbol. Square matrices are kept well conditioned (B/(2√n) + I), so inverses and
 * log-determinants are safe to difference; spd is BBᵀ/n + I; symmetric is (B + Bᵀ)/2.
 */
export function randomValue(s: SymNode, sizes: ReadonlyMap<string, number>, rng: Rng, entries: Entries = 'gaussian'): Mat {
  const rows = dimValue(s.shape.rows, sizes), cols = dimValue(s.shape.cols, sizes);
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
  if (s.props.has('orthogonal')) return randomOrthogonal(rows, cols, () => rng.normal());
  if (s.props.has('unit')) return reshape(randomOrthogonal(rows * cols, 1, () => rng.normal()), rows, cols);
  if (s.props.has('stochastic')) {
    // columns of positive weights summing to one (a distribution over the rows, as soft labels are)
    const m = randomMatrix(rows, cols, rng, 'positive');
    for (let j = 0; j < cols; j++) {
      const col = m.data.subarray(j * rows, (j + 1) * rows);
      const total = col.reduce((a, b) => a + b, 0);
      for (let i = 0; i < rows; i++) col[i] /= total;
    }
    return m;
  }
  const B = randomMatrix(rows, cols, rng, entries);
  if (s.props.has('spd')) return add(scale(matmul(B, transpose(B)), 1 / rows), Mat.eye(rows));
  if (s.props.has('symmetric')) return scale(add(B, transpose(B)), 0.5);
  if (isSquare(s.shape) && rows > 1 && entries === 'gaussian') return add(scale(B, 1 / (2 * Math.sqrt(rows))), Mat.eye(rows));
  return B;
}

/** A random direction in the tangent space of the symbol: symmetric for symmetric/spd variables. */
export function randomDirection(s: SymNode, sizes: ReadonlyMap<string, number>, rng: Rng): Mat {
  const rows = dimValue(s.shape.rows, sizes), cols = dimValue(s.shape.cols, sizes);
  const B = randomMatrix(rows, cols, rng);
  return s.props.has('symmetric') || s.props.has('spd') ? scale(add(B, transpose(B)), 0.5) : B;
}
