// The mutation battery of `matcalc verify`: correct closed forms — the engine's gradients for the
// gradient battery, vec-Jacobians (with commutation matrices), vec-Hessians, Hessian forms, a gradient
// through every elementwise function of the language, and steps of derivations — and, from each, every
// slip of every kind the mistake catalogue names, made the way a person makes it: a transpose mark
// dropped from the text, two factors swapped, a Hadamard product written as a matrix product, f written
// for f′, a term dropped, K_{mn} left out, …
//
// The slips are made here, independently of src/verify/catalogue.ts (which has to find them), from the
// formulas' trees and texts. A slip that gives an equal formula (a transpose of a symmetric product) is
// not a wrong formula and is left out; slips that give the same formula are equivalent (a transpose
// dropped from the whole claim is a layout mistake), and a diagnosis may name any of them.
import { Expr, OpNode, SymNode, isOp, isSymmetricSymbol, num, op, substitute, sym } from '../src/expr/ast.js';
import { add, commutation, ew, hadamard, kron, mul, T } from '../src/expr/build.js';
import { Dim, ONE, isOne } from '../src/expr/dim.js';
import { InputError, ShapeError } from '../src/expr/errors.js';
import { positions, replaceAt } from '../src/expr/paths.js';
import { isScalarShape, isSquare, shapeEq, transposeShape } from '../src/expr/shape.js';
import { parseDeclarations, type Declarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { deriveGradients, deriveJacobians } from '../src/calculus/derive.js';
import { deriveHessian } from '../src/calculus/hessian.js';
import { productParts } from '../src/ops/mul.js';
import { ELEMENTWISE } from '../src/ops/elementwise.js';
import { simplify } from '../src/rewrite/simplify.js';
import { toText } from '../src/render/print.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { axpy, frob, Mat, scale, transpose } from '../src/numeric/mat.js';
import { Rng, randomDirection, randomSizes, randomValue } from '../src/numeric/random.js';
import type { MistakeKind } from '../src/verify/catalogue.js';
import { GRADIENTS } from './battery.js';

export type ClaimKind = 'grad' | 'vecgrad' | 'jacobian' | 'hessian' | 'hessian-form';

/** A correct formula: a claimed derivative (f, wrt, kind) or a step of a proof (the line before, a rule). */
export interface Form {
  readonly name: string;
  readonly decl: string;
  readonly claim?: { readonly f: string; readonly wrt: string; readonly kind: ClaimKind };
  readonly step?: { readonly prev: string; readonly rule?: string };
  /** the correct formula's text */
  readonly correct: string;
}

export interface Slip {
  readonly form: Form;
  readonly kinds: readonly MistakeKind[];
  /** the wrong formula's text */
  readonly text: string;
  /** kinds of every slip (of this form, one or two) that gives the same formula */
  equivalent: Set<MistakeKind>;
}

// ── the battery ─────────────────────────────────────────────────────────────────────────────────────

/** vec-Jacobians and vec-gradients (denominator layout), where Kronecker products and K_{mn} appear. */
const JACOBIANS: readonly [string, string, string, ClaimKind][] = [
  ['A*X*B', 'A: p x m; X: m x n; B: n x q', 'X', 'jacobian'],
  ['A*X', 'A: p x m; X: m x n', 'X', 'jacobian'],
  ['X*B', 'X: m x n; B: n x q', 'X', 'jacobian'],
  ['A*X*B + C*X*D', 'A: p x m; C: p x m; X: m x n; B: n x q; D: n x q', 'X', 'jacobian'],
  ['X*X', 'X: n x n', 'X', 'jacobian'],
  ['inv(X)', 'X: n x n', 'X', 'jacobian'],
  ['A*x', 'A: m x n; x: n', 'x', 'jacobian'],
  ['W2*W1*X', 'W1: h x d; W2: k x h; X: d x n', 'W1', 'jacobian'],
  ['X .* A', 'X: m x n; A: m x n', 'X', 'jacobian'],
  ["A*X'*B", 'A: p x n; X: m x n; B: m x q', 'X', 'jacobian'],
  ["X'", 'X: m x n', 'X', 'jacobian'],
  ["X*X'", 'X: m x n', 'X', 'jacobian'],
  ["X'*A*X", 'X: n x m; A: n x n', 'X', 'jacobian'],
  ["x'*A*x", 'x: n; A: n x n', 'x', 'vecgrad'],
];

/** vec-Hessians (∇_vec(X)∇_vec(X) f) and Hessian forms (∇²f[dX, dX]). */
const SECOND: readonly [string, string, string, ClaimKind][] = [
  ['0.5*norm(A*X*B - C)^2', 'A: p x m; X: m x n; B: n x q; C: p x q', 'X', 'hessian'],
  ['0.5*norm(W2*W1*X - Y)^2', 'W1: h x d; W2: k x h; X: d x n; Y: k x n', 'W1', 'hessian'],
  ["tr(X'*A*X)", 'X: n x m; A: n x n', 'X', 'hessian'],
  ["0.5*norm(X*X' - M)^2", 'X: n x r; M: n x n symmetric', 'X', 'hessian'],
  ['0.5*norm(W2*W1*X - Y)^2', 'W1: h x d; W2: k x h; X: d x n; Y: k x n', 'W1', 'hessian-form'],
  ["x'*A*x + sum(exp(x))", 'x: n; A: n x n', 'x', 'hessian-form'],
  ["0.5*norm(X*X' - M)^2", 'X: n x r; M: n x n symmetric', 'X', 'hessian-form'],
  ['logdet(X)', 'X: n x n spd', 'X', 'hessian-form'],
  ['0.5*norm(W2*sigma(W1*X) - Y)^2', 'W1: h x d; W2: k x h; X: d x n; Y: k x n', 'W1', 'hessian-form'],
  ["sum(softplus(A*w)) - y'*A*w", 'A: n x d; w: d; y: n', 'w', 'hessian-form'],
  ["tr(X'*A*X)", 'X: n x m; A: n x n', 'X', 'hessian-form'],
];

/** Gradients where a Hadamard product, an outer product or a product in a fixed order appears. */
const MORE_GRADIENTS: readonly [string, string, string][] = [
  ['0.5*norm(M .* X - Y)^2', 'M: m x n; X: m x n; Y: m x n', 'X'],
  ["u'*A*v", 'u: m; v: n; A: m x n', 'A'],
  ["tr(X*A*X')", 'X: n x m; A: m x m', 'X'],
  ['0.5*norm(W*x - y)^2', 'W: m x n; x: n; y: m', 'W'],
  // softmax is a vector function, not an entrywise one: its slips are the generic ones
  ['-sum(Y .* log_softmax(W*X))', 'W: k x d; X: d x n; Y: k x n stochastic', 'W'],
  ['logsumexp(A*x)', 'A: m x n; x: n', 'x'],
  ["v'*softmax(z)", 'v: n; z: n', 'z'],
];

/** The elementwise functions whose derivative is another formula (not 0, not the function itself), from the operator registry. */
export const FUNCTIONS: readonly string[] = ELEMENTWISE.filter((g) => {
  const z = sym('z', { rows: ONE, cols: ONE });
  const d = simplify(g.derivative(z, 0.1));
  return !(d.kind === 'num' && d.value === 0) && d !== simplify(ew(g.name, z, g.name === 'lrelu' ? 0.1 : undefined));
}).map((g) => g.name);

/** A call of g as the input language writes it (lrelu takes a slope). */
const call = (g: string, a: string) => (g === 'lrelu' ? `lrelu(${a}, 0.1)` : `${g}(${a})`);

/** Steps of proofs: a line before and a correct line (with the rule it cites, for some). */
const STEPS: readonly { decl: string; prev: string; cur: string; rule?: string }[] = [
  { decl: 'A: m x n; X: n x p; B: p x q', prev: 'vec(A*X*B)', cur: "kron(B', A)*vec(X)", rule: 'vec-kron' },
  { decl: 'A: m x n; B: p x q', prev: "kron(B', A)'", cur: "kron(B, A')", rule: 'kron-transpose' },
  { decl: 'X: m x n', prev: "vec(X')", cur: 'commutation(m, n)*vec(X)', rule: 'vec-transpose' },
  { decl: 'A, B: n x n', prev: "(A*B)'", cur: "B'*A'", rule: 'transpose-product' },
  { decl: 'M, X: n x n', prev: "(M .* X)'", cur: "M' .* X'", rule: 'hadamard-transpose' },
  { decl: 'A: n x m; B: m x p; C: p x n', prev: 'tr(A*B*C)', cur: 'tr(C*A*B)', rule: 'trace-cyclic' },
  { decl: 'x: n; A, B: n x n', prev: "x'*(A + B)*x", cur: "x'*A*x + x'*B*x" },
  { decl: 'x: n; A: n x n', prev: "grad(x'*A*x, x)", cur: "(A + A')*x" },
  { decl: 'W: m x n; x: n; y: m', prev: 'grad(0.5*norm(tanh(W*x) - y)^2, W)', cur: "((1 - tanh(W*x).^2) .* (tanh(W*x) - y))*x'" },
  { decl: 'W: m x n; x: n', prev: 'grad(sum(softplus(W*x)), W)', cur: "sigmoid(W*x)*x'" },
  { decl: 'A: p x n; X: m x n; B: m x q', prev: "jac(A*X'*B, X)", cur: "commutation(n, m)*kron(B, A')" },
  { decl: 'W1: h x d; W2: k x h; X: d x n; Y: k x n', prev: 'grad(0.5*norm(W2*W1*X - Y)^2, W1)', cur: "W2'*(W2*W1*X - Y)*X'" },
  { decl: 'u: m; v: n; A: m x n', prev: "grad(u'*A*v, A)", cur: "u*v'" },
  { decl: 'M: m x n; X: m x n; Y: m x n', prev: 'grad(0.5*norm(M .* X - Y)^2, X)', cur: 'M .* (M .* X - Y)' },
  { decl: 'X: n x n; A: n x n', prev: 'grad(logdet(X) + tr(A*X), X)', cur: "inv(X)' + A'" },
];

function attempt<R>(build: () => R): R | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** The engine's result for a claim, as input text (undefined when it does not read back). */
function correctClaim(decl: string, f: string, wrt: string, kind: ClaimKind): string | undefined {
  const decls = parseDeclarations(decl);
  const fe = parseExpression(f, { decls });
  const v = decls.symbols.get(wrt)!;
  let value: Expr;
  if (kind === 'grad') value = deriveGradients(fe, [v])[0].value;
  else if (kind === 'hessian') value = deriveJacobians(deriveGradients(fe, [v])[0].value, [v])[0].value;
  else if (kind === 'hessian-form') value = deriveHessian(fe, [v]).bilinear;
  else value = deriveJacobians(fe, [v])[0].value;
  const text = toText(value);
  const dv = kind === 'hessian-form' ? sym('d' + wrt, v.shape) : undefined;
  const scope = dv ? { ...decls, symbols: new Map([...decls.symbols, [dv.name, dv]]) } : decls;
  return attempt(() => parseExpression(text, { decls: scope })) ? text : undefined;
}

/** Every form of the battery. */
export function forms(): Form[] {
  const out: Form[] = [];
  const claim = (name: string, f: string, decl: string, wrt: string, kind: ClaimKind) => {
    const correct = correctClaim(decl, f, wrt, kind);
    if (correct) out.push({ name, decl, claim: { f, wrt, kind }, correct });
  };
  for (const g of GRADIENTS) for (const w of g.wrt) claim(g.wrt.length > 1 ? `${g.name} (wrt ${w})` : g.name, g.f, g.decl, w, 'grad');
  for (const [f, decl, wrt, kind] of [...JACOBIANS, ...SECOND]) claim(`${kind} of ${f}`, f, decl, wrt, kind);
  for (const [f, decl, wrt] of MORE_GRADIENTS) claim(f, f, decl, wrt, 'grad');
  // a gradient through every elementwise function of the language
  for (const g of FUNCTIONS) claim(`0.5*norm(${call(g, 'W*x')} - y)^2`, `0.5*norm(${call(g, 'W*x')} - y)^2`, 'W: m x n; x: n; y: m', 'W', 'grad');
  for (const s of STEPS) out.push({ name: `${s.prev} = ${s.cur}`, decl: s.decl, step: { prev: s.prev, ...(s.rule ? { rule: s.rule } : {}) }, correct: s.cur });
  return out;
}

// ── slips ───────────────────────────────────────────────────────────────────────────────────────────

/** The declarations a form's formulas are read with (a Hessian form also has the direction dX). */
export function scopeOf(form: Form): Declarations {
  const decls = parseDeclarations(form.decl);
  if (form.claim?.kind !== 'hessian-form') return decls;
  const v = decls.symbols.get(form.claim.wrt)!;
  const dv = sym('d' + v.name, v.shape);
  return { ...decls, symbols: new Map([...decls.symbols, [dv.name, dv]]) };
}

const HOLE = 'HOLE_';

/**
 * The text of `root` with the node at `path` written as `text` — also when that makes it ill-typed, as a
 * person's slip may: the node is replaced by a placeholder symbol of its shape, which is then printed.
 */
function textWith(root: Expr, path: readonly number[], node: Expr, text: string): string {
  const hole = sym(HOLE, node.shape);
  return toText(replaceAt(root, path, hole)).replace(HOLE, `(${text})`);
}

const paren = (e: Expr) => `(${toText(e)})`;

/** Ways to write a dimension as a product of two dimensions other than 1. */
function splits(d: Dim): [Dim, Dim][] {
  if (d.syms.length !== 2 || d.coef !== 1) return [];
  const [a, b] = d.syms.map((s) => ({ coef: 1, syms: [s] }) as Dim);
  return a.syms[0] === b.syms[0] ? [[a, b]] : [[a, b], [b, a]];
}

/** Every single slip of a correct formula, by kind (duplicates and slips that change nothing are removed later). */
function* singleSlips(text: string, e: Expr, decls: Declarations, form: Form): Generator<[MistakeKind, string]> {
  const each = function* (kind: MistakeKind, change: (node: Expr, path: readonly number[]) => Iterable<Expr | string>): Generator<[MistakeKind, string]> {
    for (const { path, node } of positions(e, 400))
      for (const r of change(node, path)) {
        if (typeof r === 'string') yield [kind, r];
        else {
          const whole = attempt(() => replaceAt(e, path, r));
          if (whole) yield [kind, toText(whole)];
        }
      }
  };
  yield ['factor', `2*(${text})`];
  yield ['factor', `0.5*(${text})`];
  yield ['sign', `-(${text})`];
  yield ['layout', `(${text})'`];
  for (let i = 0; i < text.length; i++) if (text[i] === "'") yield ['dropped-transpose', text.slice(0, i) + text.slice(i + 1)];
  const underTranspose = new Set(positions(e, 400).filter((p) => isOp(p.node, 'transpose')).map((p) => [...p.path, 0].join()));
  yield* each('extra-transpose', function* (node, path) {
    if (!isScalarShape(node.shape) && isSquare(node.shape) && !isSymmetricSymbol(node) && !isOp(node, 'transpose') && !underTranspose.has(path.join())) yield T(node);
  });
  // terms: dropped, negated, counted twice
  yield* each('missing-term', function* (node) {
    if (isOp(node, 'add')) for (let i = 0; i < node.args.length; i++) yield add(...node.args.filter((_, j) => j !== i));
  });
  yield* each('sign', function* (node) {
    if (isOp(node, 'add')) for (let i = 0; i < node.args.length; i++) yield add(...node.args.map((t, j) => (j === i ? mul(num(-1), t) : t)));
  });
  yield* each('extra-term', function* (node) {
    if (isOp(node, 'add')) for (let i = 0; i < node.args.length; i++) yield add(...node.args, node.args[i]);
  });
  yield* each('kron-swap', function* (node) {
    if (isOp(node, 'kron')) yield kron(node.args[1], node.args[0]);
  });
  // commutation matrices: dropped from a product, put in front, indices swapped
  yield* each('missing-commutation', function* (node) {
    if (!isOp(node, 'mul')) return;
    const i = node.args.findIndex((a) => isOp(a, 'commutation'));
    if (i >= 0) yield mul(...node.args.filter((_, j) => j !== i));
  });
  for (const [a, b] of splits(e.shape.rows)) {
    const k = attempt(() => toText(mul(commutation(a, b), e)));
    if (k) yield ['extra-commutation', k];
  }
  yield* each('commutation-swap', function* (node) {
    if (isOp(node, 'commutation')) yield commutation(node.attrs.dims![1], node.attrs.dims![0]);
  });
  // products: two adjacent matrix factors swapped, an outer product turned round, a Hadamard product of
  // the other kind — written as text, since the slip may be ill-typed
  yield* each('swapped-factors', function* (node, path) {
    if (!isOp(node, 'mul')) return;
    const { coef, scalars, chain } = productParts(node);
    const front = [...(coef !== 1 ? [String(coef)] : []), ...scalars.map(paren)];
    for (let i = 0; i + 1 < chain.length; i++) {
      const swapped = [...chain];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
      yield textWith(e, path, node, [...front, ...swapped.map(paren)].join('*'));
      const [u, v] = [chain[i], chain[i + 1]];
      if (isOne(u.shape.cols) && isOne(v.shape.rows) && !isScalarShape(u.shape) && !isScalarShape(v.shape))
        yield textWith(e, path, node, [...front, ...chain.slice(0, i).map(paren), `(${toText(v)})'`, `(${toText(u)})'`, ...chain.slice(i + 2).map(paren)].join('*'));
    }
  });
  yield* each('product-for-hadamard', function* (node, path) {
    if (!isOp(node, 'hadamard')) return;
    for (let i = 0; i + 1 < node.args.length; i++)
      yield textWith(e, path, node, [...node.args.slice(0, i).map(paren), `${paren(node.args[i])}*${paren(node.args[i + 1])}`, ...node.args.slice(i + 2).map(paren)].join(' .* '));
  });
  yield* each('hadamard-for-product', function* (node, path) {
    if (!isOp(node, 'mul')) return;
    const { coef, scalars, chain } = productParts(node);
    const front = [...(coef !== 1 ? [String(coef)] : []), ...scalars.map(paren)];
    for (let i = 0; i + 1 < chain.length; i++)
      yield textWith(e, path, node, [...front, ...chain.slice(0, i).map(paren), `(${paren(chain[i])} .* ${paren(chain[i + 1])})`, ...chain.slice(i + 2).map(paren)].join('*'));
  });
  // symmetry: G + Gᵀ and the Cookbook's G + Gᵀ − G∘I for a symmetric variable; A′ written as A
  const v = form.claim && decls.symbols.get(form.claim.wrt);
  if (v && isSymmetricSymbol(v) && form.claim!.kind === 'grad') {
    yield ['symmetrisation', `(${text}) + (${text})'`];
    yield ['symmetrisation', `(${text}) + (${text})' - (${text}) .* eye(${toText(op('dimval', [], { dims: [v.shape.rows] }))})`];
  }
  for (const s of decls.symbols.values()) {
    if (isScalarShape(s.shape) || !isSquare(s.shape) || isSymmetricSymbol(s)) continue;
    const st = T(s);
    const count = (x: Expr) => positions(e).filter((p) => p.node === x).length;
    // both A and A' appear (A under its transpose counts for A' only): write them alike
    if (count(st) > 0 && count(s) > count(st)) yield ['symmetrisation', toText(substitute(e, new Map<Expr, Expr>([[st, s]])))];
  }
  // the chain rule: an entrywise factor left out
  yield* each('chain-rule', function* (node) {
    if (isOp(node, 'hadamard')) for (let i = 0; i < node.args.length; i++) yield node.args.length === 2 ? node.args[1 - i] : hadamard(...node.args.filter((_, j) => j !== i));
  });
  // f′ written for f, and f for f′ (the derivative as the registry gives it, found in the formula)
  yield* each('derivative-for-function', function* (node) {
    if (isOp(node, 'ew') && FUNCTIONS.includes(node.attrs.fn!)) {
      const g = ELEMENTWISE.find((x) => x.name === node.attrs.fn)!;
      yield g.derivative(node.args[0], node.attrs.k ?? 0);
    }
  });
  const calls = positions(e).map((p) => p.node).filter((n): n is OpNode => isOp(n, 'ew') && FUNCTIONS.includes(n.attrs.fn!));
  yield* each('function-for-derivative', function* (node) {
    for (const c of calls) {
      const g = ELEMENTWISE.find((x) => x.name === c.attrs.fn)!;
      if (simplify(g.derivative(c.args[0], c.attrs.k ?? 0)) === simplify(node) && node.kind === 'op') yield c;
    }
  });
}

/** Values at a random point (the symmetric part for a symmetric variable), to compare formulas. */
function valuesAt(form: Form, decls: Declarations, seed: number): (text: string) => Mat | undefined {
  const rng = new Rng(seed);
  const sizes = randomSizes(decls.dims, rng);
  const values = new Map<string, Mat>();
  for (const s of decls.symbols.values()) values.set(s.name, s.name.startsWith('d') && form.claim?.kind === 'hessian-form' ? randomDirection(decls.symbols.get(form.claim.wrt)!, sizes, rng) : randomValue(s, sizes, rng, 'positive'));
  const ev = new Evaluator({ sizes, values });
  const v = form.claim && decls.symbols.get(form.claim.wrt);
  const symmetric = v && isSymmetricSymbol(v) && form.claim!.kind === 'grad';
  return (text) => {
    const e = attempt(() => parseExpression(text, { decls }));
    if (!e) return undefined;
    try {
      const m = ev.eval(e);
      return symmetric && m.rows === m.cols ? scale(axpy(m, 1, transpose(m)), 0.5) : m;
    } catch {
      return undefined;
    }
  };
}

/** The text reads but does not type-check (a slip a person can make), as opposed to text that does not read. */
function illTyped(text: string, decls: Declarations): boolean {
  try {
    parseExpression(text, { decls });
    return false;
  } catch (e) {
    return e instanceof ShapeError;
  }
}

const same = (a: Mat | undefined, b: Mat | undefined) =>
  a !== undefined && b !== undefined && a.rows === b.rows && a.cols === b.cols && frob(axpy(a, -1, b)) <= 1e-8 * Math.max(frob(a), frob(b), 1e-12);

/** Every single slip of a form that changes the formula, each with the kinds of the slips that give the same formula. */
export function slipsOf(form: Form): Slip[] {
  const decls = scopeOf(form);
  const e = simplify(parseExpression(form.correct, { decls }));
  const vals = [valuesAt(form, decls, 7), valuesAt(form, decls, 8)];
  const correct = vals.map((v) => v(form.correct));
  const byText = new Map<string, Slip>();
  for (const [kind, text] of singleSlips(form.correct, e, decls, form)) {
    if (text.includes(HOLE) || text === form.correct) continue;
    const seen = byText.get(text);
    if (seen) {
      if (!seen.kinds.includes(kind)) (seen.kinds as MistakeKind[]).push(kind);
      seen.equivalent.add(kind);
      continue;
    }
    byText.set(text, { form, kinds: [kind], text, equivalent: new Set([kind]) });
  }
  // leave out slips that change nothing; merge the kinds of slips that give the same formula
  const ones = (x: Expr) => positions(simplify(x)).filter((p) => isOp(p.node, 'ones')).length;
  const slips = [...byText.values()].filter((s) => {
    // a matrix added to a scalar reads as broadcasting (x'*x*A + x'*B*x is a matrix): another formula, not this slip
    const read = attempt(() => parseExpression(s.text, { decls }));
    if (read && ones(read) > ones(e) && !shapeEq(read.shape, e.shape) && !shapeEq(read.shape, transposeShape(e.shape))) return false;
    const v = vals.map((f) => f(s.text));
    if (v[0] === undefined) return !!form.claim && illTyped(s.text, decls); // a wrong claim (a step must at least parse)
    return !v.every((x, i) => same(x, correct[i]));
  });
  const print = vals[0];
  const value = new Map(slips.map((s) => [s, print(s.text)]));
  for (const a of slips) for (const b of slips) if (a !== b && same(value.get(a), value.get(b))) for (const k of b.kinds) a.equivalent.add(k);
  return slips;
}

/**
 * Two slips at once, of different kinds, made one after the other where the second still applies (a
 * sample: at most `limit` per form, spread over the kinds).
 */
export function pairsOf(form: Form, singles: readonly Slip[], limit: number, rng: Rng): Slip[] {
  const decls = scopeOf(form);
  const out: Slip[] = [];
  const firsts = rng.shuffle(singles.filter((s) => attempt(() => parseExpression(s.text, { decls }))).slice());
  for (const first of firsts) {
    if (out.length >= limit) break;
    const e = simplify(parseExpression(first.text, { decls }));
    const seconds = [...singleSlips(first.text, e, decls, form)].filter(([k, t]) => !first.kinds.includes(k) && !t.includes(HOLE) && attempt(() => parseExpression(t, { decls })));
    if (!seconds.length) continue;
    const [kind, text] = seconds[rng.int(seconds.length)];
    const vals = valuesAt(form, decls, 7);
    const v = vals(text);
    if (same(v, vals(form.correct)) || singles.some((s) => same(v, vals(s.text)))) continue; // no longer two slips
    out.push({ form, kinds: [first.kinds[0], kind], text, equivalent: new Set([first.kinds[0], kind]) });
  }
  return out;
}

/** Fresh random values of the symbols (and of the directions dX), for re-checking a finding at other points. */
export function freshPoint(symbols: readonly SymNode[], dims: ReadonlySet<string>, rng: Rng, entries: 'gaussian' | 'positive' = 'gaussian') {
  const sizes = randomSizes(dims, rng);
  const values = new Map<string, Mat>();
  for (const s of symbols) {
    values.set(s.name, randomValue(s, sizes, rng, entries));
    values.set('d' + s.name, randomDirection(s, sizes, rng));
  }
  return { sizes, values };
}
