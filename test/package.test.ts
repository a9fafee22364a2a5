// The package as a user gets it: `npm pack`, installed into a fresh project, imported from an .mjs file
// and type-checked from strict TypeScript with moduleResolution nodenext. Needs the build (npm test runs it).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let project = '';
let files: string[] = [];

beforeAll(() => {
  const packed = mkdtempSync(join(tmpdir(), 'matcalc-pack-'));
  // the build is there already (npm test builds first): no prepare script again
  const out = JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packed], ROOT));
  files = out[0].files.map((f: { path: string }) => f.path);
  const tarball = join(packed, readdirSync(packed).find((f) => f.endsWith('.tgz'))!);
  project = mkdtempSync(join(tmpdir(), 'matcalc-user-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', version: '1.0.0', private: true, type: 'module' }));
  sh('npm', ['install', '--prefer-offline', '--no-package-lock', tarball], project);
}, 180_000);

describe('the packed package', () => {
  it('holds the bundle, the declarations and the rules, not the sources or the tests', () => {
    expect(files).toContain('dist/bundle/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('rules/calculus.rules');
    expect(files).toContain('bin/matcalc.js');
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('imports from an .mjs file: derive, verify, checkDocuments, codegen, render', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { derive, verify, checkDocuments, codegen, render, MatcalcError } from 'matcalc';
const g = derive({ f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: 'X' });
const v = verify({ f: '0.5*norm(A*x - b)^2', decl: 'A: m x n; x: n; b: m', wrt: 'x', claim: "A'*(A*x - b)" });
const d = checkDocuments({ documents: [{ name: 'mine', text: 'title: t\\ndecl: x: n\\nclaim: x\\'*x = sum(x .* x)\\n' }] });
const c = codegen({ f: '0.5*norm(A*x - b)^2', decl: 'A: m x n; x: n; b: m', wrt: 'x', target: 'ts' });
const r = render({ f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', format: 'latex' });
let error;
try { derive({ f: 'tr(W1', decl: 'W1: h x h' }); } catch (e) { error = e; }
console.log(JSON.stringify({ gradient: g.results[0].text, passed: g.check.passed, verdict: v.verdict, documents: d.verified + '/' + d.total,
  code: c.code.includes('export function gradient'), tex: r.content.includes('\\\\begin{document}'), error: error instanceof MatcalcError && error.toJSON().errors[0].position }));
`,
    );
    const r = JSON.parse(sh(process.execPath, ['use.mjs'], project));
    expect(r).toEqual({ gradient: "(A + A')*X", passed: true, verdict: 'VERIFIED', documents: '1/1', code: true, tex: true, error: { input: 'expression', column: 6, endColumn: 7 } });
  });

  it('runs its command line from node_modules/.bin', () => {
    const out = sh(join(project, 'node_modules/.bin/matcalc'), ['derive', "tr(X'*A*X)", '--decl', 'X: n x m; A: n x n', '--wrt', 'X'], project);
    expect(out).toContain("(A + A')*X");
    expect(out).toContain('check passed');
  });

  it('type-checks from strict TypeScript (module and moduleResolution nodenext), and rejects a wrong use', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [] }, files: ['use.ts'] }),
    );
    writeFileSync(
      join(project, 'use.ts'),
      `import { derive, verify, codegen, MatcalcError, type DeriveJson, type HessianJson, type FamilyHessianJson, type VerdictJson } from 'matcalc';
const g: DeriveJson = derive({ f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: ['X'], seed: 1 });
const text: string = g.results[0].text;
const verdict: VerdictJson | null = g.check;
const h: HessianJson | FamilyHessianJson = derive({ f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', hessian: true });
const v: 'VERIFIED' | 'FALSE' | 'UNCHECKED' = verify({ f: 'sum(x)', decl: 'x: n', wrt: 'x', claim: 'ones(n, 1)' }).verdict;
// @ts-expect-error the target is one of numpy, torch, ts
codegen({ f: 'sum(x)', decl: 'x: n', target: 'julia' });
// @ts-expect-error f is required
derive({ decl: 'x: n' });
const e: MatcalcError | undefined = undefined;
export { text, verdict, h, v, e };
`,
    );
    const r = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
