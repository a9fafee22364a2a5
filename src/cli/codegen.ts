// matcalc codegen: a NumPy, PyTorch or TypeScript module for f, its gradients and its Hessian.
import { runCodegen } from '../app/codegen.js';
import { fail } from './report.js';
import { codegenJson } from '../api/json.js';

export function codegen(expr: string, o: Record<string, any>): void {
  const out = runCodegen({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, target: o.target, sizes: o.sizes, check: o.check, seed: o.seed });
  const v = out.derived.verdict;
  if (v && !v.passed) {
    fail(1, 'check', `the derived gradient failed its numerical check (max relative error ${v.maxError.toExponential(2)}); no code written`);
    return;
  }
  process.stdout.write(o.format === 'json' ? JSON.stringify(codegenJson(out), null, 2) + '\n' : out.code);
}
