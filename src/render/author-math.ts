// An author's prose: comments and `because` reasons of a derivation document, where $…$ is math. The math
// is LaTeX as people type it in a paper, with Unicode allowed (∇, ᵀ, ⊗, ‖, ⋯, ½, Greek, sub- and
// superscript digits); the names the document declares as matrices print bold, as in the displays
// (W_{k−1}⋯W_1X is \boldsymbol{W}_{k-1}\cdots\boldsymbol{W}_{1}\boldsymbol{X}), and words such as vec or
// tr are operator names. The result goes through checkMath like every other piece of math: a command
// outside MATH_COMMANDS is an error that names the place, never output.
import katex from 'katex';
import { InputError } from '../expr/errors.js';
import { GREEK } from './names.js';
import { checkMath, math, MATH_UNICODE, text, UnsafeLatexError, type Inline } from './prose.js';

/** How the document's names print: the single-letter bases of matrices and vectors are bold. */
export interface AuthorNames {
  readonly bold: ReadonlySet<string>;
}

const SUPERSCRIPT: Record<string, string> = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-', '⁺': '+', 'ᵀ': '\\top', 'ᵏ': 'k', 'ⁿ': 'n', 'ˡ': 'l', '⊤': '\\top' };
const SUBSCRIPT: Record<string, string> = { '₀': '0', '₁': '1', '₂': '2', '₃': '3', '₄': '4', '₅': '5', '₆': '6', '₇': '7', '₈': '8', '₉': '9', 'ₖ': 'k', 'ₗ': 'l', 'ᵢ': 'i', 'ⱼ': 'j', '₋': '-', '₊': '+' };
const GREEK_CHARS = 'αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ';
const GREEK_NAMES = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega'.split(' ');
const FRACTIONS: Record<string, [number, number]> = { '½': [1, 2], '⅓': [1, 3], '⅔': [2, 3], '¼': [1, 4], '¾': [3, 4], '⅕': [1, 5], '⅙': [1, 6], '⅛': [1, 8] };
const ACCENTS: Record<string, string> = { '\u0302': 'hat', '\u0303': 'tilde', '\u0304': 'bar', '\u0305': 'bar' };
/** Words that are operator names in the papers. */
const OPERATORS = new Set(['vec', 'tr', 'Tr', 'diag', 'rank', 'sym', 'span', 'argmin', 'argmax', 'sign', 'relu', 'softplus', 'Hess', 'grad', 'Diag', 'unvec']);
const FUNCTIONS = new Set(['log', 'exp', 'det', 'sin', 'cos', 'tanh', 'max', 'min', 'sup', 'inf', 'lim']);

/** The author's $…$ as LaTeX math (checked). */
export function authorMath(src: string, names: AuthorNames): string {
  let out = '';
  const chars = [...src.normalize('NFC')];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      // a command as the author typed it: kept (checkMath decides whether it is allowed)
      const m = /^\\([A-Za-z]+|.)/.exec(chars.slice(i).join(''));
      const cmd = m ? m[0] : '\\';
      out += cmd;
      i += [...cmd].length - 1;
      // the argument of a font command is copied as written (no bold names inside \mathrm{d}, an
      // undeclared matrix made bold with \boldsymbol{B})
      if (/^\\(mathrm|operatorname|mathbb|mathcal|boldsymbol)$/.test(cmd) && chars[i + 1] === '{') {
        let depth = 0;
        do {
          const ch = chars[++i];
          depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
          out += ch;
        } while (depth > 0 && i + 1 < chars.length);
        continue;
      }
      // a command name must not run into a following letter
      if (/[A-Za-z]$/.test(cmd) && /[A-Za-z]/.test(chars[i + 1] ?? '')) out += ' ';
      continue;
    }
    if (c in SUPERSCRIPT || c in SUBSCRIPT) {
      // a run of script characters is one script: ⁻¹ → ^{-1}
      const table = c in SUPERSCRIPT ? SUPERSCRIPT : SUBSCRIPT;
      let run = '';
      while (i < chars.length && chars[i] in table) run += (run && /[A-Za-z]$/.test(run) && /^\\?[A-Za-z]/.test(table[chars[i]]) ? ' ' : '') + table[chars[i++]];
      i--;
      out += `${table === SUPERSCRIPT ? '^' : '_'}{${run}}`;
      continue;
    }
    if (c in FRACTIONS) {
      out += `\\frac{${FRACTIONS[c][0]}}{${FRACTIONS[c][1]}}`;
      continue;
    }
    if (c in ACCENTS) {
      // a combining accent on the letter before it: L̂ → \hat{L}
      const m = /(\\boldsymbol\{[A-Za-z]\}|[A-Za-z])$/.exec(out);
      if (m) out = `${out.slice(0, m.index)}\\${ACCENTS[c]}{${m[1]}}`;
      continue;
    }
    const g = GREEK_CHARS.indexOf(c);
    if (g >= 0) {
      out += greek(GREEK_NAMES[g], names, /[_^]$/.test(out));
      continue;
    }
    if (c in MATH_UNICODE) {
      const cmd = MATH_UNICODE[c];
      out += /^\\[A-Za-z]+$/.test(cmd) ? `${cmd} ` : cmd;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let word = c;
      while (/[A-Za-z]/.test(chars[i + 1] ?? '')) word += chars[++i];
      const w = authorWord(word, names);
      // a bold name as a script needs braces: ∇_{\boldsymbol{U}}
      out += /[_^]$/.test(out) && w.startsWith('\\boldsymbol') ? `{${w}}` : w;
      continue;
    }
    out += c;
  }
  return out.replace(/ {2,}/g, ' ').replace(/ +(?=[}_^)\],.;:'])/g, '').replace(/ +$/, '');
}

/** A Greek letter, bold when the document declares a matrix by that name (Ω of a mask `Omega`). */
function greek(name: string, names: AuthorNames, script: boolean): string {
  if (!names.bold.has(name)) return `\\${name} `;
  return script ? `{\\boldsymbol{\\${name}}}` : `\\boldsymbol{\\${name}}`;
}

/** A run of letters: an operator name, a Greek letter spelled out, or symbols side by side (bold where declared). */
function authorWord(word: string, names: AuthorNames): string {
  if (OPERATORS.has(word)) return `\\operatorname{${word}}`;
  if (FUNCTIONS.has(word)) return `\\${word} `;
  if (GREEK.has(word)) return greek(word, names, false);
  return [...word].map((ch) => (names.bold.has(ch) ? `\\boldsymbol{${ch}}` : ch)).join('');
}

/**
 * An author's paragraph as prose and displays: `$$…$$` is a display (unnumbered; split at its first
 * top-level = so that it aligns and breaks like the other displays), the rest prose (authorProse).
 */
export function authorParagraph(s: string, names: AuthorNames, where: string): ({ prose: Inline[] } | { display: { lhs: string; rhs: string } })[] {
  const out: ({ prose: Inline[] } | { display: { lhs: string; rhs: string } })[] = [];
  s.split(/\$\$([\s\S]*?)\$\$/).forEach((piece, i) => {
    if (i % 2 === 0) {
      if (piece.trim()) out.push({ prose: authorProse(piece.trim(), names, where) });
      return;
    }
    const [math] = authorProse(`$${piece}$`, names, where) as [{ math: string }];
    // the first = outside braces and brackets
    let depth = 0, at = -1;
    for (let j = 0; j < math.math.length && at < 0; j++) {
      const c = math.math[j];
      if ('{([' .includes(c)) depth++;
      else if ('})]'.includes(c)) depth--;
      else if (c === '=' && depth === 0) at = j;
    }
    out.push({ display: at < 0 ? { lhs: '', rhs: math.math } : { lhs: math.math.slice(0, at).trim(), rhs: math.math.slice(at + 1).trim() } });
  });
  return out;
}

/**
 * An author's text as typeset prose: `$…$` is math (authorMath), `\$` a dollar sign, the rest text.
 * `where` names the place for an error (file and line).
 */
export function authorProse(s: string, names: AuthorNames, where: string): Inline[] {
  const parts: Inline[] = [];
  let buf = '';
  let inMath = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '$' && !inMath) {
      buf += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      buf += c;
      continue;
    }
    if (inMath) {
      if (!buf.trim()) throw new InputError(`${where}: empty math "$$" in the text`);
      const tex = authorMath(buf, names);
      try {
        checkMath(tex, 'math');
        // what KaTeX (strict) would refuse, pdflatex would too: say so here, with the place
        katex.renderToString(tex, { throwOnError: true, strict: 'error', trust: false });
      } catch (e) {
        const why = e instanceof UnsafeLatexError ? e.message.replace(/^math: /, '') : (e as Error).message.replace(/^KaTeX parse error: /, '');
        throw new InputError(`${where}: in $${buf}$: ${why} (allowed: LaTeX math with the commands listed in docs/documents.md, and Unicode math symbols)`);
      }
      parts.push(math(tex));
    } else if (buf) parts.push(text(buf));
    buf = '';
    inMath = !inMath;
  }
  if (inMath) throw new InputError(`${where}: a "$" opens math that is never closed (write \\$ for a dollar sign)`);
  if (buf) parts.push(text(buf));
  return parts;
}

/** An author's text in pieces: text, and what was written between $…$ (\$ is a dollar sign). */
export function authorPieces(s: string): { text: string; math: boolean }[] {
  return s.split(/(?<!\\)\$/).map((p, i) => ({ text: p.replace(/\\\$/g, '$'), math: i % 2 === 1 })).filter((p) => p.text);
}

/** An author's text without its math markers ("for any depth $l$" → "for any depth l"), for places without math. */
export const authorPlain = (s: string): string => authorPieces(s).map((p) => p.text).join('');
