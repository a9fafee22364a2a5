// The command line as a user meets it: the contract's commands, exit codes, and bad input answered with
// one clear message (where, what, what was expected) and exit 2 — never a stack trace.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';

function run(...args: string[]) {
  return runWithInput(undefined, ...args);
}

function runWithInput(input: string | undefined, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectCleanError(r: ReturnType<typeof run>, code: number, ...fragments: string[]) {
  expect(r.code, r.err + r.out).toBe(code);
  for (const f of fragments) expect(r.err).toContain(f);
  expect(r.err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(20);
}

describe('matcalc derive: the issue\'s commands', () => {
  it('deep linear network, both layers, with a named error matrix', () => {
    const r = run('derive', '0.5*norm(W2*W1*X - Y)^2', '--decl', NET, '--wrt', 'W1,W2');
    expect(r.code).toBe(0);
    expect(r.out).toContain("W2'*E*X'");
    expect(r.out).toContain("E*X'*W1'");
    expect(r.out).toContain('E = W2*W1*X - Y');
    expect(r.out).toContain('check passed');
  });
  it('log det of an spd matrix, with the symmetric-gradient note', () => {
    const r = run('derive', 'logdet(X)', '--decl', 'X: n x n spd', '--wrt', 'X');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/gradient with respect to X \(n×n\):\n  inv\(X\)\n/);
    expect(r.out).toContain('sym(G) = (G + Gᵀ)/2');
    expect(r.out).toContain('Matrix Cookbook');
    expect(r.out).toContain('check passed');
  });
  it('one-hidden-layer network: a Hadamard product with σ′(W1X)', () => {
    const r = run('derive', '0.5*norm(W2*sigma(W1*X) - Y)^2', '--decl', NET, '--wrt', 'W1,W2');
    expect(r.code).toBe(0);
    expect(r.out).toContain("((W2'*E) .* dsigma(W1*X))*X'");
    expect(r.out).toContain("E*sigma(W1*X)'");
    expect(r.out).toContain('check passed');
  });
  it('json output follows the documented schema', () => {
    const r = run('derive', "tr(X'*A*X)", '--decl', 'X: n x m; A: n x n', '--wrt', 'X', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ matcalc: 1, command: 'derive', kind: 'gradient', function: { shape: 'scalar' } });
    expect(j.results[0]).toMatchObject({ wrt: 'X', shape: 'n×m', text: "(A + A')*X" });
    expect(j.results[0].latex).toContain('\\boldsymbol{A}^\\top');
    expect(j.check.passed).toBe(true);
    expect(j.check.maxError).toBeLessThan(1e-6);
    expect(j.check.points).toHaveLength(3);
  });
  it('latex output', () => {
    const r = run('derive', '0.5*norm(W2*W1*X - Y)^2', '--decl', NET, '--wrt', 'W1', '--format', 'latex');
    expect(r.code).toBe(0);
    expect(r.out).toContain('\\nabla_{\\boldsymbol{W}_{1}} f &= \\boldsymbol{W}_{2}^\\top');
  });
  it('vec-Jacobian in denominator layout: ∇_x (A x) = Aᵀ, ∇_vec(X) vec(AXB) = B ⊗ Aᵀ', () => {
    const r = run('derive', 'A*X*B', '--decl', 'A: p x m; X: m x n; B: n x q', '--wrt', 'X', '--jacobian');
    expect(r.code).toBe(0);
    expect(r.out).toContain("kron(B, A')");
    const v = run('derive', 'A*x', '--decl', 'A: m x n; x: n', '--wrt', 'x', '--jacobian');
    expect(v.out).toContain("\n  A'\n");
  });
  it('npm start: every example checks', () => {
    const r = run('examples');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/(\d+) of \1 examples checked\n$/);
  });
});

describe('bad input: one clear message, exit 2', () => {
  it('parse error, with the column and a caret', () => {
    const r = run('derive', 'tr(W1', '--decl', 'W1: h x h');
    expectCleanError(r, 2, 'syntax error', 'column 6', 'tr(W1', '^'); // just past the end: the missing )
  });
  it('unknown function', () => {
    expectCleanError(run('derive', 'trace(W1)', '--decl', 'W1: h x h'), 2, 'unknown function trace', 'known:', 'tr');
  });
  it('undeclared symbol', () => {
    expectCleanError(run('derive', 'tr(W1*Z)', '--decl', 'W1: h x h'), 2, 'undeclared symbol Z', 'column 7', 'declared: W1');
  });
  it('shape mismatch names both shapes and the operator', () => {
    expectCleanError(run('derive', '0.5*norm(W1*W2*X - Y)^2', '--decl', NET), 2, 'matrix product', 'W1 is h×d', 'W2 is k×h');
    expectCleanError(run('derive', 'tr(W1 + W2)', '--decl', NET), 2, 'sum', 'h×d', 'k×h');
    expectCleanError(run('derive', 'tr(X)', '--decl', NET), 2, 'tr', 'd×n', 'square');
  });
  it('non-scalar f for a gradient', () => {
    expectCleanError(run('derive', 'W2*W1', '--decl', NET, '--wrt', 'W1'), 2, 'needs a scalar function', 'k×d', '--jacobian');
  });
  it('--wrt naming something not in f, or not declared', () => {
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: h x h; W2: h x h', '--wrt', 'W2'), 2, 'does not depend on W2');
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: h x h', '--wrt', 'Q'), 2, 'Q', 'not a declared symbol');
  });
  it('empty input', () => {
    expectCleanError(run('derive', '', '--decl', 'W1: h x h'), 2, 'empty expression');
    expectCleanError(run('derive', 'tr(W1)', '--decl', ''), 2, 'empty declarations');
    expectCleanError(run('derive', '   ', '--decl', 'W1: h x h'), 2, 'empty');
  });
  it('contradictory declarations', () => {
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: h x h; W1: h x d'), 2, 'declared twice', 'h×h', 'h×d');
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: h x d symmetric'), 2, 'needs a square matrix');
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: n x n; n: scalar'), 2, 'both as a dimension and as a symbol');
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: n x n hermitian'), 2, 'unknown property "hermitian"');
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1 n x n'), 2, 'expected "names: type"');
  });
  it('usage errors', () => {
    expectCleanError(run('derive', 'tr(W1)'), 2, "required option '--decl");
    expectCleanError(run('derive', 'tr(W1)', '--decl', 'W1: h x h', '--format', 'pdf'), 2, 'pdf');
    expectCleanError(run('frobnicate'), 2, 'unknown command');
  });
  it('what the engine cannot do is said, not guessed', () => {
    expectCleanError(run('derive', 'norm(A, 2)', '--decl', 'A: m x n'), 2, 'spectral norm', 'not differentiable');
    expectCleanError(run('derive', 'tr(A/B)', '--decl', 'A: n x n; B: n x n'), 2, 'division by a matrix');
  });
});

describe('standard input (-) and expressions that start with a minus sign', () => {
  it('derive - reads the expression: the issue\'s command', () => {
    const r = runWithInput("tr(X'*A*X)\n", 'derive', '-', '--decl', 'X: n x m; A: n x n', '--wrt', 'X');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("gradient with respect to X (n×m):\n  (A + A')*X\n");
    expect(r.out).toContain('check passed');
  });
  it('codegen - and verify --f - / --claim -', () => {
    const c = runWithInput('0.5*norm(A*x - b)^2', 'codegen', '-', '--decl', 'A: m x n; x: n; b: m', '--wrt', 'x', '--target', 'numpy');
    expect(c.code, c.err).toBe(0);
    expect(c.out).toContain('def gradient(');
    const f = runWithInput('0.5*norm(A*x - b)^2', 'verify', '--decl', 'A: m x n; x: n; b: m', '--f', '-', '--wrt', 'x', '--claim', "A'*(A*x - b)");
    expect(f.code, f.err + f.out).toBe(0);
    expect(f.out).toMatch(/^VERIFIED/);
    const claim = runWithInput("A*(A*x - b)'", 'verify', '--decl', 'A: m x n; x: n; b: m', '--f', '0.5*norm(A*x - b)^2', '--wrt', 'x', '--claim', '-');
    expect(claim.code).toBe(1);
    expect(claim.out).toMatch(/^FALSE/);
    expectCleanError(runWithInput('x', 'verify', '--decl', 'x: n', '--f', '-', '--wrt', 'x', '--claim', '-'), 2, 'only one of --f and --claim');
  });
  it('an empty standard input is an input error', () => {
    expectCleanError(runWithInput(' \n', 'derive', '-', '--decl', 'x: n'), 2, 'standard input (-) was empty');
  });
  it('verify - and check - read a document', () => {
    const doc = readFileSync(new URL('../derivations/ma-pca.matcalc', import.meta.url), 'utf8');
    const v = runWithInput(doc, 'verify', '-');
    expect(v.code, v.err).toBe(0);
    expect(v.out).toMatch(/^VERIFIED: <stdin> — Rank-one PCA/);
    const broken = runWithInput(doc.replace('claim (4.2) corrected', 'claim (4.2) corrected, broken').replace(/-2\*\(M - x\*x'\)\*x/, '2*(M - x*x\')*x'), 'verify', '-');
    expect(broken.code).toBe(1);
    const out = mkdtempSync(join(tmpdir(), 'matcalc-stdin-'));
    const c = runWithInput(doc, 'check', '-', '--out', out);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toContain('✓ <stdin>: ');
    expect(c.out).toContain('1 of 1 documents verified');
    expect(readFileSync(join(out, 'stdin.html'), 'utf8')).toContain('class="katex"');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('&lt;stdin&gt;">source');
  });
  it('an expression that starts with a minus sign is the expression', () => {
    const r = run('derive', '-0.5*logdet(S) + 0.5*tr(S*C)', '--decl', 'S, C: n x n spd', '--wrt', 'S');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('f = -0.5*logdet(S) + 0.5*tr(S*C)');
    expect(r.out).toContain('check passed');
    const after = run('derive', '--decl', 'x: n; A: n x n', "-x'*A*x", '--wrt', 'x');
    expect(after.code, after.err).toBe(0);
    expect(after.out).toContain("f = -x'*A*x");
    expect(after.out).toContain('check passed');
  });
  it('one that could be an option gets a message that says to put -- before it', () => {
    expectCleanError(run('derive', '-x', '--decl', 'x: n'), 2, "unknown option '-x'", 'put -- before it');
    const r = run('derive', '--decl', 'x: n', '--', "-x'*x");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('-2*x');
  });
});
