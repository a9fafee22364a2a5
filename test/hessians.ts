// The Hessian battery: derived by the engine and checked numerically (H·V and the HVP expressions
// against differences of the gradient, ∇²f[V,V] against second differences of f, symmetry, entries).
export interface HessianCase {
  readonly name: string;
  readonly f: string;
  readonly decl: string;
  readonly wrt: readonly string[];
  readonly at?: readonly string[];
  readonly assume?: readonly string[];
}

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';

export const HESSIANS: readonly HessianCase[] = [
  { name: "tr(X' A X)", f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: ['X'] },
  { name: "x' A x", f: "x'*A*x", decl: 'x: n; A: n x n', wrt: ['x'] },
  { name: '||A x - b||^2', f: 'norm(A*x - b)^2', decl: 'A: m x n; x: n; b: m', wrt: ['x'] },
  { name: 'two-layer linear, both layers', f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'two-layer linear at zero loss', f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'], at: ['Y = W2*W1*X'] },
  { name: 'three-layer linear at zero loss', f: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1, W2, W3: d x d; X, Y: d x n', wrt: ['W1', 'W2', 'W3'], assume: ['W3*W2*W1*X - Y = 0'] },
  { name: 'three-layer linear, general point', f: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1, W2, W3: d x d; X, Y: d x n', wrt: ['W1', 'W2', 'W3'] },
  { name: 'one hidden layer at zero loss', f: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: 'W1, W2: d x d; X, Y: d x n', wrt: ['W1', 'W2'], at: ['Y = W2*sigma(W1*X)'] },
  { name: 'one hidden layer, general point', f: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'Zhu et al. regularised loss', f: "0.5*norm(W2*W1*X - Y)^2 + mu/4*norm(W2'*W2 - W1*X*X'*W1')^2", decl: 'W1: d1 x d0; W2: d2 x d1; X: d0 x N; Y: d2 x N; mu: scalar', wrt: ['W1', 'W2'] },
  { name: 'logdet, spd', f: 'logdet(X)', decl: 'X: n x n spd', wrt: ['X'] },
  { name: 'logdet, general', f: 'logdet(X)', decl: 'X: n x n', wrt: ['X'] },
  { name: 'tr(inv(X) A)', f: 'tr(inv(X)*A)', decl: 'X: n x n; A: n x n', wrt: ['X'] },
  { name: 'det(X)', f: 'det(X)', decl: 'X: n x n', wrt: ['X'] },
  { name: 'PCA rank one', f: "0.5*norm(M - x*x')^2", decl: 'M: d x d symmetric; x: d', wrt: ['x'] },
  { name: 'matrix factorisation', f: "0.5*norm(U*V' - M)^2", decl: 'U: m x r; V: n x r; M: m x n', wrt: ['U', 'V'] },
  { name: 'balanced factorisation', f: "0.5*norm(U*V' - M)^2 + 1/8*norm(U'*U - V'*V)^2", decl: 'U: m x r; V: n x r; M: m x n', wrt: ['U', 'V'] },
  { name: 'GLM empirical risk', f: '0.5/n*norm(y - sigma(A*w))^2', decl: 'A: n x d; w: d; y: n', wrt: ['w'] },
  { name: 'logistic-type loss', f: 'sum(softplus(A*w)) - y\'*A*w', decl: 'A: n x d; w: d; y: n', wrt: ['w'] },
  { name: 'sum(exp(A x))', f: 'sum(exp(A*x))', decl: 'A: m x n; x: n', wrt: ['x'] },
  { name: 'tanh layer', f: 'sum(tanh(W*x))', decl: 'W: m x n; x: n', wrt: ['W'] },
  { name: 'Rayleigh quotient', f: "(x'*A*x)/(x'*x)", decl: 'x: n; A: n x n symmetric', wrt: ['x'] },
  { name: 'norm (not squared)', f: 'norm(A*x - b)', decl: 'A: m x n; x: n; b: m', wrt: ['x'] },
  { name: 'trace of a cube', f: 'tr(X^3)', decl: 'X: n x n', wrt: ['X'] },
  { name: 'quartic', f: "norm(X'*X)^2", decl: 'X: m x n', wrt: ['X'] },
  { name: 'Hadamard square', f: 'sum((X .* X) .* A)', decl: 'X: m x n; A: m x n', wrt: ['X'] },
  { name: 'kron trace', f: 'tr(kron(X, X))', decl: 'X: n x n', wrt: ['X'] },
  { name: 'sin of a product', f: 'sum(sin(A*X*B))', decl: 'A: p x m; X: m x n; B: n x q', wrt: ['X'] },
  { name: 'mixed variables x and A', f: "x'*A*x", decl: 'x: n; A: n x n', wrt: ['x', 'A'] },
  { name: 'symmetric variable, tr(S^2)', f: 'tr(S*S)', decl: 'S: n x n symmetric', wrt: ['S'] },
  { name: 'log barrier', f: 'sum(log(x)) + logdet(P)', decl: 'x: n; P: n x n spd', wrt: ['x', 'P'] },
];
