// Display math laid out to a width, as a person would break it by hand: a line that does not fit is broken
// before a top-level + or − first, then before ⊗ or ∘, then between factors, and inside an over-long
// parenthesis last; continuation rows are indented under the right-hand side (amsmath `split` style). A
// left side too wide to share its row goes on a row of its own, the relation starting the next one, as
// Zhou & Liang print (106). Widths are estimated from Computer Modern's metrics (the glyph widths below
// were measured with pdflatex; KaTeX uses the same fonts), so the same rows fit the PDF's text block and,
// at a second width, a phone's column.
import { checkMath } from './prose.js';

/**
 * One equation of a display: `lhs rel rhs`. tag: a string is printed as \tag{…}, null leaves the line
 * unnumbered, undefined lets LaTeX number it. mark: a check mark (or a cross) before the tag.
 */
export interface Row {
  readonly lhs: string;
  readonly rel: string;
  readonly rhs: string;
  readonly tag?: string | null;
  readonly mark?: 'ok' | 'bad';
  /** the left side's own number: it then takes a row of its own (Zhou & Liang's (106), the left side alone) */
  readonly lhsTag?: string;
}

/**
 * The widest row, in em, that keeps its equation number on its line in the text width of an 11pt article
 * (360pt = 32.9em; amsmath moves a number that does not fit to the next line): measured at 30.4em with
 * pdflatex, less the estimate's error (within ±7% on the seeds' rows).
 */
export const PAPER_WIDTH = 28.5;

/**
 * What a row without a number may take beyond the width: the number's room (32.9em − 30.4em in an 11pt
 * article), less the estimate's error.
 */
export const NUMBER_ROOM = 2;

/** A phone's column (375 px: 343 px, 18.3em of the page's display math, less 3.2em kept for the number), with room for the estimate's error. */
export const NARROW_WIDTH = 15;

// ── widths ─────────────────────────────────────────────────────────────────────────────────────────

// Computer Modern widths in em (cmmi10 italic, cmmib10 bold italic, cmr10 roman), measured with pdflatex.
const ITALIC = metrics(
  'abcdefghijklmnopqrstuvwxyz',
  [0.529, 0.429, 0.433, 0.52, 0.466, 0.597, 0.513, 0.576, 0.345, 0.469, 0.552, 0.318, 0.878, 0.6, 0.485, 0.503, 0.482, 0.479, 0.469, 0.361, 0.572, 0.521, 0.743, 0.572, 0.526, 0.509],
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  [0.75, 0.809, 0.786, 0.856, 0.796, 0.782, 0.786, 0.912, 0.518, 0.651, 0.921, 0.681, 1.079, 0.912, 0.791, 0.781, 0.791, 0.767, 0.671, 0.723, 0.792, 0.806, 1.083, 0.907, 0.803, 0.754],
);
const BOLD = metrics(
  'abcdefghijklmnopqrstuvwxyz',
  [0.633, 0.521, 0.513, 0.61, 0.554, 0.678, 0.582, 0.668, 0.405, 0.533, 0.622, 0.357, 1.032, 0.713, 0.585, 0.601, 0.579, 0.561, 0.531, 0.415, 0.681, 0.604, 0.859, 0.659, 0.627, 0.597],
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  [0.869, 0.915, 0.887, 0.97, 0.865, 0.849, 0.887, 1.065, 0.589, 0.732, 1.041, 0.756, 1.256, 1.065, 0.869, 0.883, 0.869, 0.877, 0.747, 0.796, 0.915, 0.933, 1.253, 1.025, 0.93, 0.842],
);
const ROMAN = metrics(
  'abcdefghijklmnopqrstuvwxyz',
  [0.5, 0.556, 0.444, 0.556, 0.444, 0.383, 0.514, 0.556, 0.278, 0.306, 0.528, 0.278, 0.833, 0.556, 0.5, 0.556, 0.528, 0.392, 0.394, 0.389, 0.556, 0.542, 0.736, 0.528, 0.542, 0.444],
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  [0.75, 0.708, 0.722, 0.764, 0.681, 0.653, 0.785, 0.75, 0.361, 0.514, 0.778, 0.625, 0.917, 0.75, 0.778, 0.681, 0.778, 0.736, 0.556, 0.722, 0.75, 0.764, 1.042, 0.75, 0.775, 0.611],
);

function metrics(lower: string, lw: number[], upper: string, uw: number[]): Map<string, number> {
  const m = new Map<string, number>();
  [...lower].forEach((c, i) => m.set(c, lw[i]));
  [...upper].forEach((c, i) => m.set(c, uw[i]));
  return m;
}

/** Symbols by command name, in em, with the spacing TeX puts around them (binary 2×4mu, relation 2×5mu). */
const COMMAND_EM: Record<string, number> = {
  otimes: 1.222, circ: 0.944, cdot: 0.722, times: 1.222, pm: 1.222, mp: 1.222,
  le: 1.333, ge: 1.333, in: 1.333, neq: 1.333, approx: 1.333, to: 1.556, mapsto: 1.556, equiv: 1.333,
  nabla: 0.833, partial: 0.566, top: 0.778, prime: 0.275, infty: 1, ell: 0.417,
  '|': 0.5, langle: 0.389, rangle: 0.389, ',': 0.167, ';': 0.278, '!': -0.167, ' ': 0.333, '{': 0.5, '}': 0.5,
  cdots: 1.5, ldots: 1.17, dots: 1.17, quad: 1, qquad: 2,
  det: 1.2, log: 1.1, exp: 1.3, sin: 1.0, cos: 1.1, tanh: 1.8,
  sum: 1.44, prod: 1.28,
};
const GREEK_UPPER = /^(Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega)$/;

type Font = 'italic' | 'bold' | 'roman';

/**
 * About how wide a LaTeX math string prints in a display, in em: Computer Modern's glyph widths, scripts
 * at 73%, binary operators and relations with their spacing, \left/\right as their delimiters.
 */
export function visibleLength(s: string): number {
  let i = 0;
  const seq = (scale: number, font: Font, group: boolean): number => {
    let w = 0;
    // a subscript and a superscript on one base stack: together they are as wide as the wider
    let script: { kind: string; width: number } | undefined;
    while (i < s.length) {
      if (s[i] === '}') {
        i++;
        if (group) return w;
        continue;
      }
      const kind = s[i];
      const x = item(scale, font);
      if ((kind === '^' || kind === '_') && script && script.kind !== kind) {
        w += Math.max(0, x - script.width);
        script = undefined;
      } else {
        w += x;
        script = kind === '^' || kind === '_' ? { kind, width: x } : undefined;
      }
    }
    return w;
  };
  const arg = (scale: number, font: Font): number => {
    while (s[i] === ' ') i++;
    return item(scale, font);
  };
  const skipArg = () => {
    const start = i;
    arg(1, 'roman');
    return s.slice(start, i);
  };
  const item = (scale: number, font: Font): number => {
    const c = s[i++];
    if (c === ' ') return 0;
    if (c === '{') return seq(scale, font, true);
    if (c === '^' || c === '_') return arg(scale * 0.73, font) + 0.05 * scale;
    if (c === '\\') {
      const cmd = /^([A-Za-z]+|.)/.exec(s.slice(i))![1];
      i += cmd.length;
      if (/^(left|right|[bB]igg?[lr]?)$/.test(cmd)) return arg(scale, 'roman') * (cmd.startsWith('B') ? 1.2 : 1.1);
      if (cmd === 'boldsymbol' || cmd === 'mathbf' || cmd === 'bm') return arg(scale, 'bold');
      if (cmd === 'operatorname' || cmd === 'mathrm') return arg(scale, 'roman') + 0.1 * scale;
      if (cmd === 'mathbb') return skipArg().length ? 0.72 * scale : 0;
      if (cmd === 'frac') return Math.max(arg(scale, font), arg(scale, font)) + 0.24 * scale;
      if (cmd === 'sqrt') return arg(scale, font) + 0.85 * scale;
      if (cmd === 'stackrel') return Math.max(arg(scale * 0.73, 'roman'), arg(scale, font));
      const greek = /^[a-z]+$/.test(cmd) && !(cmd in COMMAND_EM) ? 0.58 : GREEK_UPPER.test(cmd) ? 0.8 : undefined;
      return scale * (COMMAND_EM[cmd] ?? greek ?? 0.6) * (font === 'bold' ? 1.15 : 1);
    }
    let w: number;
    if (c === '+' || c === '-') w = 1.222;
    else if (c === '=' || c === '<' || c === '>') w = 1.333;
    else if ('()[]|'.includes(c)) w = 0.389;
    else if (',;'.includes(c)) w = 0.444;
    else if ('.:'.includes(c)) w = 0.278;
    else if (c === "'") w = 0.275;
    else if (/[0-9]/.test(c)) w = 0.5;
    else w = (font === 'bold' ? BOLD : font === 'roman' ? ROMAN : ITALIC).get(c) ?? 0.6;
    return scale * w;
  };
  return seq(1, 'italic', false);
}

// ── units ──────────────────────────────────────────────────────────────────────────────────────────

const ARGS: Record<string, number> = { boldsymbol: 1, operatorname: 1, mathrm: 1, mathbb: 1, mathbf: 1, sqrt: 1, frac: 2, stackrel: 2 };
const OPENING: Record<string, string> = { '(': ')', '[': ']', '\\langle': '\\rangle', '\\|': '\\|', '\\{': '\\}' };

/** The tokens of math: a command (with the delimiter after \left, \right, \bigl …), a {group}, a character. */
function tokens(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const start = i;
    if (s[i] === '{') {
      for (let d = 0; i < s.length; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '{') d++;
        else if (s[i] === '}' && --d === 0) {
          i++;
          break;
        }
      }
    } else if (s[i] === '\\') {
      const cmd = /^\\([A-Za-z]+|.)/.exec(s.slice(i))![0];
      i += cmd.length;
      if (/^\\(left|right|[bB]igg?[lr]?)$/.test(cmd)) {
        while (s[i] === ' ') i++;
        i += /^(\\[A-Za-z]+|\\.|.)/.exec(s.slice(i))?.[0].length ?? 0;
      }
    } else i++;
    out.push(s.slice(start, i));
  }
  return out;
}

/**
 * Split math into its top-level units — a symbol with its scripts, a command with its arguments, a
 * delimited group ((…), \left…\right, ‖…‖, ⟨…⟩) — keeping every character, so joining the units gives
 * the string back.
 */
export function units(s: string): string[] {
  const ts = tokens(s);
  const out: string[] = [];
  let i = 0;
  const skipSpaces = (j: number) => {
    while (j < ts.length && ts[j] === ' ') j++;
    return j;
  };
  /** the index after the group that opens at j (plain or \left), or j + 1 */
  const group = (j: number): number => {
    const t = ts[j];
    if (/^\\left/.test(t)) {
      for (let depth = 0; j < ts.length; j++) {
        if (/^\\left/.test(ts[j])) depth++;
        else if (/^\\right/.test(ts[j]) && --depth === 0) return j + 1;
      }
      return ts.length;
    }
    const close = OPENING[t];
    if (close === undefined) return j + 1;
    // ‖…‖ closes at the next ‖; (…) at its matching )
    if (close === t) {
      const k = ts.indexOf(t, j + 1);
      return k < 0 ? j + 1 : k + 1;
    }
    for (let depth = 0, k = j; k < ts.length; k++) {
      if (ts[k] === t) depth++;
      else if (ts[k] === close && --depth === 0) return k + 1;
    }
    return j + 1; // unbalanced: a lone delimiter is a unit of its own
  };
  while (i < ts.length) {
    const start = i;
    let j = skipSpaces(i);
    if (j >= ts.length) {
      if (out.length) out[out.length - 1] += ts.slice(i).join('');
      else out.push(ts.slice(i).join(''));
      break;
    }
    const cmd = /^\\([A-Za-z]+)$/.exec(ts[j])?.[1];
    if (cmd && cmd in ARGS) {
      j++;
      for (let a = 0; a < ARGS[cmd]; a++) j = skipSpaces(j) + 1;
    } else if (/^\d$/.test(ts[j])) while (/^[\d.]$/.test(ts[j] ?? '')) j++;
    else j = group(j);
    // scripts and primes belong to what they follow
    for (;;) {
      const k = skipSpaces(j);
      if (ts[k] === '^' || ts[k] === '_') j = skipSpaces(k + 1) + 1;
      else if (ts[k] === "'") j = k + 1;
      else break;
    }
    out.push(ts.slice(start, Math.min(j, ts.length)).join(''));
    i = j;
  }
  return out;
}

// ── breaking ───────────────────────────────────────────────────────────────────────────────────────

const binary = (u: string) => /^\s*([+-]|\\otimes|\\circ|\\cdot|\\times)\s*$/.test(u);
const opener = (u: string) => /^\s*(\\[bB]igl)(\\[A-Za-z]+|\\.|.)\s*$/.test(u);
const closer = (u: string) => /^\s*(\\[bB]igr|\\right|\)|\]|\\rangle|\\\})/.test(u);
const dots = (u: string) => /^\s*\\[lc]?dots\s*$/.test(u);
/** A unit that is a complete operand; any other (a function name, ∇_x, a coefficient, a scalar) leads into the next. */
const operand = (u: string) => /^\s*(\\boldsymbol|\\mathbf|\\left|\\[bB]igr|\{|\(|\[|\\\||\\langle|\\mathbb|\\\{)/.test(u) && !opener(u);
const leads = (u: string) => !operand(u) && !closer(u);

/** Where a row may break, before unit i: 1 at + or −, 2 at ⊗, ∘ or after a comma, 3 between factors; 0 never. */
function breakLevel(us: readonly string[], i: number): number {
  if (i === 0) return 0;
  const u = us[i].trim(), prev = us[i - 1];
  if (closer(u) || opener(prev) || binary(prev) || dots(u) || dots(prev) || u === ',') return 0;
  if (u === '+' || u === '-') return 1;
  // after the comma of ⟨A, B⟩ or f(x, y)
  if (prev.trim() === ',') return 2;
  if (u === '\\otimes' || u === '\\circ') return 2;
  if (binary(u) || leads(prev)) return 0;
  return 3;
}

/**
 * A delimited unit split into its delimiters and inner units, so that it can break across rows:
 * \left( X \right)^s → \Bigl( X… \Bigr)^s, ( X )^s → \bigl( X… \bigr)^s.
 */
function open(u: string): string[] | undefined {
  const ts = tokens(u.trim());
  const first = ts[0];
  let o: string, rest: string[];
  if (/^\\left/.test(first)) [o, rest] = [first.replace(/^\\left\s*/, '\\Bigl'), ts.slice(1)];
  else if (first in OPENING) [o, rest] = [`\\bigl${first}`, ts.slice(1)];
  else return undefined;
  // the closing delimiter: the last \right, or the last matching plain delimiter, with its scripts
  let k = rest.length - 1;
  const close = /^\\left/.test(first) ? (t: string) => /^\\right/.test(t) : (t: string) => t === OPENING[first];
  while (k >= 0 && !close(rest[k])) k--;
  if (k < 0) return undefined;
  const c = /^\\right/.test(rest[k]) ? rest[k].replace(/^\\right\s*/, '\\Bigr') : `\\bigr${rest[k]}`;
  const inner = units(rest.slice(0, k).join(''));
  if (inner.length < 2) return undefined;
  return [o, ...inner, c + rest.slice(k + 1).join('')];
}

/** A unit that the breaker may split (then its delimiters print as \bigl … \bigr) or print whole. */
interface Leaf {
  /** what the leaf prints when its group is split across rows */
  readonly text: string;
  readonly width: number;
  /** the groups this leaf opens / closes, outermost first: [group id, the whole group's text] */
  readonly opens: readonly number[];
  readonly closes: number;
  /** the break before this leaf: its level (0 never) and how many groups it is inside */
  readonly level: number;
  readonly depth: number;
}

/** Units flattened into leaves, every delimited group opened (recursively), remembering each group. */
function leaves(us: readonly string[]): { leaves: Leaf[]; groups: string[] } {
  const groups: string[] = [];
  const out: Leaf[] = [];
  // the break before a group's first leaf is the break before the group, outside it
  const walk = (list: readonly string[], depth: number, pendingOpens: number[], outerLevel: number, outerDepth: number) => {
    list.forEach((u, i) => {
      const [level, at] = i === 0 ? [outerLevel, outerDepth] : [breakLevel(list, i), depth];
      const opened = visibleLength(u) > 5 ? open(u) : undefined;
      if (opened) {
        const id = groups.push(u) - 1;
        walk(opened, depth + 1, i === 0 ? [...pendingOpens, id] : [id], level, at);
        return;
      }
      out.push({ text: u, width: visibleLength(u), opens: i === 0 ? pendingOpens : [], closes: 0, level, depth: at });
    });
    // the last leaf of a group closes it
    if (depth > 0) {
      const last = out[out.length - 1];
      out[out.length - 1] = { ...last, closes: last.closes + 1 };
    }
  };
  walk(us, 0, [], 0, 0);
  return { leaves: out, groups };
}

/** The rows' text: a group that fits in one row prints as it was written, one split across rows with \bigl … \bigr. */
function rowTexts(ls: readonly Leaf[], groups: readonly string[], breaks: readonly number[]): string[] {
  // where each group starts and ends (leaf indices)
  const span = new Map<number, [number, number]>();
  const stack: number[] = [];
  ls.forEach((l, i) => {
    for (const g of l.opens) {
      stack.push(g);
      span.set(g, [i, -1]);
    }
    for (let c = 0; c < l.closes; c++) span.get(stack.pop()!)![1] = i;
  });
  const rowOf = (i: number) => breaks.filter((b) => b <= i).length;
  const rows: string[] = [];
  for (let r = 0; r <= breaks.length; r++) {
    const from = r === 0 ? 0 : breaks[r - 1], to = r === breaks.length ? ls.length : breaks[r];
    let text = '';
    for (let i = from; i < to; ) {
      // the outermost group opening here that lies within this row prints whole
      const whole = ls[i].opens.find((g) => rowOf(span.get(g)![1]) === r);
      if (whole !== undefined) {
        text += groups[whole];
        i = span.get(whole)![1] + 1;
      } else text += ls[i++].text;
    }
    rows.push(text.trim());
  }
  return rows;
}

/**
 * The cost of a break: each row costs 10; breaking at ⊗ a little more than at +, between two factors
 * than a row (a product is broken only when nothing else fits), and 16 more for every parenthesis the break is inside
 * (more than a break between factors: (A)ᵀ(B ⊗ C) breaks before (B, not inside it at ⊗).
 */
const BREAK_COST = [Infinity, 0, 1, 15];

/**
 * Break math into rows: the first no wider than `first` em, the others no wider than `rest`, with the
 * fewest rows and the best places (least cost). A unit wider than the row is left whole (a row of its own).
 */
export function breakMath(math: string, first: number, rest = first): { rows: string[]; cost: number } {
  const us = units(math.trim());
  const { leaves: ls, groups } = leaves(us);
  const n = ls.length;
  const pre = [0];
  for (const l of ls) pre.push(pre[pre.length - 1] + l.width);
  // best[i]: the least cost of rows covering leaves 0..i-1, the last row ending before leaf i
  const best: number[] = Array(n + 1).fill(Infinity), from: number[] = Array(n + 1).fill(-1);
  best[0] = 0;
  for (let i = 1; i <= n; i++)
    for (let j = i - 1; j >= 0; j--) {
      if (!Number.isFinite(best[j])) continue;
      const breakCost = j === 0 ? 0 : BREAK_COST[ls[j].level] + 16 * ls[j].depth;
      if (!Number.isFinite(breakCost)) continue;
      const w = pre[i] - pre[j], budget = j === 0 ? first : rest;
      const over = Math.max(0, w - budget);
      const cost = best[j] + 10 + breakCost + (over > 0 ? 1000 + 100 * over : 0);
      if (cost < best[i]) [best[i], from[i]] = [cost, j];
      if (w > 3 * Math.max(first, rest)) break;
    }
  const breaks: number[] = [];
  for (let i = n; i > 0; i = from[i]) if (from[i] > 0) breaks.unshift(from[i]);
  return { rows: rowTexts(ls, groups, breaks), cost: best[n] };
}

// ── aligned displays ───────────────────────────────────────────────────────────────────────────────

const tagLatex = (tag: string | null | undefined, mark: Row['mark']): string => {
  const sign = mark === 'ok' ? '\\checkmark' : mark === 'bad' ? '\\times' : undefined;
  if (sign) return ` \\tag*{$${sign}$${typeof tag === 'string' ? `~(${tag})` : ''}}`;
  return tag === undefined ? '' : tag === null ? ' \\notag' : ` \\tag{${tag}}`;
};

/** How alignLatex lays rows out: right sides beside the left ones, or under them (`own`), and what that costs. */
function layout(rows: readonly Row[], width: number, numberRoom: number) {
  const lhsWidth = Math.max(0, ...rows.map((r) => visibleLength(r.lhs)));
  const relWidth = Math.max(0, ...rows.map((r) => visibleLength(r.rel)));
  // a row without a number (or mark) may use the number's room
  const room = (r: Row) => width + (r.tag === null && !r.mark ? numberRoom : 0);
  const beside = rows.map((r) => breakMath(r.rhs, room(r) - lhsWidth - relWidth, room(r) - lhsWidth - 2));
  const below = lhsWidth > 0 ? rows.map((r) => breakMath(r.rhs, room(r) - 2 - relWidth, room(r) - 4)) : undefined;
  const sum = (bs: readonly { cost: number }[], extra: number) => bs.reduce((a, b) => a + b.cost, extra);
  const besideCost = sum(beside, 0), belowCost = below ? sum(below, 15 * rows.filter((r) => r.lhs).length) : Infinity;
  const own = below !== undefined && (rows.some((r) => r.lhsTag) || belowCost < besideCost);
  return { own, room, beside, below, cost: own ? belowCost : besideCost };
}

/**
 * Equations that each have a left side (a paper's results, one after another) in groups to align: a left
 * side much wider than the others would push every right side of the display onto a row of its own
 * ("V₂ᵀ(V₂V₁X − Y)Xᵀ" above "= 0"), so a row that makes its neighbours' layout worse starts a display of
 * its own. Rows that continue a chain (no left side) stay with it.
 */
export function alignGroups(rows: readonly Row[], width = PAPER_WIDTH, numberRoom = NUMBER_ROOM): Row[][] {
  if (rows.length < 2 || rows.some((r) => !r.lhs || r.lhsTag)) return [[...rows]];
  const cost = (rs: readonly Row[]) => layout(rs, width, numberRoom).cost;
  const groups: Row[][] = [[rows[0]]];
  for (const r of rows.slice(1)) {
    const group = groups[groups.length - 1];
    if (cost([...group, r]) <= cost(group) + cost([r])) group.push(r);
    else groups.push([r]);
  }
  return groups;
}

/**
 * Rows as a \begin{align} environment no wider than `width` em (rows a LaTeX user may number, tags
 * included). A long right-hand side continues on rows indented by \quad under it; when the left sides
 * leave the right sides too little room, each left side takes a row of its own and the relations align
 * under it, \qquad in (Zhou & Liang's (106)–(107)) — whichever of the two takes fewer rows. As `aligned`
 * (math mode, for a display of the reader's own), the rows carry no numbers.
 */
export function alignLatex(rows: readonly Row[], width = PAPER_WIDTH, env: 'align' | 'aligned' = 'align', numberRoom = env === 'align' ? NUMBER_ROOM : 0): string {
  for (const r of rows) {
    checkMath(r.lhs, 'left-hand side');
    checkMath(r.rhs, 'right-hand side');
  }
  const { own, room, beside, below } = layout(rows, width, numberRoom);
  const lines: string[] = [];
  rows.forEach((r, k) => {
    const parts = (own ? below! : beside)[k].rows;
    // a left side on rows of its own, broken like a right side when it is wider than the display
    if (own && r.lhs) {
      const parts = breakMath(r.lhs, room(r), room(r) - 1).rows;
      parts.forEach((p, i) => lines.push(`&${i ? `\\quad ${binary(units(p)[0] ?? '') ? '{}' : ''}` : ''}${p}${i === parts.length - 1 && r.lhsTag ? tagLatex(r.lhsTag, undefined) : ' \\notag'}`));
    }
    const head = own ? `&\\qquad ${r.rel} ` : `${r.lhs ? r.lhs + ' ' : ''}&${r.rel} `;
    parts.forEach((p, i) => {
      const last = i === parts.length - 1;
      // a continuation starts a quad in from the right side (after the relation); {}+ keeps a leading sign binary
      const cont = `&${own ? '\\qquad\\qquad' : '\\qquad'} ${binary(units(p)[0] ?? '') ? '{}' : ''}`;
      lines.push((i === 0 ? head : cont) + p + (last ? tagLatex(r.tag, r.mark) : ' \\notag'));
    });
  });
  if (env === 'aligned') return `\\begin{aligned}\n${lines.map((l) => l.replace(/ \\notag$/, '')).join(' \\\\\n')}\n\\end{aligned}`;
  return `\\begin{align}\n${lines.join(' \\\\\n')}\n\\end{align}`;
}
