// Claims about second derivatives: `matcalc verify --kind hessian` (the vec-Hessian block
// ∇_vec(X)∇_vec(X) f, |X|×|X|) and `--kind hessian-form` (the bilinear form ∇²f[dX, dX], an expression in
// X and the direction dX).
//
// hessian: ∇_vec(X)∇_vec(X) f = ∇_vec(X) vec(∇_X f), so the claim is verified as the vec-Jacobian of the
// gradient, with everything `--kind jacobian` gives (the mistake catalogue, a counterexample); the
// gradient is matcalc's, and is itself checked against differences of f.
// hessian-form: the claim against the second central difference of f along random directions; when it
// is false, the mistake catalogue compares it with matcalc's form (itself checked the same way) at points
// with a direction dX: a term dropped or with its sign flipped, a transpose, a constant multiple (½ of
// it: the Taylor term ½∇²f[Δ, Δ] taken for the form), ….
import { Expr, SymNode, substitute, sym, delta } from '../expr/ast.js';
import { InputError, ShapeError } from '../expr/errors.js';
import { isScalarShape, shapeText, SCALAR } from '../expr/shape.js';
import { parseExpression } from '../lang/parse.js';
import { toText } from '../render/print.js';
import { simplify } from '../rewrite/simplify.js';
import { deriveGradients } from '../calculus/derive.js';
import { deriveHessian } from '../calculus/hessian.js';
import { checkDerivativeAnyDepth, checkQuadraticForm, chooseInstances, type QuadraticVerdict } from '../check/instances.js';
import { Unchecked } from '../check/sample.js';
import { checkScope } from '../lang/decl.js';
import { Rng, randomDirection } from '../numeric/random.js';
import { parseScope, parseWrt } from '../app/derive.js';
import type { Verdict } from '../check/derivative.js';
import { compareSymbolically, type VerifyInput, type VerifyOutput } from './claim.js';
import { atPoints, closeness, diagnose, diagnosisPoints, type Diagnosis, type Evaluate } from './diagnose.js';
import type { MistakeContext } from './catalogue.js';
import { repairIllTyped } from './ill-typed.js';

type Verify = (input: VerifyInput) => VerifyOutput;

function setting(input: VerifyInput) {
  const scope = parseScope(input.decl, input.defs, [input.f, input.claim]);
  const f = parseExpression(input.f, scope, 'function (--f)');
  if (!isScalarShape(f.shape)) throw new InputError(`--kind ${input.kind} needs a scalar function, but f is ${shapeText(f.shape)}`);
  if (input.wrt.includes(',')) throw new InputError(`--wrt ${input.wrt}: a claim is about one variable; verify each block separately`);
  const [variable] = parseWrt([input.wrt], scope.decls);
  return { scope, f, variable };
}

export function verifyHessianClaim(input: VerifyInput, verify: Verify): VerifyOutput {
  const { scope, f, variable } = setting(input);
  const [g] = deriveGradients(f, [variable]);
  const gradCheck = checkDerivativeAnyDepth({ f, vars: [variable], claims: new Map([[variable.name, g.value]]), kind: 'gradient', ...checkScope(scope.decls) }, { seed: input.seed });
  const inner = verify({ ...input, f: toText(g.value), kind: 'jacobian' });
  const label = `∇_vec(${variable.name})∇_vec(${variable.name}) f`;
  const how = `checked as the vec-Jacobian of the gradient ∇_${variable.name} f = ${toText(g.value)} (matcalc's, whose own check against differences of f ${gradCheck.status === 'holds' ? 'passed' : gradCheck.status === 'fails' ? 'FAILED' : 'could not run'}: max relative error ${gradCheck.maxError.toExponential(1)})`;
  // the claim is judged against the gradient: without a checked gradient there is no verdict
  const status = gradCheck.status === 'holds' ? inner.status : 'unchecked';
  return { ...inner, input, f, kind: 'hessian', label, status, verified: status === 'holds', notes: [how, ...inner.notes] };
}

/** The claim's numerical verdict, in the shape the verify output prints. */
function asVerdict(q: QuadraticVerdict): Verdict {
  return {
    status: q.status,
    ...(q.reason ? { reason: q.reason } : {}),
    ...(q.counterexample ? { counterexample: q.counterexample } : {}),
    passed: q.passed,
    method: q.method,
    tolerance: q.tolerance,
    maxError: q.maxError,
    points: q.points.map((p) => ({ ...(p.instance ? { instance: p.instance } : {}), sizes: p.sizes, entries: 'gaussian', directionalError: p.error, passed: p.passed })),
    evaluations: q.evaluations,
    notes: [],
  };
}

export function verifyHessianForm(input: VerifyInput): VerifyOutput {
  const { scope, f, variable } = setting(input);
  const { decls } = scope;
  const dname = `d${variable.name}`;
  if (decls.symbols.has(dname)) throw new InputError(`--kind hessian-form writes the direction as ${dname}, which is already declared; rename that symbol`);
  const truth = deriveHessian(f, [variable]).bilinear;
  const label = `∇²f[${dname}, ${dname}]`;
  const base = { input, decls, f, variable, kind: 'hessian-form' as const, label, expectedShape: SCALAR, truth: { variable, value: truth }, verified: false, notes: [] };
  // the direction dX, readable in the claim as a symbol of X's shape, then made the differential of X
  const dirSym = sym(dname, variable.shape);
  const withDir = { ...scope, decls: { ...decls, symbols: new Map([...decls.symbols, [dname, dirSym]]) } };
  const read = (text: string) => substitute(parseExpression(text, withDir, 'claim'), new Map([[dirSym, delta(variable)]]));
  const symbols = [...decls.symbols.values()];
  const form: FormSetting = { f, variable, symbols, dims: decls.dims, label, seed: input.seed };
  let claim: Expr;
  try {
    claim = read(input.claim);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    const notes: string[] = [];
    const evaluate = formPoints(form, [truth], notes);
    const readable = (text: string) => {
      try {
        return read(text);
      } catch (err) {
        if (err instanceof InputError) return undefined;
        throw err;
      }
    };
    const findings = evaluate ? repairIllTyped(input.claim, readable, truth, evaluate, closeness(evaluate(truth) ?? []), (c) => diagnose(formContext(c, truth, label), evaluate)) : [];
    return { ...base, status: 'fails', notes, illTyped: { message: e.message, detail: e.detail }, ...(evaluate ? { diagnosis: { findings, claimMatchesTruth: false } } : {}) };
  }
  if (!isScalarShape(claim.shape)) return { ...base, status: 'fails', claim, illTyped: { message: `the claim is ${shapeText(claim.shape)}, but ${label} is a scalar` } };
  const check = (q: Expr) => checkQuadraticForm({ f, quadratic: q, vars: [variable], ...checkScope(decls) }, { seed: input.seed });
  const numerical = check(claim);
  const symbolic = compareSymbolically(claim, truth, false);
  const notes = [`the direction is ${dname}: ${label} = Σ ∂²f/∂x_a∂x_b (${dname})_a (${dname})_b, the second derivative of f along ${dname}`];
  if (numerical.status !== 'fails') return { ...base, claim, symbolic, numerical: asVerdict(numerical), status: numerical.status, verified: numerical.status === 'holds', notes };
  const diagnosis = diagnoseForm(claim, truth, form, notes);
  return { ...base, claim, symbolic, numerical: asVerdict(numerical), status: 'fails', notes, truthCheck: asVerdict(check(truth)), diagnosis };
}

interface FormSetting {
  readonly f: Expr;
  readonly variable: SymNode;
  readonly symbols: readonly SymNode[];
  readonly dims: ReadonlySet<string>;
  readonly label: string;
  readonly seed?: number;
}

/**
 * The check points of a form's diagnosis: 3 random points where f is finite and smooth, each with a random
 * direction dX (symmetric for a symmetric X). Forms at any depth are not diagnosed (none is printed).
 */
function formPoints(s: FormSetting, exprs: readonly Expr[], notes: string[]): Evaluate | undefined {
  if (chooseInstances([s.f, ...exprs]).length) return undefined;
  const rng = new Rng((s.seed ?? 20261122) + 1);
  try {
    return atPoints(
      diagnosisPoints({ f: s.f, claims: new Map(), symbols: s.symbols, dims: s.dims }, rng).map((point) => {
        const values = new Map(point.values);
        values.set('d' + s.variable.name, randomDirection(s.variable, point.sizes, rng));
        return { sizes: point.sizes, values };
      }),
    );
  } catch (e) {
    if (!(e instanceof Unchecked)) throw e;
    notes.push(`no diagnosis: ${e.message}`);
    return undefined;
  }
}

const formContext = (claim: Expr, truth: Expr, label: string): MistakeContext => ({
  truth: simplify(truth),
  claim,
  symbols: [],
  words: { claim: 'the claim', truth: label, whole: label },
});

/** The catalogue on a form: the claim against matcalc's form. */
function diagnoseForm(claim: Expr, truth: Expr, s: FormSetting, notes: string[]): Diagnosis | undefined {
  const evaluate = formPoints(s, [claim, truth], notes);
  if (!evaluate) return undefined;
  const d = diagnose({ ...formContext(claim, truth, s.label), symbols: s.symbols }, evaluate);
  // ½ of the form: the usual reading of the Taylor expansion f(X + Δ) ≈ f + ⟨∇f, Δ⟩ + ½∇²f[Δ, Δ]
  const taylor = ' — the second-order term ½∇²f[Δ, Δ] of the Taylor expansion, not the form itself';
  return { ...d, findings: d.findings.map((x) => (x.kinds.length === 1 && x.kinds[0] === 'factor' && x.sentence.startsWith('factor: the claim is 1/2 times') ? { ...x, sentence: x.sentence + taylor } : x)) };
}
