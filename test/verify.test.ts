// matcalc verify: the commands through the CLI, the verdict and diagnosis through the API, and the
// corpus of wrong claims (test/claims.ts): every one rejected, every correct version accepted, and the
// diagnosis names the mutation that made each wrong claim.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { verifyClaim, type VerifyInput } from '../src/verify/claim.js';
import { MISTAKES, type MistakeKind } from '../src/verify/diagnose.js';
import { readFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { corpus, type Mutation } from './claims.js';

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
      "missing transpose: the claim has `A` where the truth has `A'`",
      "symmetrisation: the claim treats A as symmetric: it is the true gradient with A' written as A; unless A is declared symmetric, both A and A' appear",
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

/** The diagnosis kinds that name each mutation (a transpose dropped from the whole claim is a layout mistake). */
const NAMES: Record<Mutation, readonly MistakeKind[]> = {
  'dropped-transpose': ['dropped-transpose', 'layout'],
  'swapped-factors': ['swapped-factors'],
  factor: ['factor'],
  sign: ['sign'],
  'missing-term': ['missing-term'],
  'extra-term': ['extra-term'],
  'kron-swap': ['kron-swap'],
};

describe('the claim corpus (test/claims.ts)', () => {
  const { correct, wrong } = corpus();
  it('has at least 100 wrong claims over at least 20 functions, of every mutation kind', () => {
    expect(wrong.length).toBeGreaterThanOrEqual(100);
    expect(new Set(wrong.map((w) => w.case.f)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(wrong.map((w) => w.mutation))).toEqual(new Set(Object.keys(NAMES)));
  });
  it(`accepts every correct claim (${correct.length})`, () => {
    const rejected = correct.filter((c) => !verifyClaim({ decl: c.case.decl, f: c.case.f, wrt: c.case.wrt, claim: c.claim, kind: c.case.kind }).verified);
    expect(rejected.map((c) => `${c.case.name}: ${c.claim}`)).toEqual([]);
  });
  it(`rejects every wrong claim (${wrong.length}) and names its mutation`, () => {
    const accepted: string[] = [];
    const unnamed: string[] = [];
    for (const w of wrong) {
      const o = verifyClaim({ decl: w.case.decl, f: w.case.f, wrt: w.case.wrt, claim: w.claim, kind: w.case.kind });
      const line = `${w.mutation} in ${w.case.name}: ${w.correct} → ${w.claim}`;
      if (o.verified) accepted.push(line);
      else if (!NAMES[w.mutation].some((k) => kindsOf(o).has(k))) unnamed.push(`${line} (diagnosed: ${[...kindsOf(o)].join(', ') || 'nothing'})`);
    }
    expect(accepted).toEqual([]);
    expect(unnamed).toEqual([]);
  });
});
