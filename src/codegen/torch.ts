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
  helpers: {
    commutation: `def _commutation(m, n):
    """K_mn: vec(A') = K vec(A) for A m x n."""
    K = torch.zeros(m * n, m * n, dtype=torch.float64)
    i, j = torch.meshgrid(torch.arange(m), torch.arange(n), indexing='ij')
    K[(i * n + j).reshape(-1), (j * m + i).reshape(-1)] = 1
    return K`,
  },
});
