// Constant matrices: eye(n), zeros(m,n), ones(m,n), and dimval(d), a dimension used as a number (tr(I_n) = n).
import { dimEq, dimLatex, dimKey } from '../expr/dim.js';
import { shape, SCALAR } from '../expr/shape.js';
import { dimval, eye, zeros } from '../expr/build.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register } from './registry.js';

const constant = { precedence: PREC.atom, differential: () => null } as const;

register({
  ...constant,
  name: 'eye',
  shape: (_a, at) => shape(at.dims![0], at.dims![0]),
  evaluate: (n, _a, ctx) => Mat.eye(ctx.size(n.attrs.dims![0])),
  text: (n) => `eye(${dimKey(n.attrs.dims![0])})`,
  latex: () => '\\boldsymbol{I}',
  transpose: (n) => n,
});

register({
  ...constant,
  name: 'zeros',
  shape: (_a, at) => shape(at.dims![0], at.dims![1]),
  evaluate: (n, _a, ctx) => Mat.zeros(ctx.size(n.attrs.dims![0]), ctx.size(n.attrs.dims![1])),
  text: (n) => `zeros(${dimKey(n.attrs.dims![0])}, ${dimKey(n.attrs.dims![1])})`,
  latex: () => '\\boldsymbol{0}',
  transpose: (n) => zeros(n.attrs.dims![1], n.attrs.dims![0]),
});

register({
  ...constant,
  name: 'ones',
  shape: (_a, at) => shape(at.dims![0], at.dims![1]),
  evaluate: (n, _a, ctx) => Mat.fill(ctx.size(n.attrs.dims![0]), ctx.size(n.attrs.dims![1]), 1),
  text: (n) => `ones(${dimKey(n.attrs.dims![0])}, ${dimKey(n.attrs.dims![1])})`,
  latex: (n) => `\\boldsymbol{1}_{${dimLatex(n.attrs.dims![0])}\\times ${dimLatex(n.attrs.dims![1])}}`,
  transpose: (n) => {
    const [m, k] = n.attrs.dims!;
    return dimEq(m, k) ? n : undefined;
  },
});

register({
  ...constant,
  name: 'dimval',
  shape: () => SCALAR,
  evaluate: (n, _a, ctx) => Mat.scalar(ctx.size(n.attrs.dims![0])),
  text: (n) => `${dimKey(n.attrs.dims![0])}`,
  latex: (n) => dimLatex(n.attrs.dims![0]),
});

export { eye, zeros, dimval };
