// A Derivation in the notation of Zhou & Liang App. B (88)–(109): aligned equalities, the justified ones
// labelled \stackrel{(i)}{=}, (ii), … in order, then "where (i) follows from the product rule, (ii) follows
// because vec(AXB) = (Bᵀ ⊗ A) vec(X), …". The rows are laid out to a width by layout.ts.
import { languageFunctions } from '../ops/registry.js';
import { sym } from '../expr/ast.js';
import { segments, type Derivation, type Reason } from '../derivation/model.js';
import { toLatex } from './print.js';
import { checkMath, math, proseLatex, text, type Inline } from './prose.js';
import { alignLatex, type Row } from './layout.js';

export function roman(n: number): string {
  const table: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
  let out = '';
  for (const [v, s] of table) for (; n >= v; n -= v) out += s;
  return out;
}

// ── a derivation ───────────────────────────────────────────────────────────────────────────────────

/**
 * The equation number a label gives, as a \tag: "92", "(92)–(97)" → "92", "B.9"; only letters, digits and
 * dots (it is typeset in text mode, so nothing else may reach the LaTeX).
 */
export function firstTag(equation: string): string | undefined {
  return /[A-Za-z]*\.?\d+[A-Za-z]?|[A-Za-z0-9]+(\.[A-Za-z0-9]+)*/.exec(equation)?.[0];
}

/** "92" → "93", "B.9" → "B.10"; a number without a trailing integer has no successor. */
export function nextTag(tag: string): string | null {
  const m = /^(.*?)(\d+)$/.exec(tag);
  return m ? m[1] + String(Number(m[2]) + 1) : null;
}

const CONNECTIVE = /^(follows\s+(from|because)|uses|is\s+due\s+to|holds\s+(by|because|since)|applies)\b/i;
let mathWords: ReadonlySet<string> | undefined;
/** Names that start a formula, not prose: the functions of the language (those that are not English words) and sym. */
function isMathWord(w: string): boolean {
  mathWords ??= new Set([...[...languageFunctions().values()].filter((f) => !f.word).map((f) => f.name), 'sym']);
  return mathWords.has(w);
}
/** "(97)", "(B.3)," — an equation number is prose. */
const EQUATION_REF = /^\([A-Z]?\.?\d+[a-z]?\)[.,;:]?$/;
/** Characters that make the rest of a rule text a formula rather than more prose. */
const FORMULA = /[=∇ᵀ⊗∘‖⟨⟩()⁻²′^_\\]/;

/** The leading words of a text ("the product rule" of "the product rule ∇_x uᵀv = …"). */
function leadingProse(t: string): string {
  const words: string[] = [];
  for (const w of t.split(/\s+/)) {
    const isWord = (w === 'a' || /^[A-Za-z][A-Za-z-]+[.,;:]?$/.test(w) || EQUATION_REF.test(w)) && !isMathWord(w.replace(/[.,;:]$/, ''));
    if (!isWord) break;
    words.push(w);
  }
  return words.join(' ');
}

/** A reason as a verb ("follows because ", "follows from ", or "" when the text has its own) and what follows it. */
function reasonParts(r: Reason): { verb: string; body: Inline[] } {
  const t = r.says.text.trim().replace(/\s+/g, ' ');
  const formula = r.says.latex.trim();
  const cite = r.citation ? [text(` (${r.citation})`)] : [];
  // an author's reason may be written with $…$ already: it is typeset as it is
  const written = r.says.parts;
  const lead = leadingProse(t);
  const rest = t.slice(lead.length).trim();
  // the author wrote "because …": it reads "follows because …" (or as written, with its own connective)
  if (written) return { verb: CONNECTIVE.test(t) ? '' : 'follows because ', body: [...written, ...cite] };
  if (!lead) return { verb: 'follows because ', body: [...(formula ? [math(formula)] : [text(t)]), ...cite] };
  if (!rest || !FORMULA.test(rest)) {
    // "because of the chain rule" reads "follows because of the chain rule", not "follows from of …"
    const verb = CONNECTIVE.test(t) ? '' : /^(a|an|of)\s/i.test(t) || /\s(is|are|has|have|does|do|holds|hold|vanishes|vanish|equals|equal)\s/.test(t) ? 'follows because ' : 'follows from ';
    return { verb, body: [text(t), ...cite] };
  }
  const verb = CONNECTIVE.test(lead) ? '' : /^of\s/i.test(lead) ? 'follows because ' : 'follows from ';
  return { verb, body: [text(`${lead} `), formula ? math(formula) : text(rest), ...cite] };
}

/**
 * How a paper says why a step holds. A rule text that starts with a formula "follows because" it
 * (shown as the rule's LaTeX); one that names a rule "follows from" the name, then the formula; prose
 * that is a clause ("a term that does not depend on X has zero derivative") "follows because"; text
 * that starts with its own connective ("uses the result in eq. (97)") is kept as it is. A step that
 * applies several rules names them all: "follows from the chain rule and because (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ".
 */
export function reasonProse(r: Reason): Inline[] {
  const [first, ...more] = [r, ...(r.with ?? [])].map(reasonParts);
  const out: Inline[] = [text(first.verb), ...first.body];
  for (const m of more) {
    // "follows because A and B", "follows from A and because B"
    const verb = m.verb === first.verb ? '' : m.verb.replace(/^follows\s+/, '');
    out.push(text(` and ${verb}`), ...m.body);
  }
  return out.filter((p) => !('text' in p) || p.text !== '');
}

/** "a, b, and c" with a comma before "and" from three items on, as Zhou & Liang write it. */
function series(items: readonly Inline[][]): Inline[] {
  return items.flatMap((it, i) => [...(i === 0 ? [] : [text(i === items.length - 1 ? (items.length > 2 ? ', and ' : ' and ') : ', ')]), ...it]);
}

export interface DerivationLayout {
  readonly rows: readonly Row[];
  /** "where (i) follows from …; here e = …" (empty when there is nothing to say) */
  readonly where: readonly Inline[];
}

export interface DerivationOptions {
  /**
   * The lines' numbers: the first line's number (lines are numbered on from it), null for unnumbered
   * lines; by default the derivation's own `equation`, else LaTeX numbers them.
   */
  readonly first?: string | null;
  /** a check mark (or a cross) on each line: whether the step holds */
  readonly marks?: readonly ('ok' | 'bad')[];
}

export function layoutDerivation(d: Derivation, opts: DerivationOptions = {}): DerivationLayout {
  const given = d.equation === undefined ? undefined : firstTag(d.equation);
  let tag: string | null | undefined = opts.first !== undefined ? opts.first : given;
  const numbered = () => {
    const t = tag;
    if (typeof tag === 'string') tag = nextTag(tag);
    return t;
  };
  const reasons: Inline[][] = [];
  const relation = (r: Reason | undefined) => {
    if (!r) return '=';
    const label = `(${roman(reasons.length + 1)})`;
    reasons.push([text(`${label} `), ...reasonProse(r)]);
    return `\\stackrel{${label}}{=}`;
  };
  const mark = (i: number) => (opts.marks?.[i] ? { mark: opts.marks[i] } : {});
  const rows: Row[] = [];
  // a derivation that goes on with another quantity ("⇒ ∇_X f = G") continues the same align
  segments(d).forEach((seg, i) => {
    const lhs = checkMath(seg.quantity.latex, 'the quantity');
    rows.push({ lhs: i === 0 ? lhs : `\\Rightarrow\\quad ${lhs}`, rel: relation(seg.startReason), rhs: toLatex(seg.start), tag: numbered(), ...mark(rows.length) });
    for (const s of seg.steps) rows.push({ lhs: '', rel: relation(s.reason), rhs: toLatex(s.expr), tag: numbered(), ...mark(rows.length) });
  });
  const defs = d.where.map((w) => [math(`${toLatex(sym(w.name, w.value.shape))} = ${toLatex(w.value)}`)]);
  const where: Inline[] = [];
  if (reasons.length) where.push(text('where '), ...series(reasons));
  if (defs.length) where.push(text(reasons.length ? '; here ' : 'where '), ...series(defs));
  if (where.length) where.push(text('.'));
  return { rows, where };
}

/** The derivation as LaTeX to paste into a paper: the align, then the "where …" paragraph. */
export function derivationLatex(d: Derivation, opts: DerivationOptions & { width?: number } = {}): string {
  const { rows, where } = layoutDerivation(d, opts);
  return `${alignLatex(rows, opts.width)}\n${where.length ? proseLatex(where) + '\n' : ''}`;
}
