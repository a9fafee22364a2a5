// The renderers: a derivation in the style of Zhou & Liang App. B (golden files, reviewed by eye once
// against the paper), line breaking, the "where (i) follows from …" phrasing, KaTeX acceptance of every
// LaTeX string the tool emits, and hostile user text that must stay text.
// Regenerate the golden files with UPDATE_GOLDEN=1 npx vitest run test/render.test.ts (then look at them).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runDerive } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { verifyChain } from '../src/check/equality.js';
import type { Derivation } from '../src/derivation/model.js';
import { formatLatex } from '../src/render/derive-output.js';
import { deriveDocument, hessianDocument } from '../src/render/derive-document.js';
import { derivationLatex, layoutDerivation, reasonProse, roman } from '../src/render/derivation-latex.js';
import { alignGroups, alignLatex, breakMath, units, visibleLength } from '../src/render/layout.js';
import { renderDocument, renderKatex, type DocumentInput } from '../src/render/document.js';
import { formatHessianLatex, hessianRows, hvpRows } from '../src/render/hessian-output.js';
import { toLatex } from '../src/render/print.js';
import { checkMath, latexText, MATH_COMMANDS, mdText, proseLatex, UnsafeLatexError } from '../src/render/prose.js';
import { mathCommandUse } from './math-commands.js';
import { loadRules } from '../src/rewrite/rules.js';
import { GRADIENTS } from './battery.js';
import { HESSIANS } from './hessians.js';
import { checkable, DECLS, ZL_DEEP_LINEAR, ZL_DOCUMENT } from './fixtures/zl-deep-linear.js';

const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

function expectGolden(name: string, actual: string) {
  const file = golden(name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}


/** Render with KaTeX, strict, failing on any error: the same call the HTML page uses. */
const katexOk = (latex: string, display = true) => expect(() => renderKatex(latex, display), latex).not.toThrow();

describe('a derivation in the style of Zhou & Liang App. B (92)–(97)', () => {
  it('the fixture is a true chain of equalities (checked numerically)', () => {
    const v = verifyChain(checkable(), { symbols: [...DECLS.symbols.values()].filter((s) => s.name !== 'e' && s.name !== 'G2'), dims: DECLS.dims });
    expect(v.passed, JSON.stringify(v.steps)).toBe(true);
  });

  it('numbers the lines from the paper\'s equation and labels the justified steps (i)–(iv)', () => {
    const tex = derivationLatex(ZL_DEEP_LINEAR);
    expect(tex.match(/\\tag\{(\d+)\}/g)).toEqual(['92', '93', '94', '95', '96', '97'].map((n) => `\\tag{${n}}`));
    expect(tex.match(/\\stackrel\{\(([ivx]+)\)\}\{=\}/g)!.map((s) => s.slice(10, -4))).toEqual(['(i)', '(ii)', '(iii)', '(iv)']);
    // the unjustified bookkeeping line (94) is a plain =
    expect(tex).toContain('&= (\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{2})} \\operatorname{vec}(\\boldsymbol{W}_{3}');
    expect(tex).toMatch(/&\\stackrel\{\(iv\)\}\{=\} \\boldsymbol\{G\}_\{2\}\^\\top\\operatorname\{vec\}\(\\boldsymbol\{e\}\) \\tag\{97\}/);
  });

  it('says why each step holds as the paper does', () => {
    const { where } = layoutDerivation(ZL_DEEP_LINEAR);
    const prose = where.map((p) => ('text' in p ? p.text : '$…$')).join('');
    expect(prose).toBe(
      'where (i) follows from the product rule, (ii) follows because $…$ (Magnus & Neudecker, 2019, ch. 2, Thm 2), ' +
        '(iii) follows from the chain rule and the fact that $…$, and (iv) follows from the definition of $…$; here $…$.',
    );
  });

  it('numbers lines on from a given number, or leaves them unnumbered, and lets LaTeX number them otherwise', () => {
    const plain: Derivation = { ...ZL_DEEP_LINEAR, equation: undefined };
    expect(layoutDerivation(plain, { first: '7' }).rows.map((r) => r.tag)).toEqual(['7', '8', '9', '10', '11', '12']);
    expect(layoutDerivation(ZL_DEEP_LINEAR, { first: null }).rows.map((r) => r.tag)).toEqual([null, null, null, null, null, null]);
    expect(derivationLatex(plain)).not.toMatch(/\\tag|\\notag/);
    expect(layoutDerivation({ ...plain, equation: 'B.9' }).rows.map((r) => r.tag)).toEqual(['B.9', 'B.10', 'B.11', 'B.12', 'B.13', 'B.14']);
    expect(layoutDerivation({ ...plain, equation: '17a' }).rows.map((r) => r.tag)).toEqual(['17a', null, null, null, null, null]);
    expect(layoutDerivation({ ...plain, equation: '(92)–(97)' }).rows.map((r) => r.tag)).toEqual(['92', '93', '94', '95', '96', '97']);
    expect(derivationLatex({ ...plain, equation: '}\\input{/etc/passwd}' })).not.toContain('\\input');
  });

  it('golden files: tex, md, html (reviewed by eye against the paper; see docs/rendering.md)', () => {
    const r = renderDocument(ZL_DOCUMENT, { assets: 'files' });
    expectGolden('zl-deep-linear.tex', r.tex);
    expectGolden('zl-deep-linear.md', r.md);
    expectGolden('zl-deep-linear.html', r.html);
  });

  it('html: self-contained when inlined (fonts as data: URIs, no scripts, no external URLs)', () => {
    const { html, assets } = renderDocument(ZL_DOCUMENT);
    expect(assets).toEqual([]);
    expect(html).toMatch(/@font-face\{[^}]*src:url\(data:font\/woff2;base64,/);
    expect(html).not.toMatch(/url\((?!data:)/);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!katex\.org|www\.w3\.org\/(1998\/Math\/MathML|2000\/svg))/i);
    expect(html).toContain("default-src 'none'");
  });

  it('html with files: the page links katex/katex.min.css, which uses the woff2 fonts shipped beside it', () => {
    const { html, assets } = renderDocument(ZL_DOCUMENT, { assets: 'files' });
    expect(html).toContain('<link rel="stylesheet" href="katex/katex.min.css">');
    const css = assets.find((a) => a.path === 'katex/katex.min.css')!.data.toString();
    const used = [...css.matchAll(/url\((fonts\/[\w-]+\.woff2)\)/g)].map((m) => `katex/${m[1]}`);
    expect(used.length).toBeGreaterThan(15);
    for (const u of used) expect(assets.map((a) => a.path)).toContain(u);
  });
});

describe('line breaking', () => {
  const decl = 'W1, W2: d x d; X, Y: d x n';
  const long = runDerive({ expr: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl, wrt: ['W1'], steps: true, defs: ['e = W2*sigma(W1*X) - Y'], check: false });

  it('units split math at the top level and give the string back', () => {
    expect(units('\\boldsymbol{W}_{2}^\\top\\left(\\boldsymbol{A} + \\boldsymbol{B}\\right)^{-1} + 2 x')).toEqual([
      '\\boldsymbol{W}_{2}^\\top',
      '\\left(\\boldsymbol{A} + \\boldsymbol{B}\\right)^{-1}',
      ' +',
      ' 2',
      ' x',
    ]);
    // plain delimiters group too: (…), ‖…‖, ⟨…⟩, with their scripts
    expect(units('(\\boldsymbol{A} + \\boldsymbol{B})^\\top\\|\\boldsymbol{x}\\|_F^{2}\\langle \\boldsymbol{A}, \\boldsymbol{B}\\rangle')).toEqual([
      '(\\boldsymbol{A} + \\boldsymbol{B})^\\top',
      '\\|\\boldsymbol{x}\\|_F^{2}',
      '\\langle \\boldsymbol{A}, \\boldsymbol{B}\\rangle',
    ]);
    for (const c of GRADIENTS.slice(0, 20)) {
      const o = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check: false });
      for (const r of o.results) expect(units(toLatex(r.display)).join('')).toBe(toLatex(r.display));
    }
  });

  it('a long sum breaks before + and −, each row within the width', () => {
    const rhs = Array.from({ length: 6 }, (_, i) => `\\boldsymbol{A}_{${i}}\\boldsymbol{X}\\boldsymbol{B}_{${i}}\\boldsymbol{C}_{${i}}`).join(' + ') + ' - \\boldsymbol{Y}';
    const { rows } = breakMath(rhs, 12);
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows.slice(1)) expect(r).toMatch(/^[+-] /);
    for (const r of rows) expect(visibleLength(r)).toBeLessThanOrEqual(12);
    expect(rows.join(' ')).toBe(rhs);
    const tex = alignLatex([{ lhs: 'f', rel: '=', rhs, tag: '1' }], 16);
    expect(tex).toContain('&\\qquad {}+ ');
    expect(tex.match(/\\notag/g)!.length).toBe(tex.split('\\\\').length - 1); // only the last row is numbered
    katexOk(tex);
  });

  it('a row without a number may use the number\'s room; a numbered or automatically numbered row may not', () => {
    const rhs = Array.from({ length: 4 }, (_, i) => `\\boldsymbol{A}_{${i}}\\boldsymbol{B}_{${i}}`).join(' + ');
    const width = visibleLength(`f = ${rhs}`) - 1; // just too wide for the row with a number
    for (const tag of ['1', undefined]) expect(alignLatex([{ lhs: 'f', rel: '=', rhs, tag }], width, 'align', 2).split('\\\\').length).toBe(2);
    expect(alignLatex([{ lhs: 'f', rel: '=', rhs, tag: null }], width, 'align', 2)).toBe(`\\begin{align}\nf &= ${rhs} \\notag\n\\end{align}`);
    expect(alignLatex([{ lhs: 'f', rel: '=', rhs, tag: null, mark: 'ok' }], width, 'align', 2).split('\\\\').length).toBe(2);
  });

  it('results one after another align together, unless one left side would push every right side below its own', () => {
    const B = (i: number) => `\\boldsymbol{B}_{${i}}`;
    const short = (i: number) => ({ lhs: `${B(i)}${B(i + 1)}`, rel: '=', rhs: `${B(i + 2)}^\\top ${B(i)} - \\boldsymbol{C} + ${B(i + 3)}`, tag: null });
    const long = { lhs: Array.from({ length: 7 }, (_, i) => `${B(i)}^\\top ${B(i + 1)}`).join(' + '), rel: '=', rhs: '0', tag: null };
    expect(alignGroups([short(1), short(2), short(3)], 20)).toHaveLength(1);
    const groups = alignGroups([short(1), short(2), long, short(3)], 20);
    expect(groups.map((g) => g.length)).toEqual([2, 1, 1]);
    expect(alignLatex(groups[0], 20)).not.toMatch(/^&\\qquad =/m); // the short ones keep their right sides beside them
    expect(alignLatex([short(1), short(2), long, short(3)], 20)).toMatch(/^&\\qquad =/m); // as one display they would not
    // a chain (rows without a left side) is never split
    expect(alignGroups([long, { lhs: '', rel: '=', rhs: short(1).rhs }], 20)).toHaveLength(1);
  });

  it('a long product breaks between factors, never after ∇ or a function name, nor beside ⋯', () => {
    const lines = long.derivations![0].display.steps.map((s) => toLatex(s.expr));
    const widest = lines.reduce((a, b) => (visibleLength(a) > visibleLength(b) ? a : b));
    const { rows } = breakMath(widest, 15);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(r).not.toMatch(/(\\nabla_\{[^}]*\}|\\operatorname\{\w+\}|\\sigma|\\cdots)\s*$/);
    const plain = (s: string) => s.replace(/\\[bB]ig[lr]/g, '').replace(/\s+/g, '');
    expect(plain(rows.join(''))).toBe(plain(widest));
    expect(breakMath('\\boldsymbol{W}_{l} \\cdots \\boldsymbol{W}_{1}', 1).rows).toEqual(['\\boldsymbol{W}_{l} \\cdots \\boldsymbol{W}_{1}']);
  });

  it('prefers a break outside parentheses to one inside, and a + to a break between factors', () => {
    const A = (i: number) => `\\boldsymbol{A}_{${i}}`;
    const rhs = `${A(1)}${A(2)}${A(3)}${A(4)} + (${A(5)} + ${A(6)} + ${A(7)})${A(8)}`;
    expect(breakMath(rhs, 12).rows).toEqual([`${A(1)}${A(2)}${A(3)}${A(4)}`, `+ (${A(5)} + ${A(6)} + ${A(7)})${A(8)}`]);
  });

  it('an over-long parenthesis opens into \\bigl( … \\bigr) (\\Bigl for a tall one), a short one stays whole', () => {
    const inside = Array.from({ length: 12 }, (_, i) => `\\boldsymbol{A}_{${i}}`).join(' + ');
    const tex = alignLatex([{ lhs: 'f', rel: '=', rhs: `(${inside})^\\top\\boldsymbol{X}` }], 12);
    expect(tex).toContain('\\bigl(');
    expect(tex).toMatch(/\\bigr\)\^\\top/);
    katexOk(tex);
    const tall = alignLatex([{ lhs: 'f', rel: '=', rhs: `\\left(\\frac{1}{2} ${inside}\\right)^\\top\\boldsymbol{X}` }], 12);
    expect(tall).toContain('\\Bigl(');
    katexOk(tall);
    expect(alignLatex([{ lhs: 'f', rel: '=', rhs: `(${A(1)} + ${A(2)})${inside}` }], 12)).toContain(`(${A(1)} + ${A(2)})`);
  });

  it('a product of two long factors breaks between them, not inside the second at ⊗', () => {
    const left = `(${[1, 2, 3, 4, 5].map(A).join(' + ')})^\\top`, right = `(${A(6)} \\otimes ${A(7)} + ${[8, 9, 10].map(A).join(' + ')})`;
    const tex = alignLatex([{ lhs: 'f', rel: '=', rhs: left + right }], Math.max(visibleLength(left), visibleLength(right)) + 4);
    expect(tex).not.toContain('\\bigl');
    expect(tex.split(' \\\\\n')[1]).toMatch(/^&\\qquad \(\\boldsymbol\{A\}_\{6\} \\otimes/);
  });

  it('a left side too wide to share its row goes on a row of its own, broken itself when it must be', () => {
    const wide = Array.from({ length: 14 }, (_, i) => `\\boldsymbol{B}_{${i}}`).join(' + ');
    const tex = alignLatex([{ lhs: wide, rel: '=', rhs: '\\boldsymbol{0}', tag: '3' }], 20);
    const lines = tex.split(' \\\\\n');
    expect(lines[0]).toMatch(/^\\begin\{align\}\n&\\boldsymbol\{B\}_\{0\}/);
    expect(lines[lines.length - 1]).toMatch(/^&\\qquad = \\boldsymbol\{0\} \\tag\{3\}/);
    for (const l of lines) expect(visibleLength(l.replace(/\\(begin|end)\{align\}|\\notag|\\tag\{\d+\}|&/g, ''))).toBeLessThanOrEqual(22);
    katexOk(tex);
  });
});

const A = (i: number) => `\\boldsymbol{A}_{${i}}`;

describe('how a step is justified', () => {
  const say = (text: string, latex = 'x = y', citation?: string) => reasonProse({ says: { text, latex }, ...(citation ? { citation } : {}) }).map((p) => ('text' in p ? p.text : `$${p.math}$`)).join('');
  it('a formula: follows because', () => expect(say('vec(AXB) = (Bᵀ ⊗ A) vec(X)')).toBe('follows because $x = y$'));
  it('a named rule, then its formula: follows from', () => expect(say('the product rule ∇_x uᵀu = 2(∇_x u)u')).toBe('follows from the product rule $x = y$'));
  it('a name alone', () => expect(say('the chain rule')).toBe('follows from the chain rule'));
  it('a clause', () => expect(say('a term that does not depend on X has zero derivative')).toBe('follows because a term that does not depend on X has zero derivative'));
  it('its own connective', () => expect(say('uses the result in eq. (97)')).toBe('uses the result in eq. (97)'));
  it('the citation in parentheses', () => expect(say('Sᵀ = S for symmetric S', 'S^\\top = S', 'Matrix Cookbook eq. (5)')).toBe('follows because $S^\\top = S$ (Matrix Cookbook eq. (5))'));
  it('roman numerals', () => expect([1, 4, 9, 14, 40, 1999].map(roman)).toEqual(['i', 'iv', 'ix', 'xiv', 'xl', 'mcmxcix']));
});

describe('KaTeX accepts every LaTeX string the tool emits (strict, throwOnError)', () => {
  it('every gradient of the battery, and derive --format latex', () => {
    for (const c of GRADIENTS) {
      const o = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check: false });
      for (const r of o.results) {
        katexOk(checkMath(toLatex(r.display)));
        katexOk(checkMath(toLatex(r.value)));
        if (r.cookbookDisplay) katexOk(checkMath(toLatex(r.cookbookDisplay)));
      }
      katexOk(checkMath(toLatex(o.f)));
      katexOk(formatLatex(o));
      renderDocument(deriveDocument(o)); // every math string checked and rendered with KaTeX
    }
  });
  it('every Hessian of the battery (blocks, ∇²f[Δ,Δ], HVPs), and derive --hessian --format latex', () => {
    for (const c of HESSIANS) {
      const o = runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, check: false });
      for (const r of [...hessianRows(o), ...hvpRows(o)]) katexOk(checkMath(r.lhs) + ' = ' + checkMath(r.rhs));
      katexOk(formatHessianLatex(o));
      renderDocument(hessianDocument(o));
    }
  });
  it('families at any depth: gradients, Hessian blocks, steps, as fragments and documents', () => {
    const deep = { expr: '0.5*norm(prod(j = l..1, W[j])*X - Y)^2', decl: 'W[j = 1..l]: n[j] x n[j-1]; X: n[0] x m; Y: n[l] x m; k in 1..l; q in k+1..l' };
    const res = { expr: '0.5*norm(prod(j = l..1, eye(d) + prod(i = r..1, A[j,i]))*X - Y)^2', decl: 'A[j = 1..l, i = 1..r]: d x d; X, Y: d x m' };
    for (const o of [runDerive({ ...deep, wrt: ['W[k]'], steps: true, check: false }), runDerive({ ...res, wrt: ['A[k,q]'], steps: true, check: false })]) {
      for (const r of o.results) katexOk(checkMath(toLatex(r.display)));
      katexOk(formatLatex(o));
      for (const d of o.derivations!) katexOk(alignLatex(layoutDerivation(d.display).rows));
      renderDocument(deriveDocument(o));
    }
    const h = runHessian({ ...deep, wrt: ['W[k]', 'W[q]'], at: ['Y = prod(j = l..1, W[j])*X'], check: false });
    for (const r of [...hessianRows(h), ...hvpRows(h)]) katexOk(checkMath(r.lhs) + ' = ' + checkMath(r.rhs));
    katexOk(formatHessianLatex(h));
    renderDocument(hessianDocument(h));
    const tied = runDerive({ expr: '0.5*norm(prod(j = l..1, W)*X - Y)^2', decl: 'W: d x d; X, Y: d x m; l >= 1', wrt: ['W'], check: false });
    katexOk(checkMath(toLatex(tied.results[0].display)));
  });
  it('every command math may use (MATH_COMMANDS)', () => {
    for (const c of MATH_COMMANDS) katexOk(checkMath(mathCommandUse(c)), false);
  });
  it('every rule of rules/ (the "follows because" formulas)', () => {
    for (const r of loadRules().values()) katexOk(checkMath(`${toLatex(r.lhs)} = ${toLatex(r.rhs)}`, r.name));
  });
  it('recorded derivations (derive --steps) as LaTeX fragments and documents', () => {
    const cases = [
      { expr: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1,W2,W3: d x d; X, Y: d x n', wrt: ['W1', 'W2', 'W3'] },
      { expr: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: 'W1, W2: d x d; X, Y: d x n', wrt: ['W1', 'W2'] },
    ];
    for (const c of cases) {
      const o = runDerive({ ...c, steps: true, check: false });
      for (const d of o.derivations!) {
        const { rows } = layoutDerivation(d.display);
        katexOk(alignLatex(rows));
      }
      renderDocument(deriveDocument(o));
    }
  });
});

describe('hostile text stays text', () => {
  const HOSTILE = ['</script><script>alert(1)</script>', '\\input{/etc/passwd}', '$$', '{', '}', '%', '<img src=x onerror=alert(1)>', '\\\\ & # ~ ^ _', '"\'`', '\n# heading\n- item', '[link](javascript:alert(1))', 'x\u202Ey 😀 ∇ᵀ'];
  const h = HOSTILE.join(' ');
  const hostileDerivation: Derivation = {
    ...ZL_DEEP_LINEAR,
    title: h,
    steps: ZL_DEEP_LINEAR.steps.map((s) => (s.reason ? { ...s, reason: { rule: h, says: { text: h, latex: s.reason.says.latex }, citation: h } } : s)),
  };
  const doc: DocumentInput = { title: h, sections: [{ title: h, blocks: [{ kind: 'prose', parts: [{ text: h }] }, { kind: 'derivation', derivation: hostileDerivation }] }] };
  const r = renderDocument(doc);

  it('HTML: escaped, no element or attribute from the text', () => {
    // the only elements are the page's own and KaTeX's (HTML spans and MathML); no event handlers, no links
    const tags = new Set([...r.html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase()));
    const page = ['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'h2', 'h3', 'p', 'div', 'footer', 'span', 'svg', 'path', 'line'];
    for (const t of tags) expect(page.includes(t) || /^(math|semantics|annotation|m[a-z]+)$/.test(t), t).toBe(true);
    expect(r.html).not.toMatch(/<[^>]*\s(on\w+|href|src)\s*=/i);
    expect(r.html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('LaTeX: text mode, every special escaped, no command from the text', () => {
    const body = r.tex.slice(r.tex.indexOf('\\begin{document}'));
    expect(body).not.toContain('\\input{');
    expect(body).toContain('\\textbackslash{}input\\{/etc/passwd\\}');
    expect(latexText('$$ { } % & # _ ~ ^')).toBe('\\$\\$ \\{ \\} \\% \\& \\# \\_ \\textasciitilde{} \\textasciicircum{}');
    expect(latexText('😀')).toBe('?');
  });
  it('Markdown: no HTML, math, link or block structure from the text', () => {
    expect(r.md).not.toMatch(/<script|<img|[^\\]\]\(javascript/);
    expect(r.md).toContain('&lt;/script&gt;&lt;script&gt;');
    expect(mdText('$$')).toBe('\\$\\$');
    expect(mdText('\n# heading\n- item')).toBe(' \\# heading - item'); // one line: "- item" is no longer a list item
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('1. item')).toBe('1\\. item');
  });
  it('math that is not from our printers is refused, not emitted', () => {
    for (const bad of ['\\input{/etc/passwd}', '\\href{javascript:alert(1)}{x}', 'a $ b', 'a } b', '{', 'a % b', 'a & b', 'a \\\\ b', '\\text{x}', 'x ∇'])
      expect(() => checkMath(bad), bad).toThrow(UnsafeLatexError);
    const inject = (latex: string): Derivation => ({ ...ZL_DEEP_LINEAR, steps: [{ expr: ZL_DEEP_LINEAR.start, reason: { says: { text: 'x = y', latex } } }] });
    expect(() => renderDocument({ title: 't', sections: [{ title: 's', blocks: [{ kind: 'derivation', derivation: inject('\\input{/etc/passwd}') }] }] })).toThrow(UnsafeLatexError);
    expect(() => derivationLatex({ ...ZL_DEEP_LINEAR, quantity: { text: 'q', latex: 'f $ \\write18{rm -rf /}' } })).toThrow(UnsafeLatexError);
    expect(() => proseLatex([{ math: '}\\end{document}' }])).toThrow(UnsafeLatexError);
  });
});
