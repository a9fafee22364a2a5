// Scalar powers s^k with a numeric exponent (k may be negative or fractional: 1/‖A‖, √s).
import { Expr, isOp, num } from '../expr/ast.js';
import { mul, pow } from '../expr/build.js';
import { SCALAR, isScalarShape } from '../expr/shape.js';
import { Mat } from '../numeric/mat.js';
import { numberLatex } from '../expr/names.js';
import { CODE_PREC, PREC, register, type EmitFn } from './registry.js';
import { needShape } from './util.js';

const emitPython: EmitFn = (n, c) =>
  n.attrs.k === -1 ? `1 / ${c.code(n.args[0], CODE_PREC.pow)}` : `${c.code(n.args[0], CODE_PREC.atom)} ** ${c.num(n.attrs.k!)}`;

register({
  name: 'pow',
  precedence: PREC.pow,
  shape(args) {
    if (!isScalarShape(args[0].shape)) throw needShape('a scalar power', args[0], 'the base must be a scalar');
    return SCALAR;
  },
  differential(node, d) {
    const da = d(node.args[0]);
    const k = node.attrs.k!;
    return da && mul(num(k), pow(node.args[0], k - 1), da);
  },
  evaluate: (n, [a]) => Mat.scalar(Math.pow(a.data[0], n.attrs.k!)),
  text: (n, p) => `${p(n.args[0], PREC.pow + 1)}^${n.attrs.k! < 0 || !Number.isInteger(n.attrs.k!) ? '(' + String(n.attrs.k!) + ')' : n.attrs.k}`,
  latex: (n, p) => {
    const k = n.attrs.k!;
    if (k === 0.5) return `\\sqrt{${p(n.args[0])}}`;
    const base = n.args[0];
    // ‖A‖_F^2 rather than (‖A‖_F)^2
    if (isOp(base, 'norm')) return `${p(base)}^{${numberLatex(k)}}`;
    return `${p(base, PREC.pow + 1)}^{${numberLatex(k)}}`;
  },
  emit: { numpy: emitPython, torch: emitPython, ts: (n, c) => (n.attrs.k === -1 ? `1 / ${c.code(n.args[0], CODE_PREC.pow)}` : `Math.pow(${c.code(n.args[0])}, ${n.attrs.k})`) },
  kernel: (node) => {
    const k = node.attrs.k!;
    return { inputs: node.args, run: (out, [x]) => void (out[0] = Math.pow(x[0], k)) };
  },
  simplify(node) {
    const [a] = node.args;
    const k = node.attrs.k!;
    if (k === 0) return num(1);
    if (k === 1) return a;
    if (a.kind === 'num') return num(Math.pow(a.value, k));
    // (s^a)^b = s^{ab} is safe for integer b
    if (isOp(a, 'pow') && Number.isInteger(k)) return pow(a.args[0], a.attrs.k! * k);
    return node;
  },
});

export type { Expr };
