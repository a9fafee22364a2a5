// The commutation matrix K_{mn}: the (mn)×(mn) permutation with vec(Aᵀ) = K_{mn} vec(A) for A m×n
// (Magnus & Neudecker, ch. 3 §7). Its transpose is K_{nm}; K_{1n} = K_{n1} = I.
import { dimLatex, dimMul, dimKey, isOne, type Dim } from '../expr/dim.js';
import { shape } from '../expr/shape.js';
import { commutation, eye } from '../expr/build.js';
import { Mat } from '../numeric/mat.js';
import { PREC, register, type EmitFn } from './registry.js';

/** Every target builds K_{mn} with a helper of its module (src/codegen/numpy.ts, torch.ts, runtime-ts.ts). */
const emitHelper: EmitFn = (n, c) => `${c.helper('commutation')}(${c.dim(n.attrs.dims![0])}, ${c.dim(n.attrs.dims![1])})`;

register({
  name: 'commutation',
  helpers: {
    python: {
      commutation: (lib) =>
        lib === 'np'
          ? `def _commutation(m, n):
    """K_mn: vec(A') = K vec(A) for A m x n."""
    K = np.zeros((m * n, m * n))
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing='ij')
    K[(i * n + j).ravel(), (j * m + i).ravel()] = 1
    return K`
          : `def _commutation(m, n):
    """K_mn: vec(A') = K vec(A) for A m x n."""
    K = torch.zeros(m * n, m * n, dtype=torch.float64)
    i, j = torch.meshgrid(torch.arange(m), torch.arange(n), indexing='ij')
    K[(i * n + j).reshape(-1), (j * m + i).reshape(-1)] = 1
    return K`,
    },
    ts: {
      commutation: {
        deps: ['mat'],
        source: `/** K_{mn}: vec(Aᵀ) = K vec(A) for A m×n. */
function commutation(m: number, n: number): Matrix {
  const N = m * n, out = mat(N, N);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.data[(j * m + i) * N + i * n + j] = 1;
  return out;
}`,
      },
    },
  },
  functions: [{ name: 'commutation', args: ['dim', 'dim'], build: ([m, n]) => commutation(m as Dim, n as Dim), help: "commutation(m, n): K with vec(A') = K*vec(A) for A m×n", doc: { usage: '`commutation(m, n)`', meaning: 'the commutation matrix K_{mn}: vec(Aᵀ) = K_{mn} vec(A) for A m×n', rules: 'm, n dimensions' } }],
  precedence: PREC.atom,
  shape: (_a, at) => {
    const mn = dimMul(at.dims![0], at.dims![1]);
    return shape(mn, mn);
  },
  differential: () => null,
  evaluate: (n, _a, ctx) => {
    const m = ctx.size(n.attrs.dims![0]), k = ctx.size(n.attrs.dims![1]);
    const N = m * k, out = Mat.zeros(N, N);
    // A is m×k; entry (i,j) sits at j*m+i in vec(A) and at i*k+j in vec(Aᵀ)
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) out.data[(j * m + i) * N + (i * k + j)] = 1;
    return out;
  },
  text: (n) => `commutation(${dimKey(n.attrs.dims![0])}, ${dimKey(n.attrs.dims![1])})`,
  latex: (n) => `\\boldsymbol{K}_{${dimLatex(n.attrs.dims![0])}${dimLatex(n.attrs.dims![1])}}`,
  emit: {
    numpy: emitHelper,
    torch: emitHelper,
    ts: emitHelper,
  },
  transpose: (n) => commutation(n.attrs.dims![1], n.attrs.dims![0]),
  simplify: (n) => {
    const [m, k] = n.attrs.dims!;
    return isOne(m) || isOne(k) ? eye(dimMul(m, k)) : n;
  },
});
