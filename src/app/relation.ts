// `matcalc verify --decl D [--def …] [--at …] --claim "LHS <= RHS"` (or "LHS = RHS"): a relation between
// two expressions, with no function to differentiate. An identity is compared at random points (as a
// claim of a document is); an inequality is checked at random points and by a search for a violation
// (src/check/inequality.ts). The verdict is three-valued: holds (for an inequality: no counterexample in
// N points and M searches — evidence, not proof), fails (with a counterexample), could not check (why).
import { familyMarker, type Expr } from '../expr/ast.js';
import { InputError } from '../expr/errors.js';
import { shapeEq, shapeText } from '../expr/shape.js';
import { checkScope, type Declarations } from '../lang/decl.js';
import { parseExpression } from '../lang/parse.js';
import { parseAssumption, type Assumption } from '../lang/assume.js';
import { splitRelation, type Relation } from '../doc/format.js';
import { verifyChain, type ChainVerdict } from '../check/equality.js';
import { withNamedMembers } from '../check/sample.js';
import { evidenceText, type InequalityVerdict } from '../check/inequality.js';
import { checkInequality } from '../search/inequality.js';
import { findEqualityCounterexample, type EqualityCounterexample } from '../verify/counterexample.js';
import { toLatex, toText } from '../render/print.js';
import { familyText } from '../render/derive-output.js';
import { inequalityCounterexampleLines, counterexampleText } from './documents.js';
import { parseScope } from './derive.js';
import { counterexampleJson, inequalityJson } from '../api/json.js';
import type { RelationJson } from '../api/types.js';

export interface RelationInput {
  readonly decl: string;
  readonly claim: string;
  readonly defs?: readonly string[];
  /** evaluation points: substitutions such as "x = sqrt(eigval(M, 2))*eigvec(M, 2)" */
  readonly at?: readonly string[];
  readonly seed?: number;
}

export interface RelationOutput {
  readonly input: RelationInput;
  readonly decls: Declarations;
  readonly left: Expr;
  readonly relation: Relation;
  readonly right: Expr;
  readonly assumptions: readonly Assumption[];
  readonly status: 'holds' | 'fails' | 'unchecked';
  /** an identity: the comparison at random points, and a small point where the sides differ */
  readonly equality?: { readonly verdict: ChainVerdict; readonly counterexample?: EqualityCounterexample };
  readonly inequality?: InequalityVerdict;
}

/** The command line's effort: more than a document's (each claim of a document must stay fast). */
const COMMAND_LINE_SEARCH = { points: 30, searches: 6, budget: 300 };

export function verifyRelation(input: RelationInput): RelationOutput {
  const { decls, defs } = parseScope(input.decl, input.defs, [input.claim, ...(input.at ?? [])]);
  const rel = splitRelation(input.claim);
  if (!rel || !rel.lhs || !rel.rhs) throw new InputError(`--claim "${input.claim}": expected one relation "LHS = RHS", "LHS <= RHS", "LHS < RHS", "LHS >= RHS" or "LHS > RHS"`);
  const scope = { decls, defs };
  const left = parseExpression(rel.lhs, scope, '--claim (left side)');
  const right = parseExpression(rel.rhs, scope, '--claim (right side)');
  const assumptions = (input.at ?? []).map((a) => parseAssumption(a, scope, [], '--at'));
  const assign = assumptions.map((a) => [a.symbol.name, a.value] as const);
  const base = { input, decls, left, relation: rel.relation, right, assumptions };
  if (rel.relation !== '=') {
    const inequality = checkInequality({ left, relation: rel.relation, right, ...checkScope(decls, assign) }, { ...COMMAND_LINE_SEARCH, seed: input.seed });
    return { ...base, status: inequality.status, inequality };
  }
  if (!shapeEq(left.shape, right.shape))
    throw new InputError(`--claim "${input.claim}": the left side is ${shapeText(left.shape)} but the right side is ${shapeText(right.shape)}`);
  const verdict = verifyChain([left, right], checkScope(decls, assign), { seed: input.seed, points: 5 });
  // the members of families of any depth the sides name (W[1]) need values too
  const drawn = withNamedMembers(checkScope(decls, assign), [left, right]);
  const counterexample = verdict.status === 'fails' ? findEqualityCounterexample({ left, right, symbols: drawn.symbols, dims: drawn.dims, seed: input.seed ?? 5, assign, constraints: decls.constraints }) : undefined;
  return { ...base, status: verdict.status, equality: { verdict, ...(counterexample ? { counterexample } : {}) } };
}

const REL_TEXT: Record<Relation, string> = { '=': '=', '<=': '<=', '<': '<', '>=': '>=', '>': '>' };
const REL_LATEX: Record<Relation, string> = { '=': '=', '<=': '\\le', '<': '<', '>=': '\\ge', '>': '>' };

/** The relation as the user wrote it (definitions are not expanded). */
export const relationText = (o: RelationOutput) => {
  const r = splitRelation(o.input.claim)!;
  return `${r.lhs} ${REL_TEXT[o.relation]} ${r.rhs}`;
};
export const relationLatex = (o: { left: Expr; relation: Relation; right: Expr }) => `${toLatex(o.left)} ${REL_LATEX[o.relation]} ${toLatex(o.right)}`;

export function formatRelationText(o: RelationOutput): string {
  const head = o.status === 'holds' ? (o.inequality ? 'HOLDS (evidence, not proof)' : 'HOLDS') : o.status === 'fails' ? 'FALSE' : 'COULD NOT CHECK';
  const L = [`${head}: ${relationText(o)}`];
  const uses = (name: string) => o.left.vars.has(name) || o.right.vars.has(name) || o.assumptions.some((a) => a.value.vars.has(name));
  // the families the sides use (W[j] in a product over j), then the symbols (members named by number too)
  const families = [...o.decls.families.values()].filter((f) => uses(familyMarker(f.name)));
  const drawn = withNamedMembers(checkScope(o.decls), [o.left, o.right]).symbols;
  const shapes = drawn.filter((s) => uses(s.name) && !families.some((f) => f.name === s.member?.family));
  const constraints = o.decls.constraints.map((c) => c.text);
  const declared = [...families.map(familyText), ...shapes.map((s) => `${s.name}: ${shapeText(s.shape)}${s.props.size ? ' ' + [...s.props].join(' ') : ''}`)];
  if (declared.length) L.push(`  with ${declared.join(', ')}${constraints.length ? `; ${constraints.join(', ')}` : ''}`);
  for (const a of o.assumptions) L.push(`  at ${a.symbol.name} = ${toText(a.value)}`);
  const iq = o.inequality;
  if (iq) {
    if (iq.status === 'holds') {
      L.push(`  ${evidenceText(iq)}`);
      if (iq.closest !== undefined && iq.closest > -1e-3) L.push(`  the search came within ${Math.max(-iq.closest, 0).toExponential(1)} (relative) of equality: the bound is tight, or nearly`);
    } else if (iq.status === 'fails') {
      const r = splitRelation(o.input.claim)!;
      L.push(...inequalityCounterexampleLines(iq, '', [r.lhs, r.rhs]));
    }
    else L.push(`  ${iq.reason}`);
    return L.join('\n') + '\n';
  }
  const eq = o.equality!;
  const worst = Math.max(...eq.verdict.steps.map((s) => s.error));
  if (o.status === 'holds') L.push(`  the two sides agree at random points (relative difference ${worst.toExponential(1)}, tolerance ${eq.verdict.tolerance.toExponential(0)})`);
  else if (o.status === 'unchecked') L.push(`  ${eq.verdict.reason}`);
  else {
    L.push(`  the two sides differ at random points (relative difference ${Number.isFinite(worst) ? worst.toExponential(2) : '∞'})`);
    if (eq.counterexample) L.push(...counterexampleText(eq.counterexample, 'left side', 'right side', '').map((l, i) => (i === 0 ? l : '  ' + l.trimStart())));
  }
  return L.join('\n') + '\n';
}

export function relationJson(o: RelationOutput): RelationJson {
  const eq = o.equality;
  return {
    matcalc: 1,
    command: 'verify',
    kind: o.relation === '=' ? 'identity' : 'inequality',
    verdict: o.status === 'holds' ? 'HOLDS' : o.status === 'fails' ? 'FALSE' : 'UNCHECKED',
    status: o.status,
    claim: { input: o.input.claim, text: relationText(o), latex: relationLatex(o), relation: o.relation, left: toText(o.left), right: toText(o.right) },
    definitions: (o.input.defs ?? []).slice(),
    at: o.assumptions.map((a) => ({ symbol: a.symbol.name, value: toText(a.value) })),
    evidence: o.inequality ? inequalityJson(o.inequality) : { tolerance: eq!.verdict.tolerance, error: Math.max(...eq!.verdict.steps.map((s) => s.error)) },
    counterexample: counterexampleJson(eq?.counterexample),
    errors: [],
  };
}
