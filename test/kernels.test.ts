// The matrix-product kernels against the definition: the compiled evaluator's gemm (src/ops/kernels.ts)
// and the TypeScript target's `mm` (src/codegen/runtime-ts.ts, a text copy of the same loop), on random
// shapes that exercise every remainder (odd column counts, inner sizes not divisible by four) and every
// transposition, with leading dimensions larger than the rows (a column block of a bigger buffer).
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tsRuntime } from '../src/codegen/runtime-ts.js';
import { gemm } from '../src/ops/kernels.js';

interface Case { m: number; n: number; k: number; ta: boolean; tb: boolean; padA: number; padB: number; seed: number }

const arbCase = fc.record({
  m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 11 }),
  ta: fc.boolean(), tb: fc.boolean(), padA: fc.integer({ min: 0, max: 3 }), padB: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

function randomArray(len: number, seed: number): Float64Array {
  let s = seed;
  // non-integers, so that a dropped or doubled term cannot cancel
  return Float64Array.from({ length: len }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1 + 1 / 7);
}

/** op(A)[i, p] and op(B)[p, j] read straight from the definition of the column-major layout. */
function reference(c: Case, A: Float64Array, B: Float64Array, lda: number, ldb: number): Float64Array {
  const C = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++)
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) s += (c.ta ? A[i * lda + p] : A[p * lda + i]) * (c.tb ? B[p * ldb + j] : B[j * ldb + p]);
      C[j * c.m + i] = s;
    }
  return C;
}

function operands(c: Case) {
  // A is stored k×m when transposed (m×k otherwise), with padA extra rows; likewise B
  const [aRows, aCols] = c.ta ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.tb ? [c.n, c.k] : [c.k, c.n];
  const lda = aRows + c.padA, ldb = bRows + c.padB;
  return { A: randomArray(lda * aCols, c.seed), B: randomArray(ldb * bCols, c.seed + 1), lda, ldb, aRows, aCols, bRows, bCols };
}

const close = (x: Float64Array, y: Float64Array) => x.every((v, i) => Math.abs(v - y[i]) <= 1e-12 * (1 + Math.abs(y[i])));

describe('matrix-product kernels', () => {
  it('gemm equals the definition, for every shape remainder and transposition', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { A, B, lda, ldb } = operands(c);
        const C = new Float64Array(c.m * c.n).fill(Number.NaN); // gemm overwrites C
        gemm(C, A, B, c.m, c.n, c.k, lda, ldb, c.ta, c.tb);
        expect(close(C, reference(c, A, B, lda, ldb))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("the TypeScript target's mm equals the definition", () => {
    const js = ts.transpileModule(`${tsRuntime(['mm'])}\nreturn mm;`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    type M = { rows: number; cols: number; data: Float64Array };
    const mm = new Function(js)() as (a: M, b: M, ta: boolean, tb: boolean) => M;
    fc.assert(
      fc.property(arbCase, (c) => {
        // the generated modules' matrices are dense: no padding
        const d = { ...c, padA: 0, padB: 0 };
        const { A, B, lda, ldb, aRows, aCols, bRows, bCols } = operands(d);
        const out = mm({ rows: aRows, cols: aCols, data: A }, { rows: bRows, cols: bCols, data: B }, c.ta, c.tb);
        expect([out.rows, out.cols]).toEqual([c.m, c.n]);
        expect(close(out.data, reference(d, A, B, lda, ldb))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
