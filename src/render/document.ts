// Documents: sections of prose, results and derivations, rendered three ways from one layout, so an
// equation has the same number in the .tex, the Markdown and the HTML:
//   tex  — the paper's text: ready to \input into an appendix (amsmath, amssymb, bm), and compiling on its
//          own with pdflatex; blocks and sections marked `report` (verdicts, line numbers, status) are
//          left out of it;
//   md   — the verification report in Markdown with $…$ and $$…$$ (GitHub, Pandoc, KaTeX/MathJax);
//   html — a page rendered server-side by KaTeX (no scripts), with KaTeX's CSS and fonts either inlined
//          as data: URIs (one file that works offline, for stdout) or written next to the page as files
//          (for a directory of pages that share them).
// User text goes through the escapers of prose.ts; math only through checkMath.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';
import type { Derivation } from '../derivation/model.js';
import { PAPER_NOTATION, withNotation, type Notation } from '../ops/elementwise.js';
import { layoutDerivation, firstTag, nextTag } from './derivation-latex.js';
import { alignGroups, alignLatex, NARROW_WIDTH, PAPER_WIDTH, type Row } from './layout.js';
import { checkMath, curlyQuotes, htmlEscape, latexText, mdText, proseLatex, proseMd, subscriptsAsMath, typography, type Inline } from './prose.js';

/**
 * An equation's number: a string is the paper's number, printed as it is; null leaves it unnumbered; by
 * default (undefined) it is numbered automatically, 1, 2, …, unless the document carries the paper's
 * numbers: then it is unnumbered, as a paper leaves a display it does not refer to.
 */
export type Tag = string | null | undefined;

/** A check mark (or a cross): the checker's verdict on a line, for the report and for `--checkmarks`. */
export type Mark = 'ok' | 'bad';

export type Block =
  | { readonly kind: 'prose'; readonly parts: readonly Inline[]; readonly report?: boolean }
  /** a subheading of the report (a proof's label and line) */
  | { readonly kind: 'heading'; readonly title: string; readonly report?: boolean }
  /** results: `lhs rel rhs`, one equation each (rel `=` by default) */
  | { readonly kind: 'equations'; readonly rows: readonly EquationRow[]; readonly report?: boolean }
  /**
   * A chain of equalities. numbering: 'sequence' numbers the lines from `tag` on (the paper's (92)–(97)),
   * 'last' puts `tag` on the last line only (the result of the chain, Zhu et al.'s (32)); by default the
   * derivation's own `equation`, else automatic numbers.
   */
  | {
      readonly kind: 'derivation';
      readonly derivation: Derivation;
      readonly tag?: Tag;
      /** the last number of a range (92)–(97): one more number than lines numbers the left side alone first, as ZL's (106) */
      readonly lastTag?: string;
      readonly numbering?: 'sequence' | 'last';
      readonly marks?: readonly Mark[];
      readonly report?: boolean;
    };

export interface EquationRow {
  readonly lhs: string;
  readonly rel?: string;
  readonly rhs: string;
  readonly tag?: Tag;
  readonly mark?: Mark;
}

export interface Section {
  /** no title: the blocks continue the document without a heading */
  readonly title?: string;
  readonly blocks: readonly Block[];
  /** part of the verification report only: left out of the paper's .tex */
  readonly report?: boolean;
}

/**
 * A title or source line: plain text, or prose with math ("for any depth $l$") together with its plain
 * form for the places that show no math (a TeX comment, the page's <title>).
 */
export type Heading = string | { readonly plain: string; readonly parts: readonly Inline[] };
export const plainOf = (h: Heading): string => (typeof h === 'string' ? h : h.plain);
const partsOf = (h: Heading): readonly Inline[] => (typeof h === 'string' ? [{ text: h }] : h.parts);

export interface DocumentInput {
  readonly title: Heading;
  /** where the result comes from, under the title of the standalone PDF and the page */
  readonly source?: Heading;
  readonly sections: readonly Section[];
  /** how the functions whose letter depends on the whole text print (the sigmoid: σ, or sigmoid next to a generic σ) */
  readonly notation?: Notation;
}

export interface Asset {
  /** relative to the page */
  readonly path: string;
  readonly data: Buffer;
}

export interface RenderedDocument {
  readonly tex: string;
  readonly md: string;
  readonly html: string;
  /** files the HTML page links to (empty when they are inlined) */
  readonly assets: readonly Asset[];
}

export interface DocumentOptions {
  /** 'inline' (default): one self-contained HTML file; 'files': katex/katex.min.css and katex/fonts/ as assets */
  readonly assets?: 'inline' | 'files';
  /** the .tex marks each checked line with ✓ (✗ where it fails); by default it has no verdicts */
  readonly checkmarks?: boolean;
}

/** What the three backends print: headings, numbered displays, paragraphs. */
type Laid =
  | { kind: 'h'; level: 2 | 3; title: string; report: boolean }
  /** `results`: one equation each (claims), which the paper sets in one display when nothing comes between */
  | { kind: 'display'; rows: readonly Row[]; report: boolean; results?: boolean; sequence?: boolean }
  /** `where`: the paragraph continues the sentence of the display before it (no indent, no new paragraph) */
  | { kind: 'p'; parts: readonly Inline[]; where?: boolean; report: boolean };

/** How many numbers first..last spans (92..97: 6), or undefined when last does not follow first. */
function rangeLength(first: string, last: string): number | undefined {
  let t: string | null = first;
  for (let n = 1; t && n <= 1000; n++, t = nextTag(t)) if (t === last) return n;
  return undefined;
}

/** Every number the document's equations carry (the paper's). */
function paperNumbers(doc: DocumentInput): Set<string> {
  const used = new Set<string>();
  for (const s of doc.sections)
    for (const b of s.blocks) {
      if (b.kind === 'equations') for (const r of b.rows) if (typeof r.tag === 'string') used.add(r.tag);
      if (b.kind === 'derivation') {
        let t = typeof b.tag === 'string' ? b.tag : b.tag === undefined && b.derivation.equation !== undefined ? firstTag(b.derivation.equation) ?? null : null;
        if (b.numbering === 'last' || !t) {
          if (t) used.add(t);
          continue;
        }
        for (let i = 0; i <= b.derivation.steps.length + (b.lastTag ? 1 : 0) && t; i++, t = nextTag(t)) used.add(t);
      }
    }
  return used;
}

function layout(doc: DocumentInput): Laid[] {
  const used = paperNumbers(doc);
  let counter = 1;
  // next to the paper's numbers an unlabelled display is unnumbered, as in the paper (a (1) after (17)
  // would read as the paper's eq. (1)); a document without them numbers its displays 1, 2, …
  const auto = (): string | null => (used.size ? null : String(counter++));
  const out: Laid[] = [];
  const cited = new Set<string>();
  for (const s of doc.sections) {
    const sectionReport = s.report === true;
    if (s.title) out.push({ kind: 'h', level: 2, title: s.title, report: sectionReport });
    for (const b of s.blocks) {
      const report = sectionReport || b.report === true;
      if (b.kind === 'prose') out.push({ kind: 'p', parts: b.parts, report });
      else if (b.kind === 'heading') out.push({ kind: 'h', level: 3, title: b.title, report });
      else if (b.kind === 'equations') {
        const rows: Row[] = b.rows.map((r) => ({ lhs: r.lhs, rel: r.lhs ? r.rel ?? '=' : '', rhs: r.rhs, tag: r.tag === undefined ? (r.lhs ? auto() : null) : r.tag, ...(r.mark ? { mark: r.mark } : {}) }));
        out.push({ kind: 'display', rows, report, results: true });
      } else {
        const d = b.derivation;
        const n = d.steps.length + 1;
        let tags: Tag[];
        const own = b.tag === undefined && d.equation !== undefined ? firstTag(d.equation) : b.tag;
        if (own === null) tags = Array(n).fill(null);
        else if (own !== undefined && b.numbering === 'last') tags = [...Array(n - 1).fill(null), own];
        else if (own !== undefined) {
          tags = [];
          for (let t: string | null = own, i = 0; i < n; i++, t = t && nextTag(t)) tags.push(t);
        } else tags = Array.from({ length: n }, auto);
        // a range with one number more than the lines: the left side has the first on a row of its own
        let lhsTag: string | undefined;
        if (typeof own === 'string' && b.lastTag && b.numbering !== 'last' && rangeLength(own, b.lastTag) === n + 1) {
          lhsTag = own;
          tags = tags.map((t) => (t ? nextTag(t) : t));
        }
        const citing = { ...(doc.source ? { source: plainOf(doc.source) } : {}), tags: new Set([...tags, lhsTag].filter((t): t is string => typeof t === 'string')), cited };
        const laid = layoutDerivation(d, { first: null, citing, ...(b.marks ? { marks: b.marks } : {}) });
        const rows = laid.rows.map((r, i) => ({ ...r, tag: tags[i], ...(i === 0 && lhsTag ? { lhsTag } : {}) }));
        out.push({ kind: 'display', rows, report, sequence: typeof own === 'string' && b.numbering !== 'last' });
        if (laid.where.length) out.push({ kind: 'p', parts: laid.where, where: true, report });
      }
    }
  }
  return lettered(out);
}

/**
 * A paper number carried by several displays (the three blocks of ZL's (24), a corrected (4.2) and its
 * variant) is lettered in order, (24a), (24b), (24c): no two displays of a paper share a number. The
 * lines of a proof numbered (92)–(97) keep their numbers.
 */
function lettered(laid: Laid[]): Laid[] {
  const count = new Map<string, number>();
  const lines = new Set<string>();
  for (const l of laid)
    if (l.kind === 'display')
      for (const r of l.rows)
        if (typeof r.tag === 'string') {
          count.set(r.tag, (count.get(r.tag) ?? 0) + 1);
          if (l.sequence) lines.add(r.tag);
        }
  for (const t of lines) count.delete(t);
  const next = new Map<string, number>();
  const letter = (tag: string) => {
    const n = next.get(tag) ?? 0;
    next.set(tag, n + 1);
    return tag + String.fromCharCode(97 + (n % 26));
  };
  return laid.map((l) => (l.kind === 'display' && l.rows.some((r) => typeof r.tag === 'string' && count.get(r.tag)! > 1) ? { ...l, rows: l.rows.map((r) => (typeof r.tag === 'string' && count.get(r.tag)! > 1 ? { ...r, tag: letter(r.tag) } : r)) } : l));
}

/** A row's mark is shown in the .tex only with --checkmarks (the report shows its verdicts in words). */
const unmarked = (rows: readonly Row[]): Row[] => rows.map(({ mark: _m, ...r }) => r);

// ── LaTeX ──────────────────────────────────────────────────────────────────────────────────────────

export const TEX_PREAMBLE = '\\documentclass[11pt]{article}\n\\usepackage{amsmath,amssymb,bm}\n\\allowdisplaybreaks\n\\emergencystretch=3em\n';

/**
 * The paper's .tex: the claims and proofs as an appendix prints them, without verdicts or line numbers.
 * The file compiles on its own (pdflatex FILE.tex: an article with the title and source), and in a paper
 * that loads amsmath, amssymb and bm, \input{FILE} typesets the body only: the lines up to \fi are read
 * only when \documentclass has not been used yet.
 */
function tex(doc: DocumentInput, laid: readonly Laid[], checkmarks: boolean): string {
  let body = '';
  // without the paper's numbers every number is automatic: LaTeX's counter sets it, the same 1, 2, … as
  // the report's in the standalone PDF, and in a paper \input continues the paper's own numbering
  const automatic = paperNumbers(doc).size === 0;
  const paperRows = (rows: readonly Row[]) => (checkmarks ? rows : unmarked(automatic ? rows.map((r) => (typeof r.tag === 'string' ? { ...r, tag: undefined } : r)) : rows));
  // results with nothing between them in the paper (the report's verdicts are left out) share one display
  const paper: Laid[] = [];
  for (const l of laid) {
    if (l.report) continue;
    const prev = paper[paper.length - 1];
    if (l.kind === 'display' && l.results && prev?.kind === 'display' && prev.results) paper[paper.length - 1] = { ...prev, rows: [...prev.rows, ...l.rows] };
    else paper.push(l);
  }
  for (const l of paper) {
    if (l.kind === 'h') body += `\n\n\\${l.level === 2 ? 'section' : 'subsection'}*{${latexText(l.title)}}`;
    else if (l.kind === 'display') body += alignGroups(paperRows(l.rows)).map((g) => `\n\n${alignLatex(g, PAPER_WIDTH)}`).join('');
    else body += (l.where ? '\n' : '\n\n') + proseLatex(l.parts);
  }
  const source = doc.source ? `\n\\begin{center}\\small ${proseLatex(partsOf(doc.source))}\\end{center}` : '';
  return [
    `% ${latexComment(plainOf(doc.title))} (generated by matcalc)`,
    '% pdflatex compiles this file on its own; in a paper that loads amsmath, amssymb and bm, \\input{this file} typesets its body',
    '\\expandafter\\ifx\\csname @twoclasseserror\\endcsname\\documentclass\\else',
    TEX_PREAMBLE + '\\expandafter\\def\\csname matcalc@end\\endcsname{\\end{document}}',
    '\\begin{document}',
    `\\begin{center}\\Large ${proseLatex(partsOf(doc.title))}\\end{center}${source}`,
    '\\fi' + body,
    '\\csname matcalc@end\\endcsname',
  ].join('\n') + '\n';
}

/** One line of a TeX comment: no line break can end it early. */
const latexComment = (s: string) => s.replace(/[\r\n]+/g, ' ');

// ── Markdown ───────────────────────────────────────────────────────────────────────────────────────

function md(doc: DocumentInput, laid: readonly Laid[]): string {
  const body = laid.map((l) =>
    l.kind === 'h' ? `${'#'.repeat(l.level)} ${mdText(l.title)}` : l.kind === 'display' ? `$$\n${alignLatex(unmarked(l.rows), PAPER_WIDTH)}\n$$` : proseMd(l.parts),
  );
  const source = doc.source ? [`*${proseMd(partsOf(doc.source))}*`] : [];
  return [`# ${proseMd(partsOf(doc.title))}`, ...source, ...body].join('\n\n') + '\n';
}

// ── HTML ───────────────────────────────────────────────────────────────────────────────────────────

const require = createRequire(import.meta.url);
const KATEX_CSS = require.resolve('katex/dist/katex.min.css');
const KATEX_VERSION: string = (require('katex/package.json') as { version: string }).version;

/**
 * KaTeX's stylesheet with each font face reduced to its woff2 file (every current browser reads woff2),
 * at the URL `url(file)` gives. Fails loudly if a KaTeX upgrade changes the stylesheet's shape.
 */
function katexCss(url: (file: string) => string): string {
  const css = readFileSync(KATEX_CSS, 'utf8');
  const faces = css.match(/@font-face\{/g)?.length ?? 0;
  let rewritten = 0;
  const out = css.replace(/src:url\(fonts\/([\w-]+\.woff2)\) format\("woff2"\)(,url\([^)]*\) format\("[\w]+"\))*/g, (_m, file: string) => {
    rewritten++;
    return `src:url(${url(file)}) format("woff2")`;
  });
  if (faces === 0 || rewritten !== faces) throw new Error(`katex.min.css ${KATEX_VERSION}: expected a woff2 source in each of ${faces} font faces, found ${rewritten}`);
  return `/* KaTeX ${KATEX_VERSION} (MIT license, https://katex.org), fonts reduced to woff2 */\n${out}`;
}

function katexFonts(): string[] {
  return readdirSync(join(dirname(KATEX_CSS), 'fonts')).filter((f) => f.endsWith('.woff2')).sort();
}

const fontData = (file: string) => readFileSync(join(dirname(KATEX_CSS), 'fonts', file));

/**
 * The page. Displays are laid out twice when a phone needs other line breaks than the paper: at the
 * PDF's width (shown from 760 px on, the same rows as the PDF) and at a phone's (below), where displays
 * are a little smaller and flush left, with room kept for the equation number.
 */
const PAGE_CSS = `body{margin:0;background:#fff;color:#111;font:17px/1.55 "Latin Modern Roman","Computer Modern Serif",Georgia,serif}
main{max-width:52rem;margin:0 auto;padding:2rem 1.5rem 4rem}
h1{font-size:1.6rem;text-align:center;font-weight:normal;margin:0 0 .5rem}
.source{text-align:center;color:#555;font-size:.9rem;margin:0 0 1.5rem}
h2{font-size:1.2rem;margin:2rem 0 .6rem}h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
.katex-display{margin:.8em 0;padding:0}
.katex-display>.katex>.katex-html{padding:.1em 0}
.narrow{display:none}
p{margin:.6rem 0;text-align:justify;hyphens:auto}p.where{margin-top:0}
p.report{color:#333;font-size:.95rem}
footer{color:#666;font-size:.8rem;text-align:center;margin-top:3rem}
@media (max-width:760px){
main{padding:1.2rem 1rem 3rem}
.wide{display:none}.narrow{display:block}
.katex-display>.katex{font-size:1.1em;text-align:left}
.katex-display>.katex>.katex-html{padding-right:3.2em}
p{text-align:left}
}`;

export function renderKatex(latex: string, displayMode: boolean): string {
  // maxExpand: each \boldsymbol is a macro expansion, and a display of two dozen definitions exceeds
  // KaTeX's default of 1000 (the input admits no user macros, so nothing can recurse)
  return katex.renderToString(latex, { displayMode, throwOnError: true, strict: 'error', trust: false, output: 'htmlAndMathml', maxExpand: 100_000 });
}

function proseHtml(parts: readonly Inline[]): string {
  return subscriptsAsMath(curlyQuotes(parts)).map((p) => ('math' in p ? renderKatex(checkMath(p.math), false) : htmlEscape(p.text))).join('');
}

/** A display at the paper's width and, when its rows break differently there, at a phone's. */
function displayHtml(rows: readonly Row[]): string {
  const wide = alignLatex(rows, PAPER_WIDTH), narrow = alignLatex(rows, NARROW_WIDTH, 'align', 0);
  if (wide === narrow) return renderKatex(wide, true);
  return `<div class="wide">${renderKatex(wide, true)}</div>\n<div class="narrow">${renderKatex(narrow, true)}</div>`;
}

function html(doc: DocumentInput, laid: readonly Laid[], assets: 'inline' | 'files'): { html: string; assets: Asset[] } {
  const inline = assets === 'inline';
  const css = katexCss((f) => (inline ? `data:font/woff2;base64,${fontData(f).toString('base64')}` : `fonts/${f}`));
  // no scripts, no network: styles and fonts come from the page itself or from files beside it
  const csp = inline ? "default-src 'none'; style-src 'unsafe-inline'; font-src data:" : "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'";
  const body = laid.map((l) => {
    if (l.kind === 'h') return `<h${l.level}>${htmlEscape(typography(l.title))}</h${l.level}>`;
    if (l.kind === 'display') return displayHtml(unmarked(l.rows));
    const cls = [l.where ? 'where' : '', l.report ? 'report' : ''].filter(Boolean).join(' ');
    return `<p${cls ? ` class="${cls}"` : ''}>${proseHtml(l.parts)}</p>`;
  });
  const title = htmlEscape(typography(plainOf(doc.title)));
  const page = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="matcalc">',
    `<title>${title}</title>`,
    inline ? `<style>\n${css}\n</style>` : '<link rel="stylesheet" href="katex/katex.min.css">',
    `<style>\n${PAGE_CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${proseHtml(partsOf(doc.title))}</h1>`,
    ...(doc.source ? [`<p class="source">${proseHtml(partsOf(doc.source))}</p>`] : []),
    ...body,
    '</main>',
    `<footer>generated by matcalc; typeset with KaTeX ${KATEX_VERSION}</footer>`,
    '</body>',
    '</html>',
  ].join('\n') + '\n';
  return {
    html: page,
    assets: inline ? [] : [{ path: 'katex/katex.min.css', data: Buffer.from(css) }, ...katexFonts().map((f) => ({ path: `katex/fonts/${f}`, data: fontData(f) }))],
  };
}

export function renderDocument(doc: DocumentInput, opts: DocumentOptions = {}): RenderedDocument {
  const laid = withNotation(doc.notation ?? PAPER_NOTATION, () => layout(doc));
  const h = html(doc, laid, opts.assets ?? 'inline');
  return { tex: tex(doc, laid, opts.checkmarks === true), md: md(doc, laid), html: h.html, assets: h.assets };
}
