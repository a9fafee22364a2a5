// Entrywise functions f(A): d f(A) = f′(A) ∘ dA. Each function is a row of the table below: its value,
// its derivative as an expression, where it is not smooth, and how it prints. The generic σ carries its
// derivative order (σ, σ′, σ″, …); for numerical checks it is instantiated as sin(x) + x/2, which is
// smooth, non-polynomial and has every derivative in closed form.
import { Expr, num } from '../expr/ast.js';
import { add, ew, hadamard, hpow, mul, neg, ones } from '../expr/build.js';
import { InputError } from '../expr/errors.js';
import { map } from '../numeric/mat.js';
import { numberLatex, numberText } from '../render/names.js';
import { PREC, register } from './registry.js';

interface Elementwise {
  /** input-language name */
  readonly name: string;
  readonly f: (x: number, k: number) => number;
  /** f′(A) as an expression in A (k: the function's parameter) */
  readonly derivative: (a: Expr, k: number) => Expr;
  /** points where f is not differentiable (checks sample away from them) */
  readonly kinks?: readonly number[];
  /** the function is only defined for x > 0 */
  readonly positive?: boolean;
  readonly latex: (k: number) => string;
  /** the argument in braces (\sqrt{x}) rather than in parentheses */
  readonly braces?: boolean;
  readonly text?: (k: number) => string;
}

const onesLike = (a: Expr) => ones(a.shape.rows, a.shape.cols);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** The surrogate for a generic σ and its k-th derivative: σ(x) = sin x + x/2. */
const sigmaK = (x: number, k: number) => Math.sin(x + (k * Math.PI) / 2) + (k === 0 ? x / 2 : k === 1 ? 0.5 : 0);

export const ELEMENTWISE: readonly Elementwise[] = [
  { name: 'exp', f: Math.exp, derivative: (a) => ew('exp', a), latex: () => '\\exp' },
  { name: 'log', f: Math.log, derivative: (a) => hpow(a, -1), positive: true, latex: () => '\\log' },
  { name: 'sin', f: Math.sin, derivative: (a) => ew('cos', a), latex: () => '\\sin' },
  { name: 'cos', f: Math.cos, derivative: (a) => neg(ew('sin', a)), latex: () => '\\cos' },
  { name: 'tanh', f: Math.tanh, derivative: (a) => add(onesLike(a), neg(hpow(ew('tanh', a), 2))), latex: () => '\\tanh' },
  {
    name: 'sigmoid', f: sigmoid,
    derivative: (a) => hadamard(ew('sigmoid', a), add(onesLike(a), neg(ew('sigmoid', a)))),
    latex: () => '\\operatorname{sigmoid}',
  },
  { name: 'softplus', f: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))), derivative: (a) => ew('sigmoid', a), latex: () => '\\operatorname{softplus}' },
  { name: 'relu', f: (x) => Math.max(x, 0), derivative: (a) => ew('step', a), kinks: [0], latex: () => '\\operatorname{relu}' },
  { name: 'step', f: (x) => (x > 0 ? 1 : 0), derivative: (a) => mul(num(0), a), kinks: [0], latex: () => '\\mathbb{I}_{>0}' },
  {
    name: 'lrelu', f: (x, k) => (x > 0 ? x : k * x), derivative: (a, k) => ew('dlrelu', a, k), kinks: [0],
    latex: (k) => `\\operatorname{lrelu}_{${numberLatex(k)}}`, text: (k) => `lrelu:${numberText(k)}`,
  },
  {
    name: 'dlrelu', f: (x, k) => (x > 0 ? 1 : k), derivative: (a) => mul(num(0), a), kinks: [0],
    latex: (k) => `\\operatorname{lrelu}'_{${numberLatex(k)}}`, text: (k) => `dlrelu:${numberText(k)}`,
  },
  { name: 'abs', f: Math.abs, derivative: (a) => ew('sign', a), kinks: [0], latex: () => '\\operatorname{abs}' },
  { name: 'sign', f: Math.sign, derivative: (a) => mul(num(0), a), kinks: [0], latex: () => '\\operatorname{sign}' },
  { name: 'sqrt', f: Math.sqrt, derivative: (a) => mul(num(0.5), hpow(ew('sqrt', a), -1)), positive: true, latex: () => '\\sqrt', braces: true },
  {
    name: 'sigma', f: (x, k) => sigmaK(x, k), derivative: (a, k) => ew('sigma', a, k + 1),
    latex: (k) => `\\sigma${k === 0 ? '' : k <= 3 ? '^{' + '\\prime'.repeat(k) + '}' : `^{(${k})}`}`,
    text: (k) => (k === 0 ? 'sigma' : k === 1 ? 'dsigma' : `d${k}sigma`),
  },
];

const BY_NAME = new Map(ELEMENTWISE.map((e) => [e.name, e]));

export function elementwise(name: string): Elementwise {
  const e = BY_NAME.get(name);
  if (!e) throw new InputError(`unknown elementwise function ${name}`);
  return e;
}

/** The parameter of the function: the slope of lrelu, the derivative order of σ. */
const param = (n: { attrs: { k?: number } }) => n.attrs.k ?? 0;

register({
  name: 'ew',
  precedence: PREC.atom,
  shape: (args) => args[0].shape,
  differential(node, d) {
    const [a] = node.args;
    const da = d(a);
    return da && hadamard(elementwise(node.attrs.fn!).derivative(a, param(node)), da);
  },
  evaluate(node, [a], ctx) {
    const fn = elementwise(node.attrs.fn!);
    const k = param(node);
    if (fn.kinks || fn.positive)
      for (const x of a.data) {
        for (const p of fn.kinks ?? []) ctx.kink(Math.abs(x - p));
        if (fn.positive) ctx.kink(x > 0 ? x : 0);
      }
    return map(a, (x) => fn.f(x, k));
  },
  text(node, p) {
    const fn = elementwise(node.attrs.fn!);
    const k = param(node);
    if (fn.name === 'lrelu' || fn.name === 'dlrelu') return `${fn.name}(${p(node.args[0])}, ${numberText(k)})`;
    return `${fn.text ? fn.text(k) : fn.name}(${p(node.args[0])})`;
  },
  latex(node, p) {
    const fn = elementwise(node.attrs.fn!);
    return fn.braces ? `${fn.latex(param(node))}{${p(node.args[0])}}` : `${fn.latex(param(node))}\\left(${p(node.args[0])}\\right)`;
  },
  simplify(node) {
    const [a] = node.args;
    if (a.kind === 'num') return num(elementwise(node.attrs.fn!).f(a.value, param(node)));
    return node;
  },
});


