// The NumPy target: a module that imports only numpy (design.md's contract). Operators' spellings are
// their `emit.numpy` hooks; this file is the library's part of the module.
import { pythonModule } from './python.js';

export const numpyModule = pythonModule({
  target: 'numpy',
  lib: 'np',
  import: 'import numpy as np',
  asarray: (x) => `np.asarray(${x}, dtype=np.float64)`,
  count: (x) => `${x}.size`,
  scalar: (x) => `float(${x})`,
  blocks: `def _blocks(rows):
    """The full Hessian from the rows of its blocks (a scalar block is 1 x 1)."""
    return np.block([[np.atleast_2d(np.asarray(b, dtype=np.float64)) for b in row] for row in rows])`,
  helpers: {},
});
