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
    // pA, qAB: a scalar times matrices, math however word-like
    const isWord = (w === 'a' || /^[A-Za-z][A-Za-z-]+[.,;:]?$/.test(w) || EQUATION_REF.test(w)) && !/^[a-z][A-Z]+$/.test(w) && !isMathWord(w.replace(/[.,;:]$/, ''));
    if (!isWord) break;
    words.push(w);
  }
  return words.join(' ');
}

/** One identity a step applies: how it is said, and what tells it apart from the others (its rule). */
interface Said {
  readonly key: string;
  /** "follows because ", "follows from ", or "" when the text has its own verb */
  readonly verb: string;
  readonly body: Inline[];
}

/**
 * A citation as the document's own paper would print it: a part that cites the paper the document comes
 * from drops the authors (and "App. B" before an equation), and a part citing an equation this very
 * display carries is dropped ("(iv) … (eq. (95))" on line (95) would cite itself).
 */
export function ownCitation(citation: string, c: CitationContext = {}): string {
  if (!c.source) return citation;
  const parts = citation.split(/;\s*/).flatMap((part) => {
    const authors = /^(.+?)(?= App\.| \(\d{4}\)|,| eq\.| §)/.exec(part)?.[1];
    if (!authors || !c.source!.startsWith(authors) || !/^[,\s]/.test(c.source!.slice(authors.length))) return [part];
    const own = part.slice(authors.length).replace(/^,?\s*/, '').replace(/^App\.\s+[A-Z]\b,?\s*(?=.*\beq\.)/, '');
    const eq = /^eq\.\s*\(([^)]+)\)$/.exec(own);
    return eq && c.tags?.has(eq[1]) ? [] : [own];
  });
  return parts.join('; ');
}

/** A reason as a verb ("follows because ", "follows from ", or "" when the text has its own) and what follows it. */
function reasonParts(r: Reason, c: CitationContext): Said {
  const t = r.says.text.trim().replace(/\s+/g, ' ');
  // "because of the definition of G_k" reads as the paper has it: "follows from the definition of G_k"
  if (/^of\s/i.test(t)) {
    const says = { text: t.replace(/^of\s+/i, ''), latex: r.says.latex.trim().replace(/^of\s+/i, ''), ...(r.says.parts ? { parts: dropLeadingOf(r.says.parts) } : {}) };
    return { ...reasonParts({ ...r, says }, c), key: r.rule ?? t, verb: 'follows from ' };
  }
  const key = r.rule ?? t;
  const formula = r.says.latex.trim();
  // a rule is cited once per document: where an earlier derivation cited it, its formula is enough
  const citation = r.citation && !(r.rule && c.cited?.has(r.rule)) ? ownCitation(r.citation, c) : undefined;
  if (r.rule) c.cited?.add(r.rule);
  const cite = citation ? [text(` (${parenthetical(citation)})`)] : [];
  // an author's reason may be written with $…$ already: it is typeset as it is
  const written = r.says.parts;
  const lead = leadingProse(t);
  const rest = t.slice(lead.length).trim();
  // the author wrote "because …": it reads "follows because …" (or as written, with its own connective)
  if (written) return { key, verb: CONNECTIVE.test(t) ? '' : 'follows because ', body: [...written, ...cite] };
  if (!lead) return { key, verb: 'follows because ', body: [...(formula ? [math(formula)] : [text(t)]), ...cite] };
  if (!rest || !FORMULA.test(rest)) {
    const verb = CONNECTIVE.test(t) ? '' : /^(a|an)\s/i.test(t) || /\s(is|are|has|have|does|do|holds|hold|vanishes|vanish|equals|equal)\s/.test(t) ? 'follows because ' : 'follows from ';
    return { key, verb, body: [text(t), ...cite] };
  }
  const verb = CONNECTIVE.test(lead) ? '' : 'follows from ';
  return { key, verb, body: [text(`${lead} `), formula ? math(formula) : text(rest), ...cite] };
}

/** An author's reason without its leading "of " (the verb says "from"). */
function dropLeadingOf(parts: readonly Inline[]): Inline[] {
  const [first, ...more] = parts;
  return first && 'text' in first ? [text(first.text.replace(/^\s*of\s+/i, '')), ...more] : [...parts];
}

/** A citation inside parentheses: "Magnus & Neudecker (2019), ch. 9" reads "Magnus & Neudecker, 2019, ch. 9". */
export const parenthetical = (citation: string): string => citation.replace(/([A-Za-z.])\s+\((\d{4}[a-z]?)\)/g, '$1, $2');

/**
 * Several identities in one clause, those with the same verb as a series: "because A, B and C, and from
 * the chain rule D". `verb` is the one already printed before the clause.
 */
function joinSaid(said: readonly Said[], verb: string): Inline[] {
  const groups: Said[][] = [];
  for (const m of said) {
    const last = groups[groups.length - 1];
    if (last && last[0].verb === m.verb && m.verb) last.push(m);
    else groups.push([m]);
  }
  // a comma before "and" once the clause has more than two items (as Zhou & Liang write a series)
  const sep = groups.length > 2 || groups.some((g) => g.length > 1) ? ', and ' : ' and ';
  return groups.flatMap((g, i) => {
    const own = g[0].verb.replace(/^follows\s+/, '');
    const lead = i === 0 ? (g[0].verb === verb ? '' : own) : sep + own;
    return [text(lead), ...g.flatMap((m, j) => [...(j === 0 ? [] : [text(j === g.length - 1 ? ' and ' : ', ')]), ...m.body])];
  });
}

/**
 * How a paper says why a step holds. A rule text that starts with a formula "follows because" it
 * (shown as the rule's LaTeX); one that names a rule "follows from" the name, then the formula; prose
 * that is a clause ("a constant term has zero derivative") "follows because"; text that starts with its
 * own connective ("uses the result in eq. (97)") is kept as it is. A step that applies several rules
 * names them all: "follows from the chain rule and because (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ".
 */
export function reasonProse(r: Reason, c: CitationContext = {}): Inline[] {
  const said = [r, ...(r.with ?? [])].map((x) => reasonParts(x, c));
  return [text(said[0].verb), ...joinSaid(said, said[0].verb)].filter((p) => !('text' in p) || p.text !== '');
}

/** "a, b, and c" with a comma before "and" from three items on, as Zhou & Liang write it. */
function series(items: readonly Inline[][]): Inline[] {
  return items.flatMap((it, i) => [...(i === 0 ? [] : [text(i === items.length - 1 ? (items.length > 2 ? ', and ' : ' and ') : ', ')]), ...it]);
}

/** "(iii)", "(iii) and (iv)", "(iii)–(v)": labels of consecutive lines. */
function labelRange(labels: readonly number[]): string {
  const l = labels.map((n) => `(${roman(n)})`);
  return l.length === 1 ? l[0] : l.length === 2 ? `${l[0]} and ${l[1]}` : `${l[0]}\u2013${l[l.length - 1]}`;
}

/**
 * The "where" clauses, each identity said once, as App. B says them: consecutive lines that apply the
 * same identities share one clause ("(iii) and (iv) follow from …"), and a line that applies identities
 * already said refers to the line that said them ("(iv) follows as in (iii) and because …").
 */
function whereClauses(reasons: readonly Reason[], c: CitationContext): Inline[][] {
  type Clause = { labels: number[]; said: Said[]; keys: string; fresh: boolean; seen: number[] };
  const clauses: Clause[] = [];
  const firstSaid = new Map<string, number>();
  reasons.forEach((r, i) => {
    const label = i + 1;
    const said = [r, ...(r.with ?? [])].map((x) => reasonParts(x, c));
    const keys = said.map((s) => s.key).join('\n');
    const prev = clauses[clauses.length - 1];
    if (prev && prev.fresh && prev.keys === keys && said[0].verb) {
      prev.labels.push(label);
      return;
    }
    const seen = [...new Set(said.filter((s) => firstSaid.has(s.key)).map((s) => firstSaid.get(s.key)!))].sort((a, b) => a - b);
    const fresh = said.filter((s) => !firstSaid.has(s.key));
    for (const s of fresh) firstSaid.set(s.key, label);
    clauses.push({ labels: [label], said: fresh, keys, fresh: seen.length === 0, seen });
  });
  return clauses.map((cl) => {
    const plural = cl.labels.length > 1;
    const head = text(`${labelRange(cl.labels)} `);
    if (!cl.seen.length) {
      const verb = cl.said[0].verb;
      return [head, text(plural ? verb.replace(/^follows/, 'follow') : verb), ...joinSaid(cl.said, verb)].filter((p) => !('text' in p) || p.text !== '');
    }
    const as = text(`follows as in ${cl.seen.map((n) => `(${roman(n)})`).join(' and ')}`);
    if (!cl.said.length) return [head, as];
    return [head, as, text(' and '), ...joinSaid(cl.said, '')].filter((p) => !('text' in p) || p.text !== '');
  });
}

/** Where the derivation is printed: the document's source line and the numbers of its display's lines. */
export interface CitationContext {
  readonly source?: string;
  readonly tags?: ReadonlySet<string>;
  /** the rules the document has cited so far (filled in as derivations are laid out) */
  readonly cited?: Set<string>;
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
  /** the document the derivation is printed in, for its citations (ownCitation) */
  readonly citing?: CitationContext;
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
  const reasons: Reason[] = [];
  const relation = (r: Reason | undefined) => {
    if (!r) return '=';
    reasons.push(r);
    return `\\stackrel{(${roman(reasons.length)})}{=}`;
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
  if (reasons.length) where.push(text('where '), ...series(whereClauses(reasons, opts.citing ?? {})));
  if (defs.length) where.push(text(reasons.length ? '; here ' : 'where '), ...series(defs));
  if (where.length) where.push(text('.'));
  return { rows, where };
}

/** The derivation as LaTeX to paste into a paper: the align, then the "where …" paragraph. */
export function derivationLatex(d: Derivation, opts: DerivationOptions & { width?: number } = {}): string {
  const { rows, where } = layoutDerivation(d, opts);
  return `${alignLatex(rows, opts.width)}\n${where.length ? proseLatex(where) + '\n' : ''}`;
}
