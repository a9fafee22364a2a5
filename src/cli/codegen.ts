// matcalc codegen: a NumPy, PyTorch or TypeScript module for f, its gradients and its Hessian.
// Unless --no-check, runCodegen throws a CheckError (exit 1, nothing written) when a check does not hold.
import { runCodegen } from '../app/codegen.js';
import { codegenJson } from '../api/json.js';

export function codegen(expr: string, o: Record<string, any>): void {
  const out = runCodegen({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, target: o.target, sizes: o.sizes, check: o.check, seed: o.seed });
  process.stdout.write(o.format === 'json' ? JSON.stringify(codegenJson(out), null, 2) + '\n' : out.code);
}
