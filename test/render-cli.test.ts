// `matcalc derive` as documents: --format md|html, --steps --format latex (the "done means"),
// and --out DIR.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
const DEEP = ['0.5*norm(W3*W2*W1*X - Y)^2', '--decl', 'W1,W2,W3: d x d; X, Y: d x n', '--wrt', 'W2'];

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('matcalc derive --steps as a derivation in the papers\' style', () => {
  it('--format latex: aligned equalities labelled (i)…(v), the "where (i) follows …" paragraph, (W1X ⊗ W3ᵀ) vec(E) last', () => {
    const r = run('derive', ...DEEP, '--steps', '--format', 'latex');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('\\begin{align}');
    expect(r.out).toContain('&\\stackrel{(v)}{=}');
    const lines = r.out.split('\n');
    const last = lines[lines.indexOf('\\end{align}') - 1];
    expect(last).toBe('&\\stackrel{(v)}{=} ((\\boldsymbol{W}_{1}\\boldsymbol{X}) \\otimes \\boldsymbol{W}_{3}^\\top)\\operatorname{vec}(\\boldsymbol{E})');
    expect(r.out).toMatch(/^where \(i\) follows because .* \(ii\) follows from the product rule /m);
    expect(r.out).toContain('here $\\boldsymbol{E} = \\boldsymbol{W}_{3}\\boldsymbol{W}_{2}\\boldsymbol{W}_{1}\\boldsymbol{X} - \\boldsymbol{Y}$.');
    expect(r.out).toMatch(/^% .*steps checked/m);
  });
  it('--format md: $$ blocks and the where paragraph', () => {
    const r = run('derive', ...DEEP, '--steps', '--format', 'md');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\$\$\n\\begin\{align\}\n/m);
    expect(r.out).toContain('\\stackrel{(v)}{=}');
    expect(r.out).toContain('where (i) follows because $');
  });
  it('--format html: one page, KaTeX already rendered, fonts inlined, no scripts', () => {
    const r = run('derive', ...DEEP, '--steps', '--format', 'html');
    expect(r.code, r.err).toBe(0);
    expect(r.out.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.out).toContain('class="katex-display"');
    expect(r.out).toContain('data:font/woff2;base64,');
    expect(r.out).not.toMatch(/<script/i);
  });
});

describe('matcalc derive --format md|html|latex without --steps, and --out', () => {
  it('gradients, Jacobians and Hessians as Markdown', () => {
    const g = run('derive', '0.5*norm(W2*W1*X - Y)^2', '--decl', 'W1: h x d; W2: k x h; X: d x n; Y: k x n', '--format', 'md');
    expect(g.code, g.err).toBe(0);
    expect(g.out).toContain('\\nabla_{\\boldsymbol{W}_{1}} f &= \\boldsymbol{W}_{2}^\\top\\boldsymbol{E}\\boldsymbol{X}^\\top \\tag{1}');
    expect(g.out).toMatch(/## Check\n\nCheck passed: /);
    const j = run('derive', 'A*X*B', '--decl', 'A: p x m; X: m x n; B: n x q', '--wrt', 'X', '--jacobian', '--format', 'md');
    expect(j.out).toContain('\\nabla_{\\operatorname{vec}(\\boldsymbol{X})} \\operatorname{vec}(F) &= \\boldsymbol{B} \\otimes \\boldsymbol{A}^\\top');
    const h = run('derive', '0.5*norm(W2*W1*X - Y)^2', '--decl', 'W1: h x d; W2: k x h; X: d x n; Y: k x n', '--wrt', 'W1,W2', '--hessian', '--at', 'Y = W2*W1*X', '--format', 'md');
    expect(h.code, h.err).toBe(0);
    expect(h.out).toContain('\\nabla^2 f[\\boldsymbol{\\Delta}, \\boldsymbol{\\Delta}] &= \\|(\\boldsymbol{W}_{2}\\boldsymbol{\\Delta}_{1} + \\boldsymbol{\\Delta}_{2}\\boldsymbol{W}_{1})\\boldsymbol{X}\\|_F^2');
    expect(h.out).toContain('\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{1})}(\\nabla_{\\operatorname{vec}(\\boldsymbol{W}_{2})} f) &= ');
    expect(h.out).toContain('evaluated where $\\boldsymbol{Y} = \\boldsymbol{W}_{2}\\boldsymbol{W}_{1}\\boldsymbol{X}$');
  });
  it('--out DIR --format html writes the page and KaTeX\'s CSS and fonts beside it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'matcalc-cli-')), 'new', 'dir');
    const r = run('derive', ...DEEP, '--steps', '--format', 'html', '--out', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`wrote derive.html and 21 KaTeX files (CSS, fonts) in ${dir}\n`);
    expect(readFileSync(join(dir, 'derive.html'), 'utf8')).toContain('<link rel="stylesheet" href="katex/katex.min.css">');
    expect(readdirSync(join(dir, 'katex', 'fonts')).filter((f) => f.endsWith('.woff2'))).toHaveLength(20);
  });
  it('--out DIR --format latex writes a standalone .tex', () => {
    const dir = mkdtempSync(join(tmpdir(), 'matcalc-cli-'));
    const r = run('derive', ...DEEP, '--steps', '--format', 'latex', '--out', dir);
    expect(r.code, r.err).toBe(0);
    const tex = readFileSync(join(dir, 'derive.tex'), 'utf8');
    expect(tex).toMatch(/\\documentclass\[11pt\]\{article\}\n\\usepackage\{amsmath,amssymb,bm\}/);
    expect(tex).toContain('\\end{document}');
    expect(existsSync(join(dir, 'katex'))).toBe(false);
  });
  it('--out with text or json is a usage error (exit 2)', () => {
    const r = run('derive', ...DEEP, '--out', mkdtempSync(join(tmpdir(), 'matcalc-cli-')));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--out writes a document: use it with --format latex, md or html (not text)');
  });
});
