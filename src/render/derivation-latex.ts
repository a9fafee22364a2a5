// A Derivation in the notation of Zhou & Liang App. B (88)–(109): aligned equalities, the justified ones
// labelled \stackrel{(i)}{=}, (ii), … in order, then "where (i) follows from the product rule, (ii) follows
// because vec(AXB) = (Bᵀ ⊗ A) vec(X), …". Long right-hand sides are broken over several rows, at a
// top-level + or − first, then at ⊗ or ∘, then between factors, and inside an over-long (…) last.
import { languageFunctions } from '../ops/registry.js';
import { sym } from '../expr/ast.js';
import type { Derivation, Reason } from '../derivation/model.js';
import { toLatex } from './print.js';
import { checkMath, math, proseLatex, text, type Inline } from './prose.js';

export function roman(n: number): string {
  const table: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
  let out = '';
  for (const [v, s] of table) for (; n >= v; n -= v) out += s;
  return out;
}

// ── aligned rows and line breaking ─────────────────────────────────────────────────────────────────

/**
 * One line of an align: `lhs &rel rhs`. tag: a string is printed as \tag{…}, null leaves the line
 * unnumbered, undefined lets LaTeX number it.
 */
export interface Row {
  readonly lhs: string;
  readonly rel: string;
  readonly rhs: string;
  readonly tag?: string | null;
}

/**
 * Width of a display line, left side and relation included, in the units of visibleLength: what fits
 * with an equation number in the text width of an 11pt article (measured on the battery's PDF).
 */
export const LINE_WIDTH = 28;

/**
 * About how wide a LaTeX math string prints, in em (Computer Modern proportions): bold capitals are
 * wide, scripts print at 70%, binary operators and relations carry their spacing, \left/\right count
 * as their delimiters.
 */
export function visibleLength(s: string): number {
  let i = 0;
  type Font = 'italic' | 'bold' | 'roman';
  const seq = (scale: number, font: Font, group: boolean): number => {
    let w = 0;
    while (i < s.length) {
      if (s[i] === '}') {
        i++;
        if (group) return w;
      } else w += item(scale, font);
    }
    return w;
  };
  const arg = (scale: number, font: Font): number => {
    while (s[i] === ' ') i++;
    return item(scale, font);
  };
  const item = (scale: number, font: Font): number => {
    const c = s[i++];
    if (c === ' ') return 0;
    if (c === '{') return seq(scale, font, true);
    if (c === '^' || c === '_') return arg(scale * 0.7, font);
    if (c === '\\') {
      const cmd = /^([A-Za-z]+|.)/.exec(s.slice(i))![1];
      i += cmd.length;
      if (/^(left|right|[bB]igg?[lr]?)$/.test(cmd)) return arg(scale, font);
      if (cmd === 'boldsymbol' || cmd === 'mathbf') return arg(scale, 'bold');
      if (cmd === 'operatorname' || cmd === 'mathrm') return arg(scale, 'roman');
      if (cmd === 'frac') return Math.max(arg(scale * 0.7, font), arg(scale * 0.7, font)) + 0.2 * scale;
      if (cmd === 'stackrel') return Math.max(arg(scale * 0.7, font), arg(scale, font));
      if (cmd === 'quad' || cmd === 'qquad') return (cmd === 'quad' ? 1 : 2) * scale;
      const em: Record<string, number> = { otimes: 1.2, circ: 1.1, cdot: 0.8, times: 1.2, nabla: 0.85, top: 0.8, prime: 0.3, '|': 0.5, ',': 0.17, ';': 0.28, '!': -0.17, langle: 0.4, rangle: 0.4 };
      return scale * (em[cmd] ?? (/^[A-Z]/.test(cmd) ? 0.85 : 0.6)) * (font === 'bold' ? 1.15 : 1);
    }
    let w: number;
    if (c === '+' || c === '-') w = 1.2;
    else if (c === '=' || c === '<' || c === '>') w = 1.35;
    else if ('()[]|'.includes(c)) w = 0.39;
    else if (',.:;'.includes(c)) w = 0.3;
    else if (c === 'W' || c === 'M') w = font === 'bold' ? 1.15 : 0.95;
    else if (/[A-Z]/.test(c)) w = font === 'bold' ? 0.95 : 0.8;
    else if (/[a-z]/.test(c)) w = font === 'bold' ? 0.6 : 0.5;
    else w = 0.5;
    return scale * w;
  };
  return seq(1, 'italic', false);
}

const ARGS: Record<string, number> = { boldsymbol: 1, operatorname: 1, mathrm: 1, mathbb: 1, mathbf: 1, sqrt: 1, frac: 2, stackrel: 2 };

/**
 * Split math into its top-level units — a symbol with its scripts, a command with its arguments, a
 * \left…\right group — keeping every character, so joining the units gives the string back.
 */
export function units(s: string): string[] {
  const group = (j: number): number => {
    for (let d = 0; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === '{') d++;
      else if (s[j] === '}' && --d === 0) return j + 1;
    }
    return s.length;
  };
  const token = (j: number): number => {
    while (s[j] === ' ') j++;
    if (s[j] === '{') return group(j);
    if (s[j] === '\\') return j + /^\\([A-Za-z]+|.)/.exec(s.slice(j))![0].length;
    return j + 1;
  };
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (s[j] === ' ') j++;
    if (j >= s.length) {
      if (out.length) out[out.length - 1] += s.slice(i);
      else out.push(s.slice(i));
      break;
    }
    const cw = /^\\([A-Za-z]+)/.exec(s.slice(j));
    if (cw?.[1] === 'left') {
      for (let depth = 0; j < s.length; ) {
        while (s[j] === ' ') j++;
        const lr = /^\\(left|right)(?![A-Za-z])/.exec(s.slice(j));
        if (!lr) {
          j = token(j);
          continue;
        }
        depth += lr[1] === 'left' ? 1 : -1;
        j = token(j + lr[0].length); // the delimiter
        if (depth === 0) break;
      }
    } else if (cw && cw[1] in ARGS) {
      j += cw[0].length;
      for (let a = 0; a < ARGS[cw[1]]; a++) j = token(j);
    } else if (/\d/.test(s[j])) while (/[\d.]/.test(s[j] ?? '')) j++;
    else j = token(j);
    // scripts and primes belong to what they follow
    for (;;) {
      let k = j;
      while (s[k] === ' ') k++;
      if (s[k] === '^' || s[k] === '_') j = token(k + 1);
      else if (s[k] === "'") j = k + 1;
      else break;
    }
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

const binary = (u: string) => /^\s*([+-]|\\otimes|\\circ|\\cdot|\\times)\s*$/.test(u);
/** A unit that leads into the next one: a function name, ∇_x, a coefficient, a scalar. */
const leads = (u: string) => !/^\s*(\\boldsymbol|\\left|\\bigr|\{)/.test(u);

/** Where a row may break, before unit i: 1 at + or −, 2 at ⊗ or ∘, 3 between factors; 0 never. */
function breakLevel(us: readonly string[], i: number): number {
  if (i === 0) return 0;
  const u = us[i].trim(), prev = us[i - 1];
  if (u === '+' || u === '-') return binary(prev) ? 0 : 1;
  if (u === '\\otimes' || u === '\\circ') return 2;
  if (binary(us[i]) || binary(prev) || leads(prev) || /^\s*\\bigr/.test(u)) return 0;
  return 3;
}

const width = (us: readonly string[]) => visibleLength(us.join(''));

/** \left( X \right)^s → \bigl( X \bigr)^s as units, so the inside can break across rows. */
function open(u: string): string[] | undefined {
  const m = /^(\s*)\\left(\\[A-Za-z]+|\\.|.)([\s\S]*)\\right(\\[A-Za-z]+|\\.|.)([\s\S]*)$/.exec(u);
  if (!m) return undefined;
  const inner = units(m[3]);
  return [`${m[1]}\\bigl${m[2]}`, ...inner, `\\bigr${m[4]}${m[5]}`];
}

/** Break a row of units into rows no wider than `budget`, preferring the lowest break level. */
export function breakRow(us: readonly string[], budget: number, level = 1): string[][] {
  if (width(us) <= budget) return [[...us]];
  if (level > 3) {
    // the last resort: open the widest (…) that is too wide by itself
    const i = us.findIndex((u) => visibleLength(u) > budget && open(u));
    return i < 0 ? [[...us]] : breakRow([...us.slice(0, i), ...open(us[i])!, ...us.slice(i + 1)], budget, 1);
  }
  const pieces: string[][] = [[]];
  us.forEach((u, i) => {
    if (breakLevel(us, i) === level) pieces.push([]);
    pieces[pieces.length - 1].push(u);
  });
  const rows: string[][] = [];
  for (const p of pieces) {
    const last = rows[rows.length - 1];
    if (last && width(last) + width(p) <= budget) last.push(...p);
    else rows.push(p);
  }
  return rows.flatMap((r) => breakRow(r, budget, level + 1));
}

const tagOf = (tag: string | null | undefined) => (tag === undefined ? '' : tag === null ? ' \\notag' : ` \\tag{${tag}}`);

/** Rows as a \begin{align} environment; a long right-hand side continues on `&\quad` rows. */
export function alignLatex(rows: readonly Row[], lineWidth = LINE_WIDTH): string {
  const lhsWidth = Math.max(0, ...rows.map((r) => visibleLength(r.lhs)));
  const lines: string[] = [];
  for (const r of rows) {
    checkMath(r.lhs, 'left-hand side');
    checkMath(r.rhs, 'right-hand side');
    // every row of the align starts after the widest left side; continuation rows are indented by \quad
    const budget = Math.max(8, lineWidth - lhsWidth - visibleLength(r.rel));
    const parts = breakRow(units(r.rhs.trim()), budget).map((us) => us.join('').trim());
    parts.forEach((p, i) => {
      const last = i === parts.length - 1;
      const head = i === 0 ? `${r.lhs ? r.lhs + ' ' : ''}&${r.rel} ` : `&\\quad ${binary(units(p)[0] ?? '') ? '{}' : ''}`;
      lines.push(head + p + (last ? tagOf(r.tag) : ' \\notag'));
    });
  }
  return `\\begin{align}\n${lines.join(' \\\\\n')}\n\\end{align}`;
}

// ── a derivation ───────────────────────────────────────────────────────────────────────────────────

/**
 * The equation number a derivation gives, as a \tag: "92", "(92)–(97)" → "92", "B.9"; only letters,
 * digits and dots (it is typeset in text mode, so nothing else may reach the LaTeX).
 */
function firstTag(equation: string): string | undefined {
  return /[A-Za-z]*\.?\d+[A-Za-z]?|[A-Za-z0-9]+(\.[A-Za-z0-9]+)*/.exec(equation)?.[0];
}

/** "92" → "93", "B.9" → "B.10"; a number without a trailing integer has no successor. */
function nextTag(tag: string): string | null {
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

/**
 * How a paper says why a step holds. A rule text that starts with a formula "follows because" it
 * (shown as the rule's LaTeX); one that names a rule "follows from" the name, then the formula; prose
 * that is a clause ("a term that does not depend on X has zero derivative") "follows because"; text
 * that starts with its own connective ("uses the result in eq. (97)") is kept as it is.
 */
export function reasonProse(r: Reason): Inline[] {
  const t = r.says.text.trim().replace(/\s+/g, ' ');
  const formula = r.says.latex.trim();
  const cite = r.citation ? [text(` (${r.citation})`)] : [];
  const lead = leadingProse(t);
  const rest = t.slice(lead.length).trim();
  if (!lead) return [text('follows because '), formula ? math(formula) : text(t), ...cite];
  if (!rest || !FORMULA.test(rest)) {
    // "because of the chain rule" reads "follows because of the chain rule", not "follows from of …"
    const verb = CONNECTIVE.test(t) ? '' : /^(a|an|of)\s/i.test(t) || /\s(is|are|has|have|does|do|holds|hold|vanishes|equals)\s/.test(t) ? 'follows because ' : 'follows from ';
    return [text(verb + t), ...cite];
  }
  const verb = CONNECTIVE.test(lead) ? '' : /^of\s/i.test(lead) ? 'follows because ' : 'follows from ';
  return [text(`${verb}${lead} `), formula ? math(formula) : text(rest), ...cite];
}

/** "a, b, and c" with a comma before "and" from three items on, as Zhou & Liang write it. */
function series(items: readonly Inline[][]): Inline[] {
  return items.flatMap((it, i) => [...(i === 0 ? [] : [text(i === items.length - 1 ? (items.length > 2 ? ', and ' : ' and ') : ', ')]), ...it]);
}

export interface DerivationLayout {
  readonly rows: readonly Row[];
  /** "where (i) follows from …; here e = …" (empty when there is nothing to say) */
  readonly where: readonly Inline[];
  /** the next free equation number, when the derivation took numbers from `number` */
  readonly next?: number;
}

export interface DerivationOptions {
  /**
   * The first line's equation number when the derivation has no `equation` of its own (lines are
   * numbered on from there); without it LaTeX numbers the lines.
   */
  readonly number?: number;
}

export function layoutDerivation(d: Derivation, opts: DerivationOptions = {}): DerivationLayout {
  const given = d.equation === undefined ? undefined : firstTag(d.equation);
  let tag: string | null | undefined = given ?? (opts.number === undefined ? undefined : String(opts.number));
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
  const rows: Row[] = [{ lhs: checkMath(d.quantity.latex, 'the quantity'), rel: relation(d.startReason), rhs: toLatex(d.start), tag: numbered() }];
  for (const s of d.steps) rows.push({ lhs: '', rel: relation(s.reason), rhs: toLatex(s.expr), tag: numbered() });
  const defs = d.where.map((w) => [math(`${toLatex(sym(w.name, w.value.shape))} = ${toLatex(w.value)}`)]);
  const where: Inline[] = [];
  if (reasons.length) where.push(text('where '), ...series(reasons));
  if (defs.length) where.push(text(reasons.length ? '; here ' : 'where '), ...series(defs));
  if (where.length) where.push(text('.'));
  const next = given === undefined && opts.number !== undefined ? opts.number + rows.length : undefined;
  return { rows, where, ...(next !== undefined ? { next } : {}) };
}

/** The derivation as LaTeX to paste into a paper: the align, then the "where …" paragraph. */
export function derivationLatex(d: Derivation, opts: DerivationOptions & { lineWidth?: number } = {}): string {
  const { rows, where } = layoutDerivation(d, opts);
  return `${alignLatex(rows, opts.lineWidth)}\n${where.length ? proseLatex(where) + '\n' : ''}`;
}
