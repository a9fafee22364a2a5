// The claim corpus: correct derivatives (the engine's results for the gradient battery and for a few
// vec-Jacobians, printed in the input language) and wrong claims made from them by the mutations people
// make by hand — dropped transposes, swapped factors, factor errors, missing or doubled terms, flipped
// signs, swapped Kronecker factors. A mutation that happens to give an equal expression (a transpose of a
// symmetric product) is not a wrong claim and is left out, by evaluating both at a random point.
//
// The mutations are written here, independently of src/verify/diagnose.ts, so that the diagnosis is
// tested against mistakes it did not generate itself.
import { Expr, isOp, num } from '../src/expr/ast.js';
import { add, kron, mul } from '../src/expr/build.js';
import { InputError } from '../src/expr/errors.js';
import { positions, replaceAt } from '../src/expr/paths.js';
import { isScalarShape } from '../src/expr/shape.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { deriveGradients, deriveJacobians } from '../src/calculus/derive.js';
import { simplify } from '../src/rewrite/simplify.js';
import { toText } from '../src/render/print.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { axpy, frob, Mat, scale, transpose } from '../src/numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../src/numeric/random.js';
import { GRADIENTS } from './battery.js';

export type Kind = 'grad' | 'vecgrad' | 'jacobian';

export interface ClaimCase {
  readonly name: string;
  readonly f: string;
  readonly decl: string;
  readonly wrt: string;
  readonly kind: Kind;
}

export type Mutation = 'dropped-transpose' | 'swapped-factors' | 'factor' | 'sign' | 'missing-term' | 'extra-term' | 'kron-swap';

export interface WrongClaim {
  readonly case: ClaimCase;
  readonly correct: string;
  readonly claim: string;
  readonly mutation: Mutation;
}

export interface Corpus {
  readonly correct: readonly { readonly case: ClaimCase; readonly claim: string }[];
  readonly wrong: readonly WrongClaim[];
}

/** vec-Jacobians (denominator layout), where Kronecker products appear. */
const JACOBIANS: readonly ClaimCase[] = [
  { name: 'vec(A X B)', f: 'A*X*B', decl: 'A: p x m; X: m x n; B: n x q', wrt: 'X', kind: 'jacobian' },
  { name: 'vec(A X)', f: 'A*X', decl: 'A: p x m; X: m x n', wrt: 'X', kind: 'jacobian' },
  { name: 'vec(X B)', f: 'X*B', decl: 'X: m x n; B: n x q', wrt: 'X', kind: 'jacobian' },
  { name: 'vec(A X B + C X D)', f: 'A*X*B + C*X*D', decl: 'A: p x m; C: p x m; X: m x n; B: n x q; D: n x q', wrt: 'X', kind: 'jacobian' },
  { name: 'vec(X X)', f: 'X*X', decl: 'X: n x n', wrt: 'X', kind: 'jacobian' },
  { name: 'vec(inv(X))', f: 'inv(X)', decl: 'X: n x n', wrt: 'X', kind: 'jacobian' },
  { name: 'vec(A x)', f: 'A*x', decl: 'A: m x n; x: n', wrt: 'x', kind: 'jacobian' },
  { name: 'vec(W2 W1 X)', f: 'W2*W1*X', decl: 'W1: h x d; W2: k x h; X: d x n', wrt: 'W1', kind: 'jacobian' },
  { name: 'vec(X .* A)', f: 'X .* A', decl: 'X: m x n; A: m x n', wrt: 'X', kind: 'jacobian' },
  { name: 'vec-gradient of a quadratic form', f: "x'*A*x", decl: 'x: n; A: n x n', wrt: 'x', kind: 'vecgrad' },
];

/** Every battery gradient, one case per variable, and the Jacobians. */
export const CASES: readonly ClaimCase[] = [
  ...GRADIENTS.flatMap((g) => g.wrt.map((w) => ({ name: g.wrt.length > 1 ? `${g.name} (wrt ${w})` : g.name, f: g.f, decl: g.decl, wrt: w, kind: 'grad' as const }))),
  ...JACOBIANS,
];

function attempt<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** The engine's result as input text, when it reads back (some results use operators the language lacks). */
export function correctClaim(c: ClaimCase): string | undefined {
  const decls = parseDeclarations(c.decl);
  const f = parseExpression(c.f, { decls });
  const v = decls.symbols.get(c.wrt)!;
  const value = (c.kind === 'grad' ? deriveGradients(f, [v]) : deriveJacobians(f, [v]))[0].value;
  const text = toText(value);
  return attempt(() => parseExpression(text, { decls })) ? text : undefined;
}

// ── mutations ───────────────────────────────────────────────────────────────────────────────────────

/** Remove one transpose mark from the text (the result may be ill-typed: that is a wrong claim too). */
function* droppedTransposes(text: string): Generator<string> {
  for (let i = 0; i < text.length; i++) if (text[i] === "'") yield text.slice(0, i) + text.slice(i + 1);
}

/** Apply `change` at each position where it applies and the result is well-typed. */
function* atEachPosition(e: Expr, change: (node: Expr) => Iterable<Expr>): Generator<Expr> {
  for (const { path, node } of positions(e))
    for (const replacement of change(node)) {
      const out = attempt(() => replaceAt(e, path, replacement));
      if (out) yield out;
    }
}

/** Two adjacent matrix factors of a product swapped (where the result is well-typed). */
function* swaps(node: Expr): Generator<Expr> {
  if (!isOp(node, 'mul')) return;
  const args = node.args;
  for (let i = 0; i + 1 < args.length; i++) {
    if (isScalarShape(args[i].shape) || isScalarShape(args[i + 1].shape)) continue;
    const swapped = [...args];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
    const out = attempt(() => mul(...swapped));
    if (out) yield out;
  }
}

/** Edits of one term of a sum: drop it, negate it, count it twice. */
function* termEdits(node: Expr, edit: (term: Expr) => Expr[]): Generator<Expr> {
  if (!isOp(node, 'add')) return;
  for (let i = 0; i < node.args.length; i++) {
    const terms = node.args.flatMap((t, j) => (j === i ? edit(t) : [t]));
    yield terms.length === 1 ? terms[0] : add(...terms);
  }
}

function* kronSwaps(node: Expr): Generator<Expr> {
  if (isOp(node, 'kron')) yield kron(node.args[1], node.args[0]);
}

/** The wrong claims made from one correct claim (text), each with its mutation. */
function mutate(correct: string, c: ClaimCase): { claim: string; mutation: Mutation }[] {
  const decls = parseDeclarations(c.decl);
  const e = simplify(parseExpression(correct, { decls }));
  const out: { claim: string; mutation: Mutation }[] = [];
  const push = (mutation: Mutation, exprs: Iterable<Expr>) => {
    for (const x of exprs) out.push({ claim: toText(x), mutation });
  };
  for (const t of droppedTransposes(correct)) out.push({ claim: t, mutation: 'dropped-transpose' });
  push('swapped-factors', atEachPosition(e, swaps));
  out.push({ claim: `2*(${correct})`, mutation: 'factor' }, { claim: `0.5*(${correct})`, mutation: 'factor' });
  out.push({ claim: `-(${correct})`, mutation: 'sign' });
  push('sign', atEachPosition(e, (n) => termEdits(n, (t) => [mul(num(-1), t)])));
  push('missing-term', atEachPosition(e, (n) => termEdits(n, () => [])));
  push('extra-term', atEachPosition(e, (n) => termEdits(n, (t) => [t, t])));
  push('kron-swap', atEachPosition(e, kronSwaps));
  return out;
}

// ── equality at a random point (to leave out mutations that change nothing) ─────────────────────────

function differs(c: ClaimCase, a: string, b: string): boolean {
  const decls = parseDeclarations(c.decl);
  const ea = attempt(() => parseExpression(a, { decls }));
  const eb = parseExpression(b, { decls });
  if (!ea) return true; // ill-typed
  const rng = new Rng(7);
  const sizes = randomSizes(decls.dims, rng);
  const values = new Map([...decls.symbols.values()].map((s) => [s.name, randomValue(s, sizes, rng, 'positive')]));
  const ev = new Evaluator({ sizes, values });
  let va: Mat = ev.eval(ea), vb: Mat = ev.eval(eb);
  if (va.rows !== vb.rows || va.cols !== vb.cols) return true;
  const v = decls.symbols.get(c.wrt)!;
  if (v.props.has('symmetric') || v.props.has('spd')) [va, vb] = [va, vb].map((m) => scale(axpy(m, 1, transpose(m)), 0.5));
  return frob(axpy(va, -1, vb)) > 1e-6 * Math.max(frob(va), frob(vb));
}

let built: Corpus | undefined;

export function corpus(): Corpus {
  if (built) return built;
  const correct: { case: ClaimCase; claim: string }[] = [];
  const wrong: WrongClaim[] = [];
  for (const c of CASES) {
    const claim = correctClaim(c);
    if (!claim) continue;
    correct.push({ case: c, claim });
    const seen = new Set<string>([claim]);
    for (const m of mutate(claim, c)) {
      if (seen.has(m.claim)) continue;
      seen.add(m.claim);
      if (differs(c, m.claim, claim)) wrong.push({ case: c, correct: claim, ...m });
    }
  }
  built = { correct, wrong };
  return built;
}
