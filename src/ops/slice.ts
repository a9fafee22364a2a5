// Blocks of columns and of rows: cols(A, i, j) = A_{:, i:j} and rows(A, i, j) = A_{i:j, :} (1-based,
// inclusive), with bounds that may be dimension symbols — cols(U, 1, r), the top-r eigenvectors. Both are
// linear: with E = cols(I_n, i, j), the n×(j−i+1) selection matrix, cols(A, i, j) = A E and
// rows(A, i, j) = Eᵀ A, which gives the differential, the adjoint and the vec form.
import { isOp, op, type Expr, type OpNode } from '../expr/ast.js';
import { eye, kron, mul, slice, T } from '../expr/build.js';
import { Dim, ONE, dimEq, dimLatex, dimNum, dimText, isOne } from '../expr/dim.js';
import { ShapeError } from '../expr/errors.js';
import { shape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { CODE_PREC, PREC, register, type EmitFn } from './registry.js';

type Axis = 'cols' | 'rows';

const axisOf = (node: OpNode): Axis => node.attrs.fn as Axis;
const bounds = (node: OpNode): [Dim, Dim] => [node.attrs.dims![0], node.attrs.dims![1]];

/** j − i + 1 as a dimension, when it is one: i = 1 (then j), i = j (then 1), or both integers. */
export function blockLength(i: Dim, j: Dim): Dim | undefined {
  if (isOne(i)) return j;
  if (dimEq(i, j)) return ONE;
  if (i.syms.length === 0 && j.syms.length === 0 && j.coef >= i.coef) return dimNum(j.coef - i.coef + 1);
  return undefined;
}

/** The block along `axis` of an operand with `extent` entries along it. */
function checkBounds(axis: Axis, a: Expr, i: Dim, j: Dim): Dim {
  const what = `${axis}(…, ${dimText(i)}, ${dimText(j)})`;
  const len = blockLength(i, j);
  if (!len)
    throw new ShapeError(`${what}: the block has ${dimText(j)} − ${i.syms.length === 0 ? i.coef - 1 : `${dimText(i)} + 1`} ${axis === 'cols' ? 'columns' : 'rows'}, which is not a dimension matcalc can name (dimensions are products of symbols); start the block at 1, end it where it starts, or use integer bounds`);
  const extent = axis === 'cols' ? a.shape.cols : a.shape.rows;
  if (j.syms.length === 0 && extent.syms.length === 0 && j.coef > extent.coef)
    throw new ShapeError(`${what}: the operand has only ${extent.coef} ${axis === 'cols' ? 'columns' : 'rows'}`);
  if (dimEq(i, extent) && !dimEq(i, j)) throw new ShapeError(`${what}: the block starts at the last ${axis === 'cols' ? 'column' : 'row'} and ends after it`);
  return len;
}

/** E = cols(I_n, i, j): the selection matrix with A E = cols(A, i, j). */
export function selection(n: Dim, i: Dim, j: Dim): Expr {
  return op('slice', [eye(n)], { fn: 'cols', dims: [i, j] });
}

const subscript = (node: OpNode, latex: boolean) => {
  const [i, j] = bounds(node);
  const d = latex ? dimLatex : (x: Dim) => dimText(x).replace(/·/g, '*');
  return dimEq(i, j) ? d(i) : `${d(i)}${latex ? '{:}' : ':'}${d(j)}`;
};

const emitPython: EmitFn = (n, c) => {
  const [i, j] = bounds(n);
  const r = `${c.dim(i)} - 1:${c.dim(j)}`;
  return `${c.code(n.args[0], CODE_PREC.atom)}[${axisOf(n) === 'cols' ? `:, ${r}` : `${r}, :`}]`;
};

register({
  name: 'slice',
  rules: `
rule d-cols
  says: d cols(X, i, j) = cols(dX, i, j) (a block of columns is linear)
  lhs: diff(cols(X, 2, 3), X, V)
  rhs: cols(V, 2, 3)
  where: X: m x 4; V: m x 4
  cite: Magnus & Neudecker (2019), ch. 8, Table 1 (linear maps)

rule d-rows
  says: d rows(X, i, j) = rows(dX, i, j)
  lhs: diff(rows(X, 1, 2), X, V)
  rhs: rows(V, 1, 2)
  where: X: 3 x n; V: 3 x n
  cite: Magnus & Neudecker (2019), ch. 8, Table 1 (linear maps)
`,
  functions: (['cols', 'rows'] as const).map((axis) => ({
    name: axis, args: ['expr', 'dim', 'dim'] as const, build: ([a, i, j]: readonly unknown[]) => slice(axis, a as Expr, i as Dim, j as Dim),
    help: axis === 'cols' ? 'cols(A, i, j): columns i..j of A (1-based, inclusive; the bounds may be dimensions, as in cols(U, 1, r))' : 'rows(A, i, j): rows i..j of A (1-based, inclusive)',
    doc: axis === 'cols'
      ? { usage: '`cols(A, i, j)`', meaning: 'columns i to j of A (1-based, inclusive), A_{:, i:j}', table: 'blocks' as const }
      : { usage: '`rows(A, i, j)`', meaning: 'rows i to j, A_{i:j, :}', table: 'blocks' as const },
  })),
  precedence: PREC.atom,
  shape([a], attrs) {
    const axis = attrs.fn as Axis;
    const [i, j] = attrs.dims!;
    const len = checkBounds(axis, a, i, j);
    return axis === 'cols' ? shape(a.shape.rows, len) : shape(len, a.shape.cols);
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && op('slice', [da], node.attrs);
  },
  // ⟨U, A E⟩ = ⟨U Eᵀ, A⟩ and ⟨U, Eᵀ A⟩ = ⟨E U, A⟩
  adjoint(node, _i, U) {
    const [i, j] = bounds(node);
    const a = node.args[0];
    return axisOf(node) === 'cols' ? mul(U, T(selection(a.shape.cols, i, j))) : mul(selection(a.shape.rows, i, j), U);
  },
  // vec(A E) = (Eᵀ ⊗ I) vec A, vec(Eᵀ A) = (I ⊗ Eᵀ) vec A
  vecLinear(node) {
    const [i, j] = bounds(node);
    const a = node.args[0];
    return axisOf(node) === 'cols' ? kron(T(selection(a.shape.cols, i, j)), eye(a.shape.rows)) : kron(eye(a.shape.cols), T(selection(a.shape.rows, i, j)));
  },
  evaluate(node, [a], ctx) {
    const [i, j] = bounds(node).map((d) => ctx.size(d));
    const extent = axisOf(node) === 'cols' ? a.cols : a.rows;
    const len = j - i + 1;
    // out of range at these sizes (a constraint such as r <= n not declared): undefined, not evidence
    if (!(i >= 1 && j <= extent && len >= 1)) return Mat.fill(axisOf(node) === 'cols' ? a.rows : Math.max(len, 1), axisOf(node) === 'cols' ? Math.max(len, 1) : a.cols, NaN);
    if (axisOf(node) === 'cols') return new Mat(a.rows, len, a.data.slice((i - 1) * a.rows, j * a.rows));
    const out = Mat.zeros(len, a.cols);
    for (let c = 0; c < a.cols; c++) for (let r = 0; r < len; r++) out.data[c * len + r] = a.data[c * a.rows + i - 1 + r];
    return out;
  },
  text: (node, p) => `${axisOf(node)}(${p(node.args[0])}, ${bounds(node).map((d) => dimText(d).replace(/·/g, '*')).join(', ')})`,
  latex: (node, p) => `{${p(node.args[0], PREC.atom)}}_{${axisOf(node) === 'cols' ? `:,${subscript(node, true)}` : `${subscript(node, true)},:`}}`,
  simplify(node) {
    const [a] = node.args;
    const [i, j] = bounds(node);
    const extent = axisOf(node) === 'cols' ? a.shape.cols : a.shape.rows;
    if (isOne(i) && dimEq(j, extent)) return a; // the whole matrix
    // cols(Aᵀ) = rows(A)ᵀ: keep the transpose outside
    if (isOp(a, 'transpose')) return T(op('slice', [a.args[0]], { fn: axisOf(node) === 'cols' ? 'rows' : 'cols', dims: [i, j] }));
    return node;
  },
  emit: {
    numpy: emitPython,
    torch: emitPython,
    ts: (n, c) => {
      const [i, j] = bounds(n);
      return `${c.helper(axisOf(n) === 'cols' ? 'colsOf' : 'rowsOf')}(${c.code(n.args[0])}, ${c.dim(i)}, ${c.dim(j)})`;
    },
  },
  helpers: {
    ts: {
      colsOf: {
        deps: ['mat'],
        source: `/** Columns i..j of A (1-based, inclusive). */
function colsOf(a: Matrix, i: number, j: number): Matrix {
  const out = mat(a.rows, j - i + 1);
  out.data.set(a.data.subarray((i - 1) * a.rows, j * a.rows));
  return out;
}`,
      },
      rowsOf: {
        deps: ['mat'],
        source: `/** Rows i..j of A (1-based, inclusive). */
function rowsOf(a: Matrix, i: number, j: number): Matrix {
  const m = j - i + 1, out = mat(m, a.cols);
  for (let c = 0; c < a.cols; c++) out.data.set(a.data.subarray(c * a.rows + i - 1, c * a.rows + j), c * m);
  return out;
}`,
      },
    },
  },
});
