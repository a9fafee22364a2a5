// Entrywise functions f(A): d f(A) = f′(A) ∘ dA. Each function is a row of the table below: its value,
// its derivative as an expression, where it is not smooth, and how it prints. The generic σ carries its
// derivative order (σ, σ′, σ″, …); for numerical checks it is instantiated as sin(x + 1) + x/2, which is
// smooth, non-polynomial, neither even nor odd, has no derivative that vanishes at 0, and has every
// derivative in closed form. (sin x + x/2 was odd with σ(0) = σ″(0) = 0: a sign slipped inside σ,
// σ(−z) for −σ(z), or a σ″ term at a zero argument went unseen.)
import { Expr, OpNode, num } from '../expr/ast.js';
import { add, ew, hadamard, hpow, mul, neg, ones } from '../expr/build.js';
import { InputError, UnsupportedError } from '../expr/errors.js';
import { isScalarShape } from '../expr/shape.js';
import { map } from '../numeric/mat.js';
import { numberLatex, numberText } from '../expr/names.js';
import { CODE_PREC, PREC, register, unary, type EmitContext, type EmitFn, type LangFunction } from './registry.js';
import { delimit } from './delimiters.js';

interface Elementwise {
  /** input-language name */
  readonly name: string;
  readonly f: (x: number, k: number) => number;
  /** f′(A) as an expression in A (k: the function's parameter) */
  readonly derivative: (a: Expr, k: number) => Expr;
  /** points where f is not differentiable (checks sample away from them) */
  readonly kinks?: readonly number[];
  /** the function is only defined for x > lowerBound (log, sqrt: 0; log1p: −1) */
  readonly lowerBound?: number;
  readonly latex: (k: number) => string;
  /** the argument in braces (\sqrt{x}) rather than in parentheses */
  readonly braces?: boolean;
  /** the argument between bars (|x|) and no name, as papers write the absolute value */
  readonly bars?: boolean;
  readonly text?: (k: number) => string;
  /** code generation: Python, valid for arrays and scalars alike (x(min): the argument's code, see EmitContext.code) */
  readonly py?: (x: Code, lib: string, k: number) => string;
  /** code generation: TypeScript, for one number x */
  readonly ts?: (x: Code, c: EmitContext, k: number) => string;
  /** the TypeScript helper `name` that `ts` calls (function of x, and of the parameter for lrelu) */
  readonly tsHelper?: string;
  /** f(x) in docs/language.md's table of entrywise functions (its f′ column is derived) */
  readonly doc: string;
  /** the second argument is a literal number (lrelu(A, a)) */
  readonly parameter?: string;
  /** for the docs: f′ as words, when it is not derived from a concrete call (the parameter, σ) */
  readonly docDerivative?: string;
  /** not a function of the language by this name (σ is written sigma, dsigma, d2sigma, …) */
  readonly input?: false;
  /** the name is also an English word (prose in rule texts may start with it) */
  readonly word?: boolean;
  /** f = numerator/denominator entrywise (tanh = sinh/cosh): the simplifier writes the quotient as f */
  readonly quotient?: readonly [string, string];
}

type Code = (min?: number) => string;
const ATOM = CODE_PREC.atom;
const lib1 = (name: string) => (x: Code, lib: string) => `${lib}.${name}(${x()})`;
const math = (name: string) => (x: Code) => `Math.${name}(${x()})`;
const helper = (name: string) => (x: Code, c: EmitContext, k: number) => `${c.helper(name)}(${x()}${name.endsWith('lrelu') ? ', ' + c.num(k) : ''})`;

/** 1 of the shape of a (the scalar 1 for a scalar). */
const onesLike = (a: Expr) => (isScalarShape(a.shape) ? num(1) : ones(a.shape.rows, a.shape.cols));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** The surrogate for a generic σ and its k-th derivative: σ(x) = sin(x + 1) + x/2. */
const sigmaK = (x: number, k: number) => Math.sin(x + 1 + (k * Math.PI) / 2) + (k === 0 ? x / 2 : k === 1 ? 0.5 : 0);

export const ELEMENTWISE: readonly Elementwise[] = [
  { name: 'exp', doc: 'eˣ', f: Math.exp, derivative: (a) => ew('exp', a), latex: () => '\\exp', py: lib1('exp'), ts: math('exp') },
  { name: 'log', doc: 'ln x (x > 0)', f: Math.log, derivative: (a) => hpow(a, -1), lowerBound: 0, latex: () => '\\log', py: lib1('log'), ts: math('log') },
  {
    name: 'log1p', doc: 'ln(1 + x) (x > −1), accurate for small x', f: Math.log1p, derivative: (a) => hpow(add(onesLike(a), a), -1), lowerBound: -1,
    latex: () => '\\operatorname{log1p}', py: lib1('log1p'), ts: math('log1p'),
  },
  { name: 'expm1', doc: 'eˣ − 1, accurate for small x', f: Math.expm1, derivative: (a) => ew('exp', a), latex: () => '\\operatorname{expm1}', py: lib1('expm1'), ts: math('expm1') },
  { name: 'sqrt', doc: '√x (x > 0)', f: Math.sqrt, derivative: (a) => mul(num(0.5), hpow(ew('sqrt', a), -1)), lowerBound: 0, latex: () => '\\sqrt', braces: true, py: lib1('sqrt'), ts: math('sqrt') },
  { name: 'sin', doc: 'sin x', f: Math.sin, derivative: (a) => ew('cos', a), latex: () => '\\sin', py: lib1('sin'), ts: math('sin') },
  { name: 'cos', doc: 'cos x', f: Math.cos, derivative: (a) => neg(ew('sin', a)), latex: () => '\\cos', py: lib1('cos'), ts: math('cos') },
  { name: 'tanh', doc: 'tanh x', quotient: ['sinh', 'cosh'], f: Math.tanh, derivative: (a) => add(onesLike(a), neg(hpow(ew('tanh', a), 2))), latex: () => '\\tanh', py: lib1('tanh'), ts: math('tanh') },
  { name: 'cosh', doc: 'cosh x', f: Math.cosh, derivative: (a) => ew('sinh', a), latex: () => '\\cosh', py: lib1('cosh'), ts: math('cosh') },
  { name: 'sinh', doc: 'sinh x', f: Math.sinh, derivative: (a) => ew('cosh', a), latex: () => '\\sinh', py: lib1('sinh'), ts: math('sinh') },
  {
    name: 'sigmoid', doc: '1/(1 + e⁻ˣ)', f: sigmoid,
    derivative: (a) => hadamard(ew('sigmoid', a), add(onesLike(a), neg(ew('sigmoid', a)))),
    // the logistic function is σ in the papers (Ma §3), unless the text uses the generic σ too (withNotation)
    latex: () => notation.sigmoid,
    // NumPy has no sigmoid; σ(x) = (1 + tanh(x/2))/2 cannot overflow
    py: (x, lib) => (lib === 'torch' ? `torch.sigmoid(${x()})` : `0.5 * (1 + np.tanh(0.5 * ${x(ATOM)}))`),
    ts: helper('sigmoid'), tsHelper: 'const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));',
  },
  {
    name: 'softplus', doc: 'ln(1 + eˣ)', f: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))), derivative: (a) => ew('sigmoid', a), latex: () => '\\operatorname{softplus}',
    py: (x, lib) => (lib === 'torch' ? `torch.logaddexp(${x()}, torch.zeros_like(${x()}))` : `np.logaddexp(0, ${x()})`),
    ts: helper('softplus'), tsHelper: 'const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));',
  },
  {
    name: 'relu', doc: 'max(x, 0)', f: (x) => Math.max(x, 0), derivative: (a) => ew('step', a), kinks: [0], latex: () => '\\operatorname{relu}',
    py: (x, lib) => (lib === 'torch' ? `torch.clamp(${x()}, min=0)` : `np.maximum(${x()}, 0)`),
    ts: helper('relu'), tsHelper: 'const relu = (x: number): number => (x > 0 ? x : 0);',
  },
  {
    name: 'step', word: true, doc: '1 for x > 0, 0 otherwise', f: (x) => (x > 0 ? 1 : 0), derivative: (a) => mul(num(0), a), kinks: [0], latex: () => '\\mathbb{I}_{>0}',
    py: (x, lib) => (lib === 'torch' ? `(${x(ATOM)} > 0).to(torch.float64)` : `np.heaviside(${x()}, 0)`),
    ts: helper('step'), tsHelper: 'const step = (x: number): number => (x > 0 ? 1 : 0);',
  },
  {
    name: 'lrelu', parameter: 'a', doc: 'leaky ReLU: x for x > 0, a·x otherwise (= max(x, a·x) for 0 ≤ a ≤ 1); a is a literal number',
    docDerivative: '`dlrelu(A, a)`: 1 for x > 0, a otherwise',
    f: (x, k) => (x > 0 ? x : k * x), derivative: (a, k) => ew('dlrelu', a, k), kinks: [0],
    latex: (k) => `\\operatorname{lrelu}_{${numberLatex(k)}}`, text: (k) => `lrelu:${numberText(k)}`,
    py: (x, lib, k) => `${lib}.where(${x(ATOM)} > 0, ${x()}, ${k} * ${x(ATOM)})`, ts: helper('lrelu'),
    tsHelper: 'const lrelu = (x: number, a: number): number => (x > 0 ? x : a * x);',
  },
  {
    name: 'dlrelu', parameter: 'a', doc: 'the derivative of lrelu: 1 for x > 0, a otherwise', docDerivative: 'zero',
    f: (x, k) => (x > 0 ? 1 : k), derivative: (a) => mul(num(0), a), kinks: [0],
    latex: (k) => `\\operatorname{lrelu}'_{${numberLatex(k)}}`, text: (k) => `dlrelu:${numberText(k)}`,
    py: (x, lib, k) => (lib === 'torch' ? `torch.where(${x(ATOM)} > 0, torch.ones_like(${x()}), torch.full_like(${x()}, ${k}))` : `np.where(${x(ATOM)} > 0, 1.0, ${k})`),
    ts: helper('dlrelu'), tsHelper: 'const dlrelu = (x: number, a: number): number => (x > 0 ? 1 : a);',
  },
  { name: 'abs', doc: '\\|x\\|', f: Math.abs, derivative: (a) => ew('sign', a), kinks: [0], latex: () => '', bars: true, py: lib1('abs'), ts: math('abs') },
  { name: 'sign', word: true, doc: 'sign of x', f: Math.sign, derivative: (a) => mul(num(0), a), kinks: [0], latex: () => '\\operatorname{sign}', py: lib1('sign'), ts: math('sign') },
  {
    name: 'sigma', input: false, doc: 'a generic smooth σ, written `sigma`; its derivatives σ′, σ″, σ‴, σ⁽ᴺ⁾ are `dsigma`, `d2sigma`, `d3sigma`, … `dNsigma`',
    docDerivative: 'the next one: `dsigma(A)` (σ′), `d2sigma(A)`, …',
    f: (x, k) => sigmaK(x, k), derivative: (a, k) => ew('sigma', a, k + 1),
    latex: (k) => `\\sigma${k === 0 ? '' : k <= 3 ? '^{' + '\\prime'.repeat(k) + '}' : `^{(${k})}`}`,
    text: (k) => (k === 0 ? 'sigma' : k === 1 ? 'dsigma' : `d${k}sigma`),
  },
];

/** The functions of the language for a row: name(A), name(A, a) with a literal parameter, or σ and its derivatives. */
function rowFunctions(fn: Elementwise): LangFunction[] {
  if (fn.name === 'sigma')
    return [
      unary('sigma', (a) => ew('sigma', a, 0), 'sigma(A): a generic entrywise function σ'),
      unary('dsigma', (a) => ew('sigma', a, 1), 'dsigma(A): σ′, entrywise'),
      unary('d2sigma', (a) => ew('sigma', a, 2), 'd2sigma(A): σ″, entrywise'),
    ];
  if (fn.parameter)
    return [{ name: fn.name, args: ['expr', 'number'], build: ([a, k]) => ew(fn.name, a as Expr, k as number), help: `${fn.name}(A, ${fn.parameter}): ${fn.doc}` }];
  return [{ ...unary(fn.name, (a) => ew(fn.name, a), `${fn.name}(A), entrywise`), ...(fn.word ? { word: true } : {}) }];
}

/** The function whose value is numerator(x)/denominator(x), by its numerator. */
export function entrywiseQuotient(numerator: string): { name: string; denominator: string } | undefined {
  const f = ELEMENTWISE.find((e) => e.quotient?.[0] === numerator);
  return f && { name: f.name, denominator: f.quotient![1] };
}

const BY_NAME = new Map(ELEMENTWISE.map((e) => [e.name, e]));

/** How a text writes the functions whose letter depends on the rest of the text. */
export interface Notation {
  readonly sigmoid: string;
}
export const PAPER_NOTATION: Notation = { sigmoid: '\\sigma' };
let notation = PAPER_NOTATION;

/**
 * The notation of one text (a document, a command's output) that prints these expressions: the logistic
 * function is σ, as the papers write it, unless the generic entrywise σ (`sigma`, with σ′, σ″) appears in
 * the same text; then σ would name two functions, and the logistic function is written sigmoid.
 */
export function notationFor(exprs: Iterable<Expr>): Notation {
  const seen = new Set<Expr>();
  const found = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind !== 'op' || seen.has(e)) return;
    seen.add(e);
    if (e.op === 'ew') found.add(e.attrs.fn!);
    e.args.forEach(visit);
  };
  for (const e of exprs) visit(e);
  return found.has('sigma') && found.has('sigmoid') ? { sigmoid: '\\operatorname{sigmoid}' } : PAPER_NOTATION;
}

/** Print in a notation (the printers read it while `print` runs). */
export function withNotation<T>(n: Notation, print: () => T): T {
  const before = notation;
  notation = n;
  try {
    return print();
  } finally {
    notation = before;
  }
}

export function elementwise(name: string): Elementwise {
  const e = BY_NAME.get(name);
  if (!e) throw new InputError(`unknown elementwise function ${name}`);
  return e;
}

/** The parameter of the function: the slope of lrelu, the derivative order of σ. */
const param = (n: { attrs: { k?: number } }) => n.attrs.k ?? 0;

function spelling<K extends 'py' | 'ts'>(node: OpNode, c: EmitContext, which: K): NonNullable<Elementwise[K]> {
  const fn = elementwise(node.attrs.fn!);
  const s = fn[which];
  if (!s) {
    const what = fn.name === 'sigma' ? `the generic function ${fn.text!(param(node))}: it stands for any σ and has no code; write the function itself (sigmoid, tanh, …)` : `the function ${fn.name}`;
    throw new UnsupportedError(`the ${c.target} target cannot express ${what}`);
  }
  return s as NonNullable<Elementwise[K]>;
}

const emitPython: EmitFn = (node, c) => spelling(node, c, 'py')((min) => c.code(node.args[0], min), c.lib, param(node));

/** TypeScript: the scalar function itself, or mapped over the entries. */
const emitTs: EmitFn = (node, c) => {
  const ts = spelling(node, c, 'ts');
  const [a] = node.args;
  if (isScalarShape(a.shape)) return ts((min) => c.code(a, min), c, param(node));
  const body = ts(() => 'x', c, param(node));
  const direct = /^([\w.]+)\(x\)$/.exec(body);
  return `${c.helper('map')}(${c.code(a)}, ${direct ? direct[1] : `(x) => ${body}`})`;
};

register({
  name: 'ew',
  functions: ELEMENTWISE.flatMap(rowFunctions),
  helpers: { ts: Object.fromEntries(ELEMENTWISE.filter((f) => f.tsHelper).map((f) => [f.name, { source: f.tsHelper! }])) },
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
    if (fn.kinks || fn.lowerBound !== undefined)
      for (const x of a.data) {
        for (const p of fn.kinks ?? []) ctx.kink(Math.abs(x - p));
        if (fn.lowerBound !== undefined) ctx.kink(x > fn.lowerBound ? x - fn.lowerBound : 0);
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
    if (fn.bars) return `\\lvert ${p(node.args[0])} \\rvert`;
    return fn.braces ? `${fn.latex(param(node))}{${p(node.args[0])}}` : `${fn.latex(param(node))}${delimit(p(node.args[0]))}`;
  },
  emit: { numpy: emitPython, torch: emitPython, ts: emitTs },
  kernel(node) {
    const fn = elementwise(node.attrs.fn!);
    const k = param(node), f = fn.f, kinks = fn.kinks ?? [], bound = fn.lowerBound;
    return {
      inputs: node.args,
      run(out, [x], ctx) {
        if (kinks.length || bound !== undefined)
          for (let i = 0; i < x.length; i++) {
            for (const p of kinks) ctx.kink(Math.abs(x[i] - p));
            if (bound !== undefined) ctx.kink(x[i] > bound ? x[i] - bound : 0);
          }
        for (let i = 0; i < out.length; i++) out[i] = f(x[i], k);
      },
    };
  },
  simplify(node) {
    const [a] = node.args;
    if (a.kind === 'num') return num(elementwise(node.attrs.fn!).f(a.value, param(node)));
    return node;
  },
});


