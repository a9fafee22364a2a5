// Code generation: a derived function and its gradients as a NumPy, PyTorch or TypeScript module.
// Pipeline: lower.ts (products re-associated, common subexpressions shared) → emit.ts (straight-line
// code, each operator emitting itself through its `emit` hook in src/ops/) → the target's module
// layout (python.ts with numpy.ts / torch.ts, ts.ts).
import { InputError } from '../expr/errors.js';
import type { Target } from '../ops/registry.js';
import type { ModuleSpec, TargetModule } from './module.js';
import { numpyModule } from './numpy.js';
import { torchModule } from './torch.js';
import { tsModule } from './ts.js';

export type { Target };
export type { ModuleSpec };

export const TARGETS: Readonly<Record<Target, { readonly module: TargetModule; readonly conventions: readonly string[] }>> = {
  numpy: {
    module: numpyModule,
    conventions: [
      'float64 arrays; a vector x: n is an (n, 1) column (a 1-D array is accepted, and its gradient comes back 1-D);',
      "a scalar is a float; vec stacks columns: vec(A) = A.reshape(-1, 1, order='F'), vec(AXB) = kron(B', A) vec(X);",
    ],
  },
  torch: {
    module: torchModule,
    conventions: [
      'float64 tensors; a vector x: n is an (n, 1) column (a 1-D tensor is accepted, and its gradient comes back 1-D);',
      'a scalar is a 0-d tensor; vec stacks columns: vec(A) = A.T.reshape(-1, 1), vec(AXB) = kron(B\', A) vec(X);',
    ],
  },
  ts: {
    module: tsModule,
    conventions: [
      'Matrix = { rows, cols, data: Float64Array } in column-major order (entry (i, j) is data[j * rows + i]);',
      'a vector x: n is n x 1 (a Float64Array is accepted); a scalar is a number; vec(A) is A.data as a column.',
    ],
  },
};

export function isTarget(t: string): t is Target {
  return Object.hasOwn(TARGETS, t);
}

export function checkTarget(t: string): Target {
  if (!isTarget(t)) throw new InputError(`unknown target "${t}": --target is one of ${Object.keys(TARGETS).join(', ')}`);
  return t;
}

export function generate(spec: ModuleSpec): string {
  return TARGETS[spec.target].module(spec);
}
