// The gradient battery: each case is derived by the engine and checked against finite differences in
// test/gradients.test.ts, and timed against SymPy by `npm run bench`. `expect` (optional) pins the
// printed form where the form itself matters (the way a paper writes it).
export interface GradientCase {
  readonly name: string;
  readonly f: string;
  readonly decl: string;
  readonly wrt: readonly string[];
  readonly expect?: Readonly<Record<string, string>>;
}

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';

export const GRADIENTS: readonly GradientCase[] = [
  // traces
  { name: 'tr(A X)', f: 'tr(A*X)', decl: 'A: m x n; X: n x m', wrt: ['X'], expect: { X: "A'" } },
  { name: "tr(X' A X)", f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: ['X'], expect: { X: "(A + A')*X" } },
  { name: "tr(X' S X), S symmetric", f: "tr(X'*S*X)", decl: 'X: n x m; S: n x n symmetric', wrt: ['X'], expect: { X: '2*S*X' } },
  { name: 'tr(A X B)', f: 'tr(A*X*B)', decl: 'A: p x m; X: m x n; B: n x p', wrt: ['X'], expect: { X: "A'*B'" } },
  { name: 'tr(X^3)', f: 'tr(X^3)', decl: 'X: n x n', wrt: ['X'] },
  { name: "tr(X X')", f: "tr(X*X')", decl: 'X: m x n', wrt: ['X'], expect: { X: '2*X' } },
  { name: 'tr(A X B X)', f: 'tr(A*X*B*X)', decl: 'A: n x m; X: m x n; B: n x m', wrt: ['X'] },
  { name: "tr(B X X' B')", f: "tr(B*X*X'*B')", decl: 'B: p x m; X: m x n', wrt: ['X'] },
  // inverses, determinants
  { name: 'tr(inv(X) A)', f: 'tr(inv(X)*A)', decl: 'X: n x n; A: n x n', wrt: ['X'], expect: { X: "-inv(X')*A'*inv(X')" } },
  { name: "a' inv(X) b", f: "a'*inv(X)*b", decl: 'X: n x n; a: n; b: n', wrt: ['X'], expect: { X: "-inv(X')*a*b'*inv(X')" } },
  { name: 'det(X)', f: 'det(X)', decl: 'X: n x n', wrt: ['X'], expect: { X: "det(X)*inv(X')" } },
  { name: 'logdet(X)', f: 'logdet(X)', decl: 'X: n x n', wrt: ['X'], expect: { X: "inv(X')" } },
  { name: 'logdet(X), X spd', f: 'logdet(X)', decl: 'X: n x n spd', wrt: ['X'], expect: { X: 'inv(X)' } },
  { name: "logdet(X' A X + I)", f: "logdet(X'*A*X + eye(m))", decl: 'X: n x m; A: n x n spd', wrt: ['X'] },
  { name: 'det(A X B)', f: 'det(A*X*B)', decl: 'A: n x n; X: n x n; B: n x n', wrt: ['X'] },
  { name: 'tr(inv(S) A), S spd', f: 'tr(inv(S)*A)', decl: 'S: n x n spd; A: n x n', wrt: ['S'] },
  { name: 'det(X)^2', f: 'det(X)^2', decl: 'X: n x n', wrt: ['X'] },
  { name: 'logdet(I + X X\')', f: "logdet(eye(m) + X*X')", decl: 'X: m x n', wrt: ['X'] },
  // linear and quadratic forms
  { name: "a' x", f: "a'*x", decl: 'a: n; x: n', wrt: ['x'], expect: { x: 'a' } },
  { name: "x' A x", f: "x'*A*x", decl: 'x: n; A: n x n', wrt: ['x'], expect: { x: "(A + A')*x" } },
  { name: "x' S x, S symmetric", f: "x'*S*x", decl: 'x: n; S: n x n symmetric', wrt: ['x'], expect: { x: '2*S*x' } },
  { name: "a' X b", f: "a'*X*b", decl: 'a: m; X: m x n; b: n', wrt: ['X'], expect: { X: "a*b'" } },
  { name: "a' X' X b", f: "a'*X'*X*b", decl: 'a: n; X: m x n; b: n', wrt: ['X'] },
  { name: "(A x + b)' C (D x + e)", f: "(A*x + b)'*C*(D*x + e)", decl: 'A: p x n; b: p; C: p x q; D: q x n; e: q; x: n', wrt: ['x'] },
  { name: "x' A x / x' x (Rayleigh)", f: "(x'*A*x)/(x'*x)", decl: 'x: n; A: n x n symmetric', wrt: ['x'] },
  // norms
  { name: '||A x - b||^2', f: 'norm(A*x - b)^2', decl: 'A: m x n; x: n; b: m', wrt: ['x'], expect: { x: "2*A'*(A*x - b)" } },
  { name: '||x||', f: 'norm(x)', decl: 'x: n', wrt: ['x'], expect: { x: 'x/norm(x)' } },
  { name: '||X||_F^2', f: 'norm(X)^2', decl: 'X: m x n', wrt: ['X'], expect: { X: '2*X' } },
  { name: '||A X B - C||_F', f: 'norm(A*X*B - C)', decl: 'A: p x m; X: m x n; B: n x q; C: p x q', wrt: ['X'] },
  { name: 'deep linear, 2 layers', f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'], expect: { W1: "W2'*E*X'", W2: "E*X'*W1'" } },
  { name: 'deep linear, 3 layers', f: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1, W2, W3: d x d; X, Y: d x n', wrt: ['W1', 'W2', 'W3'] },
  { name: 'ridge', f: 'norm(X*w - y)^2 + a*norm(w)^2', decl: 'X: n x d; w: d; y: n; a: scalar', wrt: ['w'] },
  { name: 'matrix factorisation', f: "0.5*norm(U*V' - M)^2", decl: 'U: m x r; V: n x r; M: m x n', wrt: ['U', 'V'], expect: { U: 'E*V', V: "E'*U" } },
  { name: 'Zhu et al. regularised loss', f: "0.5*norm(W2*W1*X - Y)^2 + mu/4*norm(W2'*W2 - W1*X*X'*W1')^2", decl: 'W1: d1 x d0; W2: d2 x d1; X: d0 x N; Y: d2 x N; mu: scalar', wrt: ['W1', 'W2'] },
  { name: 'PCA rank one', f: "0.5*norm(M - x*x')^2", decl: 'M: d x d symmetric; x: d', wrt: ['x'], expect: { x: "-2*(M - x*x')*x" } },
  { name: 'scalar variable a', f: 'a^2*tr(A) + exp(a)', decl: 'a: scalar; A: n x n', wrt: ['a'] },
  // Hadamard and entrywise functions
  { name: 'sum(X .* A)', f: 'sum(X .* A)', decl: 'X: m x n; A: m x n', wrt: ['X'], expect: { X: 'A' } },
  { name: 'sum(X .^ 3)', f: 'sum(X .^ 3)', decl: 'X: m x n', wrt: ['X'], expect: { X: '3*X.^2' } },
  { name: '||X .* A||^2', f: 'norm(X .* A)^2', decl: 'X: m x n; A: m x n', wrt: ['X'] },
  { name: 'sum(exp(A x))', f: 'sum(exp(A*x))', decl: 'A: m x n; x: n', wrt: ['x', 'A'], expect: { x: "A'*exp(A*x)" } },
  { name: 'sum(log(X)) (positive domain)', f: 'sum(log(X))', decl: 'X: m x n', wrt: ['X'], expect: { X: 'X.^(-1)' } },
  { name: 'sum(sin(X) .* cos(X))', f: 'sum(sin(X) .* cos(X))', decl: 'X: m x n', wrt: ['X'] },
  { name: 'tanh layer', f: "sum(tanh(W*x))", decl: 'W: m x n; x: n', wrt: ['W'] },
  { name: 'sigmoid regression', f: "0.5*norm(sigmoid(X*w) - y)^2", decl: 'X: n x d; w: d; y: n', wrt: ['w'] },
  { name: 'softplus loss', f: 'sum(softplus(X*w))', decl: 'X: n x d; w: d', wrt: ['w'] },
  { name: 'relu network (away from kinks)', f: '0.5*norm(W2*relu(W1*X) - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'leaky relu network', f: '0.5*norm(W2*lrelu(W1*X, 0.1) - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'one hidden layer, generic sigma', f: '0.5*norm(W2*sigma(W1*X) - Y)^2', decl: NET, wrt: ['W1', 'W2'], expect: { W2: "E*sigma(W1*X)'" } },
  { name: 'sum(abs(X)) (away from 0)', f: 'sum(abs(X))', decl: 'X: m x n', wrt: ['X'], expect: { X: 'sign(X)' } },
  { name: 'sum(sqrt(X)) (positive domain)', f: 'sum(sqrt(X))', decl: 'X: m x n', wrt: ['X'] },
  { name: 'X ./ A', f: 'sum(X ./ A)', decl: 'X: m x n; A: m x n', wrt: ['X', 'A'] },
  { name: 'sum(dsigma(X))', f: 'sum(dsigma(X) .* X)', decl: 'X: m x n', wrt: ['X'] },
  // Kronecker, vec, diag
  { name: 'tr(kron(A, X))', f: 'tr(kron(A, X))', decl: 'A: m x m; X: n x n', wrt: ['X', 'A'], expect: { X: 'tr(A)*eye(n)' } },
  { name: 'sum(kron(A, X))', f: 'sum(kron(A, X))', decl: 'A: p x q; X: m x n', wrt: ['X'] },
  { name: "vec(X)' a", f: "vec(X)'*a", decl: 'X: m x n; a: m*n', wrt: ['X'] },
  { name: "vec(X)' kron(B, A) vec(X)", f: "vec(X)'*kron(B, A)*vec(X)", decl: 'X: m x n; A: m x m; B: n x n', wrt: ['X'] },
  { name: "inner(kron(A, X), C)", f: 'inner(kron(A, X), C)', decl: 'A: p x q; X: m x n; C: p*m x q*n', wrt: ['X'] },
  { name: 'diag(X) sum', f: "a'*diag(X)", decl: 'X: n x n; a: n', wrt: ['X'] },
  { name: 'diag(x) quadratic', f: "b'*diag(x)*A*diag(x)*b", decl: 'x: n; A: n x n; b: n', wrt: ['x'] },
  { name: 'inner product', f: "inner(A, X*B)", decl: 'A: m x p; X: m x n; B: n x p', wrt: ['X'], expect: { X: "A*B'" } },
  { name: 'sum of entries', f: 'sum(A*X)', decl: 'A: m x n; X: n x p', wrt: ['X'] },
  { name: 'matrix power', f: 'tr(A*X^2)', decl: 'A: n x n; X: n x n', wrt: ['X'] },
  { name: 'quotient', f: "tr(X'*X)/tr(X'*B*X)", decl: 'X: n x m; B: n x n spd', wrt: ['X'] },
  { name: 'symmetric variable', f: 'tr(A*S) + x\'*S*x', decl: 'S: n x n symmetric; A: n x n; x: n', wrt: ['S'] },
  { name: 'GLM empirical risk', f: '0.5/n*norm(y - sigma(A*w))^2', decl: 'A: n x d; w: d; y: n', wrt: ['w'] },
];
