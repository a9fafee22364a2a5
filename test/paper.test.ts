// Derivation documents as a paper's appendix: the .tex is the paper's text (the paper's equation numbers,
// the lines as the author wrote them, $…$ in prose typeset, no verdicts), the HTML and Markdown are the
// verification report, and the index links only to the documents' own files.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from '../src/doc/format.js';
import { checkDocument } from '../src/doc/check.js';
import { documentPage, labelNumbers } from '../src/render/document-page.js';
import { renderDocument } from '../src/render/document.js';
import { deriveDocument } from '../src/render/derive-document.js';
import { authorMath, authorPieces, authorProse } from '../src/render/author-math.js';
import { layoutDerivation, ownCitation, parenthetical } from '../src/render/derivation-latex.js';
import { latexText, mdText, typography } from '../src/render/prose.js';
import { loadRules } from '../src/rewrite/rules.js';
import { checkAndRender, fileHref } from '../src/app/documents.js';
import { InputError } from '../src/expr/errors.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { toLatex } from '../src/render/print.js';
import { runDerive } from '../src/app/derive.js';
import { formatLatex } from '../src/render/derive-output.js';

const rules = loadRules();
const render = (text: string, opts: { checkmarks?: boolean } = {}) => {
  const result = checkDocument(parseDocument(text, 'doc.matcalc'), { rules });
  return { result, ...renderDocument(documentPage(result, rules), opts) };
};
/** The .tex body, after the standalone preamble. */
const body = (tex: string) => tex.slice(tex.indexOf('\\fi\n'));

const DEEP = `title: t
decl: W[j = 1..l]: d x d; X, Y: d x m; k in 1..l
def: e = prod(j = l..1, W[j])*X - Y
def: h = 0.5*norm(e)^2
def: G_k = kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))
`;

const GRADIENT = `${DEEP}
# For any $k ∈ [l]$, with $e = W_l⋯W_1X − Y$ and "the" product rule:

proof (92)–(97): jac(h, W[k])
  = 0.5*jac(vec(e)'*vec(e), W[k])                                                          by frobenius-vec
  = jac(vec(e), W[k])*vec(e)                                                               by jac-square
  = jac(vec(prod(j = l..1, W[j])*X), W[k])*vec(e)                                          because $Y$ does not depend on $W_k$
  = jac(kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))*vec(W[k]), W[k])*vec(e)  by prod-split, vec-kron
  = kron(prod(j = k-1..1, W[j])*X, prod(j = l..k+1, W[j])')*vec(e)                        by jac-linear, kron-transpose
  = G_k'*vec(e)                                                                            because of the definition of $G_k$

claim (8)–(9): jac(h, W[k]) = G_k'*vec(e)
claim: grad(h, W[k]) = prod(j = l..k+1, W[j])'*e*(prod(j = k-1..1, W[j])*X)'
`;

describe('paper numbering', () => {
  const r = render(GRADIENT);
  it('a proof labelled (92)–(97) numbers its lines 92 to 97, a claim (8)–(9) is tagged 8', () => {
    expect(r.result.passed).toBe(true);
    const tags = [...body(r.tex).matchAll(/\\tag\{([^}]*)\}/g)].map((m) => m[1]);
    expect(tags.slice(0, 7)).toEqual(['92', '93', '94', '95', '96', '97', '8']);
  });
  it('a claim without the paper\'s number is unnumbered; a derive document\'s results are numbered 1, 2, … (by LaTeX\'s counter in the .tex)', () => {
    const tagsOf = (tex: string) => [...tex.matchAll(/\\tag\{([^}]*)\}/g)].map((m) => m[1]);
    const displays = (tex: string) => tex.match(/\\begin\{align\}/g)!.length;
    // (92)–(97), (8), and the matrix form of the gradient without a number
    expect(tagsOf(body(r.tex))).toEqual(['92', '93', '94', '95', '96', '97', '8']);
    expect(displays(body(r.tex))).toBe(2); // the proof, then (8) and the matrix form in one display
    const mixed = render(`title: t\ndecl: x: n\nclaim (1): x'*x = norm(x)^2\nclaim: 2*x = x + x\nclaim (2): x = x\nclaim: 3*x = x + 2*x\n`);
    for (const out of [body(mixed.tex), mixed.md]) expect(tagsOf(out)).toEqual(['1', '2']);
    // in the paper consecutive claims share one display; in the report each has its verdict under it
    expect(displays(body(mixed.tex))).toBe(1);
    expect(displays(mixed.md)).toBe(4);
    // a document that refers to no equation of its paper numbers none of its own: a (1) would read as the paper's
    const plain = render(`title: t\ndecl: x: n\nclaim: 2*x = x + x\nclaim: 3*x = x + 2*x\n`);
    expect(body(plain.tex).match(/\\notag/g)).toHaveLength(2);
    expect(tagsOf(plain.md)).toEqual([]);
    // derive's documents have no paper: LaTeX numbers the .tex (\input into a paper, it goes on from the paper's), the report the same 1, 2
    const derived = renderDocument(deriveDocument(runDerive({ expr: 'x\'*A*x + norm(B*x)^2', decl: 'A: n x n; B: m x n; x: n', wrt: ['x'], check: false })));
    expect(body(derived.tex)).toMatch(/\\begin\{align\}\n\\nabla_\{\\boldsymbol\{x\}\} f &= [^\n]*\n\\end\{align\}/);
    expect(body(derived.tex)).not.toMatch(/\\tag|\\notag/);
    expect(tagsOf(derived.md)).toEqual(['1']);
  });

  it('a number several displays carry is lettered in order, so no two displays share one', () => {
    const twice = render(`title: t\ndecl: x: n\nclaim (5) corrected: 2*x = x + x\nclaim (5) variant: 3*x = x + 2*x\nclaim (6): x = x\n`);
    for (const out of [body(twice.tex), twice.md]) expect([...out.matchAll(/\\tag\{([^}]*)\}/g)].map((m) => m[1])).toEqual(['5a', '5b', '6']);
  });
  it('a proof labelled with one number ends in that equation (the last line carries it)', () => {
    const one = render(`title: t\ndecl: x: n; A: n x n\nproof (32): grad(x'*A*x, x)\n  = (A + A')*x\n  = A*x + A'*x\n`);
    expect(body(one.tex).match(/\\tag\{[^}]*\}|\\notag/g)).toEqual(['\\notag', '\\tag{32}']);
  });
  it('reads the paper\'s number from a label', () => {
    expect(labelNumbers('(92)–(97)')).toEqual({ first: '92', last: '97' });
    expect(labelNumbers('(17), k′ = k')).toEqual({ first: '17' });
    expect(labelNumbers('(4.2) as printed')).toEqual({ first: '4.2' });
    expect(labelNumbers('§4.1 corrected')).toBeUndefined();
    expect(labelNumbers('App. B, W2–W2')).toBeUndefined();
  });
});

describe('the Hessian appendices as the papers state them', () => {
  it('Zhu et al. (32) with W2 of d2 × d1: the balanced points W2 = U(W1XXᵀW1ᵀ)^{1/2} need d2 ≥ d1, and the document says so', () => {
    const text = readFileSync(new URL('../derivations/zsew-hessian-form.matcalc', import.meta.url), 'utf8');
    expect(text).toMatch(/W2: d2 x d1;.*; d2 >= d1$/m);
    const check = (t: string) => checkDocument(parseDocument(t, 'doc.matcalc'), { rules }).passed;
    expect(check(text)).toBe(true);
    // with d2 < d1, U has orthonormal rows, W2ᵀW2 ≠ W1XXᵀW1ᵀ and the second equality fails
    expect(check(text.replace('d2 >= d1', 'd2 < d1'))).toBe(false);
  });
  it('a sum of eigenvalues prints as the paper has it, with the defined names', () => {
    const r = render(readFileSync(new URL('../derivations/zl-linear-minimisers.matcalc', import.meta.url), 'utf8'));
    expect(body(r.tex)).toContain('\\operatorname{tr}(\\boldsymbol{\\Sigma}_{YY}) - \\sum_{i} \\lambda_{i}(\\boldsymbol{\\Sigma})');
  });
});

describe('the .tex is the paper\'s text; the verdicts are in the report', () => {
  const r = render(GRADIENT);
  it('no verdicts, line numbers or status in the .tex', () => {
    const b = body(r.tex);
    for (const chatter of [/random points/, /line \d+/, /[Ss]tatus/, /verified/, /checkmark/, /Claim/, /Proof/]) expect(b).not.toMatch(chatter);
  });
  it('the report (HTML, Markdown) has them', () => {
    for (const report of [r.md, r.html]) {
      expect(report).toMatch(/Status: verified/);
      expect(report).toMatch(/Proof \(92\)–\(97\) \(lines 9–15\)/);
      expect(report).toMatch(/holds at random points/);
    }
  });
  it('--checkmarks marks every checked line of the .tex', () => {
    const m = render(GRADIENT, { checkmarks: true });
    expect(body(m.tex).match(/\\tag\*\{\$\\checkmark\$~\(9[2-7]\)\}/g)).toHaveLength(6);
    const bad = render(`title: t\ndecl: x: n; A: n x n\nproof: grad(x'*A*x, x)\n  = 2*A*x\n`, { checkmarks: true });
    expect(body(bad.tex)).toContain('\\tag*{$\\times$');
  });
  it('the .tex compiles on its own and \\input into a paper typesets only its body', () => {
    // the standalone part is skipped when \documentclass has been used (see render-external for pdflatex)
    expect(r.tex).toMatch(/^% .*\n% .*\n\\expandafter\\ifx\\csname @twoclasseserror\\endcsname\\documentclass\\else\n\\documentclass/);
    expect(r.tex.trimEnd().endsWith('\\csname matcalc@end\\endcsname')).toBe(true);
  });
});

describe('what the author wrote', () => {
  const r = render(GRADIENT);
  const b = body(r.tex);
  it('a defined name is shown where the author used it, the explicit Kronecker product where the author wrote it', () => {
    expect(b).toContain('\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{k})} h &');
    expect(b).toMatch(/\\stackrel\{\(iv\)\}\{=\} \\bigl\(\\nabla_\{\\operatorname\{vec\}\(\\boldsymbol\{W\}_\{k\}\)\}\\bigl\(\(\\boldsymbol\{W\}_\{k-1\} \\cdots \\boldsymbol\{W\}_\{1\}\\boldsymbol\{X\}\)\^\\top|\\otimes/);
    const lines = b.slice(b.indexOf('\\begin{align}'), b.indexOf('\\end{align}'));
    expect(lines.match(/\\otimes/g)!.length).toBe(2); // (95) and (96), not folded into G_k
    expect(lines).toContain('\\boldsymbol{G}_{k}^\\top\\operatorname{vec}(\\boldsymbol{e}) \\tag{97}');
    expect(b).toContain('\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{k})} h &= \\boldsymbol{G}_{k}^\\top\\operatorname{vec}(\\boldsymbol{e}) \\tag{8}');
  });
  it('a step citing several rules says why with each of them', () => {
    expect(b).toMatch(/\(iv\) follows because .* and \$\\operatorname\{vec\}\(\\boldsymbol\{A\}\\boldsymbol\{X\}\\boldsymbol\{B\}\)/);
  });
});

describe('notation as in the papers', () => {
  const decls = parseDeclarations('W[j = 1..l]: d x d; X: d x d invertible; x: d; k in 1..l; k2 in k+1..l; A[j = 1..l, i = 1..r]: d x d; q in 1..r; q2 in 1..r; lambda: scalar');
  const tex = (s: string) => toLatex(parseExpression(s, { decls }));
  it('products without redundant brackets', () => {
    expect(tex("(prod(j = k-1..1, W[j])*X)'")).toBe('(\\boldsymbol{W}_{k-1} \\cdots \\boldsymbol{W}_{1}\\boldsymbol{X})^\\top');
    expect(tex('prod(j = l..k+1, W[j])*W[k]*prod(j = k-1..1, W[j])*X')).toBe('\\boldsymbol{W}_{l} \\cdots \\boldsymbol{W}_{k+1}\\boldsymbol{W}_{k}\\boldsymbol{W}_{k-1} \\cdots \\boldsymbol{W}_{1}\\boldsymbol{X}');
  });
  it('½ and λ/2 in front, without \\left(\\frac{…}\\right)', () => {
    expect(tex('0.5*norm(x)^2')).toBe('\\frac{1}{2} \\|\\boldsymbol{x}\\|_2^{2}');
    expect(tex('lambda/2*norm(x)^2')).toBe('\\frac{\\lambda}{2} \\|\\boldsymbol{x}\\|_2^{2}');
    expect(tex('(lambda/2)*norm(x)^2')).not.toContain('\\left(\\frac');
    expect(tex("1/2*X'*X")).toBe('\\frac{1}{2} \\boldsymbol{X}^\\top\\boldsymbol{X}');
  });
  it('∇²_x, ∇²_{vec W_k}, ∇_{vec W_k′}(∇_{vec W_k} ·), ∇ reaching right', () => {
    expect(tex('hess(norm(x)^2, x, x)')).toBe('\\nabla^2_{\\boldsymbol{x}} \\|\\boldsymbol{x}\\|_2^{2}');
    expect(tex('hess(norm(W[k])^2, W[k], W[k])')).toBe('\\nabla^2_{\\operatorname{vec}(\\boldsymbol{W}_{k})} \\|\\boldsymbol{W}_{k}\\|_F^{2}');
    expect(tex('hess(norm(W[k]*W[k2])^2, W[k2], W[k])')).toBe("\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{k'})}(\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{k})} \\|\\boldsymbol{W}_{k}\\boldsymbol{W}_{k'}\\|_F^{2})");
    expect(tex("0.5*jac(vec(X)'*vec(X), X)")).toBe('\\frac{1}{2} \\nabla_{\\operatorname{vec}(\\boldsymbol{X})} \\operatorname{vec}(\\boldsymbol{X})^\\top\\operatorname{vec}(\\boldsymbol{X})');
    expect(tex('jac(vec(X), X)*vec(X)')).toBe('(\\nabla_{\\operatorname{vec}(\\boldsymbol{X})} \\operatorname{vec}(\\boldsymbol{X}))\\operatorname{vec}(\\boldsymbol{X})');
  });
  it("X^{-⊤}, primes for related indices (k2 → k′, Q_k2q2 → Q_{k′q′}), σ for the sigmoid, |x| for abs, f̄ for fbar", () => {
    expect(tex("inv(X')")).toBe('\\boldsymbol{X}^{-\\top}');
    expect(tex("inv(X)'")).toBe('\\boldsymbol{X}^{-\\top}');
    expect(tex('A[k2,q2]')).toBe("\\boldsymbol{A}_{k'q'}");
    expect(tex('W[k2-1]')).toBe("\\boldsymbol{W}_{k'-1}");
    expect(toLatex(parseExpression('Q_k2q2', { decls: parseDeclarations('Q_k2q2: d x d') }))).toBe("\\boldsymbol{Q}_{k'q'}");
    expect(tex('sigmoid(x)')).toBe('\\sigma(\\boldsymbol{x})');
    expect(tex("abs(x'*x - 1)")).toBe('\\lvert \\boldsymbol{x}^\\top\\boldsymbol{x} - 1 \\rvert');
    const named = (decl: string, e: string) => toLatex(parseExpression(e, { decls: parseDeclarations(decl) }));
    expect(named('fbar: scalar; Lhat: scalar; xbar: n; mutilde: scalar', 'fbar + Lhat + mutilde + xbar\'*xbar')).toBe('\\bar{f} + \\hat{L} + \\tilde{\\mu} + \\boldsymbol{\\bar{x}}^\\top\\boldsymbol{\\bar{x}}');
    expect(named('Deltabar1, Wtilde2: n x n', 'Deltabar1*Wtilde2')).toBe('\\boldsymbol{\\bar{\\Delta}}_{1}\\boldsymbol{\\tilde{W}}_{2}');
  });
});

describe('σ names one function per text', () => {
  it('the logistic function is σ, unless the same document or output uses the generic σ: then it is sigmoid', () => {
    const both = render(`title: t\ndecl: x: n\nclaim: sigmoid(x) + sigma(x) = sigma(x) + sigmoid(x)\n`);
    for (const out of [body(both.tex), both.md]) {
      expect(out).toContain('\\operatorname{sigmoid}(\\boldsymbol{x}) + \\sigma(\\boldsymbol{x})');
    }
    expect(body(render(`title: t\ndecl: x: n\nclaim: 2*sigmoid(x) = sigmoid(x) + sigmoid(x)\n`).tex)).not.toContain('sigmoid');
    const derived = (expr: string) => formatLatex(runDerive({ expr, decl: 'W: n x n; x: n', wrt: ['x'], check: false }));
    expect(derived('sum(sigmoid(W*x)) + sum(sigma(W*x))')).toMatch(/\\operatorname\{sigmoid\}.*\\sigma\^\{\\prime\}|\\sigma\^\{\\prime\}.*\\operatorname\{sigmoid\}/);
    expect(derived('sum(sigmoid(W*x))')).not.toContain('operatorname{sigmoid}');
    // the choice holds for one text only
    expect(toLatex(parseExpression('sigmoid(x)', { decls: parseDeclarations('x: n') }))).toBe('\\sigma(\\boldsymbol{x})');
  });
});

describe('typeset prose', () => {
  const names = { bold: new Set(['W', 'X', 'Y', 'e', 'G']) };
  it('$…$ is math, with Unicode and the declared matrices bold', () => {
    expect(authorMath('W_{k−1}⋯W_1X', names)).toBe('\\boldsymbol{W}_{k-1}\\cdots \\boldsymbol{W}_1\\boldsymbol{X}');
    expect(authorMath('h(W) = ½‖e‖²_F', names)).toBe('h(\\boldsymbol{W}) = \\frac{1}{2}\\|\\boldsymbol{e}\\|^{2}_F');
    expect(authorMath('∇_{vec(W_k)} h = G_kᵀ vec(e)', names)).toBe('\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_k)} h = \\boldsymbol{G}_k^{\\top} \\operatorname{vec}(\\boldsymbol{e})');
    expect(authorMath('x ↦ σ′(x), k′ ∈ [l], L̂, ∇_W f', names)).toBe("x \\mapsto \\sigma'(x), k' \\in [l], \\hat{L}, \\nabla_{\\boldsymbol{W}} f");
    // a matrix with a Greek name is bold like the others; \boldsymbol{B} is kept as written
    expect(authorMath('P_Ω(A) = Ω∘A, μ', { bold: new Set(['Omega']) })).toBe('P_{\\boldsymbol{\\Omega}}(A) = \\boldsymbol{\\Omega}\\circ A, \\mu');
    expect(authorMath('\\boldsymbol{B}ᵀW', names)).toBe('\\boldsymbol{B}^{\\top}\\boldsymbol{W}');
  });
  it('text and math alternate; \\$ is a dollar sign; errors name the place', () => {
    const parts = authorProse('costs \\$5 when $W_k$ is "big"', names, 'doc:3');
    expect(parts).toEqual([{ text: 'costs $5 when ' }, { math: '\\boldsymbol{W}_k' }, { text: ' is "big"' }]);
    expect(() => authorProse('bad $\\input{/etc/passwd}$', names, 'doc:3')).toThrow(/doc:3: in \$\\input\{\/etc\/passwd\}\$: .*command \\input is not one/);
    expect(() => authorProse('open $x', names, 'doc:4')).toThrow(InputError);
    expect(() => authorProse('$x^$', names, 'doc:5')).toThrow(/doc:5/);
  });
  it('quotes, dashes and apostrophes', () => {
    expect(typography('"Characterization" of u\'s \'a\' - b...')).toBe('\u201cCharacterization\u201d of u\u2019s \u2018a\u2019 - b\u2026');
    expect(latexText('"q" --hessian (8)–(9) ↦')).toBe("``q'' -{}-hessian (8)--(9) \\ensuremath{\\mapsto}");
    expect(mdText("u'v \"q\"")).toBe('u\u2019v \u201cq\u201d');
  });
  it('in the documents: no literal underscore, no $ left over, math in all three outputs', () => {
    const r = render(GRADIENT);
    expect(body(r.tex)).not.toContain('\\_');
    expect(body(r.tex)).toContain('For any $k \\in [l]$, with $\\boldsymbol{e} = \\boldsymbol{W}_l\\cdots \\boldsymbol{W}_1\\boldsymbol{X} - \\boldsymbol{Y}$ and ``the\'\' product rule:');
    expect(r.md).toContain('For any $k \\in [l]$');
    expect(r.md).not.toContain('&#39;');
    expect(r.html).toMatch(/For any <span class="katex">/);
    expect(body(r.tex)).toContain('(iii) follows because $\\boldsymbol{Y}$ does not depend on $\\boldsymbol{W}_k$');
  });
});

describe('steps citing several rules', () => {
  it('are justified when the rules, applied in order, give the step, and not otherwise', () => {
    const ok = checkDocument(parseDocument(`${DEEP}proof: jac(vec(prod(j = l..1, W[j])*X), W[k])\n  = jac(kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))*vec(W[k]), W[k])  by prod-split, vec-kron\n  = kron(prod(j = k-1..1, W[j])*X, prod(j = l..k+1, W[j])')  by jac-linear, kron-transpose\n`, 'd'), { rules });
    expect(ok.passed, JSON.stringify(ok.firstFailure)).toBe(true);
    const wrongOrder = checkDocument(parseDocument(`${DEEP}proof: jac(vec(prod(j = l..1, W[j])*X), W[k])\n  = kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))'  by jac-linear, vec-kron\n`, 'd'), { rules });
    expect(wrongOrder.firstFailure?.message).toMatch(/true, but not what jac-linear, vec-kron, applied in this order/);
    const missing = checkDocument(parseDocument(`${DEEP}proof: jac(vec(e), W[k])\n  = jac(vec(e), W[k])  by jac-square, no-such-rule\n`, 'd'), { rules });
    expect(missing.firstFailure?.message).toMatch(/cites "no-such-rule", which is not a rule/);
  });
});

describe('safe names in the index', () => {
  it('links are relative, percent-encoded, and only to the documents\' own files', () => {
    expect(fileHref('javascript:alert(1).html')).toBe('./javascript%3Aalert%281%29.html');
    expect(fileHref('a b/"c<.md')).toBe('./a%20b%2F%22c%3C.md');
    const src = mkdtempSync(join(tmpdir(), 'matcalc-names-'));
    const out = join(src, 'out');
    mkdirSync(join(src, 'sub'));
    const doc = 'title: t\ndecl: x: n\nclaim: x = x\n';
    writeFileSync(join(src, 'javascript:alert(1).matcalc'), doc);
    writeFileSync(join(src, 'sub', 'javascript:alert(1).matcalc'), doc);
    const checked = checkAndRender([join(src, 'javascript:alert(1).matcalc'), join(src, 'sub')], out);
    expect(checked.map((c) => c.name)).toEqual(['javascript:alert(1)', 'javascript:alert(1)-2']);
    const html = readFileSync(join(out, 'index.html'), 'utf8'), md = readFileSync(join(out, 'index.md'), 'utf8');
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    const links = [...md.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1]);
    for (const h of [...hrefs, ...links]) {
      expect(h).toMatch(/^\.\/[A-Za-z0-9._~%-]+$/);
      expect(readdirSync(out)).toContain(decodeURIComponent(h.slice(2)));
    }
    expect(hrefs).toHaveLength(8);
    expect(links).toHaveLength(6);
  });
});

describe('citations and the "where" paragraph read like the paper', () => {
  it('every rule cites its source as a paper would: no seed line numbers, no other chain\'s labels, no formulas, nothing pdflatex cannot print', () => {
    const unfit: string[] = [];
    for (const r of rules.values()) {
      if (!r.cite) continue;
      for (const [why, re] of [['a line of a seed text', /\bl\.\s*\d/], ['the label of another chain', /App\.\s*[A-Z]\s*\([ivx]+\)/], ['a note to ourselves', /read backwards|TODO|\bwith [A-Z] = /], ['a formula (the rule\'s says: states it)', /=/]] as const)
        if (re.test(r.cite)) unfit.push(`${r.name}: ${why}: ${r.cite}`);
      // latexText prints a character it cannot map as ?
      if (latexText(r.cite).split('?').length !== r.cite.split('?').length) unfit.push(`${r.name}: a character pdflatex cannot print: ${r.cite}`);
    }
    expect(unfit).toEqual([]);
  });
  it('inside its own paper a citation drops the authors, and a line does not cite its own number', () => {
    const source = 'Zhou & Liang, "Characterization …", App. B eqs. (90)–(97)';
    expect(ownCitation('Zhou & Liang App. B eq. (90)', { source })).toBe('eq. (90)');
    expect(ownCitation('Zhou & Liang App. B, proof of eq. (15)', { source })).toBe('proof of eq. (15)');
    expect(ownCitation('Magnus & Neudecker (2019), ch. 2, Thm 2; Zhou & Liang App. B eq. (95)', { source, tags: new Set(['95']) })).toBe('Magnus & Neudecker (2019), ch. 2, Thm 2');
    expect(ownCitation('Zhou & Liang App. B eq. (95)', { source, tags: new Set(['95']) })).toBe('');
    expect(ownCitation('Zhou & Liang App. B eq. (90)', { source: 'Tengyu Ma, "Why …", §3' })).toBe('Zhou & Liang App. B eq. (90)');
    expect(ownCitation('Zhou & Liang App. B eq. (90)')).toBe('Zhou & Liang App. B eq. (90)');
  });
  it('a citation in parentheses has no parentheses of its own, and "because of X" reads "follows from X"', () => {
    expect(parenthetical('eq. (99); Magnus & Neudecker (2019), ch. 9')).toBe('eq. (99); Magnus & Neudecker, 2019, ch. 9');
    expect(parenthetical('Matrix Cookbook eq. (520)')).toBe('Matrix Cookbook eq. (520)');
    const r = render(readFileSync(new URL('../derivations/zl-deep-linear-gradient.matcalc', import.meta.url), 'utf8'));
    const where = body(r.tex).match(/^where \(i\).*$/m)![0];
    expect(where).toContain('(Magnus \\& Neudecker, 2019, ch. 2, Thm 2)');
    expect(where).toContain('(vi) follows from the definition of $\\boldsymbol{G}_k(\\boldsymbol{W})$.');
    expect(where).not.toMatch(/because of|\(\d{4}\)/);
  });
  it('ZL (101)–(105): each identity is said once, a later line refers to it, and no citation names the paper itself', () => {
    const r = render(readFileSync(new URL('../derivations/zl-residual-gradient.matcalc', import.meta.url), 'utf8'));
    expect(r.result.passed).toBe(true);
    const where = body(r.tex).match(/^where \(i\).*$/m)![0];
    for (const identity of ['\\operatorname{vec}(\\boldsymbol{A}\\boldsymbol{X}\\boldsymbol{B}) =', '\\boldsymbol{F}_{a} \\cdots \\boldsymbol{F}_{b} =', 'a constant term has zero derivative'])
      expect(where.split(identity).length - 1, identity).toBe(1);
    expect(where).toContain('(iv) follows as in (iii) and because');
    expect(where).not.toMatch(/Zhou|l\.159/);
    expect(where).toContain('(eq. (90))');
  });
  it('a document cites each rule once: later proofs state the identity without its source again', () => {
    const r = render(readFileSync(new URL('../derivations/zl-one-hidden-layer-hessian.matcalc', import.meta.url), 'utf8'));
    const b = body(r.tex);
    expect(b.match(/follows from the product rule \$\\nabla_\{\\operatorname\{vec\}\(\\boldsymbol\{X\}\)\} \\boldsymbol\{M\}\\boldsymbol\{v\} =/g)).toHaveLength(2);
    expect(b.split('Magnus \\& Neudecker, 2019, ch. 9').length - 1).toBe(1);
  });
  it('consecutive lines with the same reasons share a clause; a repeated reason later refers back', () => {
    const x = parseExpression('x', { decls: parseDeclarations('x: n') });
    const reason = (rule: string, says: string) => ({ rule, says: { text: says, latex: says }, citation: 'Matrix Cookbook eq. (5)' });
    const d = {
      quantity: { text: 'q', latex: 'q' }, start: x, startReason: reason('a', 'x = x'), where: [],
      steps: [{ expr: x, reason: reason('b', 'y = y') }, { expr: x, reason: reason('b', 'y = y') }, { expr: x, reason: reason('a', 'x = x') }],
    };
    const text = layoutDerivation(d).where.map((p) => ('text' in p ? p.text : `$${p.math}$`)).join('');
    expect(text).toBe('where (i) follows because $x = x$ (Matrix Cookbook eq. (5)), (ii) and (iii) follow because $y = y$ (Matrix Cookbook eq. (5)), and (iv) follows as in (i).');
  });
});

describe('title and source lines', () => {
  it('math in the source line is typeset ($…$), in the PDF, the report and the index', () => {
    const r = render(`title: Gradient of $h$\nsource: Zhou & Liang, for any depth $l$ and any layers $k$, $k′$\ndecl: x: n\nclaim: 2*x = x + x\n`);
    expect(r.tex).toContain('\\begin{center}\\small Zhou \\& Liang, for any depth $l$ and any layers $k$, $k\'$\\end{center}');
    expect(r.tex).toContain('\\Large Gradient of $h$');
    expect(r.tex).toMatch(/^% Gradient of h \(generated by matcalc\)/);
    expect(r.md).toContain('*Zhou &amp; Liang, for any depth $l$ and any layers $k$, $k\'$*');
    expect(r.html).toMatch(/<p class="source">Zhou &amp; Liang, for any depth <span class="katex">/);
    expect(r.html).toContain('<title>Gradient of h</title>');
  });
  it('a quote right after math closes', () => {
    const r = render(`title: t\nsource: App. B ("Derivatives of $g(W)$")\ndecl: W: n x n\nclaim: 2*W = W + W\n`);
    expect(r.tex).toContain("App. B (``Derivatives of $g(\\boldsymbol{W})$'')");
    expect(r.md).toContain('App. B (\u201cDerivatives of $g(\\boldsymbol{W})$\u201d)');
    expect(r.html).toMatch(/<\/span><\/span>\u201d\)<\/p>/);
  });
  it('the documents of derivations/ write every symbol of a title or source line as math', () => {
    const bare: string[] = [];
    for (const f of readdirSync(new URL('../derivations/', import.meta.url)).filter((n) => n.endsWith('.matcalc'))) {
      const doc = parseDocument(readFileSync(new URL(`../derivations/${f}`, import.meta.url), 'utf8'), f);
      for (const line of [doc.title ?? '', doc.source ?? ''])
        for (const p of authorPieces(line))
          if (!p.math) for (const m of p.text.replace(/App\. [A-Z]\b|\([ivx]+\)/g, '').matchAll(/(?<![\w.′'’-])[b-zB-HJ-Z]′?(?![\w.′(-])/g)) bare.push(`${f}: "${m[0]}" in "${line}"`);
    }
    expect(bare).toEqual([]);
  });
  it('"## …" is a note for the report: in the HTML and Markdown, not in the paper\'s .tex', () => {
    const r = render(`title: t\ndecl: x: n\n# For the paper.\n## Checked at three sizes.\nclaim: 2*x = x + x\n`);
    expect(body(r.tex)).toContain('For the paper.');
    expect(body(r.tex)).not.toContain('Checked at three sizes');
    expect(r.md).toContain('Checked at three sizes.');
    expect(r.html).toContain('Checked at three sizes.');
  });
});
