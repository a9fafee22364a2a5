// The checking kernel (src/check/, src/numeric/): verdicts that are never wrong, never vacuous, never
// silently skipped. First the five commands as a user runs them, then the pieces: the sampler
// (dimension constraints, domains, zero sizes), the finite differences, the three-valued comparison.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDeclarations, checkScope } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { checkDerivative } from '../src/check/derivative.js';
import { checkEquation } from '../src/check/equality.js';
import { Sampler, Unchecked, drawSizes, samplePoints } from '../src/check/sample.js';
import { compare } from '../src/check/verdict.js';
import { mixed, slope } from '../src/numeric/differences.js';
import { axpy, frob, Mat, transpose } from '../src/numeric/mat.js';
import { runHessian } from '../src/app/hessian.js';
import { Rng } from '../src/numeric/random.js';

const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('the issue: the five commands give the right verdicts', () => {
  it('1. a refutation of a true formula is not counted: the document exits 1, no finite counterexample', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'matcalc-')), 'refute.matcalc');
    writeFileSync(file, 'decl: X: m x n\nrefute: grad(sum(log(X)), X) = X.^(-1)\n');
    const r = run('verify', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FALSE');
    expect(r.out).toMatch(/holds at every point tried.*no finite counterexample/);
    // the same line as a claim holds
    writeFileSync(file, 'decl: X: m x n\nclaim: grad(sum(log(X)), X) = X.^(-1)\n');
    expect(run('verify', file).code).toBe(0);
  });

  it('2. correct claims under dimension constraints and domains are verified; a wrong barrier gradient is refuted at a finite point', () => {
    const logdet = run('verify', '--decl', "X: q x n; q >= n", '--f', "logdet(X'*X)", '--wrt', 'X', '--claim', "2*X*inv(X'*X)");
    expect(logdet.code, logdet.out + logdet.err).toBe(0);
    for (const p of logdet.out.match(/n=(\d+),q=(\d+)/g)!) {
      const [, n, q] = /n=(\d+),q=(\d+)/.exec(p)!.map(Number);
      expect(q).toBeGreaterThanOrEqual(n);
    }
    const det = run('verify', '--decl', 'X: q x n; A: q x q spd; q >= n', '--f', "det(X'*A*X)", '--wrt', 'X', '--claim', "2*det(X'*A*X)*A*X*inv(X'*A*X)");
    expect(det.code, det.out + det.err).toBe(0);
    const barrier = ['--decl', 'c: n; x: n; A: k x n; b: k', '--f', "c'*x - sum(log(b - A*x))", '--wrt', 'x'];
    const right = run('verify', ...barrier, '--claim', "c + A'*((b - A*x).^(-1))");
    expect(right.code, right.out + right.err).toBe(0);
    expect(right.out).toContain('VERIFIED');
    const wrong = run('verify', ...barrier, '--claim', "c - A'*((b - A*x).^(-1))", '--format', 'json');
    expect(wrong.code).toBe(1);
    const j = JSON.parse(wrong.out);
    expect(j.verdict).toBe('FALSE');
    expect(j.numerical.status).toBe('fails');
    const c = j.numerical.counterexample;
    for (const rows of [c.left, c.right, ...Object.values(c.values)] as number[][][]) expect(rows.flat().every(Number.isFinite)).toBe(true);
    expect(c.left).not.toEqual(c.right);
  });

  it('3. correct Hessians pass: a vector and an spd matrix (checked on symmetric directions), and an exactly zero Hessian', () => {
    const h = run('derive', "exp(-0.5*x'*P*x)", '--decl', 'x: n; P: n x n spd', '--wrt', 'x,P', '--hessian', '--format', 'json');
    expect(h.code, h.err).toBe(0);
    const out = JSON.parse(h.out);
    expect(out.check.status).toBe('holds');
    // consistent blocks in every output: H[P, x] = H[x, P]ᵀ
    const hx = runHessian({ expr: "exp(-0.5*x'*P*x)", decl: 'x: n; P: n x n spd', wrt: ['x', 'P'], check: false });
    const [p] = samplePoints(checkScope(hx.decls), [hx.f], 1, 3);
    const [xP, Px] = [p.at.eval(hx.hessian.blocks[0][1]), p.at.eval(hx.hessian.blocks[1][0])];
    expect(frob(axpy(transpose(xP), -1, Px))).toBeLessThan(1e-12 * frob(Px));
    const zero = run('codegen', 'sum(kron(X, B))', '--decl', 'X: n x m; B: k x p', '--wrt', 'X', '--target', 'numpy');
    expect(zero.code, zero.err).toBe(0);
    expect(zero.out).toMatch(/# Hessian checked at 3 random points.*passed/);
  });

  it('4. codegen is honest: checked code says so; code whose check cannot run is not written, unless --no-check', () => {
    const shifted = run('codegen', 'sum(log(X - 10*ones(m,n)))', '--decl', 'X: m x n', '--target', 'numpy');
    expect(shifted.code, shifted.err).toBe(0);
    expect(shifted.out).toMatch(/# checked against central differences at 3 random points: passed/);
    expect(shifted.out).not.toContain('--no-check');
    const nowhere = run('codegen', 'sum(log(-exp(X)))', '--decl', 'X: m x n', '--target', 'numpy');
    expect(nowhere.code).toBe(1);
    expect(nowhere.out).toBe('');
    expect(nowhere.err).toMatch(/could not be checked numerically: no point was found where .* finite.*--no-check writes it unchecked/);
    const unchecked = run('codegen', 'sum(log(-exp(X)))', '--decl', 'X: m x n', '--target', 'numpy', '--no-check');
    expect(unchecked.code).toBe(0);
    expect(unchecked.out).toContain('# not checked numerically (--no-check)');
  });

  it('5. a zero-size instance is no evidence: no "check passed", exit 1, JSON status unchecked', () => {
    const r = run('derive', 'norm(X)^2', '--decl', 'X: 0 x 3', '--wrt', 'X');
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('check passed');
    expect(r.out).toMatch(/CHECK COULD NOT RUN: X is 0×3: a zero dimension/);
    const j = JSON.parse(run('derive', 'norm(X)^2', '--decl', 'X: 0 x 3', '--wrt', 'X', '--format', 'json').out);
    expect(j.check).toMatchObject({ status: 'unchecked', passed: false });
    expect(j.check.reason).toContain('zero dimension');
  });
});

describe('saturated functions: rounding is judged at the scale of the terms, not of the result', () => {
  // sum(tanh(51·W1·X)) adds up ±1s and can cancel to exactly 0, where the differences' rounding used to be
  // taken as 0: correct gradients of 1e-15 were refuted against a difference of exactly 0 (8 seeds in 100)
  const decls = parseDeclarations('W1: h x d; X: d x m');
  const e = (s: string) => parseExpression(s, { decls });
  const W1 = decls.symbols.get('W1')!;
  const verdicts = (claim: string, seeds: number) =>
    Array.from({ length: seeds }, (_, i) => checkDerivative({ f: e('sum(tanh(51*W1*X))'), vars: [W1], claims: new Map([['W1', e(claim)]]), kind: 'gradient', ...checkScope(decls) }, { seed: i + 1 }).status);
  it('the true gradient holds at every seed; one 2% off, or without the square, fails at every seed', () => {
    expect(verdicts("51*(1 - tanh(51*W1*X).^2)*X'", 40).filter((s) => s !== 'holds')).toEqual([]);
    expect(verdicts("50*(1 - tanh(51*W1*X).^2)*X'", 40).filter((s) => s !== 'fails')).toEqual([]);
    expect(verdicts("51*(1 - tanh(51*W1*X))*X'", 10).filter((s) => s !== 'fails')).toEqual([]);
  });
  it('a difference between the likely rounding and its bound decides nothing: an offset of 1e-6 is not accepted', () => {
    expect(verdicts("51*(1 - tanh(51*W1*X).^2)*X' + 1e-6", 5).every((s) => s !== 'holds')).toBe(true);
  });
  it('the Hessian too', () => {
    for (let seed = 1; seed <= 8; seed++)
      expect(runHessian({ expr: 'sum(tanh(51*W1*X))', decl: 'W1: h x d; X: d x m', wrt: ['W1'], seed }).verdict!.status, `seed ${seed}`).toBe('holds');
  });
});

describe('the generic σ is checked through a surrogate without symmetries or zeros at 0', () => {
  const decls = parseDeclarations('X: m x n');
  const e = (s: string) => parseExpression(s, { decls });
  const scope = checkScope(decls);
  it('a sign moved inside σ or σ′, and a σ″ term at a zero argument, are refuted (sin x + x/2 hid all three)', () => {
    expect(checkEquation(e('sigma(-X)'), e('-sigma(X)'), scope).status).toBe('fails');
    expect(checkEquation(e('dsigma(-X)'), e('dsigma(X)'), scope).status).toBe('fails');
    expect(checkEquation(e('sum(X) + sum(d2sigma(0*X))'), e('sum(X)'), scope).status).toBe('fails');
    expect(checkEquation(e('sigma(X) - X/2'), e('-d2sigma(X)'), scope).status).toBe('holds'); // σ″ = −sin(x + 1)
  });
});

describe('dimension constraints', () => {
  const scope = (decl: string) => checkScope(parseDeclarations(decl));
  it('q >= n, m >= n + 1, r <= n, q > n hold at every drawn size', () => {
    const rng = new Rng(1);
    const s = scope('X: q x n; Y: m x n; Z: r x n; W: p x n; q >= n; m >= n + 1; r <= n; p > n');
    for (let i = 0; i < 200; i++) {
      const z = drawSizes(s, rng);
      const [q, n, m, r, p] = ['q', 'n', 'm', 'r', 'p'].map((d) => z.get(d)!);
      expect(q >= n && m >= n + 1 && r <= n && p > n, JSON.stringify([...z])).toBe(true);
    }
  });
  it('constraints that need larger sizes than the pool widen it; contradictory ones give no verdict', () => {
    const wide = drawSizes(scope('X: q x n; q >= n + 9'), new Rng(2));
    expect(wide.get('q')! - wide.get('n')!).toBeGreaterThanOrEqual(9);
    expect(() => drawSizes(scope('X: q x n; q > n; n > q'), new Rng(3))).toThrow(Unchecked);
    expect(() => drawSizes(scope('X: q x n; q > n; n > q'), new Rng(3))).toThrow(/no sizes satisfy the dimension constraints q > n, n > q/);
  });
  it('bad constraints are input errors with the place; a depth bound l >= 2 is still a depth bound', () => {
    expect(() => parseDeclarations('X: q x n; q >= z')).toThrow(/z is not a dimension of the declarations/);
    expect(() => parseDeclarations('X: q x n; q >= n +')).toThrow(/column/);
    expect(() => parseDeclarations('X: q x n; q = n')).toThrow(/use one dimension name/);
    const d = parseDeclarations('W[k = 1..l]: d x d; X: d x n; l >= 2; n >= 3');
    expect(d.indices.get('l')!.lo.text).toBe('2');
    expect(d.constraints.map((c) => c.text)).toEqual(['n >= 3']);
  });
  it('the derivative check honours them (without q >= n, logdet(XᵀX) has no admissible sizes with q < n)', () => {
    const decls = parseDeclarations('X: q x n; q >= n');
    const f = parseExpression("logdet(X'*X)", { decls });
    const v = checkDerivative({ f, vars: [decls.symbols.get('X')!], claims: new Map([['X', parseExpression("2*X*inv(X'*X)", { decls })]]), kind: 'gradient', ...checkScope(decls) });
    expect(v.status).toBe('holds');
    for (const p of v.points) expect(p.sizes.q).toBeGreaterThanOrEqual(p.sizes.n);
  });
});

describe('the sampler', () => {
  const setting = (decl: string, expr: string) => {
    const decls = parseDeclarations(decl);
    return { scope: checkScope(decls), f: parseExpression(expr, { decls }) };
  };
  it('finds the domain of log, sqrt and fractional powers by rescaling, and says so', () => {
    const { scope, f } = setting('X: m x n; b: k; A: k x n; x: n', "sum(log(X - 10*ones(m, n))) + sum(sqrt(b - A*x)) + sum((b - A*x).^(-1/2))");
    const s = new Sampler(scope, [f], new Rng(5));
    const p = s.next();
    expect(p.point.values.get('X')!.data.every((v) => v > 10)).toBe(true);
    expect(p.at.eval(f).data.every(Number.isFinite)).toBe(true);
    expect([...s.notes].join(' ')).toMatch(/positive or rescaled/);
  });
  it('a declared positive symbol has positive entries at every point', () => {
    const { scope, f } = setting('X: m x n positive', 'sum(X)');
    for (const s of samplePoints(scope, [f], 5, 9)) expect(s.point.values.get('X')!.data.every((v) => v > 0)).toBe(true);
  });
  it('says why when nothing is admissible, and treats a zero dimension as no evidence', () => {
    const nowhere = setting('X: m x n', 'sum(log(-exp(X)))');
    expect(() => new Sampler(nowhere.scope, [nowhere.f], new Rng(1)).next()).toThrow(/no point was found where the expression is finite/);
    const empty = setting('X: 0 x 3', 'norm(X)^2');
    expect(() => new Sampler(empty.scope, [empty.f], new Rng(1)).next()).toThrow(/X is 0×3: a zero dimension/);
  });
  it('the at: point is applied after drawing (Y := W*X)', () => {
    const decls = parseDeclarations('W: m x n; X: n x p; Y: m x p');
    const assign = [['Y', parseExpression('W*X', { decls })] as const];
    const f = parseExpression('norm(W*X - Y)^2', { decls });
    for (const s of samplePoints(checkScope(decls, assign), [f], 3, 4)) expect(s.at.eval(f).data[0]).toBeLessThan(1e-20);
  });
});

describe('finite differences and the three-valued comparison', () => {
  it('slope and mixed second differences are accurate, with an honest error estimate', () => {
    const g = (t: number) => Mat.scalar(Math.exp(2 * t) + Math.sin(t));
    const d = slope(g)!;
    expect(Math.abs(d.value.data[0] - 3)).toBeLessThan(1e-10);
    expect(d.error).toBeGreaterThanOrEqual(Math.abs(d.value.data[0] - 3));
    const h = mixed((s, t) => Mat.scalar(Math.exp(s) * Math.cos(t) + s * s * t))!; // ∂²/∂s∂t at 0 = 0
    expect(Math.abs(h.value.data[0])).toBeLessThanOrEqual(10 * h.error + 1e-12);
    const hh = mixed((s, t) => Mat.scalar(Math.exp(s + 2 * t)))!; // = 2
    expect(Math.abs(hh.value.data[0] - 2)).toBeLessThan(1e-7);
  });
  it('NaN or ∞ gives no estimate and decides nothing', () => {
    expect(slope((t) => Mat.scalar(Math.log(t)))).toBeUndefined();
    expect(compare(Mat.scalar(NaN), Mat.scalar(1), 1e-6).outcome).toBe('unclear');
    expect(compare(Mat.scalar(1), Mat.scalar(Infinity), 1e-6).outcome).toBe('unclear');
  });
  it('agree within the tolerance plus the noise, differ far beyond it, and nothing in between', () => {
    expect(compare(Mat.scalar(1), Mat.scalar(1 + 1e-9), 1e-6).outcome).toBe('agree');
    expect(compare(Mat.scalar(0), Mat.scalar(1e-12), 1e-6, 1e-12).outcome).toBe('agree'); // a zero derivative: noise, not signal
    expect(compare(Mat.scalar(1), Mat.scalar(2), 1e-6, 1e-3).outcome).toBe('differ');
    expect(compare(Mat.scalar(1), Mat.scalar(1.001), 1e-6, 5e-5).outcome).toBe('unclear'); // between 10× and 100× the noise
  });
  it('an equation is judged at finite points only, and both sides vanishing is no evidence for a rule', () => {
    const decls = parseDeclarations('X: m x n');
    const e = (s: string) => parseExpression(s, { decls });
    const scope = checkScope(decls);
    expect(checkEquation(e('grad(sum(log(X)), X)'), e('X.^(-1)'), scope).status).toBe('holds');
    const wrong = checkEquation(e('grad(sum(log(X)), X)'), e('2*X.^(-1)'), scope);
    expect(wrong.status).toBe('fails');
    expect(wrong.counterexample!.left.data.every(Number.isFinite) && wrong.counterexample!.right.data.every(Number.isFinite)).toBe(true);
    expect(checkEquation(e('0*sum(X)'), e('0'), scope, { nonzero: true }).status).toBe('unchecked');
  });
});
