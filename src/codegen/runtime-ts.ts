// The run-time library of the TypeScript target: small column-major Float64Array kernels, copied into
// each generated module as needed (only the helpers the module uses, with what they use), so the module
// has no dependencies. Operators name the helpers in their `emit.ts` hooks (src/ops/*). Here are the
// ones several operators share (matrices, products, maps, transposes, dot products, the LU factorisation,
// the Hessian's blocks); a helper of one operator is in its module (`helpers.ts`). `mm` is the loop of
// src/ops/kernels.ts's gemm, kept as text here because the module must stand alone.
import { operatorHelper, type TsHelper } from '../ops/registry.js';

export const TS_HELPERS: Readonly<Record<string, TsHelper>> = {
  mat: {
    source: `function mat(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}`,
  },
  read: {
    source: `/** The arguments, checked against the declared shapes (a Float64Array is taken as a column). */
function read(vars: Record<string, unknown>, shapes: Record<string, readonly string[]>): Record<string, Matrix | number> {
  const out: Record<string, Matrix | number> = {};
  const dims = new Map<string, number>();
  for (const [name, spec] of Object.entries(shapes)) {
    const v = vars[name];
    if (v === undefined) throw new TypeError(\`missing argument \${name}\`);
    if (spec.length === 0) {
      const x = typeof v === 'number' ? v : (v as Matrix).data?.length === 1 ? (v as Matrix).data[0] : NaN;
      if (Number.isNaN(x) && typeof v !== 'number') throw new TypeError(\`\${name} is declared scalar: pass a number\`);
      out[name] = x;
      continue;
    }
    const m = v instanceof Float64Array ? { rows: v.length, cols: 1, data: v } : (v as Matrix);
    if (!(m?.data instanceof Float64Array) || m.data.length !== m.rows * m.cols)
      throw new TypeError(\`\${name} must be { rows, cols, data: Float64Array } (column-major, data.length = rows·cols)\`);
    [m.rows, m.cols].forEach((size, i) => {
      if (/^[A-Za-z_]\\w*$/.test(spec[i]) && !dims.has(spec[i])) dims.set(spec[i], size);
    });
    out[name] = m;
  }
  const size = (d: string) => d.split('*').reduce((p, f) => p * (/^\\d+$/.test(f) ? Number(f) : dims.get(f) ?? NaN), 1);
  for (const [name, spec] of Object.entries(shapes)) {
    if (spec.length === 0) continue;
    const m = out[name] as Matrix;
    if (m.rows !== size(spec[0]) || m.cols !== size(spec[1]))
      throw new RangeError(\`\${name} is \${m.rows}×\${m.cols} but is declared \${spec[0]}×\${spec[1]} (\${[...dims].map(([d, n]) => d + ' = ' + n).join(', ')})\`);
  }
  return out;
}`,
  },
  mm: {
    deps: ['mat', 'transpose'],
    source: `/** op(A)·op(B), where op transposes when ta / tb is set. */
function mm(a: Matrix, b: Matrix, ta = false, tb = false): Matrix {
  // a transposed A is copied: m·k moves against m·n·k multiply-adds, and column updates are the fast loop
  if (ta) a = transpose(a);
  const m = a.rows, k = a.cols, n = tb ? b.rows : b.cols;
  if ((tb ? b.cols : b.rows) !== k) throw new RangeError(\`product of \${m}×\${k} and \${tb ? b.cols : b.rows}×\${n}\`);
  const out = mat(m, n), C = out.data, A = a.data, B = b.data, lda = m, ldb = b.rows;
  const si = tb ? ldb : 1, sj = tb ? 1 : ldb; // op(B)[p, j] = B[p * si + j * sj]
  // C[:, j] += A[:, p] op(B)[p, j], two columns of C per pass over four columns of A
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o0 = j * m, o1 = o0 + m, c0 = j * sj, c1 = c0 + sj;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const q0 = p * si, q1 = q0 + si, q2 = q1 + si, q3 = q2 + si;
      const b00 = B[c0 + q0], b01 = B[c0 + q1], b02 = B[c0 + q2], b03 = B[c0 + q3];
      const b10 = B[c1 + q0], b11 = B[c1 + q1], b12 = B[c1 + q2], b13 = B[c1 + q3];
      const a0 = p * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let i = 0; i < m; i++) {
        const x0 = A[a0 + i], x1 = A[a1 + i], x2 = A[a2 + i], x3 = A[a3 + i];
        C[o0 + i] += x0 * b00 + x1 * b01 + x2 * b02 + x3 * b03;
        C[o1 + i] += x0 * b10 + x1 * b11 + x2 * b12 + x3 * b13;
      }
    }
    for (; p < k; p++) {
      const b0 = B[c0 + p * si], b1 = B[c1 + p * si], ap = p * lda;
      for (let i = 0; i < m; i++) {
        const x = A[ap + i];
        C[o0 + i] += x * b0;
        C[o1 + i] += x * b1;
      }
    }
  }
  if (j < n) {
    // the last column of an odd n
    const oj = j * m, bj = j * sj;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const b0 = B[bj + p * si], b1 = B[bj + (p + 1) * si], b2 = B[bj + (p + 2) * si], b3 = B[bj + (p + 3) * si];
      const a0 = p * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let i = 0; i < m; i++) C[oj + i] += A[a0 + i] * b0 + A[a1 + i] * b1 + A[a2 + i] * b2 + A[a3 + i] * b3;
    }
    for (; p < k; p++) {
      const bpj = B[bj + p * si], ap = p * lda;
      for (let i = 0; i < m; i++) C[oj + i] += A[ap + i] * bpj;
    }
  }
  return out;
}`,
  },
  map: {
    deps: ['mat'],
    source: `function map(a: Matrix, f: (x: number) => number): Matrix {
  const out = mat(a.rows, a.cols), o = out.data, x = a.data;
  for (let i = 0; i < o.length; i++) o[i] = f(x[i]);
  return out;
}`,
  },
  transpose: {
    deps: ['mat'],
    source: `function transpose(a: Matrix): Matrix {
  if (a.rows === 1 || a.cols === 1) return { rows: a.cols, cols: a.rows, data: a.data };
  const out = mat(a.cols, a.rows), o = out.data, x = a.data, m = a.rows;
  for (let j = 0; j < a.cols; j++) for (let i = 0; i < m; i++) o[i * a.cols + j] = x[j * m + i];
  return out;
}`,
  },
  dot: {
    source: `/** ⟨A, B⟩ = Σ a_ij b_ij. */
function dot(a: Matrix, b: Matrix): number {
  let s = 0;
  const x = a.data, y = b.data;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}`,
  },
  lu: {
    source: `/** LU with partial pivoting of a copy of A: the factors in place, the row permutation, its sign. */
function lu(a: Matrix): { lu: Float64Array; perm: Int32Array; sign: number } {
  const n = a.rows, L = Float64Array.from(a.data), perm = new Int32Array(n);
  let sign = 1;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(L[k * n + i]) > Math.abs(L[k * n + p])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [L[j * n + k], L[j * n + p]] = [L[j * n + p], L[j * n + k]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    const d = L[k * n + k];
    if (d === 0) continue;
    for (let i = k + 1; i < n; i++) L[k * n + i] /= d;
    for (let j = k + 1; j < n; j++) {
      const u = L[j * n + k];
      if (u !== 0) for (let i = k + 1; i < n; i++) L[j * n + i] -= L[k * n + i] * u;
    }
  }
  return { lu: L, perm, sign };
}`,
  },
  blocks: {
    deps: ['mat'],
    source: `/** The matrix made of the rows of blocks (a number is a 1×1 block): the full Hessian. */
function blocks(rows: (Matrix | number)[][]): Matrix {
  const m = (b: Matrix | number): Matrix => (typeof b === 'number' ? { rows: 1, cols: 1, data: Float64Array.of(b) } : b);
  const R = rows.reduce<number>((s, row) => s + m(row[0]).rows, 0), C = rows[0].reduce<number>((s, b) => s + m(b).cols, 0), out = mat(R, C);
  let r0 = 0;
  for (const row of rows) {
    let c0 = 0;
    for (const b of row.map(m)) {
      for (let j = 0; j < b.cols; j++) out.data.set(b.data.subarray(j * b.rows, (j + 1) * b.rows), (c0 + j) * R + r0);
      c0 += b.cols;
    }
    r0 += m(row[0]).rows;
  }
  return out;
}`,
  },
};

/** A helper by name: one of the generic ones above, or one an operator module provides (src/ops/*, `helpers.ts`). */
export function tsHelper(name: string): TsHelper | undefined {
  return TS_HELPERS[name] ?? operatorHelper('ts', name);
}

/** The helpers' sources with everything they use, in a stable order (the generic ones first). */
export function tsRuntime(used: Iterable<string>): string {
  const all: string[] = [];
  const visit = (name: string) => {
    if (all.includes(name)) return;
    const h = tsHelper(name);
    if (!h) throw new Error(`internal: no TypeScript helper ${name}`);
    all.push(name);
    h.deps?.forEach(visit);
  };
  [...used].sort().forEach(visit);
  const generic = Object.keys(TS_HELPERS).filter((n) => all.includes(n));
  const others = all.filter((n) => !(n in TS_HELPERS)).sort();
  return [...generic, ...others].map((n) => tsHelper(n)!.source).join('\n\n');
}
