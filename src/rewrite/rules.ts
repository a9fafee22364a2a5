// Rules as data. A rule file (rules/*.rules) is a list of blocks:
//
//   rule vec-kron
//     says: vec(AXB) = (Bᵀ ⊗ A) vec(X)
//     lhs:  vec(A*X*B)
//     rhs:  kron(B', A)*vec(X)
//     where: A: m x n; X: n x p; B: p x q
//     if:   free(A, x)                  (optional side conditions)
//     check: u = tanh(P*x)              (optional instances for the numerical test of the rule)
//     cite: Magnus & Neudecker (2019), ch. 2, Thm 2
//
// A rule for every integer exponent names it (`exponent: k`) and uses it in its sides (U .^ k,
// k*U .^ (k-1)): it is verified at several exponents and matched at the exponent it meets.
//
// `where` declares the pattern variables with symbolic shapes and properties (symmetric, spd, invertible:
// side conditions the matcher checks); `if` adds free(A, x) — A does not depend on x. Every rule is
// verified numerically by the test suite on random instances of its own variables.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { familyMarker, type Expr } from '../expr/ast.js';
import { indexPatternName } from './match.js';
import { InputError } from '../expr/errors.js';
import { shapeEq, shapeText } from '../expr/shape.js';
import { parseDeclarations, type Declarations } from '../lang/decl.js';
import { parseExpression } from '../lang/parse.js';
import { allOps } from '../ops/registry.js';

export interface Condition {
  readonly kind: 'free';
  /** pattern variable that must not depend on `of` */
  readonly name: string;
  readonly of: string;
}

export interface Rule {
  readonly name: string;
  readonly says?: string;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly decls: Declarations;
  readonly vars: ReadonlySet<string>;
  readonly conditions: readonly Condition[];
  /** instances for the numerical test: pattern variable := expression in the other variables */
  readonly check: readonly (readonly [string, Expr])[];
  readonly cite?: string;
  readonly file: string;
  readonly line: number;
  /**
   * A rule for every integer exponent k: `lhs`/`rhs` are stated at k = EXPONENT_PLACEHOLDER (for its
   * text); `at(k)` is the rule at an exponent.
   */
  readonly exponent?: { readonly name: string; at(k: number): Rule };
}

/** The value an exponent variable takes in a rule's own sides (a number no rule otherwise uses). */
export const EXPONENT_PLACEHOLDER = 7919;

const FIELDS = new Set(['says', 'lhs', 'rhs', 'where', 'if', 'check', 'cite', 'exponent']);

export class RuleFileError extends InputError {}

export function parseRules(source: string, file = '<rules>'): Rule[] {
  const blocks: { name: string; line: number; fields: Map<string, { value: string; line: number }> }[] = [];
  source.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const text = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!text) return;
    const head = /^rule\s+([A-Za-z][\w-]*)\s*$/.exec(text);
    if (head) {
      if (blocks.some((b) => b.name === head[1])) throw new RuleFileError(`${file}:${line}: rule ${head[1]} is defined twice`);
      blocks.push({ name: head[1], line, fields: new Map() });
      return;
    }
    const field = /^([a-z]+)\s*:\s*(.*)$/.exec(text);
    if (!blocks.length) throw new RuleFileError(`${file}:${line}: expected "rule NAME" before "${text}"`);
    if (!field || !FIELDS.has(field[1]))
      throw new RuleFileError(`${file}:${line}: expected one of ${[...FIELDS].map((f) => f + ':').join(' ')} in rule ${blocks[blocks.length - 1].name}, found "${text}"`);
    const b = blocks[blocks.length - 1];
    if (b.fields.has(field[1])) throw new RuleFileError(`${file}:${line}: rule ${b.name} has two "${field[1]}:" lines`);
    b.fields.set(field[1], { value: field[2].trim(), line });
  });
  return blocks.map((b) => compile(b, file));
}

function compile(b: { name: string; line: number; fields: Map<string, { value: string; line: number }> }, file: string): Rule {
  const at = (f: string) => `${file}:${b.fields.get(f)?.line ?? b.line}`;
  for (const f of ['lhs', 'rhs', 'where']) if (!b.fields.has(f)) throw new RuleFileError(`${file}:${b.line}: rule ${b.name} has no "${f}:" line`);
  const wrap = <T>(f: string, g: () => T): T => {
    try {
      return g();
    } catch (e) {
      if (e instanceof InputError) throw new RuleFileError(`${at(f)}: rule ${b.name}, ${f}: ${e.message}`, e.detail);
      throw e;
    }
  };
  const decls = wrap('where', () => parseDeclarations(b.fields.get('where')!.value));
  const k = b.fields.get('exponent')?.value;
  if (k !== undefined && !/^[a-z]$/.test(k)) throw new RuleFileError(`${at('exponent')}: rule ${b.name}: expected one letter naming the exponent, found "${k}"`);
  // the exponent written as a number: U .^ (k-1) at k = 7919 reads U .^ 7918
  const side = (f: string, value: number | undefined) => {
    const text = b.fields.get(f)!.value;
    return parseExpression(k === undefined || value === undefined ? text : text.replace(new RegExp(`\\b${k}\\b`, 'g'), `(${value})`), { decls }, f);
  };
  const lhs = wrap('lhs', () => side('lhs', EXPONENT_PLACEHOLDER));
  const rhs = wrap('rhs', () => side('rhs', EXPONENT_PLACEHOLDER));
  if (!shapeEq(lhs.shape, rhs.shape))
    throw new RuleFileError(`${at('rhs')}: rule ${b.name}: the left side is ${shapeText(lhs.shape)} but the right side is ${shapeText(rhs.shape)}`);
  const conditions: Condition[] = [];
  for (const c of (b.fields.get('if')?.value ?? '').split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^free\(\s*(\w+)\s*,\s*(\w+)\s*\)$/.exec(c);
    if (!m) throw new RuleFileError(`${at('if')}: rule ${b.name}: unknown condition "${c}" (known: free(A, x): A does not depend on x)`);
    for (const n of [m[1], m[2]]) if (!decls.symbols.has(n)) throw new RuleFileError(`${at('if')}: rule ${b.name}: ${n} is not declared in "where:"`);
    conditions.push({ kind: 'free', name: m[1], of: m[2] });
  }
  const check: [string, Expr][] = [];
  for (const c of (b.fields.get('check')?.value ?? '').split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\w+)\s*=\s*(.+)$/.exec(c);
    if (!m || !decls.symbols.has(m[1])) throw new RuleFileError(`${at('check')}: rule ${b.name}: expected "name = expression" for a declared name, found "${c}"`);
    const value = wrap('check', () => parseExpression(m[2], { decls }, 'check'));
    if (!shapeEq(value.shape, decls.symbols.get(m[1])!.shape))
      throw new RuleFileError(`${at('check')}: rule ${b.name}: ${m[1]} is ${shapeText(decls.symbols.get(m[1])!.shape)} but its instance is ${shapeText(value.shape)}`);
    check.push([m[1], value]);
  }
  const rule: Rule = {
    name: b.name,
    says: b.fields.get('says')?.value,
    lhs,
    rhs,
    decls,
    // pattern variables: the symbols, and for a rule over products its families (F[*]) and index variables
    vars: new Set([...decls.symbols.keys(), ...[...decls.families.keys()].map(familyMarker), ...[...decls.indices.values()].map(indexPatternName)]),
    conditions,
    check,
    cite: b.fields.get('cite')?.value,
    file,
    line: b.line,
  };
  if (k === undefined) return rule;
  const instances = new Map<number, Rule>();
  const instance = (value: number): Rule => {
    let r = instances.get(value);
    if (!r) instances.set(value, (r = { ...rule, lhs: side('lhs', value), rhs: side('rhs', value), exponent: undefined }));
    return r;
  };
  return { ...rule, exponent: { name: k, at: instance } };
}

/** The exponents at which a rule for every integer exponent is verified. */
const VERIFIED_EXPONENTS = [-2, -1, 2, 3, 4];

/** The rule as statements to verify: itself, or for a rule over every exponent, its instances at several. */
export function statementsOf(rule: Rule): Rule[] {
  return rule.exponent ? VERIFIED_EXPONENTS.map((k) => rule.exponent!.at(k)) : [rule];
}

/** A rule as it can match in e: itself, or for a rule over every exponent, its instances at the exponents e has. */
export function instancesIn(rule: Rule, e: Expr): Rule[] {
  if (!rule.exponent) return [rule];
  const ks = new Set<number>();
  const seen = new Set<Expr>();
  const walk = (x: Expr) => {
    if (x.kind !== 'op' || seen.has(x)) return;
    seen.add(x);
    if (x.attrs.k !== undefined && Number.isInteger(x.attrs.k)) for (const d of [-1, 0, 1]) ks.add(x.attrs.k + d);
    x.args.forEach(walk);
  };
  walk(e);
  return [...ks].map((k) => rule.exponent!.at(k));
}

/** The rules an operator module states next to its definition (src/ops/*, `rules`), named after the operator. */
export function operatorRules(): { file: string; source: string }[] {
  return allOps().flatMap((d) => (d.rules ? [{ file: `operator ${d.name}`, source: d.rules }] : []));
}

/** All rules of a directory (default: the package's rules/) and of the operator modules, by name. */
export function loadRules(dir = defaultRulesDir()): Map<string, Rule> {
  const out = new Map<string, Rule>();
  const sources = [
    ...readdirSync(dir).filter((n) => n.endsWith('.rules')).sort().map((f) => ({ file: f, source: readFileSync(join(dir, f), 'utf8') })),
    ...operatorRules(),
  ];
  for (const { file, source } of sources) {
    for (const r of parseRules(source, file)) {
      if (out.has(r.name)) throw new RuleFileError(`${file}:${r.line}: rule ${r.name} is also defined in ${out.get(r.name)!.file}`);
      out.set(r.name, r);
    }
  }
  return out;
}

export function defaultRulesDir(): string {
  // the package's rules/, found from here: src/rewrite (tests), dist/src/rewrite (tsc), dist/bundle/chunks
  const here = new URL('.', import.meta.url).pathname;
  for (const up of ['../..', '../../..']) {
    const root = join(here, up);
    if (existsSync(join(root, 'package.json')) && existsSync(join(root, 'rules'))) return join(root, 'rules');
  }
  throw new Error('the rules/ directory was not found next to the package');
}
