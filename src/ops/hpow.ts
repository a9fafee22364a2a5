// Entrywise powers A.^k (and A ./ B = A ∘ B^{∘-1}): d(A^{∘k}) = k A^{∘(k-1)} ∘ dA.
import { isOp, num } from '../expr/ast.js';
import { hadamard, hpow, mul, ones, pow, T } from '../expr/build.js';
import { isScalarShape } from '../expr/shape.js';
import { map } from '../numeric/mat.js';
import { numberLatex } from '../expr/names.js';
import { CODE_PREC, PREC, register, type EmitFn } from './registry.js';

const emitPython: EmitFn = (n, c) =>
  n.attrs.k === -1 ? `1 / ${c.code(n.args[0], CODE_PREC.pow)}` : `${c.code(n.args[0], CODE_PREC.atom)} ** ${c.num(n.attrs.k!)}`;

register({
  name: 'hpow',
  rules: `
rule d-entrywise-power
  says: d(X^{∘k}) = k X^{∘(k−1)} ∘ dX
  lhs: diff(X.^3, X, V)
  rhs: 3*X.^2 .* V
  where: X: m x n; V: m x n
  cite: Magnus & Neudecker (2019), ch. 8, Table 1
`,
  precedence: PREC.pow,
  shape: (args) => args[0].shape,
  differential(node, d) {
    const [a] = node.args;
    const da = d(a);
    const k = node.attrs.k!;
    return da && mul(num(k), hadamard(hpow(a, k - 1), da));
  },
  evaluate: (n, [a]) => map(a, (x) => Math.pow(x, n.attrs.k!)),
  text: (n, p) => {
    const k = n.attrs.k!;
    return `${p(n.args[0], PREC.postfix)}.^${k < 0 || !Number.isInteger(k) ? '(' + String(k) + ')' : k}`;
  },
  latex: (n, p) => `${p(n.args[0], PREC.postfix + 0.5)}^{\\circ ${numberLatex(n.attrs.k!)}}`, // (Xᵀ)^∘2 — never a double superscript
  simplify(node) {
    const [a] = node.args;
    const k = node.attrs.k!;
    if (isScalarShape(a.shape)) return pow(a, k);
    if (k === 1) return a;
    if (k === 0) return ones(a.shape.rows, a.shape.cols);
    if (isOp(a, 'hpow') && Number.isInteger(k)) return hpow(a.args[0], a.attrs.k! * k);
    if (isOp(a, 'ones') || (isOp(a, 'eye') && k > 0)) return a;
    return node;
  },
  emit: {
    numpy: emitPython,
    torch: emitPython,
    ts: (n, c) => `${c.helper('map')}(${c.code(n.args[0])}, (x) => ${n.attrs.k === -1 ? '1 / x' : `Math.pow(x, ${n.attrs.k})`})`,
  },
  transpose: (node) => hpow(T(node.args[0]), node.attrs.k!),
  kernel: (node) => {
    const k = node.attrs.k!;
    return {
      inputs: node.args,
      run(out, [x]) {
        if (k === -1) for (let i = 0; i < out.length; i++) out[i] = 1 / x[i];
        else if (k === 2) for (let i = 0; i < out.length; i++) out[i] = x[i] * x[i];
        else for (let i = 0; i < out.length; i++) out[i] = Math.pow(x[i], k);
      },
    };
  },
});
