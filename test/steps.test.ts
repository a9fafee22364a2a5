// Recorded derivations: the engine's steps for ∇_vec(X) f read like Zhou & Liang App. B (90)–(97) and
// (14)–(15), every step cites a rule from rules/, every equality is checked, and a wrong step is caught.
import { describe, expect, it } from 'vitest';
import { runDerive } from '../src/app/derive.js';
import { verifyChain } from '../src/check/equality.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { toText } from '../src/render/print.js';
import { derivationLatex } from '../src/render/derivation-latex.js';
import { segments } from '../src/derivation/model.js';

const DEEP = { expr: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1,W2,W3: d x d; X, Y: d x n' };

describe('derive --steps', () => {
  it('ZL App. B (92)–(96): deep linear network, ∇_vec(W2)', () => {
    const out = runDerive({ ...DEEP, wrt: ['W2'], steps: true });
    const d = out.derivations![0];
    expect(d.verdict.passed).toBe(true);
    const lines = d.display.steps.map((s) => toText(s.expr));
    expect(lines).toEqual([
      "1/2*jac(vec(E)'*vec(E), W2)",
      'jac(vec(E), W2)*vec(E)',
      'jac(vec(W3*W2*W1*X), W2)*vec(E)',
      "jac(kron((W1*X)', W3)*vec(W2), W2)*vec(E)",
      "kron((W1*X)', W3)'*vec(E)",
      "kron(W1*X, W3')*vec(E)",
    ]);
    expect(d.display.steps.map((s) => s.reason?.rule)).toEqual(['frobenius-vec', 'jac-square', undefined, 'vec-kron', 'jac-linear', 'kron-transpose']);
    expect(d.display.where.map((w) => `${w.name} = ${toText(w.value)}`)).toEqual(['E = W3*W2*W1*X - Y']);
  });
  it('uses the name the user gave (e)', () => {
    const out = runDerive({ ...DEEP, wrt: ['W2'], steps: true, defs: ['e = W3*W2*W1*X - Y'] });
    expect(toText(out.derivations![0].display.steps.at(-1)!.expr)).toBe("kron(W1*X, W3')*vec(e)");
  });
  it('ZL eq. (15): one hidden layer, ∇_vec(W1) = (X ⊗ I) vec(σ′(W1X) ∘ (W2ᵀe))', () => {
    const out = runDerive({ expr: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: 'W1, W2: d x d; X, Y: d x n', wrt: ['W1', 'W2'], steps: true, defs: ['e = W2*sigma(W1*X) - Y'] });
    const [w1, w2] = out.derivations!;
    expect(w1.verdict.passed && w2.verdict.passed).toBe(true);
    expect(toText(w1.display.steps.at(-1)!.expr)).toBe("kron(X, eye(d))*vec(dsigma(W1*X) .* (W2'*e))");
    expect(toText(w2.display.steps.at(-1)!.expr)).toBe('kron(sigma(W1*X), eye(d))*vec(e)'); // ZL eq. (14)
    expect(w1.display.steps.map((s) => s.reason?.rule)).toContain('jac-entrywise');
  });
  it('--steps vec says so when its rules cannot derive a function; the default then uses differentials', () => {
    expect(() => runDerive({ expr: 'logdet(X)', decl: 'X: n x n', wrt: ['X'], steps: 'vec' })).toThrow(/no step-by-step derivation/);
    const d = runDerive({ expr: 'logdet(X)', decl: 'X: n x n', wrt: ['X'], steps: true }).derivations![0];
    expect(d.style).toBe('differential');
    expect(d.display.steps.map((s) => toText(s.expr))).toEqual(['tr(inv(X)*dX)', "inner(inv(X'), dX)"]);
    expect(d.verdict.passed).toBe(true);
  });
});

describe('the lines and the where paragraph read as a paper writes them', () => {
  const factorisation = () => runDerive({ expr: "0.5*norm(U*V' - M)^2 + mu/2*(norm(U)^2 + norm(V)^2)", decl: 'U: m x r; V: n x r; M: m x n; mu: scalar', wrt: ['U'], steps: 'differential', check: false });
  it('numbers are collected in a step line: μ⟨U, dU⟩, not 2μ⟨U, dU⟩/2', () => {
    const d = factorisation().derivations![0].derivation;
    const lines = segments(d).flatMap((s) => s.steps.map((x) => toText(x.expr)));
    expect(lines[0]).toBe("inner(U*V' - M, dU*V') + mu*inner(U, dU)");
  });
  it('a rule stated as pA + pB = p(A + B) is all formula in the where paragraph (no "from pA")', () => {
    const out = runDerive({ expr: 'norm(X*w - y)^2 + mu*norm(w)^2', decl: 'X: n x d; w: d; y: n; mu: scalar', wrt: ['w'], steps: 'differential', check: false });
    const tex = derivationLatex(out.derivations![0].derivation);
    expect(tex).toContain('p \\boldsymbol{A} + p \\boldsymbol{B} = p (\\boldsymbol{A} + \\boldsymbol{B})');
    expect(tex).not.toMatch(/from pA/);
  });
});

describe('checking a chain of equalities', () => {
  const decls = parseDeclarations('W1,W2,W3: d x d; X, Y: d x n');
  const e = (s: string) => parseExpression(s, { decls });
  const chain = (lines: string[]) => verifyChain(lines.map(e), { symbols: [...decls.symbols.values()], dims: decls.dims });
  it('accepts the paper\'s chain and points at the first wrong line', () => {
    const ok = ['jac(0.5*norm(W3*W2*W1*X - Y)^2, W2)', "kron(W1*X, W3')*vec(W3*W2*W1*X - Y)"];
    expect(chain(ok).passed).toBe(true);
    const swapped = [...ok, "kron(W3', W1*X)*vec(W3*W2*W1*X - Y)"]; // Kronecker factors swapped
    const v = chain(swapped);
    expect(v.passed).toBe(false);
    expect(v.firstFailure).toBe(2);
  });
});
