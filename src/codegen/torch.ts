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
  helpers: {
    commutation: `def _commutation(m, n):
    """K_mn: vec(A') = K vec(A) for A m x n."""
    K = torch.zeros(m * n, m * n, dtype=torch.float64)
    i, j = torch.meshgrid(torch.arange(m), torch.arange(n), indexing='ij')
    K[(i * n + j).reshape(-1), (j * m + i).reshape(-1)] = 1
    return K`,
  },
});
