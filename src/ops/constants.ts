// Constant matrices: eye(n), zeros(m,n), ones(m,n), and dimval(d), a dimension used as a number (tr(I_n) = n).
import { dimEq, dimLatex, dimKey, type Dim } from '../expr/dim.js';
import { shape, SCALAR } from '../expr/shape.js';
import { dimval, eye, ones, zeros } from '../expr/build.js';
import { Mat } from '../numeric/mat.js';
import type { OpNode } from '../expr/ast.js';
import { PREC, register, type EmitContext, type EmitFn, type OpDef } from './registry.js';

const constant = { precedence: PREC.atom, differential: () => null } as const;

/** zeros(m, n) and ones(m, n) in each target. */
function filled(v: 0 | 1): OpDef['emit'] {
  const name = v === 0 ? 'zeros' : 'ones';
  const size = (n: OpNode, c: EmitContext) => `${c.dim(n.attrs.dims![0])}, ${c.dim(n.attrs.dims![1])}`;
  return {
    numpy: (n, c) => `np.${name}((${size(n, c)}))`,
    torch: (n, c) => `torch.${name}(${size(n, c)}, dtype=torch.float64)`,
    ts: (n, c) => (v === 0 ? `${c.helper('mat')}(${size(n, c)})` : `${c.helper('fill')}(${size(n, c)}, 1)`),
  };
}

const dimCode: EmitFn = (n, c) => c.dim(n.attrs.dims![0]);

register({
  ...constant,
  name: 'eye',
  helpers: {
    ts: {
      eye: {
        deps: ['mat'],
        source: `function eye(n: number): Matrix {
  const out = mat(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}`,
      },
    },
  },
  functions: [{ name: 'eye', args: ['dim'], build: ([n]) => eye(n as Dim), help: 'eye(n): identity', word: true, doc: { usage: '`eye(n)`', meaning: 'identity n×n', rules: 'n a dimension' } }],
  shape: (_a, at) => shape(at.dims![0], at.dims![0]),
  evaluate: (n, _a, ctx) => Mat.eye(ctx.size(n.attrs.dims![0])),
  text: (n) => `eye(${dimKey(n.attrs.dims![0])})`,
  latex: () => '\\boldsymbol{I}',
  emit: {
    numpy: (n, c) => `np.eye(${c.dim(n.attrs.dims![0])})`,
    torch: (n, c) => `torch.eye(${c.dim(n.attrs.dims![0])}, dtype=torch.float64)`,
    ts: (n, c) => `${c.helper('eye')}(${c.dim(n.attrs.dims![0])})`,
  },
  transpose: (n) => n,
});

register({
  ...constant,
  name: 'zeros',
  functions: [{ name: 'zeros', args: ['dim', 'dim'], build: ([m, n]) => zeros(m as Dim, n as Dim), help: 'zeros(m, n)', word: true, doc: { usage: '`zeros(m, n)`', meaning: 'the m×n zero matrix', rules: 'm, n dimensions' } }],
  shape: (_a, at) => shape(at.dims![0], at.dims![1]),
  evaluate: (n, _a, ctx) => Mat.zeros(ctx.size(n.attrs.dims![0]), ctx.size(n.attrs.dims![1])),
  text: (n) => `zeros(${dimKey(n.attrs.dims![0])}, ${dimKey(n.attrs.dims![1])})`,
  latex: () => '\\boldsymbol{0}',
  emit: filled(0),
  transpose: (n) => zeros(n.attrs.dims![1], n.attrs.dims![0]),
});

register({
  ...constant,
  name: 'ones',
  helpers: {
    ts: {
      fill: {
        deps: ['mat'],
        source: `function fill(rows: number, cols: number, v: number): Matrix {
  const out = mat(rows, cols);
  out.data.fill(v);
  return out;
}`,
      },
    },
  },
  functions: [{ name: 'ones', args: ['dim', 'dim'], build: ([m, n]) => ones(m as Dim, n as Dim), help: 'ones(m, n)', word: true, doc: { usage: '`ones(m, n)`', meaning: 'the m×n matrix of ones', rules: 'm, n dimensions' } }],
  shape: (_a, at) => shape(at.dims![0], at.dims![1]),
  evaluate: (n, _a, ctx) => Mat.fill(ctx.size(n.attrs.dims![0]), ctx.size(n.attrs.dims![1]), 1),
  text: (n) => `ones(${dimKey(n.attrs.dims![0])}, ${dimKey(n.attrs.dims![1])})`,
  latex: (n) => `\\boldsymbol{1}_{${dimLatex(n.attrs.dims![0])}\\times ${dimLatex(n.attrs.dims![1])}}`,
  emit: filled(1),
  transpose: (n) => ones(n.attrs.dims![1], n.attrs.dims![0]),
});

register({
  ...constant,
  name: 'dimval',
  shape: () => SCALAR,
  evaluate: (n, _a, ctx) => Mat.scalar(ctx.size(n.attrs.dims![0])),
  text: (n) => `${dimKey(n.attrs.dims![0])}`,
  latex: (n) => dimLatex(n.attrs.dims![0]),
  emit: { numpy: dimCode, torch: dimCode, ts: dimCode },
});

export { eye, zeros, dimval };
