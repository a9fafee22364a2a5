// The rendered documents in the programs that read them: pdflatex compiles the .tex (the golden ZL
// derivation, every battery result, hostile text), and headless Chromium shows the HTML page offline
// (fonts from the page or from the files beside it, no requests, no console errors, no script run).
// Each group runs when its program is installed (.ci/run installs both) and says in its name why it was
// skipped otherwise. Screenshots and PDFs go to scratch/ (git-ignored) for a person to look at.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDerive } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { writeDocument } from '../src/app/document-output.js';
import { checkAndRender } from '../src/app/documents.js';
import { deriveDocument, stepsLatex } from '../src/render/derive-document.js';
import { formatLatex } from '../src/render/derive-output.js';
import { renderDocument, TEX_PREAMBLE, type Block, type DocumentInput } from '../src/render/document.js';
import { formatHessianLatex, hessianRows, hvpRows } from '../src/render/hessian-output.js';
import { toLatex } from '../src/render/print.js';
import { MATH_COMMANDS } from '../src/render/prose.js';
import { mathCommandUse } from './math-commands.js';
import type { Derivation } from '../src/derivation/model.js';
import { GRADIENTS } from './battery.js';
import { HESSIANS } from './hessians.js';
import { ZL_DEEP_LINEAR, ZL_DOCUMENT } from './fixtures/zl-deep-linear.js';

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const SCRATCH = fileURLToPath(new URL('../scratch/', import.meta.url));
const GOLDEN_TEX = fileURLToPath(new URL('./golden/zl-deep-linear.tex', import.meta.url));
const HOSTILE = '</script><script>alert(1)</script> \\input{/etc/passwd} $$ { } % & # _ ^ ~ <img src=x onerror=alert(1)>';

const hostileDocument: DocumentInput = {
  title: HOSTILE,
  sections: [
    {
      title: HOSTILE,
      blocks: [
        { kind: 'prose', parts: [{ text: HOSTILE }] },
        {
          kind: 'derivation',
          derivation: { ...ZL_DEEP_LINEAR, title: HOSTILE, steps: ZL_DEEP_LINEAR.steps.map((s) => (s.reason ? { ...s, reason: { ...s.reason, says: { text: HOSTILE, latex: '' }, citation: HOSTILE } } : s)) } as Derivation,
        },
      ],
    },
  ],
};

/** Every result of the gradient and Hessian batteries as numbered equations: every macro the printers emit. */
function batteryDocument(): DocumentInput {
  const gradients: Block[] = GRADIENTS.map((c) => {
    const o = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check: false });
    return { kind: 'equations', rows: o.results.map((r) => ({ lhs: `\\nabla_{${toLatex(r.variable)}} f`, rhs: toLatex(r.display) })) };
  });
  const hessians: Block[] = HESSIANS.map((c) => {
    const o = runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, check: false });
    return { kind: 'equations', rows: [...hessianRows(o), ...hvpRows(o)] };
  });
  return { title: 'Battery', sections: [{ title: 'Gradients', blocks: gradients }, { title: 'Hessians', blocks: hessians }] };
}

// ── pdflatex ───────────────────────────────────────────────────────────────────────────────────────

const PDFLATEX = onPath('pdflatex');
const NO_PDFLATEX = PDFLATEX ? '' : ' — SKIPPED: pdflatex is not on PATH (apt-get install texlive-latex-base texlive-latex-recommended texlive-fonts-recommended)';

function pdflatex(tex: string, name: string): { ok: boolean; log: string; pdf: string } {
  const dir = mkdtempSync(join(tmpdir(), 'matcalc-tex-'));
  writeFileSync(join(dir, `${name}.tex`), tex);
  const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', `${name}.tex`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const log = existsSync(join(dir, `${name}.log`)) ? readFileSync(join(dir, `${name}.log`), 'utf8') : r.stdout + r.stderr;
  const pdf = join(dir, `${name}.pdf`);
  if (r.status === 0 && existsSync(SCRATCH)) copyFileSync(pdf, join(SCRATCH, `${name}.pdf`));
  return { ok: r.status === 0, log, pdf };
}

const errors = (log: string) => log.split('\n').filter((l) => /^!|Missing character|Undefined control sequence/.test(l));
const pdfText = (pdf: string) => (onPath('pdftotext') ? spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout : undefined);

describe('pdflatex', () => {
  it.skipIf(!PDFLATEX)(`the golden ZL App. B derivation compiles, with the paper's sentence in the PDF${NO_PDFLATEX}`, () => {
    const r = pdflatex(readFileSync(GOLDEN_TEX, 'utf8'), 'zl-deep-linear');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
    expect(errors(r.log)).toEqual([]);
    const text = pdfText(r.pdf);
    if (text !== undefined) expect(text.replace(/\s+/g, ' ')).toContain('where (i) follows from the product rule, (ii) follows because');
  });

  it.skipIf(!PDFLATEX)(`every gradient and Hessian of the batteries compiles (every macro the printers emit)${NO_PDFLATEX}`, () => {
    const r = pdflatex(renderDocument(batteryDocument()).tex, 'battery');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
    expect(errors(r.log)).toEqual([]);
  });

  it.skipIf(!PDFLATEX)(`derive --format latex, --hessian and --steps for everyday objectives compile standalone within the text width${NO_PDFLATEX}`, () => {
    const objectives = [
      { expr: '0.5*norm(X*w - y)^2 + lambda/2*norm(w)^2', decl: 'X: n x d; w: d; y: n; lambda: scalar', wrt: ['w'] },
      { expr: 'sum(log(1 + exp(-(X*w) .* y)))', decl: 'X: n x d; w: d; y: n', wrt: ['w'] },
      { expr: '0.5*norm(W2*tanh(W1*X) - Y)^2', decl: 'W1: h x d; W2: k x h; X: d x n; Y: k x n', wrt: ['W1', 'W2'] },
    ];
    const parts: string[] = [];
    for (const o of objectives) {
      parts.push(`\\[\n${formatLatex(runDerive({ ...o, check: false }))}\\]`, `\\[\n${formatHessianLatex(runHessian({ ...o, check: false }))}\\]`);
      if (o.wrt[0] === 'W1') parts.push(stepsLatex(runDerive({ ...o, check: false, steps: true }).derivations!));
    }
    const r = pdflatex(`${TEX_PREAMBLE}\\begin{document}\n${parts.join('\n\n')}\n\\end{document}\n`, 'everyday');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
    expect([...r.log.matchAll(/Overfull \\hbox \(([\d.]+)pt too wide\)/g)].map((m) => Number(m[1])).filter((w) => w > 10)).toEqual([]);
  });

  it.skipIf(!PDFLATEX)(`hostile titles, comments and rule texts compile as text; \\input reads nothing${NO_PDFLATEX}`, () => {
    const r = pdflatex(renderDocument(hostileDocument).tex, 'hostile');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
    expect(r.log).not.toMatch(/\(\/etc\/passwd/); // pdflatex logs every file it opens as (path
    const text = pdfText(r.pdf);
    if (text !== undefined) {
      expect(text).toContain('\\input{/etc/passwd}');
      expect(text).not.toMatch(/root:.*:0:0:/);
    }
  });

  it.skipIf(!PDFLATEX)(`every command math may use compiles with pdflatex (amsmath, amssymb, bm)${NO_PDFLATEX}`, () => {
    const rows = [...MATH_COMMANDS].map((c) => ({ lhs: '', rhs: mathCommandUse(c), tag: null }));
    const r = pdflatex(renderDocument({ title: 'Commands', sections: [{ blocks: [{ kind: 'equations', rows }] }] }).tex, 'commands');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
    expect(errors(r.log)).toEqual([]);
  });

  it.skipIf(!PDFLATEX)(`derive --steps --out DIR --format latex writes a standalone document that compiles${NO_PDFLATEX}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'matcalc-out-'));
    const out = runDerive({ expr: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: 'W1, W2: d x d; X, Y: d x n', wrt: ['W1', 'W2'], steps: true, defs: ['e = W2*sigma(W1*X) - Y'] });
    expect(writeDocument(deriveDocument(out), 'latex', dir)).toEqual(['derive.tex']);
    const r = pdflatex(readFileSync(join(dir, 'derive.tex'), 'utf8'), 'one-hidden-layer');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
  });
});

// ── Chromium ───────────────────────────────────────────────────────────────────────────────────────

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const NO_CHROMIUM = CHROMIUM ? '' : ' — SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium)';

interface PageReport {
  fonts: string[];
  requests: string[];
  errors: string[];
  dialogs: number;
}

async function openPage(file: string, screenshot?: string): Promise<PageReport> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const report: PageReport = { fonts: [], requests: [], errors: [], dialogs: 0 };
    page.on('request', (r) => report.requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && report.errors.push(m.text()));
    page.on('pageerror', (e) => report.errors.push(e.message));
    page.on('dialog', (d) => {
      report.dialogs++;
      void d.dismiss();
    });
    await page.goto('file://' + file);
    await page.evaluate(() => document.fonts.ready);
    report.fonts = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, '')));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return report;
  } finally {
    await browser.close();
  }
}

describe('headless Chromium', () => {
  const shot = (name: string) => (existsSync(SCRATCH) ? join(SCRATCH, name) : undefined);

  it.skipIf(!CHROMIUM)(`the self-contained page shows KaTeX fonts offline, with no request and no error${NO_CHROMIUM}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'matcalc-html-'));
    writeFileSync(join(dir, 'zl.html'), renderDocument(ZL_DOCUMENT).html);
    const r = await openPage(join(dir, 'zl.html'), shot('zl-deep-linear-inline.png'));
    expect(r.errors).toEqual([]);
    expect(r.requests.filter((u) => !u.startsWith('data:'))).toEqual([`file://${join(dir, 'zl.html')}`]);
    expect(r.fonts).toEqual(expect.arrayContaining(['KaTeX_Main', 'KaTeX_Math']));
  });

  it.skipIf(!CHROMIUM)(`the page written by --out loads its CSS and fonts from the files beside it, and nothing else${NO_CHROMIUM}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'matcalc-html-'));
    const out = runDerive({ expr: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1,W2,W3: d x d; X, Y: d x n', wrt: ['W2'], steps: true });
    writeDocument(deriveDocument(out), 'html', dir);
    const r = await openPage(join(dir, 'derive.html'), shot('derive-steps-files.png'));
    expect(r.errors).toEqual([]);
    for (const u of r.requests) expect(u.startsWith(`file://${dir}/`), u).toBe(true);
    expect(r.requests).toContain(`file://${dir}/katex/katex.min.css`);
    expect(r.fonts).toEqual(expect.arrayContaining(['KaTeX_Main', 'KaTeX_Math']));
  });

  it.skipIf(!CHROMIUM)(`hostile text runs no script and opens no dialog${NO_CHROMIUM}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'matcalc-html-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hostile.html'), renderDocument(hostileDocument).html);
    const r = await openPage(join(dir, 'hostile.html'), shot('hostile.png'));
    expect(r.dialogs).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.requests.filter((u) => !u.startsWith('data:'))).toEqual([`file://${join(dir, 'hostile.html')}`]); // no <img src=x>
  });
});

// ── the seeds' documents, as rendered by `matcalc check` ────────────────────────────────────────────

describe('the rendered documents of derivations/', () => {
  let out = '';
  const rendered = () => {
    if (!out) {
      out = mkdtempSync(join(tmpdir(), 'matcalc-docs-'));
      checkAndRender([fileURLToPath(new URL('../derivations/', import.meta.url))], out);
    }
    return readdirSync(out).filter((f) => f.endsWith('.tex')).map((f) => f.replace(/\.tex$/, ''));
  };

  it('the appendices are proofs with the paper\'s numbers: ZL (91), (92)–(97), (98)–(100), (101)–(105), (106)–(109), (24), Zhu et al. (32)', () => {
    rendered();
    const tags = (name: string) => [...readFileSync(join(out, `${name}.tex`), 'utf8').matchAll(/\\tag\{([^}]*)\}/g)].map((m) => m[1]);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
    const expected: Record<string, string[]> = {
      'zl-deep-linear-stacked': ['91'],
      'zl-deep-linear-gradient': range(92, 97),
      'zl-deep-linear-hessian': range(98, 100),
      'zl-residual-gradient': range(101, 105),
      'zl-residual-hessian': range(106, 109),
      'zl-one-hidden-layer-hessian': ['24a', '24b', '24c'],
      'zsew-hessian-form': ['32'],
    };
    for (const [name, numbers] of Object.entries(expected)) expect(tags(name).slice(0, numbers.length), name).toEqual(numbers);
    // no two displays of a document share a number
    for (const name of rendered()) expect(tags(name).filter((t, i, all) => all.indexOf(t) !== i), name).toEqual([]);
    // the (24) proofs are chains of equalities, not only claims
    const oneHidden = readFileSync(join(out, 'zl-one-hidden-layer-hessian.tex'), 'utf8');
    expect(oneHidden.match(/\\stackrel\{\(i\)\}/g)!.length).toBe(3);
  });

  it.skipIf(!PDFLATEX)(`every .tex compiles with pdflatex: no overfull line over 10pt, no literal \\_, no tool chatter${NO_PDFLATEX}`, () => {
    const names = rendered();
    expect(names.length).toBeGreaterThanOrEqual(12);
    const problems: string[] = [];
    for (const name of names) {
      const tex = readFileSync(join(out, `${name}.tex`), 'utf8');
      if (tex.includes('\\_')) problems.push(`${name}: a literal \\_`);
      const r = pdflatex(tex, name);
      if (!r.ok) problems.push(`${name}: ${errors(r.log).join(' ')}`);
      for (const m of r.log.matchAll(/Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*/g)) if (Number(m[1]) > 10) problems.push(`${name}: ${m[0]}`);
      const text = pdfText(r.pdf);
      if (text !== undefined)
        for (const chatter of [/random points/, /\bline \d+/, /Status/, /verified/, /✓|✗/, /relative difference/, /\?\?/, /matcalc/, /\bis checked\b/, /\bseed\b/, /\bl\.\s?\d/, /\\textasciicircum|ˆ/])
          if (chatter.test(text)) problems.push(`${name}: "${chatter.source}" in the PDF`);
    }
    expect(problems).toEqual([]);
  });

  it.skipIf(!PDFLATEX)(`the deep linear gradient carries the paper's numbers (92)–(97); \\input into a paper typesets its body only${NO_PDFLATEX}`, () => {
    rendered();
    const host = `\\documentclass{article}\n\\usepackage{amsmath,amssymb,bm}\n\\begin{document}\nHOST BEFORE\n\\input{${join(out, 'zl-deep-linear-gradient')}}\nHOST AFTER\n\\end{document}\n`;
    const r = pdflatex(host, 'host');
    expect(r.ok, errors(r.log).join('\n')).toBe(true);
    const text = pdfText(r.pdf);
    if (text === undefined) return;
    const flat = text.replace(/\s+/g, ' ');
    for (const n of [92, 93, 94, 95, 96, 97]) expect(flat).toContain(`(${n})`);
    expect(flat.indexOf('(92)')).toBeLessThan(flat.indexOf('(97)'));
    expect(flat).toMatch(/^ ?HOST BEFORE .* HOST AFTER/);
    expect(flat).not.toContain('Deep linear network: the gradient'); // the standalone title is not in the paper
  });

  it.skipIf(!CHROMIUM)(`no display overflows its column, has a scrollbar, or runs into its equation number, at 1000 px and at 375 px${NO_CHROMIUM}`, async () => {
    const names = rendered();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const problems: string[] = [];
    try {
      for (const width of [1000, 375]) {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        for (const name of names) {
          await page.goto(`file://${join(out, `${name}.html`)}`);
          await page.evaluate(() => document.fonts.ready);
          const found: string[] = await page.evaluate(() => {
            const out: string[] = [];
            const main = document.querySelector('main')!;
            const box = main.getBoundingClientRect();
            const right = box.right - parseFloat(getComputedStyle(main).paddingRight) + 1;
            if (document.documentElement.scrollWidth > window.innerWidth) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
            for (const el of main.querySelectorAll('*')) {
              const s = getComputedStyle(el);
              if (/(auto|scroll)/.test(s.overflowX) && el.scrollWidth > el.clientWidth) out.push(`a scrollbar on ${el.className}`);
            }
            document.querySelectorAll('.katex-display').forEach((d, i) => {
              if (!(d as HTMLElement).offsetParent) return; // the other layout
              const bases = [...d.querySelectorAll('.base')].map((b) => b.getBoundingClientRect());
              const tags = [...d.querySelectorAll('.tag')].map((b) => b.getBoundingClientRect());
              const text = (d.querySelector('annotation')?.textContent ?? '').slice(0, 60);
              for (const b of [...bases, ...tags]) if (b.right > right) return void out.push(`display ${i} ends ${Math.round(b.right - right)} px beyond the column: ${text}`);
              for (const t of tags) for (const b of bases) if (b.right > t.left && b.left < t.right && b.bottom > t.top && b.top < t.bottom) return void out.push(`display ${i} runs into its number: ${text}`);
            });
            return out;
          });
          problems.push(...found.map((f) => `${name} at ${width} px: ${f}`));
          if (existsSync(SCRATCH) && name === 'zl-deep-linear-gradient') await page.screenshot({ path: join(SCRATCH, `${name}-${width}.png`), fullPage: true });
        }
        // the index too: on a phone its table stacks rather than scrolling sideways
        await page.goto(`file://${join(out, 'index.html')}`);
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (scroll > 0) problems.push(`index at ${width} px: the page scrolls sideways by ${scroll} px`);
        await page.close();
      }
    } finally {
      await browser.close();
    }
    expect(problems).toEqual([]);
  });
});
