// Derivation documents: every document in derivations/ verifies; a wrong step is named by its line
// with what is wrong; a cited rule that does not produce the step is reported; a printed formula shown
// false by "refute" passes only while it is false; bad documents are input errors with a line.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { parseDocument } from '../src/doc/format.js';
import { checkDocument } from '../src/doc/check.js';
import { documentFiles, verifyDocumentFile } from '../src/app/documents.js';

const DIR = new URL('../derivations/', import.meta.url).pathname;
const check = (text: string) => checkDocument(parseDocument(text, 'test.matcalc'));

describe('the seeds\' documents in derivations/', () => {
  const files = documentFiles([DIR]);
  it('cover the papers', () => {
    const names = readdirSync(DIR).join(' ');
    for (const p of ['zl-', 'zsew-', 'ma-', 'dhl-']) expect(names).toContain(p);
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  for (const f of files)
    it(f.replace(DIR, ''), () => {
      const r = verifyDocumentFile(f);
      expect(r.passed, JSON.stringify(r.firstFailure)).toBe(true);
    });
});

const DEEP = `decl: W1, W2, W3: d x d; X, Y: d x m
def: e = W3*W2*W1*X - Y
`;

describe('checking a document', () => {
  it('names the first wrong step by its line, with the difference', () => {
    const r = check(`${DEEP}proof: jac(0.5*norm(e)^2, W2)
  = jac(vec(e), W2)*vec(e)
  = kron(W3', W1*X)*vec(e)
`);
    expect(r.passed).toBe(false);
    expect(r.firstFailure!.line).toBe(5);
    expect(r.firstFailure!.message).toMatch(/not equal to the line before/);
  });
  it('explains the first false step: the slip (a factor, a transpose, a term) and a small counterexample', () => {
    const r = check(`${DEEP}proof: jac(0.5*norm(e)^2, W2)
  = 0.5*jac(vec(e)'*vec(e), W2)
  = 2*jac(vec(e), W2)*vec(e)
`);
    const proof = r.results.find((x) => x.kind === 'proof')!;
    const bad = proof.kind === 'proof' ? proof.lines.find((l) => !l.passed)! : undefined;
    expect(bad!.findings).toEqual(['factor: the line is 2 times the line before']);
    const c = bad!.counterexample!;
    expect(Object.values(c.sizes).every((n) => n <= 2)).toBe(true);
    expect([...c.inputs.values()].every((m) => m.data.every(Number.isInteger))).toBe(true);
    expect(c.left.data).not.toEqual(c.right.data);
    const term = check(`decl: A, B: n x n; x: n
proof: x'*(A + B)*x
  = x'*A*x + x'*B*x
  = x'*A*x
`);
    const t = term.results[0];
    expect(t.kind === 'proof' && t.lines[2].findings).toEqual(["missing term: the line is the line before without the term `x'*B*x`"]);
    const tr = check(`decl: A: m x n; B: n x p
proof: A*B
  = (B'*A')'
  = B'*A'
`);
    const u = tr.results[0];
    expect(u.kind === 'proof' && u.lines[2].findings).toEqual(['transpose: the line is the transpose of the line before']);
  });
  it('a false claim and a refuted formula come with a point where the two sides differ', () => {
    const r = check(`${DEEP}claim: grad(0.5*norm(e)^2, W2) = W3*e*(W1*X)'\nrefute: grad(0.5*norm(e)^2, W1) = 0.5*W2'*W3'*e*X'\n`);
    for (const x of r.results) expect(x.kind === 'claim' && x.counterexample, JSON.stringify(x.item)).toBeTruthy();
  });
  it('reports a true step that the cited rule does not justify', () => {
    const r = check(`${DEEP}proof: jac(vec(W3*W2*W1*X), W2)
  = kron((W1*X)', W3)'                by kron-transpose
`);
    expect(r.passed).toBe(false);
    expect(r.firstFailure!.message).toMatch(/true, but not what kron-transpose/);
  });
  it('accepts a step justified by its rule, read in either direction', () => {
    const r = check(`${DEEP}proof: kron(W1*X, W3')*vec(e)
  = kron((W1*X)', W3)'*vec(e)          by kron-transpose
`);
    expect(r.passed, JSON.stringify(r.firstFailure)).toBe(true);
  });
  it('reports a citation of a rule that does not exist', () => {
    const r = check(`${DEEP}proof: jac(0.5*norm(e)^2, W2)
  = jac(vec(e), W2)*vec(e)     by the-magic-rule
`);
    expect(r.firstFailure!.message).toContain('not a rule');
  });
  it('an ill-typed claim is a finding (with the shapes), not unreadable input', () => {
    const r = check(`${DEEP}claim: grad(0.5*norm(e)^2, W1) = W2*W3*e*X\nclaim: grad(0.5*norm(e)^2, W1) = W3*e*X'`);
    expect(r.passed).toBe(false);
    expect(r.firstFailure!.message).toMatch(/ill-typed|different shapes|d×d but/);
  });
  it('diagnoses a false claim about a derivative', () => {
    const r = check(`decl: M: d x d symmetric; x: d\nclaim (4.2): grad(0.5*norm(M - x*x')^2, x) = -(M - x*x')*x\n`);
    const c = r.results[0];
    expect(c.kind === 'claim' && c.diagnosis?.findings.join(' ')).toMatch(/factor.*1\/2/);
  });
  it('a refuted printed formula passes only while it is false', () => {
    expect(check(`decl: A: n x n\nrefute: tr(A') = 2*tr(A)\n`).passed).toBe(true);
    const r = check(`decl: A: n x n\nrefute: tr(A') = tr(A)\n`);
    expect(r.passed).toBe(false);
    expect(r.firstFailure!.message).toMatch(/holds at every point tried, but the document says it is false/);
  });
  it('evaluates at the points an assumption describes', () => {
    const doc = `${DEEP}at: Y = W3*W2*W1*X\nclaim: hess(0.5*norm(e)^2, W1, W2) = kron(X', W3*W2)'*kron((W1*X)', W3)\n`;
    expect(check(doc).passed).toBe(true);
    expect(check(doc.replace('at: Y = W3*W2*W1*X\n', '')).passed).toBe(false); // not at a general point
  });
});

describe('malformed documents: an error with the line', () => {
  const bad = (text: string, ...fragments: string[]) => {
    let msg = '';
    try {
      check(text);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).not.toBe('');
    for (const f of fragments) expect(msg).toContain(f);
  };
  it('no declarations', () => bad('claim: a = a\n', 'no "decl:"'));
  it('a step outside a proof', () => bad('decl: A: n x n\n  = A\n', 'test.matcalc:2', 'outside a proof'));
  it('an unknown key', () => bad('decl: A: n x n\nlemma: A = A\n', 'test.matcalc:2', 'unknown key'));
  it('a claim without an equation', () => bad('decl: A: n x n\nclaim: tr(A)\n', 'test.matcalc:2', 'one equation'));
  it('an undeclared symbol', () => bad('decl: A: n x n\nclaim: tr(B) = 0\n', 'test.matcalc:2', 'undeclared symbol B'));
  it('a bad declaration', () => bad('decl: A n x n\nclaim: A = A\n', 'test.matcalc:1'));
});

describe('matcalc check: verify and render every document', () => {
  it('writes a page per document and an index with each status, offline and without scripts', async () => {
    const { mkdtempSync, readFileSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { checkAndRender } = await import('../src/app/documents.js');
    const out = mkdtempSync(join(tmpdir(), 'matcalc-check-'));
    const docs = checkAndRender([join(DIR, 'ma-pca.matcalc'), join(DIR, 'zl-deep-linear-gradient.matcalc')], out);
    expect(docs.every((d) => d.result.passed)).toBe(true);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('2 of 2 documents verified');
    expect(index).toContain('ma-pca.html');
    expect(index).toContain('2 printed formulas shown false');
    expect(index).not.toMatch(/<script/i);
    for (const ext of ['html', 'tex', 'md']) expect(existsSync(join(out, `zl-deep-linear-gradient.${ext}`))).toBe(true);
    expect(existsSync(join(out, 'katex', 'katex.min.css'))).toBe(true);
    const page = readFileSync(join(out, 'zl-deep-linear-gradient.html'), 'utf8');
    expect(page).toContain('katex');
    expect(page).not.toMatch(/<script/i);
    const tex = readFileSync(join(out, 'zl-deep-linear-gradient.tex'), 'utf8');
    expect(tex).toContain('\\stackrel{(i)}{=}');
  });
  it('the command line checks documents in worker threads and writes the same pages as one thread', async () => {
    const { mkdtempSync, readFileSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const { checkAndRender } = await import('../src/app/documents.js');
    const files = ['ma-pca.matcalc', 'ma-glm.matcalc', 'zl-deep-linear-gradient.matcalc'].map((f) => join(DIR, f));
    const [serial, threads] = [mkdtempSync(join(tmpdir(), 'matcalc-serial-')), mkdtempSync(join(tmpdir(), 'matcalc-threads-'))];
    checkAndRender(files, serial);
    const bin = new URL('../bin/matcalc.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'check', ...files, '--out', threads], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('3 of 3 documents verified');
    expect(readdirSync(threads).sort()).toEqual(readdirSync(serial).sort());
    for (const f of readdirSync(serial).filter((x) => /\.(html|md|tex)$/.test(x))) expect(readFileSync(join(threads, f), 'utf8'), f).toBe(readFileSync(join(serial, f), 'utf8'));
  });
});
