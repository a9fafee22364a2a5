// Hessians: the cases in the forms the papers print, the battery, a property test, bad input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runHessian } from '../src/app/hessian.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { evaluate } from '../src/numeric/evaluate.js';
import { axpy, frob } from '../src/numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../src/numeric/random.js';
import { toText } from '../src/render/print.js';
import { HESSIANS } from './hessians.js';

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';

/** The block equals `claim` at random points (claim written in the input language). */
function blockEquals(out: ReturnType<typeof runHessian>, i: number, j: number, claim: string, assign: [string, string][] = []) {
  const decls = out.decls;
  const c = parseExpression(claim, { decls });
  const rng = new Rng(3);
  for (let p = 0; p < 3; p++) {
    const sizes = randomSizes(decls.dims, rng);
    const values = new Map([...decls.symbols.values()].map((s) => [s.name, randomValue(s, sizes, rng)]));
    for (const [name, rhs] of assign) values.set(name, evaluate(parseExpression(rhs, { decls }), { sizes, values }));
    const point = { sizes, values };
    const a = evaluate(out.hessian.blocks[i][j], point), b = evaluate(c, point);
    expect(frob(axpy(a, -1, b)) / Math.max(frob(b), 1e-12)).toBeLessThan(1e-10);
  }
}

describe('the issue: derive --hessian gives, checked', () => {
  it('tr(XᵀAX) wrt X (X: n×m) → I ⊗ (A + Aᵀ)', () => {
    const out = runHessian({ expr: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: ['X'] });
    expect(out.verdict!.passed).toBe(true);
    expect(toText(out.display.blocks[0][0])).toBe("kron(eye(m), A + A')");
  });
  it('½‖W2W1X − Y‖² wrt W1 → (XXᵀ) ⊗ (W2ᵀW2); the cross block with its commutation matrix; the 2×2 Hessian', () => {
    const out = runHessian({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'] });
    expect(out.verdict!.passed).toBe(true);
    expect(toText(out.display.blocks[0][0])).toBe("kron(X*X', W2'*W2)");
    expect(toText(out.display.blocks[0][1])).toContain('commutation(d, h)');
    expect(toText(out.display.blocks[1][1])).toBe("kron(W1*X*X'*W1', eye(k))");
    // the whole Hessian is symmetric: H[W2, W1] = H[W1, W2]ᵀ
    blockEquals(out, 1, 0, "commutation(h, k)*kron((W2*W1*X - Y)*X', eye(h)) + kron(W1*X*X', W2)");
    expect(Math.max(...out.verdict!.points.map((p) => p.asymmetry))).toBeLessThan(1e-12);
  });
  it('log det X (X spd) → −X⁻¹ ⊗ X⁻¹ on symmetric directions', () => {
    const out = runHessian({ expr: 'logdet(X)', decl: 'X: n x n spd', wrt: ['X'] });
    expect(out.verdict!.passed).toBe(true);
    expect(toText(out.display.blocks[0][0])).toBe('-kron(inv(X), inv(X))');
  });
  it('ZL eq. (17): 3-layer linear network at e = 0, block (k, k′) = G_k′ᵀ G_k', () => {
    const out = runHessian({ expr: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1, W2, W3: d x d; X, Y: d x n', wrt: ['W1', 'W2', 'W3'], at: ['Y = W3*W2*W1*X'] });
    expect(out.verdict!.passed).toBe(true);
    // G_k = (W_{k-1}⋯W_1 X)ᵀ ⊗ (W_3⋯W_{k+1}) (ZL eq. (9))
    const G = ["kron(X', W3*W2)", "kron((W1*X)', W3)", "kron((W2*W1*X)', eye(d))"];
    for (let k = 0; k < 3; k++) for (let k2 = 0; k2 < 3; k2++) blockEquals(out, k, k2, `(${G[k]})'*${G[k2]}`, [['Y', 'W3*W2*W1*X']]);
    // no residual term survives
    expect(out.hessian.blocks.flat().map(toText).join(' ')).not.toContain('Y');
  });
  it('ZL eq. (24): one-hidden-layer network at e = 0, ∇²g = HᵀH', () => {
    const out = runHessian({ expr: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: 'W1, W2: d x d; X, Y: d x n', wrt: ['W1', 'W2'], at: ['Y = W2*sigma(W1*X)'] });
    expect(out.verdict!.passed).toBe(true);
    // H = [(I ⊗ W2) D (Xᵀ ⊗ I), σ(W1X)ᵀ ⊗ I] with D = diag(vec(σ′(W1X)))
    const D = 'diag(vec(dsigma(W1*X)))';
    const H = [`kron(eye(n), W2)*${D}*kron(X', eye(d))`, "kron(sigma(W1*X)', eye(d))"];
    const Y: [string, string][] = [['Y', 'W2*sigma(W1*X)']];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) blockEquals(out, i, j, `(${H[i]})'*${H[j]}`, Y);
    expect(toText(out.display.blocks[0][0])).toBe(`kron(X, eye(d))*${D}*kron(eye(n), W2'*W2)*${D}*kron(X', eye(d))`);
  });
  it('Zhu et al. eq. (32) as a bilinear form', () => {
    const out = runHessian({
      expr: "0.5*norm(W2*W1*X - Y)^2 + mu/4*norm(W2'*W2 - W1*X*X'*W1')^2",
      decl: 'W1: d1 x d0; W2: d2 x d1; X: d0 x N; Y: d2 x N; mu: scalar',
      wrt: ['W1', 'W2'],
    });
    expect(out.verdict!.passed).toBe(true);
    const q = toText(out.hessian.bilinear);
    // ‖(W2Δ1 + Δ2W1)X‖² + 2⟨Δ2Δ1, (W2W1X − Y)Xᵀ⟩ + μ(⟨W2ᵀW2 − W1XXᵀW1ᵀ, Δ2ᵀΔ2 − Δ1XXᵀΔ1ᵀ⟩ + ½‖W2ᵀΔ2 + Δ2ᵀW2 − W1XXᵀΔ1ᵀ − Δ1XXᵀW1ᵀ‖²)
    expect(q).toContain('norm((W2*dW1 + dW2*W1)*X)^2');
    expect(q).toContain("2*inner((W2*W1*X - Y)*X', dW2*dW1)");
    expect(q).toContain("inner(W2'*W2 - W1*X*X'*W1', dW2'*dW2 - dW1*X*X'*dW1')");
    expect(q).toContain("1/2*mu*norm(W2'*dW2 + dW2'*W2 - W1*X*X'*dW1' - dW1*X*X'*W1')^2");
  });
});

describe('Hessian battery', () => {
  it('has at least 25 cases', () => expect(HESSIANS.length).toBeGreaterThanOrEqual(25));
  for (const c of HESSIANS)
    it(c.name, () => {
      const out = runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume });
      expect(out.verdict!.passed, JSON.stringify(out.verdict!.points)).toBe(true);
    });
});

describe('property: Hessian-vector products = differences of the gradient', () => {
  const DECL = 'X: m x n; A: m x m; B: n x n; D: m x n; x: n';
  const M = fc.letrec((tie) => ({
    mn: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('X', 'D'),
      fc.tuple(tie('mm'), tie('mn')).map(([a, b]) => `(${a}*${b})`),
      fc.tuple(tie('mn'), tie('nn')).map(([a, b]) => `(${a}*${b})`),
      fc.tuple(tie('mn'), tie('mn')).map(([a, b]) => `(${a} .* ${b})`),
      fc.tuple(fc.constantFrom('tanh', 'sin', 'sigma'), tie('mn')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(tie('mn'), tie('mn')).map(([a, b]) => `(${a} - ${b})`),
    ),
    mm: fc.oneof({ depthSize: 'small' }, fc.constant('A'), tie('mn').map((a) => `(${a}*(${a})')`)),
    nn: fc.oneof({ depthSize: 'small' }, fc.constant('B'), tie('mn').map((a) => `((${a})'*${a})`)),
  }));
  const scalar = fc.oneof(
    M.mn.map((a) => `0.5*norm(${a})^2`),
    M.mm.map((a) => `tr(${a})`),
    fc.tuple(M.mn, M.mn).map(([a, b]) => `sum(${a} .* ${b})`),
    M.nn.map((a) => `x'*${a}*x`),
  );
  it('random expressions', () => {
    let checked = 0;
    fc.assert(
      fc.property(scalar.filter((f) => f.includes('X')), (f) => {
        const out = runHessian({ expr: f, decl: DECL, wrt: ['X'] });
        expect(out.verdict!.passed, `${f}: ${JSON.stringify(out.verdict!.points)}`).toBe(true);
        checked++;
      }),
      { numRuns: 40, seed: 11 },
    );
    expect(checked).toBe(40);
  });
});

describe('bad input', () => {
  it('--hessian of a non-scalar', () => {
    expect(() => runHessian({ expr: 'W2*W1', decl: NET, wrt: ['W1'] })).toThrow(/needs a scalar function.*k×d/);
  });
  it('an assumption that does not typecheck', () => {
    expect(() => runHessian({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1'], assume: ['W2*W1 - Y = 0'] })).toThrow(/--assume.*shape mismatch.*k×d.*k×n/);
  });
  it('an assumption that cannot be satisfied by construction', () => {
    expect(() => runHessian({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'], assume: ['W2*W1*X = 0'] })).toThrow(/cannot be satisfied by construction/);
    expect(() => runHessian({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'], at: ['W2 = Y*X'] })).toThrow();
  });
  it('an assumption that fixes a variable of --wrt', () => {
    expect(() => runHessian({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: 'W1: h x d; W2: k x h; X: d x n; Y: k x n; Z: k x h', wrt: ['W1', 'W2'], at: ['W2 = Z'] })).toThrow(/variable of --wrt/);
  });
  it('not an equation', () => {
    expect(() => runHessian({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1'], at: ['Y'] })).toThrow(/expected one equation/);
  });
});

describe('piecewise-linear functions have a zero Hessian, not an internal error', () => {
  it('sum(relu(A*x)) and sum(abs(X))', () => {
    for (const [expr, decl, wrt] of [['sum(relu(A*x))', 'A: m x n; x: n', 'x'], ['sum(abs(X))', 'X: m x n', 'X']]) {
      const h = runHessian({ expr, decl, wrt: [wrt] });
      expect(h.verdict!.passed).toBe(true);
      expect(toText(h.hessian.bilinear)).toBe('0');
    }
  });
});
