// unvec(v, m, n): the m×n matrix whose vec is v (the inverse of vec; appears when a gradient is
// identified through vec).
import { isOp, type Expr } from '../expr/ast.js';
import { eye, unvec, vec } from '../expr/build.js';
import { dimEq, dimLatex, dimMul, dimKey, isOne, type Dim } from '../expr/dim.js';
import { ShapeError } from '../expr/errors.js';
import { shape, shapeText } from '../expr/shape.js';
import { reshape } from '../numeric/mat.js';
import { toText } from './print.js';
import { CODE_PREC, PREC, register } from './registry.js';
import { delimit } from './delimiters.js';

register({
  name: 'unvec',
  helpers: {
    ts: {
      reshape: {
        source: `function reshape(a: Matrix, rows: number, cols: number): Matrix {
  return { rows, cols, data: a.data };
}`,
      },
    },
  },
  rules: `
rule d-unvec
  says: d unvec(x) = unvec(dx)
  lhs: diff(unvec(x, m, n), x, v)
  rhs: unvec(v, m, n)
  where: x: m*n; v: m*n
  cite: Magnus & Neudecker (2019), ch. 8, Table 1 (vec is linear)
`,
  functions: [{ name: 'unvec', args: ['expr', 'dim', 'dim'], build: ([v, m, n]) => unvec(v as Expr, m as Dim, n as Dim), help: 'unvec(v, m, n): the m×n matrix whose vec is v', doc: { usage: '`unvec(v, m, n)`', meaning: 'the m×n matrix whose vec is v', rules: 'v a column of length mn; m, n dimensions' } }],
  precedence: PREC.atom,
  shape(args, attrs) {
    const [m, n] = attrs.dims!;
    const s = args[0].shape;
    if (!isOne(s.cols) || !dimEq(s.rows, dimMul(m, n)))
      throw new ShapeError(`shape mismatch in unvec: ${toText(args[0])} is ${shapeText(s)}; unvec(v, ${dimKey(m)}, ${dimKey(n)}) needs a column of length ${dimKey(dimMul(m, n))}`);
    return shape(m, n);
  },
  differential(node, d) {
    const da = d(node.args[0]);
    return da && unvec(da, node.attrs.dims![0], node.attrs.dims![1]);
  },
  adjoint: (_n, _i, U) => vec(U),
  vecLinear: (node) => eye(node.args[0].shape.rows),
  evaluate: (n, [a], ctx) => reshape(a, ctx.size(n.attrs.dims![0]), ctx.size(n.attrs.dims![1])),
  text: (n, p) => `unvec(${p(n.args[0])}, ${dimKey(n.attrs.dims![0])}, ${dimKey(n.attrs.dims![1])})`,
  latex: (n, p) => `\\operatorname{vec}^{-1}_{${dimLatex(n.attrs.dims![0])}\\times ${dimLatex(n.attrs.dims![1])}}${delimit(p(n.args[0]))}`,
  emit: {
    numpy: (n, c) => `${c.code(n.args[0], CODE_PREC.atom)}.reshape(${c.dim(n.attrs.dims![0])}, ${c.dim(n.attrs.dims![1])}, order='F')`,
    torch: (n, c) => `${c.code(n.args[0], CODE_PREC.atom)}.reshape(${c.dim(n.attrs.dims![1])}, ${c.dim(n.attrs.dims![0])}).T`,
    ts: (n, c) => `${c.helper('reshape')}(${c.code(n.args[0])}, ${c.dim(n.attrs.dims![0])}, ${c.dim(n.attrs.dims![1])})`,
  },
  kernel: (node) => ({ inputs: [node.args[0]], alias: 0, run() {} }),
  simplify(node) {
    const [a] = node.args;
    if (isOp(a, 'vec') && dimEq(a.args[0].shape.rows, node.attrs.dims![0])) return a.args[0];
    if (isOne(node.attrs.dims![1])) return a;
    return node;
  },
});
