// Dense float64 matrices, column-major (the same order as vec), and the operations the kernel itself
// needs. (Operators' own numerics — the inverse, the determinant, Kronecker products, spectral
// functions — live with the operators in src/ops/.)

export class Mat {
  constructor(readonly rows: number, readonly cols: number, readonly data: Float64Array) {
    if (data.length !== rows * cols) throw new Error(`Mat: ${data.length} entries for ${rows}×${cols}`);
  }
  static zeros(rows: number, cols: number): Mat {
    return new Mat(rows, cols, new Float64Array(rows * cols));
  }
  static scalar(v: number): Mat {
    return new Mat(1, 1, Float64Array.of(v));
  }
  static eye(n: number): Mat {
    const m = Mat.zeros(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }
  static fill(rows: number, cols: number, v: number): Mat {
    return new Mat(rows, cols, new Float64Array(rows * cols).fill(v));
  }
  /** From row-major nested arrays (how people write matrices). */
  static fromRows(rows: number[][]): Mat {
    const r = rows.length, c = r ? rows[0].length : 0;
    const m = Mat.zeros(r, c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.data[j * r + i] = rows[i][j];
    return m;
  }
  get(i: number, j: number): number {
    return this.data[j * this.rows + i];
  }
  isScalar(): boolean {
    return this.rows === 1 && this.cols === 1;
  }
  toRows(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const row: number[] = [];
      for (let j = 0; j < this.cols; j++) row.push(this.get(i, j));
      out.push(row);
    }
    return out;
  }
}

export function matmul(a: Mat, b: Mat): Mat {
  if (a.isScalar()) return scale(b, a.data[0]);
  if (b.isScalar()) return scale(a, b.data[0]);
  if (a.cols !== b.rows) throw new Error(`matmul ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const m = a.rows, n = b.cols, k = a.cols;
  const out = new Float64Array(m * n);
  const A = a.data, B = b.data;
  // column-major: out[:,j] += A[:,p] * B[p,j]
  for (let j = 0; j < n; j++) {
    const oj = j * m;
    for (let p = 0; p < k; p++) {
      const bpj = B[j * k + p];
      if (bpj === 0) continue;
      const ap = p * m;
      for (let i = 0; i < m; i++) out[oj + i] += A[ap + i] * bpj;
    }
  }
  return new Mat(m, n, out);
}

export function scale(a: Mat, s: number): Mat {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] * s;
  return new Mat(a.rows, a.cols, out);
}

export function add(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`add ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
  return new Mat(a.rows, a.cols, out);
}

/** a + s·b, for perturbing points along directions. */
export function axpy(a: Mat, s: number, b: Mat): Mat {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + s * b.data[i];
  return new Mat(a.rows, a.cols, out);
}

export function transpose(a: Mat): Mat {
  if (a.rows === 1 || a.cols === 1) return new Mat(a.cols, a.rows, a.data);
  const out = new Float64Array(a.data.length);
  const m = a.rows, n = a.cols;
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out[i * n + j] = a.data[j * m + i];
  return new Mat(n, m, out);
}

export function map(a: Mat, f: (x: number) => number): Mat {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i]);
  return new Mat(a.rows, a.cols, out);
}

export function zip(a: Mat, b: Mat, f: (x: number, y: number) => number): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`elementwise ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
  return new Mat(a.rows, a.cols, out);
}

export function dot(a: Mat, b: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

export function frob(a: Mat): number {
  return Math.sqrt(dot(a, a));
}

export function trace(a: Mat): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.rows, a.cols); i++) s += a.data[i * a.rows + i];
  return s;
}

/** Vector stacking columns: vec(A) is (mn)×1 in column-major order — the storage order already. */
export function vec(a: Mat): Mat {
  return new Mat(a.data.length, 1, a.data);
}

export function reshape(a: Mat, rows: number, cols: number): Mat {
  return new Mat(rows, cols, a.data);
}
