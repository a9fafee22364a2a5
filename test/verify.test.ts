// matcalc verify: the commands of the docs through the CLI, the verdict and diagnosis through the API. The
// mistake catalogue's mutation test is test/diagnosis.test.ts.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { verifyClaim, type VerifyInput } from '../src/verify/claim.js';
import { MISTAKES } from '../src/verify/diagnose.js';
import { readFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { toText } from '../src/render/print.js';
import { checkDocument } from '../src/doc/check.js';
import { parseDocument } from '../src/doc/format.js';

const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';
const LOSS = '0.5*norm(W2*W1*X - Y)^2';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const verifyNet = (claim: string, more: Partial<VerifyInput> = {}) => verifyClaim({ decl: NET, f: LOSS, wrt: 'W1', claim, ...more });
/** matcalc verify on the two-layer network, with respect to W1, as a process */
const verify = (claim: string, ...more: string[]) => run('verify', '--decl', NET, '--f', LOSS, '--wrt', 'W1', '--claim', claim, ...more);
const kindsOf = (o: ReturnType<typeof verifyClaim>) => new Set((o.diagnosis?.findings ?? []).flatMap((f) => f.kinds));

describe("matcalc verify: the issue's commands", () => {

  it('the right gradient: VERIFIED, exit 0, symbolically and numerically', () => {
    const r = verify("W2'*(W2*W1*X - Y)*X'");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^VERIFIED: ∇_W1 f = W2'\*\(W2\*W1\*X - Y\)\*X'\n/);
    expect(r.out).toContain("(a) symbolic: the simplified claim is identical to matcalc's result");
    expect(r.out).toMatch(/\(b\) numerical: check passed: .* at 3 random points/);
  });

  it('an ill-typed claim: FALSE, exit 1, naming the shapes (a verdict, not a usage error)', () => {
    const r = verify("W2*(W2*W1*X - Y)*X'");
    expect(r.code, r.err).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toContain('FALSE: ill-typed claim');
    expect(r.out).toContain('W2 is k×h but W2*W1*X - Y is k×n');
    expect(r.out).toContain("missing transpose: with `W2'` for `W2` (column 1) the claim is well-typed and right");
    expect(r.out).toContain("correct: ∇_W1 f = W2'*(W2*W1*X - Y)*X'");
  });

  it('the transpose of the gradient: FALSE, exit 1, diagnosed as a layout mistake, with a counterexample', () => {
    const r = verify("X*(W2*W1*X - Y)'*W2");
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('the claim is d×h, but ∇_W1 f is h×d');
    expect(r.out).toContain('layout: the claim is the transpose of the true gradient');
    expect(r.out).toMatch(/counterexample \(d = \d, h = \d, k = \d, n = \d; integer entries\):/);
    expect(r.out).toMatch(/claimed ∇_W1 f = \[.*\]\n  true {4}∇_W1 f = \[.*\]\n  \(central differences give \[.*\]\)/);
  });

  it('json output', () => {
    const r = verify("X*(W2*W1*X - Y)'*W2", '--format', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ matcalc: 1, command: 'verify', kind: 'grad', verdict: 'FALSE', derivative: '∇_W1 f' });
    expect(j.claim).toMatchObject({ shape: 'd×h', expectedShape: 'h×d' });
    expect(j.illTyped.message).toContain('d×h');
    expect(j.diagnosis[0].kinds).toEqual(['layout']);
    expect(j.correct.text).toBe("W2'*(W2*W1*X - Y)*X'");
    expect(j.correct.check.passed).toBe(true);
    expect(Object.keys(j.counterexample.inputs).sort()).toEqual(['W1', 'W2', 'X', 'Y']);
  });

  it('unreadable input and unknown kinds are exit 2, with a located message', () => {
    const syntax = verify("W2'*(W2*W1*X - Y*X'");
    expect(syntax.code).toBe(2);
    expect(syntax.err).toContain('syntax error in claim');
    const undeclared = run('verify', '--decl', NET, '--f', '0.5*norm(W2*W1*Z - Y)^2', '--wrt', 'W1', '--claim', 'W1');
    expect(undeclared.code).toBe(2);
    expect(undeclared.err).toContain('undeclared symbol Z');
    expect(verify('W1', '--kind', 'hessians').code).toBe(2);
  });
});

describe('matcalc verify --kind hessian and hessian-form', () => {
  it('the vec-Hessian block: right, swapped Kronecker factors (diagnosed), wrong shape', () => {
    expect(verify('kron(X*X\', W2\'*W2)', '--kind', 'hessian').code).toBe(0);
    const swapped = verify('kron(W2\'*W2, X*X\')', '--kind', 'hessian');
    expect(swapped.code).toBe(1);
    expect(swapped.out).toContain('Kronecker factors swapped');
    expect(swapped.out).toContain('counterexample');
    const shape = verify('X*X\'', '--kind', 'hessian');
    expect(shape.code).toBe(1);
    expect(shape.out).toContain('ill-typed');
  });
  it('the bilinear form in the direction dW1: right, ½ of it (the Taylor term, diagnosed), ill-typed', () => {
    expect(verify('norm(W2*dW1*X)^2', '--kind', 'hessian-form').code).toBe(0);
    const half = verify('0.5*norm(W2*dW1*X)^2', '--kind', 'hessian-form');
    expect(half.code).toBe(1);
    expect(half.out).toContain('factor: the claim is 1/2 times');
    expect(half.out).toContain('correct: ∇²f[dW1, dW1]');
    const bad = verify('W2*dW1', '--kind', 'hessian-form');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('is a scalar');
  });
  it('a non-polynomial function: the form of x\'Ax + Σ exp(x)', () => {
    const r = run('verify', '--decl', 'x: n; A: n x n', '--f', "x'*A*x + sum(exp(x))", '--wrt', 'x', '--kind', 'hessian-form', '--claim', "dx'*(A + A')*dx + sum(exp(x) .* dx .* dx)");
    expect(r.code, r.out + r.err).toBe(0);
    const wrong = run('verify', '--decl', 'x: n; A: n x n', '--f', "x'*A*x + sum(exp(x))", '--wrt', 'x', '--kind', 'hessian-form', '--claim', "2*dx'*A*dx + sum(exp(x) .* dx)");
    expect(wrong.code).toBe(1);
  });
});

/** Run the CLI in-process (faster than a process per command), capturing its output and exit code. */
async function runInProcess(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const write = (s: string | Uint8Array) => ((output += String(s)), true);
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
  try {
    await main(args);
  } finally {
    [process.stdout.write, process.stderr.write] = [out, err];
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, output };
}

describe('docs/verify.md', () => {
  const doc = readFileSync(new URL('../docs/verify.md', import.meta.url), 'utf8');
  it('lists every entry of the mistake catalogue', () => {
    for (const m of MISTAKES) expect(doc).toContain(`| \`${m.name}\` | ${m.description} |`);
  });
  it("shows each example's real output", async () => {
    const examples = [...doc.matchAll(/```\n\$ matcalc (verify .*)\n([^]*?)```/g)];
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const [, command, shown] of examples) {
      const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
      const { code, output } = await runInProcess(args);
      const [text, exit] = shown.split(/\$ echo \$\?\n/);
      expect(output, command).toBe(text);
      if (exit) expect(code, command).toBe(Number(exit.trim()));
    }
  });
});

describe('verdicts', () => {
  it('an equivalent form is verified, by expansion and numerically', () => {
    const o = verifyNet("W2'*W2*W1*X*X' - W2'*Y*X'");
    expect(o.verified).toBe(true);
    expect(o.symbolic).toMatchObject({ holds: true, how: 'difference-zero' });
    const q = verifyClaim({ decl: 'X: n x m; A: n x n', f: "tr(X'*A*X)", wrt: 'X', claim: "A*X + A'*X" });
    expect(q.verified).toBe(true);
  });
  it('a definition may name a subexpression in the claim', () => {
    expect(verifyNet("W2'*e*X'", { defs: ['e = W2*W1*X - Y'] }).verified).toBe(true);
  });
  it('vec-gradients and vec-Jacobians', () => {
    expect(verifyNet("vec(W2'*(W2*W1*X - Y)*X')", { kind: 'vecgrad' }).verified).toBe(true);
    const axb = { decl: 'A: p x m; X: m x n; B: n x q', f: 'A*X*B', wrt: 'X' };
    expect(verifyClaim({ ...axb, claim: "kron(B, A')" }).verified).toBe(true); // jacobian is the default for a matrix F
    const swapped = verifyClaim({ ...axb, claim: "kron(A', B)" });
    expect(swapped.verified).toBe(false);
    expect(swapped.diagnosis!.findings[0].sentence).toContain("the claim has `kron(A', B)` where `kron(B, A')` belongs");
    const numerator = verifyClaim({ ...axb, claim: "kron(B', A)" });
    expect(numerator.illTyped?.message).toContain('(p·q)×(m·n)');
    expect([...kindsOf(numerator)]).toEqual(['layout']);
  });
  it('a gradient of a matrix-valued F is a usage error', () => {
    expect(() => verifyClaim({ decl: NET, f: 'W2*W1', wrt: 'W1', claim: 'W2', kind: 'grad' })).toThrow(/needs a scalar function/);
  });
  it('symmetric variables: G and sym(G) are the same claim; G + Gᵀ and the Cookbook form are not', () => {
    const decl = 'S: n x n symmetric; A: n x n';
    expect(verifyClaim({ decl, f: 'tr(A*S)', wrt: 'S', claim: "A'" }).verified).toBe(true);
    const twice = verifyClaim({ decl, f: 'tr(A*S)', wrt: 'S', claim: "A + A'" });
    expect(twice.verified).toBe(false);
    expect(kindsOf(twice)).toEqual(new Set(['symmetrisation', 'factor', 'extra-term']));
    const cookbook = verifyClaim({ decl: 'X: n x n spd', f: 'logdet(X)', wrt: 'X', claim: '2*inv(X) - inv(X) .* eye(n)' });
    expect(cookbook.verified).toBe(false);
    expect(cookbook.diagnosis!.findings.map((f) => f.sentence).join()).toContain("Matrix Cookbook's G + Gᵀ − G∘I");
  });
  it('a non-symmetric matrix treated as symmetric, and a missing term, named in input syntax', () => {
    const decl = 'X: n x m; A: n x n';
    const o = verifyClaim({ decl, f: "tr(X'*A*X)", wrt: 'X', claim: '2*A*X' });
    expect(o.diagnosis!.findings.map((f) => f.sentence)).toEqual([
      "symmetrisation: the claim treats A as symmetric: it is the true gradient with A' written as A; unless A is declared symmetric, both A and A' appear",
      "missing transpose: the claim has `A` where the truth has `A'`",
    ]);
    const missing = verifyClaim({ decl, f: "tr(X'*A*X)", wrt: 'X', claim: 'A*X' });
    expect(missing.diagnosis!.findings.map((f) => f.sentence)).toEqual(["missing term: the claim is the true gradient without the term `A'*X`"]);
    expect(verifyNet("W2'*W2*W1*X*X'").diagnosis!.findings.map((f) => f.sentence)).toEqual([
      "missing term: the claim is the true gradient without the term `-W2'*Y*X'`",
    ]);
  });
  it('a constant factor is fitted and named', () => {
    expect(verifyNet("2*W2'*(W2*W1*X - Y)*X'").diagnosis!.findings.map((f) => f.sentence)).toEqual([
      'factor: the claim is 2 times the true gradient',
    ]);
    expect(verifyNet("W2'*(Y - W2*W1*X)*X'").diagnosis!.findings[0].kinds).toEqual(['sign']);
    expect(verifyNet("0.37*W2'*(W2*W1*X - Y)*X'").diagnosis!.findings[0].sentence).toContain('0.37 times the true gradient');
  });
  it("entrywise functions: σ′ left out, or σ written for σ′ (the chain rule)", () => {
    const net = { decl: NET, f: '0.5*norm(W2*sigma(W1*X) - Y)^2', wrt: 'W1' };
    expect(verifyClaim({ ...net, claim: "W2'*(W2*sigma(W1*X) - Y)*X'" }).diagnosis!.findings.map((f) => f.sentence)).toEqual([
      "chain rule: the claim lacks the entrywise factor `dsigma(W1*X)` (in `(W2'*(W2*sigma(W1*X) - Y)) .* dsigma(W1*X)`)",
    ]);
    const glm = { decl: 'A: n x d; w: d; y: n', f: '0.5/n*norm(y - sigma(A*w))^2', wrt: 'w' };
    expect(verifyClaim({ ...glm, claim: "1/n*A'*((sigma(A*w) - y) .* sigma(A*w))" }).diagnosis!.findings[0].sentence).toBe(
      'function for its derivative: the claim has `sigma(A*w)` where its derivative `dsigma(A*w)` belongs',
    );
  });
  it('the counterexample: smallest sizes, integer entries in −2..2, claimed and true values that differ', () => {
    const o = verifyClaim({ decl: 'A: n x n; X: n x n', f: 'tr(A*X)', wrt: 'X', claim: 'A' });
    const c = o.counterexample!;
    expect(c.sizes).toEqual({ n: 2 }); // at n = 1 a transpose changes nothing
    for (const v of c.inputs.values()) for (const x of v.data) expect(Number.isInteger(x) && x >= -2 && x <= 2).toBe(true);
    expect(c.claimed.data).not.toEqual(c.truth.data);
    for (let i = 0; i < c.truth.data.length; i++) expect(c.differences.data[i]).toBeCloseTo(c.truth.data[i], 6);
  });
});

describe('the slips of issue #18, named', () => {
  const first = (o: ReturnType<typeof verifyClaim>) => o.diagnosis!.findings[0];
  it('a missing commutation matrix (the CLI command), with the claim corrected in its notation', () => {
    const r = run('verify', '--decl', 'A: p x n; X: m x n; B: m x q', '--f', "A*X'*B", '--wrt', 'X', '--kind', 'jacobian', '--claim', "kron(B, A')", '--format', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.diagnosis).toEqual([
      {
        kinds: ['missing-commutation'],
        slips: 1,
        sentence: "missing commutation matrix: the claim has `kron(B, A')` where `commutation(n, m)*kron(B, A')` belongs (K_{mn} vec(A) = vec(Aᵀ) for A m×n)",
        corrected: "commutation(n, m)*kron(B, A')",
      },
    ]);
  });
  it('an extra commutation matrix, and K_{mn} for K_{nm}', () => {
    const axtb = { decl: 'A: p x n; X: m x n; B: m x q', f: "A*X'*B", wrt: 'X' };
    expect(first(verifyClaim({ ...axtb, claim: "commutation(m, n)*kron(B, A')" })).kinds).toEqual(['commutation-swap']);
    const axb = { decl: 'A: p x m; X: m x n; B: n x q', f: 'A*X*B', wrt: 'X' };
    expect(first(verifyClaim({ ...axb, claim: "commutation(m, n)*kron(B, A')" })).kinds).toEqual(['extra-commutation']);
  });
  it('a Hadamard product written as a matrix product (ill-typed), and the reverse', () => {
    const o = verifyClaim({ decl: 'M: m x n; X: m x n; Y: m x n', f: '0.5*norm(M .* X - Y)^2', wrt: 'X', claim: 'M*(M .* X - Y)' });
    expect(first(o).kinds).toEqual(['product-for-hadamard']);
    expect(toText(first(o).corrected!)).toBe('M .* (M .* X - Y)');
    const back = verifyClaim({ decl: 'A, B, X: n x n', f: 'tr(A*B*X)', wrt: 'X', claim: "B' .* A'" });
    expect(first(back).kinds).toEqual(['hadamard-for-product']);
  });
  it("a claim's negative term with the wrong sign is corrected to a plus, not to a double minus", () => {
    const o = verifyClaim({ decl: 'c: n; x: n; A: k x n; b: k', f: "c'*x - sum(log(b - A*x))", wrt: 'x', claim: "c - A'*((b - A*x).^(-1))" });
    expect(first(o).kinds).toEqual(['sign']);
    expect(toText(first(o).corrected!)).toBe("c + A'*(b - A*x).^(-1)");
  });
  it('factors in the wrong order in an ill-typed claim, and an outer product the wrong way round', () => {
    const o = verifyClaim({ decl: 'X: n x m; A: m x m', f: "tr(X*A*X')", wrt: 'X', claim: "(A + A')*X" });
    expect(first(o).sentence).toBe("factors in the wrong order: with `X*(A + A')` for `(A + A')*X` the claim is well-typed and right");
    const outer = verifyClaim({ decl: 'A: p x m; B: m x n; u: p; v: n', f: "u'*A*B*v", wrt: 'A', claim: "v*u'*B'" });
    expect(first(outer).sentence).toContain('outer product the wrong way round');
    expect(toText(first(outer).corrected!)).toBe("u*v'*B'");
  });
  it("an activation written for its derivative (tanh for 1 − tanh²), and σ′ dropped without a spurious 'missing term'", () => {
    const net = { decl: 'W: m x n; x: n; y: m', f: '0.5*norm(tanh(W*x) - y)^2', wrt: 'W' };
    const o = verifyClaim({ ...net, claim: "((tanh(W*x) - y) .* tanh(W*x))*x'" });
    expect(o.diagnosis!.findings.map((f) => f.kinds)).toEqual([['function-for-derivative']]);
    const dropped = verifyClaim({ ...net, claim: "(tanh(W*x) - y)*x'" });
    expect(dropped.diagnosis!.findings.map((f) => f.kinds)).toEqual([['chain-rule']]);
  });
  it("a transpose dropped on data is not also 'treats X as symmetric'; a quadratic form's A written for A' is", () => {
    const data = verifyClaim({ decl: 'W, X, Y: n x n', f: '0.5*norm(W*X - Y)^2', wrt: 'W', claim: '(W*X - Y)*X' });
    expect(data.diagnosis!.findings.map((f) => f.kinds)).toEqual([['dropped-transpose']]);
    const quad = verifyClaim({ decl: 'X: n x m; A: n x n', f: "tr(X'*A*X)", wrt: 'X', claim: '2*A*X' });
    expect(quad.diagnosis!.findings.map((f) => f.kinds)).toEqual([['symmetrisation'], ['dropped-transpose']]);
  });
  it('a Hessian form with a term dropped or its sign flipped', () => {
    const form = { decl: "X: n x r; M: n x n symmetric", f: "0.5*norm(X*X' - M)^2", wrt: 'X', kind: 'hessian-form' };
    const dropped = verifyClaim({ ...form, claim: "norm(X*dX' + dX*X')^2" });
    expect(first(dropped).sentence).toBe("missing term: the claim is ∇²f[dX, dX] without the term `2*inner(X*X' - M, dX*dX')`");
    const flipped = verifyClaim({ ...form, claim: "norm(X*dX' + dX*X')^2 - 2*inner(X*X' - M, dX*dX')" });
    expect(first(flipped).kinds).toEqual(['sign']);
  });
  it('two slips found in one search step, and said to be two', () => {
    const axb = { decl: 'A: p x m; X: m x n; B: n x q', f: 'A*X*B', wrt: 'X' };
    expect(verifyClaim({ ...axb, claim: "kron(A', B')" }).diagnosis!.findings.map((f) => f.sentence)).toEqual([
      "two slips: Kronecker factors swapped: the claim has `kron(A', B')` where `kron(B', A')` belongs (vec(AXB) = kron(B', A) vec(X)); and transpose too many: the claim has `B'` where the truth has `B`",
    ]);
    expect(first(verifyClaim({ ...axb, claim: "2*kron(A', B)" })).kinds).toEqual(['kron-swap', 'factor']);
    const o = verifyNet("2*W2*(W2*W1*X - Y)*X'");
    expect(first(o).slips).toBe(2);
    expect(first(o).sentence).toBe(
      "two slips: missing transpose: with `W2'` for `W2` (column 3) the claim is well-typed (2*W2'*(W2*W1*X - Y)*X'); and then factor: the claim is 2 times the true gradient",
    );
  });
  it('a step with swapped Kronecker factors is named on its line', () => {
    const r = checkDocument(parseDocument("decl: A: m x n; B: p x q\nproof: kron(B', A)'\n  = kron(A', B)\n", 'kron.matcalc'));
    const line = r.results[0].kind === 'proof' ? r.results[0].lines[1] : undefined;
    expect(line!.line).toBe(3);
    expect(line!.findings).toEqual(["Kronecker factors swapped: the line has `kron(A', B)` where `kron(B, A')` belongs (vec(AXB) = kron(B', A) vec(X))"]);
  });
});
