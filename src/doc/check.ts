// Checking a derivation document: every claim and every step of every proof, numerically always (at
// random points with random sizes, derivative operators evaluated by finite differences), and, when a
// step cites a rule, symbolically: the rule applied once to the previous line (or the line read
// backwards) must give the step. A step that is numerically true but not produced by the rule it cites
// is reported as unjustified.
import { Expr, SymNode } from '../expr/ast.js';
import { InputError, ShapeError, UnsupportedError } from '../expr/errors.js';
import { assertDepthBoundsUsed, checkScope, parseDeclarations, type Declarations } from '../lang/decl.js';
import { parseDefinition, parseExpression } from '../lang/parse.js';
import { parseAssumption, type Assumption } from '../lang/assume.js';
import { allRewrites, indexPatternName, NO_BINDINGS, rewriteOnce } from '../rewrite/match.js';
import { freeIndexVars } from '../expr/families.js';
import type { Idx, IndexVar } from '../expr/indices.js';
import { loadRules, type Rule } from '../rewrite/rules.js';
import { simplify } from '../rewrite/simplify.js';
import { verifyChain } from '../check/equality.js';
import { Unchecked, type Scope } from '../check/sample.js';
import type { Counterexample, Status } from '../check/verdict.js';
import { toText } from '../render/print.js';
import { shapeEq, shapeText } from '../expr/shape.js';
import type { DocClaim, DocProof, DocumentSource, DocStep } from './format.js';
import { verifyClaim } from '../verify/claim.js';
import { diagnoseStep, workedOut } from '../verify/step-diagnosis.js';
import { findEqualityCounterexample, type EqualityCounterexample } from '../verify/counterexample.js';
import { evidenceText, type InequalityVerdict, type Relation } from '../check/inequality.js';
import { checkInequality } from '../search/inequality.js';

export interface LineResult {
  readonly line: number;
  /** the expression as written (undefined when it did not parse or typecheck) */
  readonly expr?: Expr;
  readonly source: string;
  readonly passed: boolean;
  /** the step's verdict (holds for the first line) */
  readonly status?: Status;
  /** relative difference from the previous line at random points */
  readonly error?: number;
  /** the rules the step cites (their names joined by ", " when there are several), and whether they produce it */
  readonly rule?: { readonly name: string; readonly justified: boolean; readonly says?: string };
  readonly because?: string;
  readonly message?: string;
  /** for the first failing step: the slips that explain it, and a small point where it is false */
  readonly findings?: readonly string[];
  readonly counterexample?: EqualityCounterexample;
}

export interface ClaimResult {
  readonly kind: 'claim';
  readonly item: DocClaim;
  readonly lhs?: Expr;
  readonly rhs?: Expr;
  /** the verdict on the equation: holds, fails (with a counterexample) or unchecked (with the reason) */
  readonly status: Status;
  /** status is holds */
  readonly holds: boolean;
  /** it holds exactly when the document says it does (claim: true, refute: false) */
  readonly passed: boolean;
  readonly error?: number;
  readonly message?: string;
  /**
   * for a false claim: the slips that explain it (the right side against the left), and the right formula
   * when the left side is a derivative matcalc works out
   */
  readonly diagnosis?: { readonly findings: readonly string[]; readonly correct?: string };
  /** a small point where the two sides differ (for a false claim, and as the evidence of a refutation) */
  readonly counterexample?: EqualityCounterexample;
  /** for an inequality: what the random points and the search found */
  readonly inequality?: InequalityVerdict;
}

export interface ProofResult {
  readonly kind: 'proof';
  readonly item: DocProof;
  readonly lines: readonly LineResult[];
  readonly passed: boolean;
}

export interface DocumentResult {
  readonly doc: DocumentSource;
  readonly decls: Declarations;
  readonly defs: ReadonlyMap<string, Expr>;
  readonly assumptions: readonly Assumption[];
  readonly results: readonly (ClaimResult | ProofResult)[];
  readonly passed: boolean;
  /** the first line that fails, with what is wrong */
  readonly firstFailure?: { readonly line: number; readonly message: string };
}

const located = (file: string, line: number, e: InputError) => new InputError(`${file}:${line}: ${e.message}`, e.detail);

/** Rules a step may use silently on top of the one it cites (as a paper does): constants out of ∇. */
const BOOKKEEPING = ['jac-scale', 'transpose-transpose', 'd-variable'];

function normal(e: Expr, rules: ReadonlyMap<string, Rule>): Expr {
  let cur = simplify(e);
  for (let guard = 0; guard < 20; guard++) {
    const next = BOOKKEEPING.map((n) => rules.get(n)).reduce<Expr | undefined>((found, r) => found ?? (r && rewriteOnce(r, cur)?.result), undefined);
    if (!next) return cur;
    cur = simplify(next);
  }
  return cur;
}

/** Index variables of a rule's right side that its left side does not bind (the k of prod-split). */
function unboundIndices(rule: Rule): IndexVar[] {
  const left = freeIndexVars([rule.lhs]);
  return [...freeIndexVars([rule.rhs])].filter((v) => !left.has(v) && rule.vars.has(indexPatternName(v)));
}

/** The indices of the members in expressions (the k of W[k], the k and q of A[k,q]): values for such a variable. */
function memberIndices(es: readonly Expr[]): Idx[] {
  const out = new Set<Idx>();
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.kind === 'sym') e.member?.index.forEach((i) => out.add(i));
    else if (e.kind === 'op') e.args.forEach(visit);
  };
  es.forEach(visit);
  return [...out];
}

/**
 * Everything one application of the rule to e gives. A rule with an index of its own on its right side
 * (split W_l⋯W_1 at k) takes it from the indices of `indices` (the lines of the step).
 */
function forward(rule: Rule, e: Expr, indices: readonly Idx[]): Expr[] {
  const free = unboundIndices(rule);
  if (free.length !== 1) return free.length ? [] : allRewrites(rule, e);
  return indices.flatMap((i) => allRewrites(rule, e, 200, { ...NO_BINDINGS, idx: new Map([[free[0], i]]) }));
}
/** What gives e by one application of the rule (the rule read backwards). */
const backward = (rule: Rule, e: Expr): Expr[] => allRewrites({ ...rule, lhs: rule.rhs, rhs: rule.lhs }, e);

/** At most this many candidates are carried from one rule of a chain to the next. */
const FRONTIER = 64;

/**
 * Do the rules, applied once each and in order to the line before, give this line? Each rule may be
 * applied forwards to what the rules before it gave, or read backwards from this line (a rule whose right
 * side has a variable of its own, such as the k of prod-split, can only be matched on the line it
 * produced); the two halves meet at one rule boundary. A single rule may also read the equality from right
 * to left (the rule applied to this line gives the line before).
 */
function justified(chain: readonly Rule[], prev: Expr, cur: Expr, rules: ReadonlyMap<string, Rule>): boolean {
  const norm = new Map<Expr, Expr>();
  const n = (e: Expr) => {
    let v = norm.get(e);
    if (!v) norm.set(e, (v = normal(e, rules)));
    return v;
  };
  const step = (es: readonly Expr[], f: (e: Expr) => Expr[]) => [...new Set(es.flatMap(f))].slice(0, FRONTIER);
  // ahead[i]: what rules 0..i-1 give from prev; behind[i]: what rules i..end read backwards give from cur
  const indices = memberIndices([prev, cur]);
  const ahead: Expr[][] = [[prev]];
  for (const r of chain) ahead.push(step(ahead[ahead.length - 1], (e) => forward(r, e, indices)));
  const behind: Expr[][] = Array.from({ length: chain.length + 1 }, () => []);
  behind[chain.length] = [cur];
  for (let i = chain.length - 1; i >= 0; i--) behind[i] = step(behind[i + 1], (e) => backward(chain[i], e));
  for (let i = 0; i <= chain.length; i++) {
    const targets = new Set(behind[i].map(n));
    if (ahead[i].some((e) => targets.has(n(e)))) return true;
  }
  // an equality read from right to left: the rule applied to this line gives the line before
  return chain.length === 1 && forward(chain[0], cur, indices).some((e) => n(e) === n(prev));
}

/** What the cited rules, applied once each and in order to the line before, give (in the form steps are compared). */
export function ruleResults(chain: readonly Rule[], prev: Expr, cur: Expr, rules: ReadonlyMap<string, Rule>): Expr[] {
  const indices = memberIndices([prev, cur]);
  let frontier: Expr[] = [prev];
  for (const r of chain) frontier = [...new Set(frontier.flatMap((e) => forward(r, e, indices)))].slice(0, FRONTIER);
  return frontier.map((e) => normal(e, rules));
}

/**
 * A false claim "grad(f, X) = G" (or jac) gets the diagnosis of `matcalc verify`: which usual mistake
 * (a factor, a transpose, a missing term, …) explains it, and the correct formula. Any other false
 * equation gets the diagnosis of a step: the right side against the left (worked out by matcalc when it
 * has derivative operators).
 */
function diagnoseClaim(doc: DocumentSource, item: DocClaim, lhs: Expr, rhs: Expr, scope: Scope, seed: number | undefined): { diagnosis?: ClaimResult['diagnosis'] } {
  const m = /^\s*(grad|jac)\((.*),\s*([A-Za-z]\w*(?:\[[^\]]*\])?)\s*\)\s*$/.exec(item.lhs);
  try {
    if (m) {
      const out = verifyClaim({ decl: doc.decl.text, f: m[2], wrt: m[3], claim: item.rhs, kind: m[1] === 'grad' ? 'grad' : undefined, defs: doc.defs.map((d) => d.text) });
      if (out.verified) return {};
      return { diagnosis: { findings: out.diagnosis?.findings.map((f) => f.sentence) ?? [], correct: `${out.label} = ${toText(out.truth.value)}` } };
    }
    const findings = diagnoseStep(lhs, rhs, scope.symbols, scope.dims, { seed, constraints: scope.constraints, words: { line: 'the right side', before: 'the left side' } }).map((f) => f.sentence);
    const worked = workedOut(lhs);
    return findings.length ? { diagnosis: { findings, ...(worked ? { correct: `${item.lhs} = ${toText(simplify(worked))}` } : {}) } } : {};
  } catch (e) {
    // the diagnosis is a courtesy: a claim matcalc cannot differentiate or sample keeps its verdict without one
    if (e instanceof InputError || e instanceof UnsupportedError || e instanceof Unchecked) return {};
    throw e;
  }
}

/** A small integer counterexample when one is found, else the point where the kernel found the sides to differ. */
function shownCounterexample(left: Expr, right: Expr, scope: Scope, seed: number | undefined, found: Counterexample | undefined): EqualityCounterexample | undefined {
  const small = findEqualityCounterexample({ left, right, symbols: scope.symbols, dims: scope.dims, seed: seed ?? 5, assign: scope.assign, constraints: scope.constraints });
  if (small || !found) return small;
  const used = new Set([...left.vars, ...right.vars, ...(scope.assign ?? []).map(([n]) => n)]);
  return { ...(found.instance ? { instance: found.instance } : {}), sizes: found.sizes, inputs: new Map([...found.values].filter(([n]) => used.has(n))), entries: 'random', left: found.left, right: found.right };
}

function explainStep(prev: Expr, cur: Expr, scope: Scope, seed: number | undefined, found: Counterexample | undefined, cited?: { name: string; results: readonly Expr[] }) {
  const findings = diagnoseStep(prev, cur, scope.symbols, scope.dims, { seed, assign: scope.assign, constraints: scope.constraints, ...(cited ? { rule: cited.name, ruleResults: cited.results } : {}) }).map((f) => f.sentence);
  const counterexample = shownCounterexample(prev, cur, scope, seed, found);
  return { ...(findings.length ? { findings } : {}), ...(counterexample ? { counterexample } : {}) };
}

/** Checking effort for an inequality of a document (a claim on the command line gets more). */
const DOCUMENT_SEARCH = { points: 12, searches: 4, budget: 200 };
/** A refutation not found with that effort gets up to 3 more searches with the command line's before the document is judged wrong. */
const REFUTATION_SEARCH = { points: 30, searches: 6, budget: 300 };
const REFUTATION_ROUNDS = 3;

function checkInequalityClaim(
  item: DocClaim, lhs: Expr, rhs: Expr,
  ctx: { scope: Scope; seed?: number; file: string },
): ClaimResult {
  let v: InequalityVerdict;
  try {
    const claim = { left: lhs, relation: item.relation as Relation, right: rhs, ...ctx.scope };
    v = checkInequality(claim, { ...DOCUMENT_SEARCH, seed: ctx.seed });
    for (let round = 1; !item.expected && v.status === 'holds' && round <= REFUTATION_ROUNDS; round++) v = checkInequality(claim, { ...REFUTATION_SEARCH, seed: (ctx.seed ?? 11) + round });
  } catch (e) {
    if (e instanceof UnsupportedError) throw new InputError(`${ctx.file}:${item.line}: ${e.message}`);
    throw e;
  }
  const holds = v.status === 'holds';
  // a claim needs "holds", a refutation a counterexample; no verdict passes neither
  const passed = item.expected ? holds : v.status === 'fails';
  const message = v.status === 'fails' ? `a counterexample: ${inequalityCounterexampleText(v)}` : v.status === 'unchecked' ? `could not check: ${v.reason}` : undefined;
  return { kind: 'claim', item, lhs, rhs, status: v.status, holds, passed, inequality: v, ...(message ? { message } : {}) };
}

/** "the left side is 2.5 and the right side 1.9 (it fails by 0.6, relative 1.4e-1)" */
export function inequalityCounterexampleText(v: InequalityVerdict): string {
  const c = v.counterexample!;
  return `the left side is ${c.left.toPrecision(6)} and the right side ${c.right.toPrecision(6)} (fails by ${c.margin.toPrecision(3)}, relative ${c.relative.toExponential(1)}; found by ${c.foundBy === 'search' ? `local search ${c.index}` : `random point ${c.index}`})`;
}

export function checkDocument(doc: DocumentSource, opts: { seed?: number; rules?: ReadonlyMap<string, Rule> } = {}): DocumentResult {
  const rules = opts.rules ?? loadRules();
  let decls: Declarations;
  try {
    decls = parseDeclarations(doc.decl.text);
    const texts = [...doc.defs, ...doc.at, ...doc.assume].map((l) => l.text);
    for (const item of doc.items)
      if (item.kind === 'claim') texts.push(item.lhs, item.rhs);
      else if (item.kind === 'proof') texts.push(...[item.first, ...item.steps].map((s) => s.expr));
    assertDepthBoundsUsed(decls, texts);
  } catch (e) {
    throw e instanceof InputError ? located(doc.file, doc.decl.line, e) : e;
  }
  const defs = new Map<string, Expr>();
  for (const d of doc.defs) {
    try {
      const [name, value] = parseDefinition(d.text, { decls, defs });
      defs.set(name, value);
    } catch (e) {
      throw e instanceof InputError ? located(doc.file, d.line, e) : e;
    }
  }
  const names = { decls, defs };
  const assumptions: Assumption[] = [];
  for (const [list, what] of [[doc.at, '--at'], [doc.assume, '--assume']] as const)
    for (const a of list) {
      try {
        assumptions.push(parseAssumption(a.text, names, [], what === '--at' ? 'at' : 'assume'));
      } catch (e) {
        throw e instanceof InputError ? located(doc.file, a.line, e) : e;
      }
    }
  const assign = assumptions.map((a) => [a.symbol.name, a.value] as const);
  const scope = checkScope(decls, assign);
  /** parse one side; a shape error is a finding about the document (ill-typed), not unreadable input */
  const parse = (src: string, line: number): { expr?: Expr; message?: string } => {
    try {
      return { expr: parseExpression(src, names) };
    } catch (e) {
      if (e instanceof ShapeError) return { message: `ill-typed: ${e.message}` };
      throw e instanceof InputError ? located(doc.file, line, e) : e;
    }
  };
  const results: (ClaimResult | ProofResult)[] = [];
  for (const item of doc.items) {
    if (item.kind === 'prose') continue;
    if (item.kind === 'claim') {
      const l = parse(item.lhs, item.line), r = parse(item.rhs, item.line);
      if (!l.expr || !r.expr) {
        const message = l.message ?? r.message!;
        // ill-typed: false as written (a refutation of it stands)
        results.push({ kind: 'claim', item, status: 'fails', holds: false, passed: !item.expected, message });
        continue;
      }
      if (item.relation !== '=') {
        results.push(checkInequalityClaim(item, l.expr, r.expr, { scope, seed: opts.seed, file: doc.file }));
        continue;
      }
      const shapes = shapeEq(l.expr.shape, r.expr.shape) ? '' : `: the left side is ${shapeText(l.expr.shape)} but the right side is ${shapeText(r.expr.shape)}`;
      const step = shapes ? undefined : verifyChain([l.expr, r.expr], scope, { seed: opts.seed }).steps[1];
      const status: Status = step?.status ?? 'fails';
      const error = step?.error ?? Infinity;
      const counterexample = status === 'fails' ? shownCounterexample(l.expr, r.expr, scope, opts.seed, step?.counterexample) : undefined;
      const message =
        status === 'holds'
          ? item.expected ? undefined : 'the equation holds at every point tried: no finite counterexample exists there'
          : status === 'fails'
            ? `the two sides differ (relative difference ${Number.isFinite(error) ? error.toExponential(2) : '∞'}${shapes})`
            : `could not be checked: ${step!.reason}`;
      results.push({
        kind: 'claim', item, lhs: l.expr, rhs: r.expr, status, holds: status === 'holds', passed: status === (item.expected ? 'holds' : 'fails'), error,
        ...(message ? { message } : {}),
        ...(status !== 'fails' || assumptions.length ? {} : diagnoseClaim(doc, item, l.expr, r.expr, scope, opts.seed)),
        ...(counterexample ? { counterexample } : {}),
      });
      continue;
    }
    const steps: DocStep[] = [item.first, ...item.steps];
    const parsed = steps.map((s) => ({ s, ...parse(s.expr, s.line) }));
    const lines: LineResult[] = [];
    const firstBad = parsed.findIndex((p) => !p.expr);
    const exprs = (firstBad < 0 ? parsed : parsed.slice(0, firstBad)).map((p) => p.expr!);
    const chain = exprs.length > 1 ? verifyChain(exprs, scope, { seed: opts.seed }) : undefined;
    parsed.forEach((p, i) => {
      if (!p.expr) return lines.push({ line: p.s.line, source: p.s.expr, passed: false, message: p.message });
      // a line after one that does not parse is not compared with it
      if (i >= exprs.length) return lines.push({ line: p.s.line, expr: p.expr, source: p.s.expr, passed: false, message: `not checked: line ${parsed[firstBad].s.line} before it does not parse` });
      const step = i === 0 ? undefined : chain?.steps[i];
      const error = step?.error;
      const status: Status = step?.status ?? 'holds';
      let rule: LineResult['rule'];
      let message: string | undefined =
        status === 'fails'
          ? `not equal to the line before (relative difference ${error !== undefined && Number.isFinite(error) ? error.toExponential(2) : '∞'})`
          : status === 'unchecked'
            ? `could not be checked: ${step!.reason}`
            : undefined;
      if (p.s.rules && i > 0) {
        const name = p.s.rules.join(', ');
        const missing = p.s.rules.find((r) => !rules.get(r));
        if (missing) {
          rule = { name, justified: false };
          message ??= `cites "${missing}", which is not a rule in rules/`;
        } else {
          const chain = p.s.rules.map((r) => rules.get(r)!);
          const ok = justified(chain, exprs[i - 1], p.expr, rules);
          const says = chain.map((r) => r.says ?? toText(r.lhs) + ' = ' + toText(r.rhs)).join('; then ');
          rule = { name, justified: ok, says };
          if (!ok) message ??= `true, but not what ${chain.length > 1 ? `${name}, applied in this order,` : name} (${says}) ${chain.length > 1 ? 'give' : 'gives'} from the line before`;
        }
      }
      // the first step that is false (not merely unjustified): why — against what the cited rules give, and the line before — and where
      const cited = p.s.rules && i > 0 && p.s.rules.every((r) => rules.get(r)) ? p.s.rules.map((r) => rules.get(r)!) : undefined;
      const explain =
        status === 'fails' && !lines.some((x) => x.counterexample || x.findings)
          ? explainStep(exprs[i - 1], p.expr, scope, opts.seed, step!.counterexample, cited && { name: p.s.rules!.join(', '), results: ruleResults(cited, exprs[i - 1], p.expr, rules) })
          : {};
      lines.push({ line: p.s.line, expr: p.expr, source: p.s.expr, passed: !message, status, error, ...(rule ? { rule } : {}), ...(p.s.because ? { because: p.s.because } : {}), ...(message ? { message } : {}), ...explain });
    });
    results.push({ kind: 'proof', item, lines, passed: lines.every((l) => l.passed) });
  }
  let firstFailure: DocumentResult['firstFailure'];
  for (const r of results) {
    if (r.passed) continue;
    if (r.kind === 'claim') {
      const label = r.item.label ? ' ' + r.item.label : '';
      const what = r.item.relation === '=' ? 'equation' : 'inequality';
      firstFailure = {
        line: r.item.line,
        message:
          r.status === 'unchecked'
            ? `${r.item.expected ? 'claim' : 'refute'}${label}: ${r.message}`
            : r.item.expected
              ? `claim${label} is false: ${r.message}`
              : r.inequality
                ? `refute${label}: the ${what} holds (${evidenceText(r.inequality)}), but the document says it is false`
                : `refute${label}: the equation holds at every point tried, but the document says it is false (no finite counterexample was found)`,
      };
    } else {
      const l = r.lines.find((x) => !x.passed)!;
      firstFailure = { line: l.line, message: `proof${r.item.label ? ' ' + r.item.label : ''}, step at line ${l.line}: ${l.message}` };
    }
    break;
  }
  return { doc, decls, defs, assumptions, results, passed: !firstFailure, ...(firstFailure ? { firstFailure } : {}) };
}
