// The trust boundary of the renderers. Documents are made of prose (user text: titles, comments, rule
// names, citations — escaped for each output, never interpreted) and math (LaTeX produced by our own
// printers, src/render/print.ts and src/ops/*). Math is checked against the list of commands the
// printers emit, so that neither a printer bug nor text smuggled into a Derivation can put \input,
// \href, $, %, & or an unbalanced brace into a .tex file, a Markdown file or an HTML page.
import { GREEK } from './names.js';

/** A piece of a paragraph: user text, or LaTeX math from our printers. */
export type Inline = { readonly text: string } | { readonly math: string };
export const text = (s: string): Inline => ({ text: s });
export const math = (s: string): Inline => ({ math: checkMath(s) });

/**
 * Every command allowed in math. Each one compiles with pdflatex using amsmath, amssymb and bm only,
 * and renders with KaTeX (test/render.test.ts compiles and renders all of them).
 */
export const MATH_COMMANDS: ReadonlySet<string> = new Set([
  ...GREEK,
  // fonts and identifiers
  'boldsymbol', 'mathrm', 'mathbb', 'mathbf', 'operatorname',
  // operators and symbols
  'nabla', 'otimes', 'circ', 'top', 'prime', 'times', 'cdot', 'cdots', 'ldots', 'dots', 'det', 'log', 'exp', 'sin', 'cos', 'Rightarrow',
  'tanh', 'sqrt', 'frac', 'langle', 'rangle', 'infty', 'partial', 'in', 'le', 'ge', 'neq', 'approx', 'to', 'mapsto',
  'prod', 'sum',
  // what an author's $…$ and MATH_UNICODE may use besides
  'ell', 'star', 'ast', 'dagger', 'mapsto', 'Rightarrow', 'Leftrightarrow', 'leftarrow', 'leftrightarrow', 'longrightarrow', 'notin', 'subset', 'subseteq',
  'supset', 'supseteq', 'cap', 'cup', 'setminus', 'forall', 'exists', 'neg', 'wedge', 'vee', 'perp', 'parallel', 'emptyset', 'int', 'vdots', 'ddots',
  'pm', 'mp', 'surd', 'equiv', 'sim', 'simeq', 'cong', 'propto', 'checkmark', 'blacksquare', 'square', 'max', 'min', 'sup', 'inf', 'lim',
  'mathcal', 'hat', 'tilde', 'bar', 'widehat', 'widetilde', 'overline', 'underline', 'bot', 'lVert', 'rVert', 'vert', 'lvert', 'rvert', 'Vert',
  'dfrac', 'tfrac', 'displaystyle', 'mid', 'colon', 'leq', 'geq', 'ne', 'not',
  // delimiters and spacing
  'left', 'right', 'bigl', 'bigr', 'Bigl', 'Bigr', 'quad', 'qquad',
  // relations with labels (derivation lines)
  'stackrel',
]);

export class UnsafeLatexError extends Error {}

/**
 * Check that a LaTeX string is math as our printers write it: ASCII, balanced braces, only commands of
 * MATH_COMMANDS, none of the characters that end math or a row ($ & # % ~ and \\). Returns the string.
 */
export function checkMath(s: string, where = 'math'): string {
  const bad = (why: string) => new UnsafeLatexError(`${where}: refusing to emit ${JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s)}: ${why}`);
  const ch = /[^A-Za-z0-9 \\{}^_()[\]+\-=<>,.;:!|'/*]/.exec(s);
  if (ch) throw bad(`character ${JSON.stringify(ch[0])} is not allowed in math`);
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const word = /^[A-Za-z]+/.exec(s.slice(i + 1));
      if (word) {
        if (!MATH_COMMANDS.has(word[0])) throw bad(`command \\${word[0]} is not one the printers emit`);
        i += word[0].length;
      } else {
        const next = s[i + 1];
        if (next === undefined || !',;!| {}_'.includes(next)) throw bad(`control symbol \\${next ?? ''} is not allowed`);
        i++;
      }
    } else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) throw bad('unbalanced }');
  }
  if (depth !== 0) throw bad('unbalanced {');
  return s;
}

// ── escaping user text ─────────────────────────────────────────────────────────────────────────────

export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Math Unicode as LaTeX math (amsmath, amssymb): for text mode (wrapped in \\ensuremath) and for an
 * author's $…$ (author-math.ts). Every command here is in MATH_COMMANDS.
 */
export const MATH_UNICODE: Readonly<Record<string, string>> = {
  '∇': '\\nabla', '⊗': '\\otimes', '∘': '\\circ', '‖': '\\|', '⟨': '\\langle', '⟩': '\\rangle', '×': '\\times', '·': '\\cdot', '⋅': '\\cdot',
  '−': '-', '≤': '\\le', '≥': '\\ge', '≠': '\\neq', '≈': '\\approx', '≡': '\\equiv', '∼': '\\sim', '≃': '\\simeq', '≅': '\\cong', '∝': '\\propto',
  '→': '\\to', '↦': '\\mapsto', '⇒': '\\Rightarrow', '⇔': '\\Leftrightarrow', '←': '\\leftarrow', '↔': '\\leftrightarrow', '⟶': '\\longrightarrow',
  '∈': '\\in', '∉': '\\notin', '⊂': '\\subset', '⊆': '\\subseteq', '⊃': '\\supset', '⊇': '\\supseteq', '∩': '\\cap', '∪': '\\cup', '∖': '\\setminus',
  '∀': '\\forall', '∃': '\\exists', '¬': '\\neg', '∧': '\\wedge', '∨': '\\vee', '⊥': '\\perp', '∥': '\\parallel', '∅': '\\emptyset',
  '∑': '\\sum', '∏': '\\prod', '∫': '\\int', '∞': '\\infty', '∂': '\\partial', '⋯': '\\cdots', '…': '\\ldots', '⋮': '\\vdots', '⋱': '\\ddots',
  '⊤': '\\top', '†': '\\dagger', '★': '\\star', '⋆': '\\star', '∗': '\\ast', '±': '\\pm', '∓': '\\mp', '√': '\\surd', '′': "'", '″': "''",
  'ℝ': '\\mathbb{R}', 'ℕ': '\\mathbb{N}', 'ℤ': '\\mathbb{Z}', 'ℂ': '\\mathbb{C}', 'ℓ': '\\ell', '∎': '\\blacksquare', '□': '\\square', '✓': '\\checkmark',
};

/** Unicode that appears in our messages and rule texts, as LaTeX that pdflatex (OT1, utf8) typesets. */
const UNICODE_LATEX: Record<string, string> = {
  '∇': '\\ensuremath{\\nabla}', 'ᵀ': '\\ensuremath{^\\top}', '⊗': '\\ensuremath{\\otimes}', '∘': '\\ensuremath{\\circ}',
  '‖': '\\ensuremath{\\|}', '⟨': '\\ensuremath{\\langle}', '⟩': '\\ensuremath{\\rangle}', '′': '\\ensuremath{^\\prime}',
  '″': '\\ensuremath{^{\\prime\\prime}}', '²': '\\ensuremath{^2}', '³': '\\ensuremath{^3}', '⁻': '\\ensuremath{^-}', '¹': '\\ensuremath{^1}',
  '½': '\\ensuremath{\\frac{1}{2}}', '×': '\\ensuremath{\\times}', '·': '\\ensuremath{\\cdot}', '−': '\\ensuremath{-}',
  '≤': '\\ensuremath{\\le}', '≥': '\\ensuremath{\\ge}', '≠': '\\ensuremath{\\neq}', '≈': '\\ensuremath{\\approx}',
  '→': '\\ensuremath{\\to}', '⇒': '\\ensuremath{\\Rightarrow}', '←': '\\ensuremath{\\leftarrow}', '∈': '\\ensuremath{\\in}',
  '∑': '\\ensuremath{\\sum}', 'Σ': '\\ensuremath{\\Sigma}', '…': '\\ldots{}', '–': '--', '—': '---',
  '‘': '`', '’': "'", '“': '``', '”': "''", '₀': '\\ensuremath{_0}', '₁': '\\ensuremath{_1}', '₂': '\\ensuremath{_2}',
  '₃': '\\ensuremath{_3}', 'ₖ': '\\ensuremath{_k}', 'ₗ': '\\ensuremath{_l}', '∞': '\\ensuremath{\\infty}', '∂': '\\ensuremath{\\partial}',
  '\u00a0': '~', '✓': '\\ensuremath{\\checkmark}', '✗': '\\ensuremath{\\times}', '§': '\\S{}', '≡': '\\ensuremath{\\equiv}',
  'ᵏ': '\\ensuremath{^k}', '⁴': '\\ensuremath{^4}', '∅': '\\ensuremath{\\emptyset}', '⊤': '\\ensuremath{\\top}', '∓': '\\ensuremath{\\mp}', '±': '\\ensuremath{\\pm}',
  '⋯': '\\ensuremath{\\cdots}', '∏': '\\ensuremath{\\prod}',
};
// the rest of the math Unicode an author or a message may use, each as its math-mode command
for (const [c, cmd] of Object.entries(MATH_UNICODE)) UNICODE_LATEX[c] ??= `\\ensuremath{${cmd}}`;
const GREEK_LETTERS = 'αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ';
const GREEK_NAMES = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega'.split(' ');
[...GREEK_LETTERS].forEach((g, i) => (UNICODE_LATEX[g] ??= `\\ensuremath{\\${GREEK_NAMES[i]}}`));
const ACCENTS: Record<string, string> = { '\u0301': "'", '\u0300': '`', '\u0302': '^', '\u0308': '"', '\u0303': '~', '\u0304': '=', '\u0327': 'c', '\u030a': 'r', '\u030c': 'v' };

/**
 * Typography of prose: straight quotes become curly ones (opening after a space or a bracket, closing
 * otherwise, an apostrophe inside a word), "..." an ellipsis. `afterMath`: the text continues right
 * after math ("of $g(W)$""), where a quote closes.
 */
export function typography(s: string, afterMath = false): string {
  if (afterMath) return typography('x' + s).slice(1);
  return s
    .replace(/(^|[\s([{\u2014\u2013-])"/g, '$1\u201c')
    .replace(/"/g, '\u201d')
    .replace(/(^|[\s([{\u2014\u2013])'/g, '$1\u2018')
    .replace(/'/g, '\u2019')
    .replace(/\.\.\./g, '\u2026');
}

/** User text in LaTeX text mode: specials escaped, known Unicode mapped, anything else shown as '?'. */
export function latexText(s: string): string {
  let out = '';
  const t = [...typography(s.normalize('NFC'))];
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    // -- and --- are dashes in LaTeX: a hyphen followed by a hyphen stays a hyphen (--hessian)
    if (c === '-' && t[i + 1] === '-') {
      out += '-{}';
      continue;
    }
    if (/[A-Za-z0-9 .,;:!?()[\]@*+=\/-]/.test(c)) out += c;
    else if (c === '\n' || c === '\t' || c === '\r') out += ' ';
    else if (c in SPECIAL) out += SPECIAL[c];
    else if (c in UNICODE_LATEX) out += UNICODE_LATEX[c];
    else {
      // é → \'{e}; letters with an accent OT1 can draw
      const [base, accent, ...rest] = [...c.normalize('NFD')];
      out += accent && !rest.length && /[A-Za-z]/.test(base) && ACCENTS[accent] ? `\\${ACCENTS[accent]}{${base}}` : LETTERS[c] ?? '?';
    }
  }
  return out;
}
/** Letters of Latin-1 and Latin Extended that OT1 draws with a command. */
const LETTERS: Record<string, string> = { 'ß': '{\\ss}', 'æ': '{\\ae}', 'Æ': '{\\AE}', 'ø': '{\\o}', 'Ø': '{\\O}', 'œ': '{\\oe}', 'Œ': '{\\OE}', 'å': '{\\aa}', 'Å': '{\\AA}', 'ł': '{\\l}', 'Ł': '{\\L}', 'ı': '{\\i}' };
const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', $: '\\$', '&': '\\&', '#': '\\#', '%': '\\%', _: '\\_', '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}', '<': '\\textless{}', '>': '\\textgreater{}', '|': '\\textbar{}', '"': "''", "'": "'", '`': '`',
};

/** User text in Markdown: no emphasis, code, links, HTML, math or block structure can start from it. */
export function mdText(s: string): string {
  return typography(s)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]#|~$]/g, (c) => '\\' + c)
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    // a list item, quote or setext underline at the start of a line
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

// ── prose in LaTeX and Markdown (HTML needs KaTeX: src/render/document.ts) ─────────────────────────

/**
 * Subscripted names in plain text (W_1, W_{k+1}, a rule text's "W_l") are math: typeset as such rather
 * than printed with a literal underscore.
 */
export function subscriptsAsMath(parts: readonly Inline[]): Inline[] {
  return parts.flatMap((p): Inline[] => {
    if ('math' in p) return [p];
    const out: Inline[] = [];
    let last = 0;
    for (const m of p.text.matchAll(/(?<![\w\\])([A-Za-z]+)_(\{[^{}$]*\}|[A-Za-z0-9]+)/g)) {
      const sub = m[2].replace(/^\{|\}$/g, '');
      const tex = `${m[1].length > 1 ? `\\mathrm{${m[1]}}` : m[1]}_{${[...sub].map((c) => MATH_UNICODE[c] ?? c).join('')}}`;
      try {
        checkMath(tex);
      } catch {
        continue;
      }
      if (m.index! > last) out.push(text(p.text.slice(last, m.index)));
      out.push({ math: tex });
      last = m.index! + m[0].length;
    }
    if (last < p.text.length) out.push(text(p.text.slice(last)));
    return out;
  });
}

/**
 * The typography of a paragraph's text pieces, each read in its place: a quote right after math closes
 * ("of $g(W)$")") rather than opening.
 */
export function curlyQuotes(parts: readonly Inline[]): Inline[] {
  return parts.map((p, i) => ('math' in p ? p : text(typography(p.text, i > 0 && 'math' in parts[i - 1]))));
}

export function proseLatex(parts: readonly Inline[]): string {
  return subscriptsAsMath(curlyQuotes(parts)).map((p) => ('math' in p ? `$${checkMath(p.math)}$` : latexText(p.text))).join('');
}

export function proseMd(parts: readonly Inline[]): string {
  return subscriptsAsMath(curlyQuotes(parts)).map((p) => ('math' in p ? `$${checkMath(p.math)}$` : mdText(p.text))).join('');
}
