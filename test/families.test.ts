// Indexed families: W[k] for k = 1..l, products W_l⋯W_{k+1} and sums over symbolic ranges. Results for
// symbolic depth l and layer k are checked by instantiating the indices (boundaries included) and
// comparing with central differences and with the engine's derivative of the instantiated function.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import katex from 'katex';
import { runDerive } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { toLatex, toText } from '../src/render/print.js';
import { chooseInstances } from '../src/check/instances.js';
import { verifyChain } from '../src/check/equality.js';
import { simplify } from '../src/rewrite/simplify.js';
import { InputError, UnsupportedError } from '../src/expr/errors.js';
import type { Expr } from '../src/expr/ast.js';

const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
const DEEP = 'W[j = 1..l]: d x d; X, Y: d x m; k in 1..l; q in k+1..l';
const LOSS = '0.5*norm(prod(j = l..1, W[j])*X - Y)^2';
const RES = 'A[j = 1..l, i = 1..r]: d x d; X, Y: d x m; k in 1..l; q in 1..r';
const RES_LOSS = '0.5*norm(prod(j = l..1, eye(d) + prod(i = r..1, A[j,i]))*X - Y)^2';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** a = b as functions, at every instance of the indices (and at random points). */
function sameFunction(decl: string, a: string, b: string | Expr): void {
  const decls = parseDeclarations(decl);
  const ea = parseExpression(a, { decls });
  const eb = typeof b === 'string' ? parseExpression(b, { decls }) : b;
  const v = verifyChain([ea, eb], { symbols: [...decls.symbols.values()], dims: decls.dims });
  expect(v.instances?.length ?? 0, 'checked at several depths').toBeGreaterThan(0);
  expect(v.passed, `${a} vs ${typeof b === 'string' ? b : toText(b)}: ${v.steps[1].error}`).toBe(true);
}

describe('the language: families, indices, products and sums over ranges', () => {
  it('declarations: common shape, shapes that follow the index, two indices, ranges, depth bounds', () => {
    const d = parseDeclarations('W[k = 1..l]: n[k] x n[k-1]; A[1..l, 1..r]: d x d symmetric; X: n[0] x m; q in 2..l; l >= 2');
    expect([...d.families.keys()]).toEqual(['W', 'A']);
    expect(d.families.get('A')!.props).toEqual(['symmetric']);
    expect(d.indices.get('q')!.lo.text).toBe('2');
    expect(d.indices.get('l')!.lo.text).toBe('2');
    const w = parseExpression('W[q-1]', { decls: d });
    expect(toText(w)).toBe('W[q-1]');
    expect(w.shape.rows.syms).toEqual(['n[q-1]']);
    expect(w.shape.cols.syms).toEqual(['n[q-2]']);
  });
  it('a family with a concrete range declares its members', () => {
    const d = parseDeclarations('W[1..3]: d x d; X: d x m');
    expect([...d.symbols.keys()]).toEqual(['W[1]', 'W[2]', 'W[3]', 'X']);
    // a product of known length is written out
    expect(toText(parseExpression('prod(j = 3..1, W[j])*X', { decls: d }))).toBe('W[3]*W[2]*W[1]*X');
    expect(toText(parseExpression('prod(j = 1..3, W[j])', { decls: d }))).toBe('W[1]*W[2]*W[3]');
    expect(toText(parseExpression('sum(j = 1..3, tr(W[j]))', { decls: d }))).toBe('tr(W[1]) + tr(W[2]) + tr(W[3])');
  });
  it('an empty product is the identity, an empty sum zero, at every instance', () => {
    sameFunction(DEEP, 'prod(j = l..k+1, W[j])*prod(j = k..1, W[j])', 'prod(j = l..1, W[j])');
    sameFunction(DEEP, 'prod(j = l..1, W[j])', 'W[l]*prod(j = l-1..1, W[j])');
    sameFunction(DEEP, 'sum(j = 1..l, tr(W[j]))', 'sum(j = 1..k, tr(W[j])) + sum(j = k+1..l, tr(W[j]))');
    // sums have no direction
    sameFunction(DEEP, 'sum(j = l..1, norm(W[j])^2)', 'sum(j = 1..l, norm(W[j])^2)');
  });
  it('products run down from l to k+1, and up from 1 to l', () => {
    const decls = parseDeclarations(DEEP);
    expect(toLatex(parseExpression('prod(j = l..k+1, W[j])', { decls }))).toBe('\\boldsymbol{W}_{l} \\cdots \\boldsymbol{W}_{k+1}');
    expect(toLatex(parseExpression('prod(j = 1..l, W[j])', { decls }))).toBe('\\boldsymbol{W}_{1} \\cdots \\boldsymbol{W}_{l}');
    sameFunction(DEEP, "prod(j = 1..l, W[j]')", "prod(j = l..1, W[j])'");
  });
  it('LaTeX in the papers\' notation, accepted by KaTeX', () => {
    const decls = parseDeclarations(RES);
    const cases: [string, string][] = [
      ['prod(i = r..q+1, A[k,i])', '\\boldsymbol{A}_{kr} \\cdots \\boldsymbol{A}_{k(q+1)}'],
      ['prod(i = q-1..1, A[k,i])', '\\boldsymbol{A}_{k(q-1)} \\cdots \\boldsymbol{A}_{k1}'],
    ];
    for (const [src, tex] of cases) expect(toLatex(parseExpression(src, { decls }))).toBe(tex);
    for (const src of [RES_LOSS, 'sum(j = 1..l, norm(A[j,1])^2)', 'prod(j = l..1, eye(d) + prod(i = r..1, A[j,i]))']) {
      const tex = toLatex(parseExpression(src, { decls }));
      expect(() => katex.renderToString(tex, { throwOnError: true, strict: 'error' }), tex).not.toThrow();
    }
    expect(toLatex(parseExpression('sum(j = 1..l, norm(A[j,1])^2)', { decls }))).toContain('\\sum_{j=1}^{l}');
  });
});

describe('bad input: a clear error naming the place', () => {
  const decls = parseDeclarations(DEEP);
  const bad = (src: string, ...fragments: string[]) => {
    let err: unknown;
    try {
      parseExpression(src, { decls });
    } catch (e) {
      err = e;
    }
    expect(err, src).toBeInstanceOf(InputError);
    for (const f of fragments) expect((err as Error).message).toContain(f);
  };
  it('an index out of range', () => bad('W[0]', 'out of range', 'W[0]', '1..l'));
  it('an index that may be out of range', () => bad('W[k+1]', 'may be out of range', 'k in 1..l'));
  it('an index that is not bound', () => bad('prod(j = l..1, W[i])', 'the index i is not bound'));
  it('the wrong number of indices', () => bad('W[k, 1]', 'W has 1 index'));
  it('a product whose factors do not chain', () => {
    const d = parseDeclarations('W[k = 1..l]: n[k] x n[k-1]');
    let err: unknown;
    try {
      parseExpression('prod(j = 1..l, W[j])', { decls: d });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toContain('do not chain');
  });
  it('a range whose direction cannot be known', () => bad('prod(j = k..l-k, W[j])', 'cannot tell which way'));
  it('an index used as a matrix, a matrix used as a family', () => {
    bad('k*X', 'k is an index');
    bad('X[1]', 'X is a matrix, not a family');
  });
  it('the CLI: exit 2, the message, no stack trace', () => {
    const cases: [string[], string][] = [
      [['derive', '0.5*norm(W[l+1]*X)^2', '--decl', DEEP], 'out of range'],
      [['derive', '0.5*norm(prod(j = l..1, W[j])*X - Y)^2', '--decl', 'W[k = 1..l]: n[k] x n[k-1]; X, Y: d x m', '--wrt', 'W[k]'], 'shape mismatch'],
      [['derive', LOSS, '--decl', 'W[j = 1..l]: d x d; X, Y: d x m', '--wrt', 'W[k],W[q]'], 'may be the same matrix'],
      [['derive', 'tr(W[l]*prod(j = l..1, W[j]))', '--decl', DEEP, '--wrt', 'W[k]'], 'cannot tell whether W[l] is the variable W[k]'],
      [['derive', LOSS, '--decl', DEEP, '--wrt', 'V[k]'], 'not a declared symbol'],
    ];
    for (const [args, fragment] of cases) {
      const r = run(...args);
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toContain(fragment);
      expect(r.err).not.toMatch(/\n\s+at .*:\d+:\d+/);
    }
  });
  it('differentiating where the engine cannot decide is refused, not guessed', () => {
    // W[k] and W[q] without an order: whether W[q] is a factor of W_l⋯W_{k+1} depends on q > k
    expect(() => runHessian({ expr: LOSS, decl: 'W[j = 1..l]: d x d; X, Y: d x m; k in 1..l; q in 1..k-1', wrt: ['W[k]', 'W[q]'], check: false })).not.toThrow();
    // A in every factor and W[k] in one: not yet (each alone is derived)
    expect(() => runDerive({ expr: 'tr(prod(j = l..1, W[j] + A))', decl: 'W[j = 1..l]: d x d; A: d x d; k in 1..l', wrt: ['A', 'W[k]'], check: false })).toThrow(UnsupportedError);
  });
});

describe('Zhou & Liang at any depth', () => {
  it('eq. (8)–(9): the gradient with respect to W_k, checked at k = 1, k = l, 1 < k < l and l = 1', () => {
    const out = runDerive({ expr: LOSS, decl: DEEP, wrt: ['W[k]'] });
    expect(toText(out.results[0].display)).toBe("prod(j = l..k+1, W[j])'*(prod(j = l..1, W[j])*X - Y)*X'*prod(j = k-1..1, W[j])'");
    expect(out.verdict!.passed).toBe(true);
    const at = new Set(out.verdict!.points.map((p) => p.instance));
    for (const inst of ['l=1,k=1', 'l=2,k=1', 'l=3,k=2', 'l=4,k=4']) expect(at, [...at].join(' | ')).toContain(inst);
    expect(out.verdict!.notes.join()).toContain("equals matcalc's derivative of the instantiated function");
    // the paper's form: G_kᵀ vec(e) with G_k = (W_{k−1}⋯W_1X)ᵀ ⊗ (W_l⋯W_{k+1})
    sameFunction(DEEP, `vec(prod(j = l..k+1, W[j])'*(prod(j = l..1, W[j])*X - Y)*X'*prod(j = k-1..1, W[j])')`, "kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))'*vec(prod(j = l..1, W[j])*X - Y)");
  });
  it('--format json lists the families and the index variables', () => {
    const r = run('derive', LOSS, '--decl', DEEP, '--wrt', 'W[k]', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.families).toEqual([{ name: 'W', indices: [{ name: 'j', from: '1', to: 'l' }], shape: 'd×d', properties: [] }]);
    expect(j.indices.map((v: { name: string }) => v.name)).toEqual(['l', 'k', 'q']);
    expect(j.results[0].wrt).toBe('W[k]');
    expect(j.check.passed).toBe(true);
  });
  it('layers of different shapes n_k × n_{k−1}', () => {
    const out = runDerive({ expr: '0.5*norm(prod(j = l..1, W[j])*X - Y)^2', decl: 'W[k = 1..l]: n[k] x n[k-1]; X: n[0] x m; Y: n[l] x m', wrt: ['W[k]'] });
    expect(out.verdict!.passed).toBe(true);
    expect(out.results[0].variable.shape.rows.syms).toEqual(['n[k]']);
  });
  it('eq. (17) at e = 0: block (k, k′) = G_k′ᵀ G_k, for k = k′ and k < k′', () => {
    const h = runHessian({ expr: LOSS, decl: DEEP, wrt: ['W[k]', 'W[q]'], at: ['Y = prod(j = l..1, W[j])*X'] });
    expect(h.verdict!.passed).toBe(true);
    const Gk = "kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))";
    const Gq = "kron((prod(j = q-1..1, W[j])*X)', prod(j = l..q+1, W[j]))";
    // H[W_k, W_q] = ∇_vec(W_k)∇_vec(W_q) h = G_kᵀ G_q
    sameFunction(DEEP, `${Gk}'*${Gk}`, h.hessian.blocks[0][0]);
    sameFunction(DEEP, `${Gk}'*${Gq}`, h.hessian.blocks[0][1]);
    sameFunction(DEEP, `${Gq}'*${Gq}`, h.hessian.blocks[1][1]);
  });
  it('away from a minimiser the residual term stays: the Hessian is not G_kᵀG_k', () => {
    const h = runHessian({ expr: LOSS, decl: DEEP, wrt: ['W[k]', 'W[q]'] });
    expect(h.verdict!.passed).toBe(true);
    const decls = parseDeclarations(DEEP);
    const gn = parseExpression("kron((prod(j = k-1..1, W[j])*X)', prod(j = l..k+1, W[j]))'*kron((prod(j = q-1..1, W[j])*X)', prod(j = l..q+1, W[j]))", { decls });
    expect(verifyChain([gn, h.hessian.blocks[0][1]], { symbols: [...decls.symbols.values()], dims: decls.dims }).passed).toBe(false);
  });
  it('eqs. (11)–(12): the residual network, gradient with respect to A_kq = Q_kqᵀ vec(e)', () => {
    const out = runDerive({ expr: RES_LOSS, decl: RES, wrt: ['A[k,q]'] });
    expect(out.verdict!.passed).toBe(true);
    const W = (j: string) => `(eye(d) + prod(i = r..1, A[${j},i]))`;
    const Q = `kron((prod(j = k-1..1, ${W('j')})*X)', prod(j = l..k+1, ${W('j')}))*kron(prod(i = q-1..1, A[k,i])', prod(i = r..q+1, A[k,i]))`;
    sameFunction(RES, `(${Q})'*vec(prod(j = l..1, ${W('j')})*X - Y)`, simplify(parseVec(out.results[0].value)));
  });
  it('eq. (21): residual Hessian blocks at e = 0 are Q_k′q′ᵀ Q_kq', () => {
    const decl = `${RES}; k2 in k+1..l; q2 in 1..r`;
    const h = runHessian({ expr: RES_LOSS, decl, wrt: ['A[k,q]', 'A[k2,q2]'], at: ['Y = prod(j = l..1, eye(d) + prod(i = r..1, A[j,i]))*X'] });
    expect(h.verdict!.passed).toBe(true);
    const W = (j: string) => `(eye(d) + prod(i = r..1, A[${j},i]))`;
    const Q = (k: string, q: string) => `(kron((prod(j = ${k}-1..1, ${W('j')})*X)', prod(j = l..${k}+1, ${W('j')}))*kron(prod(i = ${q}-1..1, A[${k},i])', prod(i = r..${q}+1, A[${k},i])))`;
    sameFunction(decl, `${Q('k', 'q')}'*${Q('k2', 'q2')}`, h.hessian.blocks[0][1]);
  });
});

function parseVec(e: Expr): Expr {
  return parseExpression(`vec(${toText(e)})`, { decls: parseDeclarations(RES) });
}

describe('matcalc verify at any depth', () => {
  const args = (claim: string) => ['verify', '--decl', 'W[j = 1..l]: d x d; X, Y: d x m; k in 1..l', '--f', LOSS, '--wrt', 'W[k]', '--claim', claim];
  it('the right gradient is VERIFIED at every instance', () => {
    const r = run(...args("prod(j = l..k+1, W[j])'*(prod(j = l..1, W[j])*X - Y)*X'*prod(j = k-1..1, W[j])'"));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('VERIFIED');
    expect(r.out).toContain('l=1,k=1');
  });
  it('a lost transpose on W_l⋯W_{k+1} is FALSE, diagnosed where it fails (not at k = l, where the prefix is I)', () => {
    const r = run(...args("prod(j = l..k+1, W[j])*(prod(j = l..1, W[j])*X - Y)*X'*prod(j = k-1..1, W[j])'"));
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('FALSE');
    expect(r.out).toMatch(/diagnosed at l = \d, k = \d, where the claim fails/);
    expect(r.out).toContain('missing transpose');
    expect(r.out).toContain('counterexample');
  });
});

describe('the rule prod-split, and derivations step by step at any depth', () => {
  it('a wrong split is a wrong rule: it names itself', async () => {
    const { parseRules } = await import('../src/rewrite/rules.js');
    const { verifyRule } = await import('../src/check/rule.js');
    const [wrong] = parseRules('rule split-off-by-one\n  lhs: prod(j = a..b, F[j])\n  rhs: prod(j = a..k+1, F[j])*F[k]*prod(j = k..b, F[j])\n  where: F[j = 1..n]: m x m; a in 1..n; b in 1..a; k in b..a\n', 'bad.rules');
    const v = verifyRule(wrong);
    expect(v.passed).toBe(false);
    expect(v.message).toContain('bad.rules:1');
  });
  it('derive --steps on ½‖W_l⋯W_1X − Y‖² reads like ZL App. B (92)–(97)', () => {
    const out = runDerive({ expr: LOSS, decl: 'W[j = 1..l]: d x d; X, Y: d x m', wrt: ['W[k]'], steps: true });
    const d = out.derivations![0];
    expect(d.derivation.steps.map((s) => s.reason?.rule ?? '-')).toEqual(['frobenius-vec', 'jac-square', '-', 'prod-split', 'vec-kron', 'jac-linear', 'kron-transpose']);
    expect(toText(d.derivation.steps.at(-1)!.expr)).toBe("kron(prod(j = k-1..1, W[j])*X, prod(j = l..k+1, W[j])')*vec(prod(j = l..1, W[j])*X - Y)");
    expect(d.verdict.passed).toBe(true);
    expect(d.verdict.instances!.length).toBeGreaterThan(2);
  });
  it('in a document, a step that cites prod-split must be the split', async () => {
    const { parseDocument } = await import('../src/doc/format.js');
    const { checkDocument } = await import('../src/doc/check.js');
    const doc = (step: string) =>
      checkDocument(parseDocument(`title: t\ndecl: ${DEEP}\nproof: prod(j = l..1, W[j])*X\n  = ${step}   by prod-split\n`, 'split.matcalc'));
    expect(doc('prod(j = l..k+1, W[j])*W[k]*prod(j = k-1..1, W[j])*X').passed).toBe(true);
    // true, but not the split the rule gives
    const r = doc('prod(j = l..k, W[j])*prod(j = k-1..1, W[j])*X');
    expect(r.passed).toBe(false);
    expect(r.firstFailure!.message).toContain('not what prod-split');
  });
});

describe('--hessian --wrt W: the bilinear form over every layer (ZL\'s general-point Hessian of the deep network)', () => {
  it('at a general point: a sum over layers, then over pairs of layers; at e = 0 the Gauss–Newton form', async () => {
    const { runFamilyHessian } = await import('../src/app/hessian.js');
    const decl = 'W[j = 1..l]: d x d; X, Y: d x m';
    const general = runFamilyHessian({ expr: LOSS, decl, wrt: ['W'] });
    expect(general.verdict!.passed).toBe(true);
    expect(general.verdict!.points.map((p) => p.instance)).toEqual(expect.arrayContaining(['l=1', 'l=2', 'l=3', 'l=4']));
    expect(toText(general.display)).toContain('sum(p = i+1..l, ');
    const zero = runFamilyHessian({ expr: LOSS, decl, wrt: ['W'], at: ['Y = prod(j = l..1, W[j])*X'] });
    expect(toText(zero.display)).toBe('norm(sum(i = 1..l, prod(j = l..i+1, W[j])*dW[i]*prod(j = i-1..1, W[j]))*X)^2');
    expect(zero.verdict!.passed).toBe(true);
    const r = run('derive', LOSS, '--decl', decl, '--wrt', 'W', '--hessian', '--format', 'latex');
    expect(r.code, r.err).toBe(0);
    expect(() => katex.renderToString(r.out.split('\n').filter((x) => !x.startsWith('%')).join('\n'), { throwOnError: true, displayMode: true })).not.toThrow();
  });
  it('the check rejects a form that misses the terms in pairs of layers', async () => {
    const { checkQuadraticForm } = await import('../src/check/instances.js');
    const decls = parseDeclarations('W[j = 1..l]: d x d; X, Y: d x m');
    const f = parseExpression(LOSS, { decls });
    const gaussNewtonOnly = parseExpression('norm(sum(i = 1..l, prod(j = l..i+1, W[j])*W[i]*prod(j = i-1..1, W[j]))*X)^2', { decls });
    // the same expression with the directions dW[i] in place of W[i] (the member of the sum's own index)
    const { mapDag, delta } = await import('../src/expr/ast.js');
    const q = mapDag(gaussNewtonOnly, (o, r) => (o.kind === 'sym' && o.member && o.member.index[0].terms[0]?.[0].name === 'i' ? delta(o) : r));
    const v = checkQuadraticForm({ f, quadratic: q, family: 'W', symbols: [...decls.symbols.values()], dims: decls.dims });
    expect(v.passed).toBe(false);
  });
  it('the gradient with respect to a whole family is refused with the way to ask for it', () => {
    const r = run('derive', LOSS, '--decl', 'W[j = 1..l]: d x d; X, Y: d x m', '--wrt', 'W');
    expect(r.code).toBe(2);
    expect(r.err).toContain('use --wrt "W[k]"');
  });
});

describe('code for a family of fixed length', () => {
  it('NumPy: members become identifiers (W[2] → W_2), arguments keep their names, the gradient matches differences', () => {
    const dir = mkdtempSync(join(tmpdir(), 'matcalc-fam-'));
    const r = run('codegen', '0.5*norm(prod(j = 3..1, W[j])*X - Y)^2', '--decl', 'W[1..3]: d x d; X, Y: d x m', '--wrt', 'W[1],W[2],W[3]', '--target', 'numpy');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\bW_2\b/);
    writeFileSync(join(dir, 'fam.py'), r.out);
    const py = [
      'import numpy as np, fam',
      'rng = np.random.default_rng(1)',
      "v = {f'W[{i}]': rng.standard_normal((3, 3)) for i in (1, 2, 3)}",
      "v['X'] = rng.standard_normal((3, 4)); v['Y'] = rng.standard_normal((3, 4))",
      'g = fam.gradient(**v)',
      'worst = 0.0',
      "for name in ('W[1]', 'W[2]', 'W[3]'):",
      '    for i in range(3):',
      '        for j in range(3):',
      '            E = np.zeros((3, 3)); E[i, j] = 1e-6',
      '            p = dict(v); p[name] = v[name] + E',
      '            m = dict(v); m[name] = v[name] - E',
      '            fd = (fam.value(**p) - fam.value(**m)) / 2e-6',
      '            worst = max(worst, abs(fd - g[name][i, j]) / max(1.0, abs(fd)))',
      'print(worst)',
    ].join('\n');
    const out = spawnSync('/usr/bin/python3', ['-c', py], { cwd: dir, encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(Number(out.stdout)).toBeLessThan(1e-6);
  });
  it('a symbolic depth has no code: a clear message, exit 2', () => {
    const r = run('codegen', LOSS, '--decl', DEEP, '--wrt', 'W[k]', '--target', 'numpy');
    expect(r.code).toBe(2);
    expect(r.err).toContain('code needs a concrete depth');
  });
});

describe('instances', () => {
  it('cover the boundaries of every index: k = 1 < l, k = l > 1, 1 < k < l, and l = 1', () => {
    const decls = parseDeclarations(DEEP);
    const e = parseExpression('prod(j = l..k+1, W[j])', { decls });
    const labels = chooseInstances([e]).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['l=1,k=1', 'l=2,k=1', 'l=3,k=2', 'l=4,k=4']));
  });
  it('a wrong formula is caught at the boundary where it is wrong', () => {
    // W_l⋯W_{k+1} W_k W_{k−1}⋯W_1 is the whole product; dropping the identity of an empty prefix is not
    const decls = parseDeclarations(DEEP);
    const whole = parseExpression('prod(j = l..1, W[j])', { decls });
    const wrong = parseExpression('prod(j = l..k+1, W[j])*W[k]*prod(j = k-1..1, W[j]) + prod(j = l..k+1, W[j]) - eye(d)', { decls });
    expect(verifyChain([whole, wrong], { symbols: [...decls.symbols.values()], dims: decls.dims }).passed).toBe(false);
  });
});

// ── property: random products over families, engine = differences = the engine at concrete depth ──
const BODIES = ['W[j]', 'tanh(W[j])', 'W[j] + 0.5*A', 'A*W[j]', "W[j]*W[j]'", 'sigmoid(W[j]) .* B', 'eye(d) + 0.3*W[j]*A'];
const OUTER = [
  (P: string) => `0.5*norm(${P}*X - Y)^2`,
  (P: string) => `sum(softplus(${P}*X))`,
  (P: string) => `tr(A*${P})`,
  (P: string) => `logdet(eye(d) + ${P}*${P}')`,
];
const RANGES = ['l..1', '1..l', 'l..2'];

describe('engine = finite differences on random family expressions, at random depths and layers', () => {
  it('gradients with respect to W[k] (and W[k], W[q] together)', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...BODIES),
        fc.constantFrom(...BODIES),
        fc.constantFrom(...OUTER),
        fc.constantFrom(...RANGES),
        fc.boolean(),
        (b1, b2, outer, range, two) => {
          const body = b1 === b2 ? b1 : `(${b1})*(${b2.replace(/W\[j\]/g, 'W[j]')})`;
          const P = `prod(j = ${range}, ${body})`;
          const f = outer(P);
          const decl = `W[j = 1..l]: d x d; A, B: d x d; X, Y: d x m; l >= 2; k in 2..l; q in k+1..l`;
          const out = runDerive({ expr: f, decl, wrt: two ? ['W[k]', 'W[q]'] : ['W[k]'], points: 2 });
          expect(out.verdict!.passed, `${f}: ${out.verdict!.maxError} ${out.verdict!.notes.join('; ')}`).toBe(true);
          // the shared matrices A, B (in every factor, when the factor has them; else outside the product)
          if (/\b[AB]\b/.test(f)) {
            const shared = runDerive({ expr: f, decl, wrt: [...new Set(f.match(/\b[AB]\b/g)!)], points: 2 });
            expect(shared.verdict!.passed, `${f} wrt A, B: ${shared.verdict!.maxError}`).toBe(true);
          }
          checked++;
        },
      ),
      { numRuns: 40, seed: 11 },
    );
    expect(checked).toBe(40);
  });
  it('a matrix in every factor: tied weights W^l, a recurrence with tanh, a shared input', () => {
    const tied = runDerive({ expr: '0.5*norm(prod(j = l..1, W)*X - Y)^2', decl: 'W: d x d; X, Y: d x m; l >= 1', wrt: ['W'] });
    expect(tied.verdict!.passed).toBe(true);
    expect(toText(tied.results[0].display)).toBe("sum(i = 1..l, prod(j = l..i+1, W)'*(prod(j = l..1, W)*X - Y)*X'*prod(j = i-1..1, W)')");
    const rnn = runHessian({ expr: 'sum(softplus(prod(j = l..1, tanh(W*H))*X))', decl: 'W, H: d x d; X: d x m; l >= 1', wrt: ['W', 'H'] });
    expect(rnn.verdict!.passed).toBe(true);
    const both = runDerive({ expr: 'tr(prod(j = l..1, W[j] + A))', decl: 'W[j = 1..l]: d x d; A: d x d', wrt: ['A'] });
    expect(both.verdict!.passed).toBe(true);
    const shared = runDerive({ expr: 'sum(j = 1..l, 0.5*norm(W[j]*X - Y)^2)', decl: 'W[j = 1..l]: d x d; X, Y: d x m', wrt: ['X'] });
    expect(toText(shared.results[0].display)).toBe("sum(j = 1..l, W[j]'*(W[j]*X - Y))");
    expect(shared.verdict!.passed).toBe(true);
  });
  it('sums over layers: weight decay and per-layer losses', () => {
    const decl = 'W[j = 1..l]: d x d; X, Y: d x m; mu: scalar; k in 1..l';
    const out = runDerive({ expr: `${LOSS} + mu/2*sum(j = 1..l, norm(W[j])^2)`, decl, wrt: ['W[k]'] });
    expect(out.verdict!.passed).toBe(true);
    expect(toText(out.results[0].display)).toContain('mu*W[k]');
    const per = runDerive({ expr: 'sum(j = 1..l, sum(tanh(W[j]*X - Y)))', decl, wrt: ['W[k]'] });
    expect(per.verdict!.passed).toBe(true);
  });
});
