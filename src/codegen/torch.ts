// The PyTorch target: the NumPy module's API over float64 tensors (value returns a 0-d tensor for a
// scalar function, gradient a dict of tensors). Operators' spellings are their `emit.torch` hooks.
import { pythonModule } from './python.js';

export const torchModule = pythonModule({
  target: 'torch',
  lib: 'torch',
  import: 'import torch',
  asarray: (x) => `torch.as_tensor(${x}, dtype=torch.float64)`,
  count: (x) => `${x}.numel()`,
  scalar: (x) => `torch.as_tensor(${x}, dtype=torch.float64).reshape(())`,
  blocks: `def _blocks(rows):
    """The full Hessian from the rows of its blocks (a scalar block is 1 x 1)."""
    return torch.cat([torch.cat([torch.atleast_2d(torch.as_tensor(b, dtype=torch.float64)) for b in row], 1) for row in rows], 0)`,
  helpers: {},
});
